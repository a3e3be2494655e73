// The dashboard's state and its URL: everything a view depends on is in the query string, so a
// view can be bookmarked and shared; unknown values fall back to defaults rather than failing.
import { languages } from './i18n.js';

export const pageIds = ['overview', 'retention', 'value', 'voice', 'referrals', 'actions'];
const grains = ['week', 'month', 'quarter', 'year'];

// readState parses a query string.
export function readState(search) {
  const q = new URLSearchParams(search);
  const date = v => /^\d{4}-\d{2}-\d{2}$/.test(v || '') ? v : '';
  return {
    page: pageIds.includes(q.get('page')) ? q.get('page') : 'overview',
    from: date(q.get('from')), to: date(q.get('to')),
    compare: ['previous', 'year'].includes(q.get('compare')) ? q.get('compare') : '',
    grain: grains.includes(q.get('grain')) ? q.get('grain') : 'month',
    by: /^[A-Za-z0-9_]{1,64}$/.test(q.get('by') || '') ? q.get('by') : '',
    seg: q.getAll('segment').filter(v => /^[A-Za-z0-9_]{1,64}=[^=]{1,100}$/.test(v)),
    lang: languages.includes(q.get('lang')) ? q.get('lang') : '',
    list: q.get('list') || '',
    lpage: Math.max(1, parseInt(q.get('lpage') || '1', 10) || 1),
  };
}

export function writeState(s) {
  const q = new URLSearchParams();
  if (s.page !== 'overview') q.set('page', s.page);
  for (const k of ['from', 'to', 'compare']) if (s[k]) q.set(k, s[k]);
  if (s.grain !== 'month') q.set('grain', s.grain);
  if (s.by) q.set('by', s.by);
  for (const v of s.seg) q.append('segment', v);
  if (s.lang) q.set('lang', s.lang);
  if (s.list) { q.set('list', s.list); if (s.lpage > 1) q.set('lpage', String(s.lpage)); }
  const str = q.toString();
  return str ? '?' + str : location.pathname;
}

// filters are the query parameters every analysis and customer list takes.
export function filters(s, range) {
  const q = new URLSearchParams();
  const from = range ? range.from : s.from, to = range ? range.to : s.to;
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  q.set('grain', s.grain);
  if (s.by) q.set('by', s.by);
  for (const v of s.seg) q.append('segment', v);
  return q;
}

const day = 86400000;
const iso = t => new Date(t).toISOString().slice(0, 10);

// compareRange is the window the current one is compared with: the window of the same length
// just before it, or the same dates a year earlier. Without dates, the data's own span is used.
export function compareRange(s, rep) {
  if (!s.compare) return null;
  const from = Date.parse(s.from || rep.first_order.slice(0, 10));
  const to = s.to ? Date.parse(s.to) : Date.parse(rep.last_order.slice(0, 10)) + day;
  if (s.compare === 'previous') return { from: iso(from - (to - from)), to: iso(from) };
  const back = t => { const d = new Date(t); d.setUTCFullYear(d.getUTCFullYear() - 1); return d.getTime(); };
  return { from: iso(back(from)), to: iso(back(to)) };
}


export function addDays(isoDay, n) { return iso(Date.parse(isoDay) + n * day); }
