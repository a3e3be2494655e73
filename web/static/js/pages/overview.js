// Overview: the figures a loyalty team checks first, each with its interval and trend, then
// progress towards the targets and the trends behind the tiles.
import { el } from '../dom.js';
import { tile, tiles, propDelta, numDelta, interval, latest } from '../tiles.js';
import { lines, bars } from '../charts.js';
import { table } from '../table.js';
import { section, chartBox, npsTrend, note, modelTrusted, predictedCLV } from './common.js';

export function render(ctx, main) {
  const t = ctx.i18n, rep = ctx.report, cmp = ctx.compare && ctx.compare.report;
  const { row, skipped } = latest(rep);
  const crow = cmp ? latest(cmp).row : null;
  const incomplete = skipped ? t.t('%s is an incomplete period: not shown in the tiles.', skipped.period) : null;
  const voc = rep.sections && rep.sections.voc;
  const cvoc = cmp && cmp.sections && cmp.sections.voc;
  const trusted = modelTrusted(rep);
  const clv = predictedCLV(rep);

  const ts = [];
  if (row) {
    ts.push(tile(ctx, {
      id: 'retention', label: t.t('Retention (ID-based), %s', row.period), value: t.pct(row.id_based.value),
      sub: interval(ctx, row.id_based) + ' · ' + t.t('classic %s', t.num(row.classic_pct, 1) + '%'),
      delta: crow && propDelta(ctx, row.id_based, crow.id_based), flags: [row.id_based.small_sample && t.t('small sample'), incomplete],
    }));
    ts.push(tile(ctx, {
      id: 'churn', label: t.t('Churn, %s', row.period), value: t.pct(row.churn.value), sub: interval(ctx, row.churn),
      delta: crow && propDelta(ctx, row.churn, crow.churn, false), flags: [row.churn.small_sample && t.t('small sample')],
      onClick: row.lost_list && row.lost > 0 ? () => ctx.openList(row.lost_list, t.t('Lost customers, %s', row.period)) : null,
    }));
    ts.push(tile(ctx, {
      id: 'active', label: t.t('Active customers, %s', row.period), value: t.num(row.end),
      sub: t.t('%d new, %d won back', row.new, row.returning), delta: crow && numDelta(ctx, row.end, crow.end),
      onClick: row.end_list && row.end > 0 ? () => ctx.openList(row.end_list, t.t('Active customers, %s', row.period)) : null,
    }));
  }
  const rp = rep.purchases && rep.purchases.repeat_purchase_rate;
  if (rp) ts.push(tile(ctx, {
    id: 'repeat', label: t.t('Repeat purchase rate'), value: t.pct(rp.value), sub: interval(ctx, rp),
    delta: cmp && propDelta(ctx, rp, cmp.purchases.repeat_purchase_rate),
  }));
  ts.push(tile(ctx, trusted ? {
    id: 'clv', label: t.t('Predicted CLV per customer (12 months)'), value: t.money(clv, ctx.currency),
    sub: t.t('historical mean %s', t.money(rep.value.historical_clv_mean, ctx.currency)),
    delta: cmp && numDelta(ctx, clv, predictedCLV(cmp)),
  } : {
    id: 'clv', label: t.t('Historical CLV (mean revenue to date)'), value: t.money(rep.value.historical_clv_mean, ctx.currency),
    flags: [t.t('no model passed the holdout check, so no forecast')],
    delta: cmp && numDelta(ctx, rep.value.historical_clv_mean, cmp.value.historical_clv_mean),
  }));
  if (voc && voc.nps) {
    const s = voc.nps.score;
    const cs = cvoc && cvoc.nps && cvoc.nps.score;
    ts.push(tile(ctx, {
      id: 'nps', label: t.t('NPS'), value: t.num(s.value, 1, true),
      sub: t.t('95%% CI %s to %s, n=%d', t.num(s.low, 1, true), t.num(s.high, 1, true), s.n),
      delta: cs && npsDelta(ctx, s, cs), flags: [voc.nps.small_sample && t.t('small sample')],
    }));
  }
  main.append(tiles(...ts));

  const targets = rep.sections && rep.sections.insight && rep.sections.insight.targets;
  if (targets && targets.length) {
    main.append(section(ctx, t.t('Targets'), el('div', { class: 'targets' }, targets.map(g => target(ctx, g)))));
  } else {
    main.append(note(t.t('No targets set: fidelis targets --goals FILE, or goals in the store settings.')));
  }

  const rows = rep.retention || [];
  const periods = rows.map(r => r.period);
  const inc = rows.map((r, i) => i === rows.length - 1 && !rep.last_period_complete);
  const g1 = chartBox('chart-retention');
  const g2 = chartBox('chart-active');
  main.append(el('div', { class: 'grid2' },
    section(ctx, t.t('Retention over time'), g1, note(t.t('ID-based: customers active in both periods ÷ active at the start, with its 95% interval; classic: (E − N) / S.'))),
    section(ctx, t.t('Active customers'), g2)));
  lines(ctx, g1, {
    periods, fmt: v => t.pct(v, 0),
    series: [
      { name: t.t('ID-based retention'), values: rows.map(r => r.id_based.value), low: rows.map(r => r.id_based.low), high: rows.map(r => r.id_based.high), n: rows.map(r => r.id_based.n), incomplete: inc },
      { name: t.t('Classic (E−N)/S'), values: rows.map(r => r.classic_pct == null ? null : r.classic_pct / 100), dashed: true, incomplete: inc },
    ],
  });
  bars(ctx, g2, {
    categories: periods, fmt: v => t.num(v), stack: true,
    series: [
      { name: t.t('Returning from the previous period'), values: rows.map(r => r.end - r.new - r.returning) },
      { name: t.t('New'), values: rows.map(r => r.new) },
      { name: t.t('Won back'), values: rows.map(r => r.returning) },
    ],
  });
  if (voc && voc.nps_periods) {
    const g3 = chartBox('chart-nps');
    main.append(section(ctx, t.t('NPS over time'), g3));
    npsTrend(ctx, g3, voc.nps_periods);
  }
  const ins = rep.sections && rep.sections.insight;
  if (ins && ins.comparisons && ins.comparisons.length) {
    main.append(section(ctx, t.t('Benchmarks'), table(ctx, {
      name: 'benchmarks', rowLabel: t.t('Benchmarks'),
      cols: [
        { label: t.t('Metric'), get: r => t.t(r.name) },
        { label: t.t('Yours'), get: r => r.value, fmt: r => t.num(r.value, 1), num: true },
        { label: t.t('Benchmark'), get: r => r.benchmark.value, fmt: r => r.benchmark.value == null ? t.num(r.benchmark.low, 1) + '–' + t.num(r.benchmark.high, 1) : t.num(r.benchmark.value, 1), num: true },
        { label: t.t('Position'), get: r => t.t(r.position), cls: r => r.position === 'not comparable' ? 'warn' : '' },
        { label: t.t('Source'), get: r => r.benchmark.source + (r.reason ? ' — ' + t.t(r.reason) : '') },
      ],
      rows: ins.comparisons,
    })));
  }
}

function npsDelta(ctx, a, b) {
  const diff = a.value - b.value;
  const se = Math.sqrt((a.se || 0) ** 2 + (b.se || 0) ** 2);
  const sig = se > 0 && Math.abs(diff / se) > 1.96;
  return { dir: Math.sign(diff), good: sig ? diff > 0 : null, text: ctx.t('%+.1f pts', diff) + ' ' + '· ' + (sig ? ctx.t('significant') : ctx.t('not significant')) };
}

function target(ctx, g) {
  const t = ctx.i18n;
  const pct = Math.max(0, Math.min(1, g.progress ?? 0));
  const bar = el('div', { class: 'bar' }, el('span'));
  bar.firstChild.style.width = (pct * 100).toFixed(1) + '%';
  const unit = g.unit === 'percent' ? '%' : '';
  const good = /^met/.test(g.status) ? 'good' : /on track/.test(g.status) ? 'neutral' : 'bad';
  return el('div', { class: 'target', dataset: { metric: g.goal.metric } },
    el('div', { class: 'target-head' }, el('b', null, t.t(g.name)), ' ', g.goal.op + ' ' + t.num(g.goal.value, 1) + unit,
      el('span', { class: 'status ' + good }, t.t(g.status))),
    bar,
    el('div', { class: 'muted' }, t.t('now %s (95%% CI %s to %s, n=%d), %s', t.num(g.current, 1) + unit, t.num(g.low, 1), t.num(g.high, 1), g.n, t.t(g.period))));
}
