// Building blocks the pages share.
import { el } from '../dom.js';
import { lines } from '../charts.js';

export function section(ctx, title, ...children) {
  return el('section', { class: 'card' }, el('h2', null, title), children);
}

export function chartBox(id, tall) { return el('div', { class: 'chart' + (tall ? ' tall' : ''), id }); }

export function note(text) { return el('p', { class: 'note' }, text); }

export function modelTrusted(rep) {
  const m = rep.sections && rep.sections.models;
  return !!(m && m.gate && m.gate.passed);
}

// predictedCLV is the mean predicted 12-month CLV per customer; NaN when no model passed.
export function predictedCLV(rep) {
  const m = rep.sections && rep.sections.models;
  return modelTrusted(rep) && m.customers ? m.expected_value / m.customers : NaN;
}

// npsTrend draws NPS per period with its adjusted-Wald band.
export function npsTrend(ctx, box, rows) {
  const t = ctx.i18n;
  return lines(ctx, box, {
    periods: rows.map(r => r.period), fmt: v => t.num(v, 0, true),
    // NPS lies in [−100, +100]; the axis stops there even when a band's rounding would pass it.
    min: v => Math.max(-100, Math.floor(v.min / 10) * 10), max: v => Math.min(100, Math.ceil(v.max / 10) * 10),
    series: [{
      name: t.t('NPS'), values: rows.map(r => r.nps.score.value), low: rows.map(r => r.nps.score.low),
      high: rows.map(r => r.nps.score.high), n: rows.map(r => r.nps.n), incomplete: rows.map(r => r.complete === false),
    }],
  });
}

// shareTrend draws a proportion ({value, low, high, n}) per period with its band.
export function shareTrend(ctx, box, periods, series) {
  const t = ctx.i18n;
  return lines(ctx, box, {
    periods, fmt: v => t.pct(v, 0),
    series: series.map(s => ({
      name: s.name, values: s.rows.map(p => p ? p.value : null), low: s.rows.map(p => p ? p.low : null),
      high: s.rows.map(p => p ? p.high : null), n: s.rows.map(p => p ? p.n : null),
    })),
  });
}

export function empty(ctx, text) { return el('p', { class: 'note' }, text); }
