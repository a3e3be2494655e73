// The customer list behind a number: a dialog over the page, paginated by the API, with the
// CRM columns (id, attributes, last purchase, orders, revenue, P(alive), CLV) and a CSV export
// the server writes (every page, not just the one shown). The list id is in the URL, so a
// drilled-down view can be shared too.
import { el, clear } from './dom.js';
import { filters } from './state.js';

const perPage = 50;
let bound = null; // the app whose state the dialog's buttons change (one per page load)

// describe turns a list id into words, for the dialog's title when it came from the URL.
export function describe(t, id) {
  const [kind, ...rest] = id.split(':');
  // A list of one segment of the breakdown ends in :SEGMENT (retention_by rows, cohort matrices).
  const seg = (s, n) => rest.length > n ? t.t('%s, segment %s', s, rest.slice(n).join(':')) : s;
  const band = b => `${b * 10}–${b * 10 + 10}%`;
  switch (kind) {
    case 'cohort': return seg(t.t('Cohort %s, period %s', rest[0], rest[1]), 2);
    case 'lost': return seg(t.t('Lost customers, %s', rest[0]), 1);
    case 'active': return seg(t.t('Active customers, %s', rest[0]), 1);
    case 'new': return seg(t.t('New customers, %s', rest[0]), 1);
    case 'returning': return seg(t.t('Returning customers, %s', rest[0]), 1);
    case 'retained': return seg(t.t('Retained customers, %s', rest[0]), 1);
    case 'action': return t.t('Action: %s', rest.join(':'));
    case 'palive': return rest.length > 1
      ? t.t('P(alive) %s, %s repeat purchase days', band(+rest[0]), rest[1] === '7' ? '7+' : rest[1])
      : t.t('P(alive) band %s', band(+rest[0]));
    case 'segment': return t.t('Segment %s', rest.join(':'));
    case 'detractors': return rest.length ? t.t('Detractors mentioning %s', t.t(rest.join(':'))) : t.t('Detractors');
    case 'lapsed-members': return t.t('Lapsed members');
    case 'churn-risk': return t.t('Customers of the churn model');
    case 'all': return t.t('All customers');
  }
  return id;
}

export function closeList() {
  const d = document.getElementById('drill');
  if (d.open) d.close();
}

export async function openList(ctx, app, id, page, title) {
  const t = ctx.i18n;
  const d = document.getElementById('drill');
  if (bound !== app) {
    bound = app;
    document.getElementById('drill-close').addEventListener('click', () => d.close());
    d.addEventListener('close', () => { if (bound.state.list) bound.set({ list: '', lpage: 1 }); });
    document.getElementById('drill-prev').addEventListener('click', () => bound.set({ lpage: Math.max(1, bound.state.lpage - 1) }, true));
    document.getElementById('drill-next').addEventListener('click', () => bound.set({ lpage: bound.state.lpage + 1 }, true));
  }
  t.apply(d);
  document.getElementById('drill-close').setAttribute('aria-label', t.t('Close'));
  document.getElementById('drill-title').textContent = title || describe(t, id);
  const body = clear(document.getElementById('drill-body'));
  const sub = document.getElementById('drill-sub');
  sub.textContent = t.t('Loading…');
  delete d.dataset.loaded;
  if (!d.open) d.showModal();
  const q = filters(ctx.state);
  q.set('list', id);
  const csv = new URLSearchParams(q);
  csv.set('format', 'csv');
  document.getElementById('drill-csv').href = 'v1/customers?' + csv;
  q.set('page', String(page));
  q.set('per_page', String(perPage));
  let res;
  try {
    res = await app.fetchJSON('v1/customers?' + q);
  } catch (e) {
    sub.textContent = t.t('Could not load the customers: %s', e.message);
    d.dataset.loaded = 'error';
    return;
  }
  const total = res.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / (res.per_page || perPage)));
  sub.textContent = t.t('%d customer|%d customers', total);
  document.getElementById('drill-pages').textContent = t.t('Page %d of %d', res.page || page, pages);
  document.getElementById('drill-prev').disabled = page <= 1;
  document.getElementById('drill-next').disabled = page >= pages;
  const rows = res.customers || [];
  const attrs = [...new Set(rows.flatMap(r => Object.keys(r.attributes || {})))].sort();
  const cols = [
    { key: 'customer_id', label: t.t('Customer') },
    ...attrs.map(a => ({ attr: a, label: t.t(a.replaceAll('_', ' ')) })),
    { key: 'first_purchase', label: t.t('First purchase'), date: true },
    { key: 'last_purchase', label: t.t('Last purchase'), date: true },
    { key: 'orders', label: t.t('Orders'), num: 0 },
    { key: 'revenue', label: t.t('Revenue'), num: 2 },
    { key: 'p_alive', label: t.t('P(alive)'), pct: true },
    { key: 'clv', label: t.t('Predicted CLV'), num: 2 },
  ];
  const cell = (r, c) => {
    const v = c.attr ? (r.attributes || {})[c.attr] : r[c.key];
    if (c.date) return t.date(v);
    if (c.pct) return t.pct(v);
    if (c.num !== undefined) return t.num(v, c.num);
    return v ?? '';
  };
  body.append(el('div', { class: 'table-wrap' }, el('table', { 'aria-label': t.t('Customers') },
    el('thead', null, el('tr', null, cols.map(c => el('th', { scope: 'col', class: c.num !== undefined || c.pct ? 'num' : null }, c.label)))),
    el('tbody', null, rows.map(r => el('tr', null, cols.map(c => el('td', { class: c.num !== undefined || c.pct ? 'num' : null }, cell(r, c)))))))));
  d.dataset.loaded = id + '#' + page;
  d.dataset.total = String(total);
  if (res.model_note) body.append(el('p', { class: 'flag' }, t.t(res.model_note)));
  else if (rows.some(r => r.p_alive == null)) body.append(el('p', { class: 'muted' }, t.t('P(alive) and predicted CLV are empty where no purchase model passed the holdout check.')));
}
