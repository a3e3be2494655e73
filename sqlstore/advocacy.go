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

// ReferralRevenue returns per segment the window's net revenue of referred customers (named as a
// referral's converted customer, at any time) and of all customers. A customer's first order is
// the earliest one that is not a refund, ties broken by the smaller order id. Each join is on its
// own level, by USING on equally named columns (which the cluster's distributed rewrite keeps);
// a missing right side is read through its presence flag or coalesce.
func (s *Shapes) ReferralRevenue(ctx context.Context, q fidelis.Query) ([]fidelis.ReferralRevenueCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	d := s.D
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "orders", "customer_id", cond, `t.customer_id AS a_customer`, `t.order_id AS a_order`, `t.amount AS a_amount`)
	referred := `(SELECT a_customer, a_order, a_amount, seg, coalesce(r_has, 0) AS a_referred FROM ` + src + ` o
		LEFT JOIN (SELECT converted_customer_id AS a_customer, 1 AS r_has FROM referrals
			WHERE coalesce(converted_customer_id, '') <> '' GROUP BY a_customer) r USING (a_customer))`
	first := `(SELECT customer_id AS a_customer, ` + d.ArgMin("order_id", `("timestamp", order_id)`) + ` AS f_first
		FROM orders WHERE amount >= 0 GROUP BY a_customer)`
	qs := `SELECT seg, coalesce(count(DISTINCT CASE WHEN a_referred = 1 THEN a_customer END), 0),
		` + d.SumIf("a_amount", "a_referred = 1") + `, ` + d.SumIf("a_amount", "a_referred = 1 AND a_order = coalesce(f_first, '')") + `,
		count(DISTINCT a_customer), coalesce(sum(a_amount), 0)
	FROM ` + referred + ` x LEFT JOIN ` + first + ` f USING (a_customer) GROUP BY seg ORDER BY seg`
	return query(ctx, s.DB, "referral revenue", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.ReferralRevenueCell) error {
		return r.Scan(&c.Segment, &c.Referred, &c.ReferredRevenue, &c.ReferredFirst, &c.Customers, &c.Revenue)
	})
}
