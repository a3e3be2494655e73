// Actions: the prioritised list, ranked by money at stake; each opens its customers (the same
// rule `fidelis actions --list ID` exports).
import { el } from '../dom.js';
import { table } from '../table.js';
import { section, empty, note } from './common.js';

export function render(ctx, main) {
  const t = ctx.i18n, rep = ctx.report;
  const acts = rep.actions || [];
  if (!acts.length) { main.append(empty(ctx, t.t('No actions: the analysis found nothing worth a campaign.'))); return; }
  main.append(section(ctx, t.t('Actions, ranked by money at stake'), table(ctx, {
    name: 'actions', rowLabel: t.t('Actions'),
    cols: [
      { label: '#', get: r => acts.indexOf(r) + 1, num: true },
      { label: t.t('Action'), get: r => t.t(r.title) },
      { label: t.t('Who'), get: r => t.t(r.who) },
      { label: t.t('Customers'), get: r => r.customers, fmt: r => t.num(r.customers), num: true },
      { label: t.t('Value exposed per year'), get: r => r.value_exposed, fmt: r => t.money(r.value_exposed, ctx.currency), num: true },
      { label: t.t('Expected gain'), get: r => r.expected_gain, fmt: r => t.money(r.expected_gain, ctx.currency), num: true },
    ],
    rows: acts,
    onRow: r => r.list && ctx.openList(r.list, t.t(r.title)),
    caption: t.t('Click an action for its customers.'),
  })));
  for (const a of acts) {
    const open = el('button', { type: 'button', class: 'link', dataset: { action: a.id } }, t.t('%d customer|%d customers', a.customers));
    open.addEventListener('click', () => ctx.openList(a.list, t.t(a.title)));
    main.append(section(ctx, t.t(a.title),
      el('p', null, t.t(a.why)),
      el('p', null, el('b', null, t.t('Who')), ': ', t.t(a.who), ' — ', open),
      a.assumptions && a.assumptions.length ? el('ul', { class: 'assumptions' }, a.assumptions.map(s => el('li', null, t.t(s)))) : null,
      note(t.t('Export: %s', a.command))));
  }
}
