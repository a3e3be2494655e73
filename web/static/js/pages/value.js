// Customer value: the CLV distribution, P(alive) by purchase frequency, and the model check
// that decides whether any prediction is shown at all.
import { el } from '../dom.js';
import { mount, bars, lines, tip } from '../charts.js';
import { table } from '../table.js';
import { tile, tiles } from '../tiles.js';
import { section, chartBox, note, modelTrusted, predictedCLV } from './common.js';

const probs = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]; // metric.ValueProbs

export function render(ctx, main) {
  const t = ctx.i18n, rep = ctx.report;
  const m = rep.sections && rep.sections.models;
  const trusted = modelTrusted(rep);
  const failed = t.t('no model passed the holdout check, so no forecast');
  main.append(tiles(
    tile(ctx, { id: 'customers', label: t.t('Customers'), value: t.num(rep.value.customers), onClick: () => ctx.openList('all', t.t('All customers')) }),
    tile(ctx, { id: 'hclv', label: t.t('Historical CLV (mean revenue to date)'), value: t.money(rep.value.historical_clv_mean, ctx.currency) }),
    tile(ctx, trusted
      ? { id: 'pclv', label: t.t('Predicted CLV per customer (12 months)'), value: t.money(predictedCLV(rep), ctx.currency), sub: t.t('expected value of all customers %s', t.money(m.expected_value, ctx.currency)) }
      : { id: 'pclv', label: t.t('Predicted CLV per customer (12 months)'), value: '–', flags: [failed] }),
    m ? tile(ctx, trusted
      ? { id: 'alive', label: t.t('Expected customers still active'), value: t.num(m.expected_alive_customers), sub: t.t('active by last purchase: %d', m.active_by_last_purchase) }
      : { id: 'alive', label: t.t('Active by last purchase'), value: t.num(m.active_by_last_purchase), flags: [failed] }) : null,
  ));

  const q = rep.value.historical_clv_quantiles || [];
  const pq = (m && m.predicted_clv_quantiles) || [];
  const box = chartBox('chart-clv');
  main.append(section(ctx, t.t('CLV distribution'), box,
    note(t.t('Quantiles per customer: historical CLV is net revenue to date; predicted CLV is expected revenue over 12 months discounted at 1% a month (no margin applied).'))));
  bars(ctx, box, {
    categories: probs.map(p => t.t('%d%% of customers below', Math.round(p * 100))), fmt: v => t.money(v, ''),
    series: [{ name: t.t('Historical CLV'), values: q }, ...(trusted && pq.length ? [{ name: t.t('Predicted CLV'), values: pq }] : [])],
  });

  if (m && m.p_alive_by_frequency && trusted) {
    const box2 = chartBox('chart-palive', true);
    main.append(section(ctx, t.t('P(alive) × purchase frequency'), box2,
      note(t.t('Customers by the model\'s probability that they are still active (rows) and their repeat purchase days (columns). Frequent buyers with a low P(alive) are the ones to win back first. Click a cell for its customers.'))));
    matrix(ctx, box2, m.p_alive_by_frequency, m.p_alive_bands || []);
  } else if (m && m.p_alive_histogram && trusted) {
    const box2 = chartBox('chart-palive');
    main.append(section(ctx, t.t('P(alive)'), box2));
    bars(ctx, box2, {
      categories: m.p_alive_histogram.map((_, i) => `${i * 10}–${i * 10 + 10}%`), fmt: v => t.num(v),
      series: [{ name: t.t('Customers'), values: m.p_alive_histogram }],
      onClick: p => { const b = (m.p_alive_bands || [])[p.dataIndex]; if (b) ctx.openList(b.list, t.t('P(alive) band %s', p.name)); },
    });
  }

  if (m && m.gate) modelCheck(ctx, main, m);
}

function matrix(ctx, box, mx, bands) {
  const t = ctx.i18n;
  const rows = mx.map((_, i) => `${i * 10}–${i * 10 + 10}%`);
  const cols = ['0', '1', '2', '3', '4', '5', '6', '7+'];
  const data = [];
  let max = 1;
  mx.forEach((r, i) => r.forEach((c, j) => { data.push([j, i, c]); max = Math.max(max, c); }));
  mount(ctx, box, {
    grid: { left: 80, right: 70, top: 30, bottom: 46 },
    tooltip: { formatter: p => tip(t.t('P(alive) %s, %s repeat purchase days', rows[p.value[1]], cols[p.value[0]]), [{ color: p.color, value: t.t('%d customer|%d customers', p.value[2]) }]) },
    xAxis: { type: 'category', data: cols, name: t.t('repeat purchase days'), nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: rows, name: t.t('P(alive)') },
    visualMap: { min: 0, max, orient: 'vertical', right: 0, top: 'center', itemHeight: 200, inRange: { color: ['#fff7ec', '#fdbb84', '#d7301f', '#7f0000'] }, formatter: v => t.num(v) },
    series: [{ type: 'heatmap', data, label: { show: true, formatter: p => t.num(p.value[2]) }, progressive: 0 }],
  }, p => {
    const c = bands[p.value[1]] && bands[p.value[1]].by_repeat_days[p.value[0]];
    if (c && c.customers > 0) ctx.openList(c.list, t.t('P(alive) %s, %s repeat purchase days', rows[p.value[1]], cols[p.value[0]]));
  });
}

function modelCheck(ctx, main, m) {
  const t = ctx.i18n, g = m.gate;
  const verdict = el('p', { class: g.passed ? 'verdict good' : 'verdict bad' }, g.passed ? t.t('Model check passed: %s', g.chosen) : t.t('no model passed the holdout check, so no forecast'));
  const cand = table(ctx, {
    name: 'model-check', rowLabel: t.t('Model check'),
    cols: [
      { label: t.t('Model'), get: r => r.model },
      { label: t.t('Passed'), get: r => r.passed ? t.t('yes') : t.t('no'), cls: r => r.passed ? '' : 'warn' },
      { label: t.t('Total purchases error'), get: r => r.aggregate_error, fmt: r => t.pct(r.aggregate_error), num: true },
      { label: t.t('Frequency group error'), get: r => r.group_error, fmt: r => t.pct(r.group_error), num: true },
      { label: t.t('Week-by-week error'), get: r => r.tracking_error, fmt: r => t.pct(r.tracking_error), num: true },
      { label: t.t('Why not'), get: r => (r.failures || []).map(f => t.t(f)).join('; ') },
    ],
    rows: g.candidates || [],
    caption: t.t('Limits: total ±%s, groups %s, week by week %s.', t.pct(g.thresholds.max_aggregate_error, 0), t.pct(g.thresholds.max_group_error, 0), t.pct(g.thresholds.max_tracking_error, 0)),
  });
  const box = chartBox('chart-tracking');
  main.append(section(ctx, t.t('Model check'), verdict, el('p', null, g.verdict), cand, box, note(g.seasonality || ''), note(m.assumptions || '')));
  const tr = m.tracking || [];
  if (tr.length) lines(ctx, box, {
    periods: tr.map(r => String(r.week)), fmt: v => t.num(v),
    series: [{ name: t.t('Actual purchases (cumulative)'), values: tr.map(r => r.actual) }, { name: t.t('Expected by the model'), values: tr.map(r => r.expected), dashed: true }],
  });
}
