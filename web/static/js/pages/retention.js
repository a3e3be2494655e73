// Retention: the cohort heatmap (click a cell for its customers), classic and ID-based curves,
// and the breakdown's segments side by side.
import { el } from '../dom.js';
import { mount, lines, tip } from '../charts.js';
import { table } from '../table.js';
import { section, chartBox, note } from './common.js';

export function render(ctx, main) {
  const t = ctx.i18n, rep = ctx.report;
  const co = rep.cohorts;
  if (co && co.rows && co.rows.length) {
    const box = chartBox('chart-cohorts', true);
    main.append(section(ctx, t.t('Cohort retention'), box,
      note(t.t('Share of each cohort (customers by the period of their first purchase) who bought in each later period; hatched cells are periods not yet over (incomplete period). Click a cell for its customers.'))));
    heatmap(ctx, box, co);
    main.append(section(ctx, t.t('Cohorts'), table(ctx, {
      name: 'cohorts', rowLabel: t.t('Cohorts'),
      cols: [
        { label: t.t('Cohort'), get: r => r.cohort },
        { label: t.t('Size'), get: r => r.size, fmt: r => t.num(r.size), num: true },
        ...[1, 3, 6, 12].filter(j => co.rows[0].bounded.length > j).map(j => ({
          label: t.t('after %d period|after %d periods', j), num: true,
          get: r => r.bounded[j] ? r.bounded[j].value : null,
          fmt: r => r.bounded[j] ? t.pct(r.bounded[j].value) + (r.incomplete && r.incomplete[j] ? ' *' : '') : '',
        })),
      ],
      rows: co.rows,
      onRow: r => r.bounded[0] && r.bounded[0].list && ctx.openList(r.bounded[0].list, t.t('Cohort %s', r.cohort)),
      caption: '* ' + t.t('(incomplete)'),
    })));
  }
  const rows = rep.retention || [];
  const box2 = chartBox('chart-curves');
  main.append(section(ctx, t.t('Retention: classic and ID-based'), box2,
    note(t.t('Classic retention (E − N) / S counts anyone active, so win-backs can lift it above 100%; ID-based retention follows the same customers and carries a 95% Wilson interval. The figures on screen are ID-based unless marked classic.'))));
  const inc = rows.map((r, i) => i === rows.length - 1 && !rep.last_period_complete);
  lines(ctx, box2, {
    periods: rows.map(r => r.period), fmt: v => t.pct(v, 0),
    series: [
      { name: t.t('ID-based retention'), values: rows.map(r => r.id_based.value), low: rows.map(r => r.id_based.low), high: rows.map(r => r.id_based.high), n: rows.map(r => r.id_based.n), incomplete: inc },
      { name: t.t('Classic (E−N)/S'), values: rows.map(r => r.classic_pct == null ? null : r.classic_pct / 100), dashed: true, incomplete: inc },
    ],
  });
  periods(ctx, main, rows, inc);
  segments(ctx, main);
}

// periods is the table behind the curves: each period's customers at the start and the end, new,
// returning and lost (active in the previous period, not in this one), each a link to its list.
function periods(ctx, main, rows, inc) {
  const t = ctx.i18n;
  if (!rows.length) return;
  const count = (key, title) => ({
    get: r => r[key], fmt: r => t.num(r[key]), num: true,
    link: r => r[key] > 0 && { list: r[key + '_list'], title: t.t(title, r.period) },
  });
  main.append(section(ctx, t.t('Customers by period'), table(ctx, {
    name: 'retention-periods', rowLabel: t.t('Customers by period'),
    cols: [
      { label: t.t('Period'), get: r => r.period, fmt: (r) => r.period + (inc[rows.indexOf(r)] ? ' *' : '') },
      { label: t.t('Active at the start'), get: r => r.start, fmt: r => t.num(r.start), num: true },
      { label: t.t('Active'), ...count('end', 'Active customers, %s') },
      { label: t.t('New'), ...count('new', 'New customers, %s') },
      { label: t.t('Returning'), ...count('returning', 'Returning customers, %s') },
      { label: t.t('Lost'), ...count('lost', 'Lost customers, %s') },
      { label: t.t('ID-based retention'), get: r => r.id_based.value, fmt: r => t.pct(r.id_based.value), num: true },
    ],
    rows: rows.slice().reverse(),
    caption: t.t('Lost: active in the previous period, not in this one (ID-based churn). Click a number for those customers.'),
  })));
}

function heatmap(ctx, box, co) {
  const t = ctx.i18n;
  const cohorts = co.rows.map(r => r.cohort);
  const n = Math.max(...co.rows.map(r => r.bounded.length));
  const data = [];
  co.rows.forEach((r, i) => r.bounded.forEach((c, j) => {
    if (c && c.value != null && c.n > 0) data.push({ value: [j, i, c.value], k: c.k, n: c.n, list: c.list, inc: !!(r.incomplete && r.incomplete[j]), itemStyle: r.incomplete && r.incomplete[j] ? { decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -Math.PI / 4, color: 'rgba(0,0,0,0.25)' } } : undefined });
  }));
  // Offset 0 is 100% by definition: the scale runs to the highest later cell, so later periods
  // are told apart (darker cells are at or above that level).
  const top = Math.max(0.05, ...data.filter(d => d.value[0] > 0).map(d => d.value[2]));
  box.style.height = Math.max(360, 20 * cohorts.length + 90) + 'px';
  mount(ctx, box, {
    grid: { left: 80, right: 70, top: 10, bottom: 46 },
    tooltip: {
      formatter: p => tip(t.t('Cohort %s, period %s', cohorts[p.value[1]], p.value[0]), [{
        color: p.color, value: t.pct(p.value[2]), extra: ' ' + t.t('%d of %d customers', p.data.k, p.data.n) + (p.data.inc ? ' · ' + t.t('(incomplete)') : ''),
      }]),
    },
    xAxis: { type: 'category', data: Array.from({ length: n }, (_, j) => String(j)), name: t.t('periods since the first purchase'), nameLocation: 'middle', nameGap: 28, splitArea: { show: false } },
    yAxis: { type: 'category', data: cohorts, inverse: true },
    visualMap: { min: 0, max: top, text: [t.pct(top, 0), '0%'], calculable: false, orient: 'vertical', right: 0, top: 'center', itemHeight: 200, inRange: { color: ['#f7fbff', '#9ecae1', '#2171b5', '#08306b'] }, formatter: v => t.pct(v, 0) },
    series: [{ type: 'heatmap', data, progressive: 0, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
  }, p => {
    if (p.componentType === 'series' && p.data.list) ctx.openList(p.data.list, t.t('Cohort %s, period %s', cohorts[p.value[1]], p.value[0]));
  });
}

function segments(ctx, main) {
  const t = ctx.i18n, rep = ctx.report;
  if (!ctx.state.by) {
    main.append(section(ctx, t.t('Segments'), note(t.t('Choose a breakdown above to compare segments.'))));
    return;
  }
  const by = rep.retention_by || [];
  const names = [...new Set(by.map(r => r.segment))];
  const periods = [...new Set(by.map(r => r.period))].sort();
  const box = chartBox('chart-segments');
  const pb = rep.purchases_by || [];
  const vb = Object.fromEntries((rep.value_by || []).map(v => [v.segment, v]));
  // The latest period of the overall retention, each segment's row of it (its lost customers).
  const all = rep.retention || [];
  const last = all.length ? all[all.length - 1].period : '';
  const lastRow = s => by.find(r => r.segment === s && r.period === last);
  main.append(section(ctx, t.t('Segments by %s', t.t(ctx.state.by.replaceAll('_', ' '))), box,
    table(ctx, {
      name: 'segments-' + ctx.state.by, rowLabel: t.t('Segments'),
      cols: [
        { label: t.t(ctx.state.by.replaceAll('_', ' ')), get: r => r.segment },
        { label: t.t('Customers'), get: r => r.buyers, fmt: r => t.num(r.buyers), num: true },
        { label: t.t('Repeat purchase rate'), get: r => r.repeat_purchase_rate.value, fmt: r => t.pct(r.repeat_purchase_rate.value) + (r.repeat_purchase_rate.small_sample ? ' · ' + t.t('small sample') : ''), num: true },
        { label: t.t('Orders per customer'), get: r => r.purchase_frequency, fmt: r => t.num(r.purchase_frequency, 2), num: true },
        { label: t.t('Average order value'), get: r => r.average_order_value, fmt: r => t.money(r.average_order_value, ctx.currency, 2), num: true },
        { label: t.t('Historical CLV (mean)'), get: r => vb[r.segment] ? vb[r.segment].historical_clv_mean : null, fmt: r => vb[r.segment] ? t.money(vb[r.segment].historical_clv_mean, ctx.currency) : '–', num: true },
        last && {
          label: t.t('Lost customers, %s', last), get: r => lastRow(r.segment) ? lastRow(r.segment).lost : null,
          fmt: r => lastRow(r.segment) ? t.num(lastRow(r.segment).lost) : '–', num: true,
          link: r => lastRow(r.segment) && lastRow(r.segment).lost > 0 && { list: lastRow(r.segment).lost_list, title: t.t('%s, segment %s', t.t('Lost customers, %s', last), r.segment) },
        },
      ].filter(Boolean),
      rows: pb,
      onRow: r => ctx.openList(`segment:${ctx.state.by}=${r.segment}`, t.t('Segment %s', `${r.segment}`)),
      caption: t.t('Click a row for its customers.'),
    }),
  ));
  const get = (s, p) => by.find(r => r.segment === s && r.period === p);
  lines(ctx, box, {
    periods, fmt: v => t.pct(v, 0),
    series: names.map(s => ({ name: s || t.t('(none)'), values: periods.map(p => { const r = get(s, p); return r ? r.id_based.value : null; }), n: periods.map(p => { const r = get(s, p); return r ? r.id_based.n : null; }) })),
  });
}
