package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

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
	converts := `(SELECT converted_customer_id AS a_customer, 1 AS r_has FROM referrals
			WHERE coalesce(converted_customer_id, '') <> '' GROUP BY a_customer)`
	referred := `(SELECT a_customer, a_order, a_amount, seg, coalesce(r_has, 0) AS a_referred FROM ` + src + ` o
		LEFT JOIN ` + converts + ` r USING (a_customer))`
	// First orders are read only where they count, for referred customers (a few percent of all):
	// the first order of every customer was a grouping of all the orders.
	first := `(SELECT a_customer, ` + d.ArgMin("a_order", `(a_time, a_order)`) + ` AS f_first FROM (SELECT customer_id AS a_customer,
		order_id AS a_order, "timestamp" AS a_time FROM orders WHERE amount >= 0) o JOIN ` + converts + ` r USING (a_customer)
		GROUP BY a_customer)`
	qs := `SELECT seg, coalesce(count(DISTINCT CASE WHEN a_referred = 1 THEN a_customer END), 0),
		` + d.SumIf("a_amount", "a_referred = 1") + `, ` + d.SumIf("a_amount", "a_referred = 1 AND a_order = coalesce(f_first, '')") + `,
		count(DISTINCT a_customer), coalesce(sum(a_amount), 0)
	FROM ` + referred + ` x LEFT JOIN ` + first + ` f USING (a_customer) GROUP BY seg ORDER BY seg`
	return query(ctx, s.DB, "referral revenue", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.ReferralRevenueCell) error {
		return r.Scan(&c.Segment, &c.Referred, &c.ReferredRevenue, &c.ReferredFirst, &c.Customers, &c.Revenue)
	})
}

// AdvocacyFeatures streams per-customer features before f.AsOf and referrals in [f.AsOf, f.Until)
// in no particular order (see fidelis.CustomerFeatures): an ORDER BY of the million rows cost
// DuckDB more than the rest of the read (7.7 against 3.2 CPU-s at 1M customers). The customers' orders aggregate is the base;
// each other record kind's per-customer aggregate is left joined on its own SELECT level
// (USING c_id), read through a presence flag where 0 is a value (the NPS, the survey mean). Memory
// is one row at a time; the engine holds the per-customer aggregates.
func (s *Shapes) AdvocacyFeatures(ctx context.Context, f fidelis.FeatureQuery, fn func(fidelis.CustomerFeatures) error) error {
	d := s.D
	a, u := f.AsOf.UTC(), f.Until.UTC()
	sec := d.Seconds(`"timestamp"`)
	q := `(SELECT customer_id AS c_id, ` + d.MaxIf(sec, "amount >= 0") + ` AS o_last, min(` + sec + `) AS o_first,
		` + d.CountIf("amount >= 0") + ` AS o_n, sum(amount) AS o_rev
		FROM orders WHERE "timestamp" < ? GROUP BY c_id HAVING ` + d.CountIf("amount >= 0") + ` > 0)`
	args := []any{a}
	cols := []string{"c_id", "o_last", "o_first", "o_n", "o_rev"}
	// Each kind's scores rescaled by the lowest and highest score of the kind among answers before
	// the cut-off: a range taken from later answers would let the future into a backtest's features.
	scaled := `(SELECT customer_id AS c_id, avg((score - k_min) / (k_max - k_min)) AS sv_m, 1 AS sv_has
		FROM surveys JOIN (SELECT kind, min(score) AS k_min, max(score) AS k_max FROM surveys
			WHERE lower(kind) <> 'nps' AND "timestamp" < ? GROUP BY kind) k USING (kind)
		WHERE lower(kind) <> 'nps' AND coalesce(customer_id, '') <> '' AND "timestamp" < ? AND k_max > k_min GROUP BY c_id)`
	parts := []struct {
		table string
		args  []any
		cols  []string
	}{
		{`(SELECT customer_id AS c_id, ` + d.ArgMax("score", `("timestamp", response_id)`) + ` AS np_s, 1 AS np_has FROM surveys
			WHERE lower(kind) = 'nps' AND "timestamp" < ? AND coalesce(customer_id, '') <> '' GROUP BY c_id)`, []any{a}, []string{"np_s", "np_has"}},
		{scaled, []any{a, a}, []string{"sv_m", "sv_has"}},
		{`(SELECT customer_id AS c_id, 1 AS pg_has, ` + d.SumIf("points", "lower(type) = 'earn'") + ` AS pg_pts
			FROM program WHERE "timestamp" < ? GROUP BY c_id)`, []any{a}, []string{"pg_has", "pg_pts"}},
		{`(SELECT customer_id AS c_id, ` + d.CountIf(`"timestamp" >= ?`) + ` AS it_recent, count(DISTINCT channel) AS it_ch
			FROM interactions WHERE "timestamp" < ? GROUP BY c_id)`, []any{a.Add(-f.Recent), a}, []string{"it_recent", "it_ch"}},
		{`(SELECT customer_id AS c_id, count(*) AS so_m, ` + d.CountIf("lower(sentiment) = 'positive'") + ` AS so_pos,
			coalesce(sum(shares), 0) AS so_sh FROM social WHERE "timestamp" < ? AND coalesce(customer_id, '') <> '' GROUP BY c_id)`,
			[]any{a}, []string{"so_m", "so_pos", "so_sh"}},
		{`(SELECT referrer_id AS c_id, ` + d.CountIf("invited_at < ?") + ` AS rf_n, ` + d.CountIf("invited_at < ? AND "+converted) + ` AS rf_c,
			` + d.CountIf("invited_at >= ? AND invited_at < ?") + ` AS rf_fut FROM referrals GROUP BY c_id)`,
			[]any{a, a, a, u}, []string{"rf_n", "rf_c", "rf_fut"}},
	}
	for i, p := range parts {
		q = `(SELECT ` + strings.Join(cols, ", ") + `, ` + strings.Join(p.cols, ", ") + ` FROM ` + q + fmt.Sprintf(` l%d`, i) + `
			LEFT JOIN ` + p.table + fmt.Sprintf(` r%d`, i) + ` USING (c_id))`
		cols = append(cols, p.cols...)
		args = append(args, p.args...)
	}
	n := func(c string) string { return `coalesce(` + c + `, 0)` }
	qs := `SELECT c_id, (? - o_last) / 86400.0, (? - o_first) / 86400.0, o_n, o_rev,
		CASE WHEN ` + n("np_has") + ` = 1 THEN np_s END, CASE WHEN ` + n("sv_has") + ` = 1 THEN sv_m END, ` + n("pg_has") + `, ` + n("pg_pts") + `,
		` + n("it_recent") + `, ` + n("it_ch") + `, ` + n("so_m") + `, ` + n("so_pos") + `, ` + n("so_sh") + `,
		` + n("rf_n") + `, ` + n("rf_c") + `, ` + n("rf_fut") + ` FROM ` + q + ` f`
	all := append([]any{a.Unix(), a.Unix()}, args...)
	return each(ctx, s.DB, "advocacy features", qs, all, func(r *sql.Rows) error {
		var c fidelis.CustomerFeatures
		var nps, sv sql.NullFloat64
		var member int64
		if err := r.Scan(&c.Customer, &c.RecencyDays, &c.TenureDays, &c.Orders, &c.Revenue, &nps, &sv, &member, &c.Points,
			&c.Interactions, &c.Channels, &c.Mentions, &c.Positive, &c.Shares, &c.Referrals, &c.Converted, &c.Future); err != nil {
			return fmt.Errorf("advocacy features: %w", err)
		}
		c.NPS, c.SurveyMean, c.Member = math.NaN(), math.NaN(), member == 1
		if nps.Valid {
			c.NPS = nps.Float64
		}
		if sv.Valid {
			c.SurveyMean = sv.Float64
		}
		return fn(c)
	})
}
