// Referrals and the loyalty programme: who refers, how many convert, what members do compared
// with matched non-members, and what the points cost.
import { el } from '../dom.js';
import { bars } from '../charts.js';
import { table } from '../table.js';
import { tile, tiles, interval } from '../tiles.js';
import { section, chartBox, note, shareTrend, empty } from './common.js';

export function render(ctx, main) {
  const t = ctx.i18n, rep = ctx.report;
  const a = rep.sections && rep.sections.advocacy;
  const p = rep.sections && rep.sections.program;
  if (!a && !p) { main.append(empty(ctx, t.t('No referrals or programme events imported.'))); return; }
  if (a) {
    const rp = a.referrals_pooled || {};
    main.append(tiles(
      tile(ctx, { id: 'referrals', label: t.t('Referrals'), value: t.num(rp.referrals), sub: t.t('%d referrers, %d converted', rp.referrers, rp.converted) }),
      rp.conversion && tile(ctx, { id: 'conversion', label: t.t('Referral conversion'), value: t.pct(rp.conversion.value), sub: interval(ctx, rp.conversion) }),
      tile(ctx, { id: 'kfactor', label: t.t('Viral coefficient (k-factor)'), value: t.num(rp.k_factor, 3) }),
      a.advocate_share && tile(ctx, { id: 'advocates', label: t.t('Advocates'), value: t.pct(a.advocate_share.value), sub: interval(ctx, a.advocate_share) }),
    ));
    const rows = a.referrals || [];
    if (rows.length) {
      const b = chartBox('chart-referrals');
      main.append(section(ctx, t.t('Referrals over time'), b));
      bars(ctx, b, {
        categories: rows.map(r => r.period), fmt: v => t.num(v),
        series: [{ name: t.t('Referrals'), values: rows.map(r => r.referrals) }, { name: t.t('Converted'), values: rows.map(r => r.converted) }],
      });
    }
    if (a.top_advocates && a.top_advocates.length) {
      const keys = Object.keys(a.top_advocates[0]).filter(k => typeof a.top_advocates[0][k] !== 'object');
      main.append(section(ctx, t.t('Top advocates'), table(ctx, {
        name: 'top-advocates', rowLabel: t.t('Top advocates'),
        cols: keys.map(k => ({ label: t.t(k.replaceAll('_', ' ')), get: r => r[k], fmt: r => typeof r[k] === 'number' ? t.num(r[k], Number.isInteger(r[k]) ? 0 : 2) : String(r[k] ?? ''), num: typeof a.top_advocates[0][k] === 'number' })),
        rows: a.top_advocates,
      })));
    }
  }
  if (p) {
    const s = p.summary || {};
    main.append(tiles(
      tile(ctx, { id: 'members', label: t.t('Programme members'), value: t.num(s.members), sub: s.enrolment_rate && t.t('%s of customers', t.pct(s.enrolment_rate.value)) }),
      s.participation_rate && tile(ctx, { id: 'participation', label: t.t('Active members'), value: t.pct(s.participation_rate.value), sub: interval(ctx, s.participation_rate) }),
      tile(ctx, { id: 'redemption', label: t.t('Redemption rate'), value: t.pct(s.redemption_rate) }),
      tile(ctx, { id: 'liability', label: t.t('Points liability'), value: t.money(s.liability, ctx.currency), sub: t.t('net of expected breakage %s', t.money(s.liability_net_of_breakage, ctx.currency)) }),
      p.lapsed_members && tile(ctx, {
        id: 'lapsed-members', label: t.t('Lapsed members'), value: t.num(p.lapsed_members.customers), sub: t.t('members with no programme event since the last period began'),
        onClick: p.lapsed_members.customers > 0 ? () => ctx.openList(p.lapsed_members.list, t.t('Lapsed members')) : null,
      }),
    ));
    const rows = p.periods || [];
    if (rows.length) {
      const b = chartBox('chart-participation');
      main.append(section(ctx, t.t('Programme participation'), b));
      shareTrend(ctx, b, rows.map(r => r.period), [{ name: t.t('Active members'), rows: rows.map(r => r.participation_rate) }]);
    }
    const mv = p.members_vs_non_members;
    if (mv && mv.outcomes) {
      main.append(section(ctx, t.t('Members compared with matched non-members'), table(ctx, {
        name: 'members-vs-non-members', rowLabel: t.t('Members compared with matched non-members'),
        cols: [
          { label: t.t('Outcome'), get: r => t.t(r.name) },
          { label: t.t('Members'), get: r => r.members, fmt: r => t.num(r.members, 2), num: true },
          { label: t.t('Matched non-members'), get: r => r.matched_controls, fmt: r => t.num(r.matched_controls, 2), num: true },
          { label: t.t('Matched difference'), get: r => r.matched_difference, fmt: r => t.num(r.matched_difference, 2, true) + (r.matched_se ? ' ± ' + t.num(1.96 * r.matched_se, 2) : ''), num: true },
          { label: t.t('Naive difference'), get: r => r.naive_difference, fmt: r => t.num(r.naive_difference, 2, true), num: true },
        ],
        rows: mv.outcomes,
      }), note(mv.caveat || '')));
    }
    if (p.tiers_at_end && p.tiers_at_end.length) {
      main.append(section(ctx, t.t('Tiers'), table(ctx, {
        name: 'tiers', rowLabel: t.t('Tiers'),
        cols: [{ label: t.t('Tier'), get: r => r.tier }, { label: t.t('Members'), get: r => r.members, fmt: r => t.num(r.members), num: true }],
        rows: p.tiers_at_end,
      })));
    }
  }
}
