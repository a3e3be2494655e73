package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fidelis"
)

var _ fidelis.ChurnStore = (*Store)(nil)

// ChurnRows streams one row per customer with a purchase day before asOf (see fidelis.ChurnRow).
// Two scans: the per-channel interaction counts of the 90 days before asOf (only customers who
// interacted, held in a map while the main query streams), then one row per customer.
func (s *Store) ChurnRows(ctx context.Context, asOf, until time.Time, fn func(fidelis.ChurnRow) error) error {
	a, u := asOf.UTC(), until.UTC()
	d90, d180, d365 := a.AddDate(0, 0, -90), a.AddDate(0, 0, -180), a.AddDate(0, 0, -365)
	byChannel := map[string]map[string]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT customer_id, channel, count(*) FROM interactions
		WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY 1, 2`, d90, a)
	if err != nil {
		return fmt.Errorf("churn rows: %w", err)
	}
	for rows.Next() {
		var c, ch string
		var n int64
		if err := rows.Scan(&c, &ch, &n); err != nil {
			rows.Close()
			return err
		}
		if byChannel[c] == nil {
			byChannel[c] = map[string]int64{}
		}
		byChannel[c][ch] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	age := func(col string) string { return `date_diff('second', ` + col + `, $1) / 86400.0` }
	query := `WITH d AS (SELECT customer_id, CAST("timestamp" AS DATE) AS day, sum(amount) AS amt
			FROM orders WHERE amount >= 0 AND "timestamp" < $2 GROUP BY 1, 2),
		p AS (SELECT customer_id, day, date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap
			FROM d WHERE day < CAST($1 AS DATE)),
		s AS (SELECT customer_id, min(day) AS first, max(day) AS last, count(*) AS days, stddev_samp(gap) AS gsd FROM p GROUP BY 1),
		f AS (SELECT customer_id, count(*) AS n, sum(amt) AS rev FROM d WHERE day >= CAST($1 AS DATE) GROUP BY 1),
		o AS (SELECT customer_id, ` + countIf("amount >= 0") + ` AS n, ` + countIf("amount < 0") + ` AS nref, sum(amount) AS rev,
			coalesce(sum(amount) FILTER (WHERE "timestamp" >= $3), 0) AS r90,
			coalesce(sum(amount) FILTER (WHERE "timestamp" >= $4 AND "timestamp" < $3), 0) AS rp90,
			coalesce(sum(amount) FILTER (WHERE "timestamp" >= $5), 0) AS r365
			FROM orders WHERE "timestamp" < $1 GROUP BY 1),
		sv AS (SELECT customer_id, arg_max(score, "timestamp") FILTER (WHERE lower(kind) = 'nps') AS nps,
			arg_max(score, "timestamp") FILTER (WHERE lower(kind) = 'csat') AS csat,
			arg_max(score, "timestamp") FILTER (WHERE lower(kind) = 'ces') AS ces, count(*) AS n, max("timestamp") AS last
			FROM surveys WHERE customer_id IS NOT NULL AND "timestamp" < $1 GROUP BY 1),
		pg AS (SELECT customer_id, coalesce(sum(abs(points)) FILTER (WHERE lower(type) = 'earn'), 0) AS earned,
			coalesce(sum(abs(points)) FILTER (WHERE lower(type) = 'redeem'), 0) AS redeemed,
			` + countIf(`"timestamp" >= $3`) + ` AS ev90, max("timestamp") AS last
			FROM program WHERE "timestamp" < $1 GROUP BY 1),
		it AS (SELECT customer_id, ` + countIf(`"timestamp" >= $3`) + ` AS n90, max("timestamp") AS last
			FROM interactions WHERE "timestamp" < $1 GROUP BY 1),
		rf AS (SELECT referrer_id AS customer_id, count(*) AS n FROM referrals WHERE invited_at < $1 GROUP BY 1),
		ex AS (SELECT customer_id, count(*) AS n, max("timestamp") AS last FROM exits WHERE "timestamp" < $1 GROUP BY 1),
		sb AS (SELECT DISTINCT customer_id FROM subscriptions WHERE started_at < $1 AND (ended_at IS NULL OR ended_at >= $1))
	SELECT s.customer_id, coalesce(c.region, ''), coalesce(c.country, ''), coalesce(c.segment, ''), coalesce(c.acquisition_channel, ''),
		s.days - 1, date_diff('day', s.first, s.last), date_diff('day', s.first, CAST($1 AS DATE)), s.gsd,
		coalesce(o.n, 0), coalesce(o.nref, 0), coalesce(o.rev, 0), coalesce(o.r90, 0), coalesce(o.rp90, 0), coalesce(o.r365, 0),
		sv.nps, sv.csat, sv.ces, coalesce(sv.n, 0), ` + age("sv.last") + `,
		pg.customer_id IS NOT NULL, coalesce(pg.earned, 0), coalesce(pg.redeemed, 0), coalesce(pg.ev90, 0), ` + age("pg.last") + `,
		coalesce(it.n90, 0), ` + age("it.last") + `,
		coalesce(rf.n, 0), coalesce(ex.n, 0), ` + age("ex.last") + `, sb.customer_id IS NOT NULL,
		coalesce(f.n, 0), coalesce(f.rev, 0)
	FROM s LEFT JOIN (SELECT customer_id, any_value(region) AS region, any_value(country) AS country, any_value(segment) AS segment,
			any_value(acquisition_channel) AS acquisition_channel FROM customers GROUP BY 1) c ON c.customer_id = s.customer_id
		LEFT JOIN f ON f.customer_id = s.customer_id LEFT JOIN o ON o.customer_id = s.customer_id
		LEFT JOIN sv ON sv.customer_id = s.customer_id LEFT JOIN pg ON pg.customer_id = s.customer_id
		LEFT JOIN it ON it.customer_id = s.customer_id LEFT JOIN rf ON rf.customer_id = s.customer_id
		LEFT JOIN ex ON ex.customer_id = s.customer_id LEFT JOIN sb ON sb.customer_id = s.customer_id
	ORDER BY s.customer_id`
	rows, err = s.db.QueryContext(ctx, query, a, u, d90, d180, d365)
	if err != nil {
		return fmt.Errorf("churn rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r fidelis.ChurnRow
		var x, tx, t int64
		var gsd, nps, csat, ces, sAge, pAge, iAge, eAge sql.NullFloat64
		if err := rows.Scan(&r.Customer, &r.Region, &r.Country, &r.Segment, &r.Channel, &x, &tx, &t, &gsd,
			&r.Orders, &r.Refunds, &r.Revenue, &r.Revenue90, &r.RevenuePrev90, &r.Revenue365,
			&nps, &csat, &ces, &r.Surveys, &sAge, &r.Member, &r.Earned, &r.Redeemed, &r.ProgramEvents90, &pAge,
			&r.Interactions90, &iAge, &r.Referrals, &r.Exits, &eAge, &r.Subscribed, &r.Future, &r.FutureRevenue); err != nil {
			return err
		}
		r.X, r.Tx, r.T = float64(x), float64(tx), float64(t)
		r.GapSD, r.NPS, r.CSAT, r.CES = nullNaN(gsd), nullNaN(nps), nullNaN(csat), nullNaN(ces)
		r.SurveyAge, r.ProgramAge, r.InteractionAge, r.ExitAge = nullNaN(sAge), nullNaN(pAge), nullNaN(iAge), nullNaN(eAge)
		r.ByChannel90 = byChannel[r.Customer]
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
