package sqlstore

import (
	"context"
	"database/sql"

	"fidelis"
)

// converted is the SQL condition for a converted referral: a conversion time or a converted
// customer id.
const converted = `(converted_at IS NOT NULL OR coalesce(converted_customer_id, '') <> '')`

// Referrals counts referrals per segment of the referrer and period of invitation.
func (s *Shapes) Referrals(ctx context.Context, q fidelis.Query) ([]fidelis.ReferralCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	d := s.D
	cond, targs := TimeBounds(q, "t.invited_at")
	src, args := s.source(q, "referrals", "referrer_id", cond, d.Period(q.Grain, "t.invited_at")+` AS p`, `t.referrer_id AS a_referrer`,
		`t.invited_at AS invited_at`, `t.converted_at AS converted_at`, `t.converted_customer_id AS converted_customer_id`,
		`t.first_order_revenue AS a_revenue`)
	timed := `converted_at IS NOT NULL AND converted_at >= invited_at`
	qs := `SELECT seg, p, count(*), count(DISTINCT a_referrer), ` + d.CountIf(converted) + `,
		` + d.SumIf(d.Seconds("converted_at")+` - `+d.Seconds("invited_at"), timed) + ` / 86400.0, ` + d.CountIf(timed) + `,
		` + d.SumIf("a_revenue", converted+` AND a_revenue IS NOT NULL`) + `
	FROM ` + src + ` GROUP BY seg, p ORDER BY seg, p`
	return query(ctx, s.DB, "referrals", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.ReferralCell) error {
		return r.Scan(&c.Segment, &c.Period, &c.Invites, &c.Referrers, &c.Converted, &c.ConvertDays, &c.ConvertTimed, &c.FirstOrderRevenue)
	})
}
