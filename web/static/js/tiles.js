// Tiles: the figure first, in large type, with its interval, its sample, its change against the
// comparison window (and whether that change is beyond the noise), and the words that keep it
// from misleading (small sample, incomplete period, failed model check, not comparable).
import { el } from './dom.js';

// tile: {label, value (text), sub (text), delta: {text, dir: 1|-1|0, good}, flags: [text], onClick, id}
export function tile(ctx, o) {
  const d = o.delta;
  const kids = [
    el('div', { class: 'tile-label' }, o.label),
    el('div', { class: 'tile-value' }, o.value),
    o.sub ? el('div', { class: 'tile-sub' }, o.sub) : null,
    d ? el('div', { class: 'delta ' + (d.good == null ? 'neutral' : d.good ? 'good' : 'bad') }, (d.dir > 0 ? '▲ ' : d.dir < 0 ? '▼ ' : '') + d.text) : null,
    (o.flags || []).filter(Boolean).map(f => el('div', { class: 'flag' }, f)),
  ];
  const t = el(o.onClick ? 'button' : 'div', { class: 'tile' + (o.onClick ? ' click' : ''), type: o.onClick ? 'button' : null, dataset: o.id ? { tile: o.id } : null }, kids);
  if (o.onClick) t.addEventListener('click', o.onClick);
  return t;
}

export function tiles(...ts) { return el('div', { class: 'tiles' }, ts); }

// propDelta compares two proportions ({value, low, high, n}) by their 95% intervals' overlap
// turned into a two-proportion z-test; higherIsBetter orients the colour.
export function propDelta(ctx, a, b, higherIsBetter = true) {
  if (!a || !b || a.value == null || b.value == null) return null;
  const diff = (a.value - b.value) * 100;
  const p = (a.k + b.k) / (a.n + b.n);
  const se = Math.sqrt(p * (1 - p) * (1 / a.n + 1 / b.n));
  const z = se > 0 ? (a.value - b.value) / se : 0;
  const sig = Math.abs(z) > 1.96;
  return {
    dir: Math.sign(diff), good: sig ? (diff > 0) === higherIsBetter : null,
    text: ctx.t('%+.1f pp', diff) + ' ' + '· ' + (sig ? ctx.t('significant') : ctx.t('not significant')),
  };
}

// numDelta is the relative change of a count or amount (no sampling interval: compared by value).
export function numDelta(ctx, a, b, higherIsBetter = true) {
  if (a == null || b == null || !isFinite(a) || !isFinite(b) || b === 0) return null;
  const rel = (a - b) / Math.abs(b) * 100;
  if (Math.abs(rel) < 0.05) return { dir: 0, good: null, text: ctx.t('%+.1f%% vs comparison', 0) };
  return { dir: Math.sign(rel), good: (rel > 0) === higherIsBetter, text: ctx.t('%+.1f%% vs comparison', rel) };
}

// interval formats a proportion's 95% interval and sample: "95% CI 87.0–88.4%, n=7,957".
export function interval(ctx, p) {
  if (!p || p.low == null) return '';
  return ctx.t('95%% CI %s–%s, n=%d', ctx.i18n.num(p.low * 100, 1), ctx.i18n.pct(p.high), p.n);
}

// latest returns the last complete period's row and whether the last row was incomplete.
export function latest(rep) {
  const rows = rep.retention || [];
  if (!rows.length) return { row: null, prev: null };
  const i = rep.last_period_complete || rows.length < 2 ? rows.length - 1 : rows.length - 2;
  return { row: rows[i], prev: rows[i - 1] || null, skipped: i !== rows.length - 1 ? rows[rows.length - 1] : null };
}
