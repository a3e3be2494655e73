// ECharts (vendored, see third_party/echarts) with the dashboard's conventions: the Okabe-Ito
// palette (distinguishable with the common colour-vision deficiencies), numbers in the page's
// language, intervals drawn as bands, and a click handler for drill-down. Tooltips are built as
// DOM elements: ECharts' own tooltip HTML carries style attributes, which the CSP refuses.
import { el } from './dom.js';

export const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#8a7f00', '#444444'];
const band = 'rgba(0,114,178,0.16)';

// mount creates a chart in box; ctx.charts collects it so the page disposes it on re-render.
export function mount(ctx, box, option, onClick) {
  const c = window.echarts.init(box, null, { locale: ctx.i18n.lang.toUpperCase(), renderer: 'canvas' });
  c.setOption({ color: palette, animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
  if (onClick) {
    c.on('click', onClick);
    box.classList.add('clickable');
  }
  ctx.charts.push(c);
  return c;
}

const grid = { left: 56, right: 20, top: 36, bottom: 40, containLabel: false };

// lines draws series over periods; each series may carry low/high for a 95% band.
// series: [{name, values, low, high, dashed, incomplete: [bool]}]; fmt formats a value.
export function lines(ctx, box, { periods, series, fmt, yName, min, max, onClick }) {
  const out = [];
  series.forEach((s, i) => {
    if (s.low && s.high) {
      out.push({ name: s.name + ' low', type: 'line', data: s.low, stack: 'band' + i, lineStyle: { opacity: 0 }, symbol: 'none', silent: true, tooltip: { show: false } });
      out.push({ name: s.name + ' band', type: 'line', data: s.high.map((h, j) => h == null || s.low[j] == null ? null : h - s.low[j]), stack: 'band' + i, lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color: i === 0 ? band : 'rgba(230,159,0,0.16)' }, silent: true, tooltip: { show: false } });
    }
    out.push({ name: s.name, type: 'line', data: s.values, symbolSize: 5, lineStyle: { width: 2, type: s.dashed ? 'dashed' : 'solid' }, color: palette[i % palette.length], connectNulls: false });
  });
  const byName = Object.fromEntries(series.map(s => [s.name, s]));
  return mount(ctx, box, {
    grid,
    legend: { data: series.map(s => s.name), top: 0 },
    tooltip: {
      trigger: 'axis', formatter: ps => {
        const p0 = ps[0];
        const rows = ps.filter(p => byName[p.seriesName]).map(p => {
          const s = byName[p.seriesName];
          const j = p.dataIndex;
          const iv = s.low && s.low[j] != null ? ` (${fmt(s.low[j])} – ${fmt(s.high[j])})` : '';
          const n = s.n && s.n[j] != null ? ` n=${ctx.i18n.num(s.n[j])}` : '';
          const inc = s.incomplete && s.incomplete[j] ? ' · ' + ctx.i18n.t('(incomplete)') : '';
          return { color: p.color, name: p.seriesName, value: fmt(p.value), extra: iv + n + inc };
        });
        return tip(p0.axisValueLabel, rows);
      },
    },
    xAxis: { type: 'category', data: periods, boundaryGap: false },
    yAxis: { type: 'value', name: yName, min, max, axisLabel: { formatter: v => fmt(v) }, scale: min == null, splitNumber: 5 },
    series: out,
  }, onClick);
}

// bars draws categories × series as vertical bars (horizontal with horizontal: true).
export function bars(ctx, box, { categories, series, fmt, horizontal, stack, onClick, yName }) {
  const cat = { type: 'category', data: categories, axisLabel: { interval: 0, hideOverlap: true } };
  const val = { type: 'value', name: yName, axisLabel: { formatter: v => fmt(v) } };
  return mount(ctx, box, {
    grid: horizontal ? { ...grid, left: 8, containLabel: true } : grid,
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: ps => tip(ps[0].axisValueLabel, ps.map(p => ({ color: p.color, name: p.seriesName, value: fmt(p.value) }))) },
    xAxis: horizontal ? val : cat,
    yAxis: horizontal ? { ...cat, inverse: true } : val,
    series: series.map(s => ({ name: s.name, type: 'bar', data: s.values, stack: stack ? 'all' : undefined, barMaxWidth: 36 })),
  }, onClick);
}

// tip builds a tooltip: a title and rows of a colour mark, a name, a value in bold and extra text.
export function tip(title, rows) {
  return el('div', { class: 'tip' }, el('div', { class: 'tip-title' }, title),
    rows.map(r => {
      const mark = el('span', { class: 'mark' });
      mark.style.background = r.color || '#888';
      return el('div', null, mark, r.name ? r.name + ': ' : '', el('b', null, r.value), r.extra || '');
    }));
}
