// Voice of the customer: NPS, CSAT and CES over time with their bands, what sets detractors'
// comments apart from promoters', themes, and why customers left.
import { el } from '../dom.js';
import { bars } from '../charts.js';
import { table } from '../table.js';
import { tile, tiles, interval } from '../tiles.js';
import { section, chartBox, note, npsTrend, shareTrend, empty } from './common.js';

export function render(ctx, main) {
  const t = ctx.i18n, rep = ctx.report;
  const v = rep.sections && rep.sections.voc;
  if (!v) { main.append(empty(ctx, t.t('No survey answers imported: fidelis import surveys FILE.'))); return; }
  const ts = [];
  if (v.nps) ts.push(tile(ctx, {
    id: 'nps', label: t.t('NPS'), value: t.num(v.nps.score.value, 1, true),
    sub: t.t('95%% CI %s to %s, n=%d', t.num(v.nps.score.low, 1, true), t.num(v.nps.score.high, 1, true), v.nps.n),
    flags: [v.nps.small_sample && t.t('small sample')],
  }));
  for (const [key, name] of [['csat', 'CSAT'], ['ces', 'CES']]) for (const r of v[key] || []) ts.push(tile(ctx, {
    id: key, label: t.t('%s (scale %s)', name, r.scale), value: t.pct(r.share.value), sub: interval(ctx, r.share),
    flags: [r.small_sample && t.t('small sample'), t.t(r.note)],
  }));
  main.append(tiles(...ts));
  if (v.nps_periods) {
    const b = chartBox('chart-nps');
    main.append(section(ctx, t.t('NPS over time'), b, note(t.t('95% adjusted-Wald interval (Rocks 2016); months with few answers have wide bands and are marked small sample.'))));
    npsTrend(ctx, b, v.nps_periods);
  }
  const sat = [];
  if (v.csat_periods) sat.push({ name: 'CSAT', rows: v.csat_periods });
  if (v.ces_periods) sat.push({ name: 'CES', rows: v.ces_periods });
  if (sat.length) {
    const periods = [...new Set(sat.flatMap(s => s.rows.map(r => r.period)))].sort();
    const b = chartBox('chart-csat');
    main.append(section(ctx, t.t('CSAT and CES over time'), b, note(t.t('Share of top-box answers with its 95% Wilson interval; CSAT and CES are on different scales and not comparable with each other.'))));
    shareTrend(ctx, b, periods, sat.map(s => ({ name: s.name, rows: periods.map(p => { const r = s.rows.find(x => x.period === p); return r && r.result ? r.result.share : null; }) })));
  }
  if (v.drivers && v.drivers.a) {
    const d = v.drivers;
    const terms = side => (d[side].terms || []).slice(0, 10);
    main.append(el('div', { class: 'grid2' },
      section(ctx, t.t('What detractors mention'), driverTable(ctx, 'drivers-detractors', terms('a')), note(t.t('Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008); z > 1.96 is conventionally significant.'))),
      section(ctx, t.t('What promoters mention'), driverTable(ctx, 'drivers-promoters', terms('b')))));
  }
  if (v.themes && v.themes.length) {
    main.append(section(ctx, t.t('Themes'), table(ctx, {
      name: 'themes', rowLabel: t.t('Themes'),
      cols: [
        { label: t.t('Theme'), get: r => r.name },
        { label: t.t('Mentions'), get: r => r.mentions, fmt: r => t.num(r.mentions), num: true },
        { label: t.t('Share of comments'), get: r => r.share.value, fmt: r => t.pct(r.share.value), num: true },
        { label: t.t('NPS of those answers'), get: r => r.sentiment ? r.sentiment.score.value : null, fmt: r => r.sentiment ? t.num(r.sentiment.score.value, 1, true) + (r.sentiment.small_sample ? ' · ' + t.t('small sample') : '') : '–', num: true },
        {
          label: t.t('Detractor customers'), get: r => r.detractor_customers, fmt: r => t.num(r.detractor_customers), num: true,
          link: r => r.detractor_customers > 0 && { list: r.detractor_customers_list, title: t.t('Detractors mentioning %s', t.t(r.name)) },
        },
      ],
      rows: v.themes,
    })));
  }
  const ex = v.exits && v.exits.all;
  if (ex && ex.by_count) {
    const b = chartBox('chart-exits');
    main.append(section(ctx, t.t('Exit reasons'), b, table(ctx, {
      name: 'exit-reasons', rowLabel: t.t('Exit reasons'),
      cols: [
        { label: t.t('Reason'), get: r => t.t(r.reason) },
        { label: t.t('Customers'), get: r => r.customers, fmt: r => t.num(r.customers), num: true },
        { label: t.t('Share'), get: r => r.share.value, fmt: r => t.pct(r.share.value), num: true },
        { label: t.t('Revenue to date'), get: r => r.revenue, fmt: r => t.money(r.revenue, ctx.currency), num: true },
        { label: t.t('Value lost (predicted CLV)'), get: r => r.clv, fmt: r => t.money(r.clv, ctx.currency), num: true },
      ],
      rows: ex.by_count,
    })));
    bars(ctx, b, { categories: ex.by_count.map(r => t.t(r.reason)), horizontal: true, fmt: v2 => t.num(v2), series: [{ name: t.t('Customers'), values: ex.by_count.map(r => r.customers) }] });
  }
}

function driverTable(ctx, name, terms) {
  const t = ctx.i18n;
  return table(ctx, {
    name, rowLabel: name,
    cols: [
      { label: t.t('Term'), get: r => r.term },
      { label: t.t('Comments'), get: r => r.docs, fmt: r => t.num(r.docs), num: true },
      { label: 'z', get: r => r.z, fmt: r => t.num(r.z, 1), num: true },
      { label: t.t('Example'), get: r => (r.examples || [])[0] || '' },
    ],
    rows: terms,
  });
}
