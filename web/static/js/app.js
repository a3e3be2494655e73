// The dashboard: state lives in the URL (page, date range, comparison, grain, breakdown,
// language, an open customer list), so every view can be bookmarked and shared.
// Each change rewrites the URL and renders from the /v1 API's JSON, the same JSON as the CLI's
// --json; responses are kept per query for the session.
import { I18n } from './i18n.js';
import { readState, writeState, filters, compareRange, addDays } from './state.js';
import { el, clear } from './dom.js';
import { openList, closeList } from './drill.js';
import * as overview from './pages/overview.js';
import * as retention from './pages/retention.js';
import * as value from './pages/value.js';
import * as voice from './pages/voice.js';
import * as referrals from './pages/referrals.js';
import * as actions from './pages/actions.js';

const pages = [
  { id: 'overview', title: 'Overview', mod: overview },
  { id: 'retention', title: 'Retention', mod: retention },
  { id: 'value', title: 'Customer value', mod: value },
  { id: 'voice', title: 'Voice of the customer', mod: voice },
  { id: 'referrals', title: 'Referrals and programme', mod: referrals },
  { id: 'actions', title: 'Actions', mod: actions },
];
class App {
  constructor() {
    this.cache = new Map();
    this.charts = [];
    this.state = readState(location.search);
    this.seq = 0;
  }

  async start() {
    this.i18n = await I18n.load(this.state.lang || 'en');
    this.bindControls();
    this.loadDimensions();
    window.addEventListener('popstate', () => { this.state = readState(location.search); this.render(); });
    window.addEventListener('resize', () => this.charts.forEach(c => c.resize()));
    await this.render();
  }

  set(patch, replace) {
    this.state = { ...this.state, ...patch };
    const url = writeState(this.state);
    if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
    return this.render();
  }

  bindControls() {
    const f = document.getElementById('controls');
    f.addEventListener('change', ev => {
      const id = ev.target.id;
      if (['from', 'to', 'compare', 'grain', 'by'].includes(id)) this.set({ [id]: ev.target.value, list: '', lpage: 1 });
    });
    f.addEventListener('submit', ev => ev.preventDefault());
    document.getElementById('reset').addEventListener('click', () => this.set({ from: '', to: '', compare: '', seg: [], list: '', lpage: 1 }));
    const addSegment = () => {
      const attr = document.getElementById('seg-attr').value, value = document.getElementById('seg-value').value.trim();
      if (!attr || !value || value.includes('=')) return;
      const v = `${attr}=${value}`;
      document.getElementById('seg-value').value = '';
      if (!this.state.seg.includes(v)) this.set({ seg: [...this.state.seg, v], list: '', lpage: 1 });
    };
    document.getElementById('seg-add').addEventListener('click', addSegment);
    document.getElementById('seg-value').addEventListener('keydown', ev => { if (ev.key === 'Enter') { ev.preventDefault(); addSegment(); } });
    document.getElementById('lang').addEventListener('change', ev => this.set({ lang: ev.target.value }));
  }

  // loadDimensions fills the breakdown selector with the attributes the store has (the fixed
  // ones stay when the API cannot say).
  async loadDimensions() {
    let dims;
    try {
      const d = await this.fetchJSON('v1/dimensions');
      dims = Array.isArray(d) ? d : d.dimensions;
    } catch { return; }
    if (!Array.isArray(dims) || !dims.length) return;
    const sel = document.getElementById('by'), attr = document.getElementById('seg-attr');
    for (const o of [...sel.options]) if (o.value) o.remove();
    clear(attr);
    for (const dim of dims) {
      for (const s of [sel, attr]) s.append(el('option', { value: dim, dataset: { t: dim.replaceAll('_', ' ') } }, this.i18n.t(dim.replaceAll('_', ' '))));
    }
    sel.value = this.state.by;
  }

  syncControls() {
    const s = this.state;
    for (const id of ['from', 'to', 'compare', 'grain', 'by']) document.getElementById(id).value = s[id];
    document.getElementById('lang').value = this.i18n.lang;
    // The segment filter's conditions, each removable: only customers matching all of them count.
    const chips = clear(document.getElementById('segments'));
    for (const v of s.seg) {
      const [attr, value] = v.split('=');
      const x = el('button', { type: 'button', class: 'chip', title: this.i18n.t('Remove filter') }, `${this.i18n.t(attr.replaceAll('_', ' '))} = ${value} ×`);
      x.addEventListener('click', () => this.set({ seg: s.seg.filter(w => w !== v), list: '', lpage: 1 }));
      chips.append(x);
    }
    document.documentElement.lang = this.i18n.lang;
    this.i18n.apply(document);
    const nav = clear(document.getElementById('nav'));
    for (const p of pages) {
      const q = readState(location.search);
      q.page = p.id; q.list = ''; q.lpage = 1;
      const a = el('a', { href: writeState(q), 'aria-current': p.id === s.page ? 'page' : null, dataset: { page: p.id } }, this.i18n.t(p.title));
      a.addEventListener('click', ev => {
        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) return;
        ev.preventDefault();
        this.set({ page: p.id, list: '', lpage: 1 });
      });
      nav.append(a);
    }
  }

  // fetchJSON gets a /v1 resource once per query; a 401 sends the browser to the login page.
  async fetchJSON(path) {
    if (this.cache.has(path)) return this.cache.get(path);
    const p = (async () => {
      const r = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (r.status === 401) { location.assign('login'); throw new Error(this.i18n.t('Signed out: sign in again.')); }
      if (!r.ok) {
        let detail = r.statusText;
        try { const b = await r.json(); detail = b.detail || b.title || detail; } catch { /* not JSON */ }
        throw new Error(`${r.status}: ${detail}`);
      }
      return r.json();
    })();
    this.cache.set(path, p);
    p.catch(() => this.cache.delete(path));
    return p;
  }

  report(range) { return this.fetchJSON('v1/report?' + filters(this.state, range)); }

  async render() {
    const seq = ++this.seq;
    const s = this.state;
    if (this.i18n.lang !== (s.lang || 'en')) this.i18n = await I18n.load(s.lang || 'en');
    if (seq !== this.seq) return;
    this.syncControls();
    const t = this.i18n;
    const page = pages.find(p => p.id === s.page);
    document.title = `${t.t(page.title)} · Fidelis`;
    const status = document.getElementById('status');
    const main = document.getElementById('main');
    const slow = setTimeout(() => { status.textContent = t.t('Computing the analysis (the first time takes a while; later views come from the cache)…'); }, 400);
    main.setAttribute('aria-busy', 'true');
    let rep, cmp = null, err = null;
    try {
      rep = await this.report();
      const cr = compareRange(s, rep);
      if (cr) cmp = { range: cr, report: await this.report(cr) };
    } catch (e) {
      err = e;
    }
    clearTimeout(slow);
    if (seq !== this.seq) return;
    this.charts.forEach(c => c.dispose());
    this.charts = [];
    clear(main);
    main.removeAttribute('aria-busy');
    if (err) {
      status.textContent = '';
      main.append(el('p', { class: 'error', role: 'alert' }, t.t('Could not load the analysis: %s', err.message)));
      return;
    }
    status.textContent = '';
    status.append(span(s, rep, cmp, t));
    const ctx = {
      i18n: t, t: (k, ...a) => t.t(k, ...a), state: s, report: rep, compare: cmp, charts: this.charts,
      currency: rep.currency || '',
      openList: (list, title) => this.set({ list, lpage: 1, listTitle: title }),
    };
    page.mod.render(ctx, main);
    if (s.list) openList(ctx, this, s.list, s.lpage, s.listTitle);
    else closeList();
    // For tests and timing: which view is on screen, and how many renders happened.
    this.renders = (this.renders || 0) + 1;
    document.body.dataset.ready = s.page + ':' + t.lang;
    document.body.dataset.render = String(this.renders);
    performance.mark('fidelis-render-' + this.renders);
  }
}

// span says which data the page shows, and what the comparison is.
function span(s, rep, cmp, t) {
  const last = rep.last_period_complete ? '' : ' ' + t.t('The last period is incomplete: its figures are marked.');
  const head = s.from || s.to
    ? t.t('Window: %s to %s.', t.date(s.from || rep.first_order), s.to ? t.date(addDays(s.to, -1)) : t.date(rep.last_order))
    : t.t('Orders from %s to %s', t.date(rep.first_order), t.date(rep.last_order)) + '.';
  const parts = [head + last];
  if (cmp) parts.push(t.t('Compared with %s to %s.', t.date(cmp.range.from), t.date(addDays(cmp.range.to, -1))));
  return parts.join(' ');
}

if (typeof window !== 'undefined' && document.getElementById('main')) {
  const app = new App();
  app.start().catch(e => {
    document.getElementById('main').append(el('p', { class: 'error', role: 'alert' }, String(e.message || e)));
  });
}
