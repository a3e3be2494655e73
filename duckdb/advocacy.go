package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"fidelis"
)

var _ fidelis.AdvocacyStore = (*Store)(nil)

// converted is the SQL condition for a converted referral (alias r).
const converted = `(r.converted_at IS NOT NULL OR coalesce(r.converted_customer_id, '') <> '')`

// AdvocacyFeatures streams per-customer features before asOf and referrals in [asOf, until).
// Survey answers other than NPS are rescaled per kind by the lowest and highest score stored for
// that kind, so that kinds on different scales can be averaged.
func (s *Store) AdvocacyFeatures(ctx context.Context, asOf, until time.Time, fn func(fidelis.CustomerFeatures) error) error {
	query := `WITH o AS (SELECT customer_id, min("timestamp") AS f, max("timestamp") FILTER (WHERE amount >= 0) AS l,
			` + countIf("amount >= 0") + ` AS n, sum(amount) AS rev
			FROM orders WHERE "timestamp" < $1 GROUP BY 1 HAVING ` + countIf("amount >= 0") + ` > 0),
		nps AS (SELECT customer_id, arg_max(score, "timestamp") AS s FROM surveys
			WHERE lower(kind) = 'nps' AND "timestamp" < $1 AND customer_id IS NOT NULL GROUP BY 1),
		sv AS (SELECT customer_id, avg(x) AS m FROM (SELECT customer_id, "timestamp", (score - min(score) OVER (PARTITION BY kind))
				/ nullif(max(score) OVER (PARTITION BY kind) - min(score) OVER (PARTITION BY kind), 0) AS x
				FROM surveys WHERE lower(kind) <> 'nps') z
			WHERE customer_id IS NOT NULL AND x IS NOT NULL AND "timestamp" < $1 GROUP BY 1),
		pg AS (SELECT customer_id, coalesce(sum(points) FILTER (WHERE lower(type) = 'earn'), 0) AS pts
			FROM program WHERE "timestamp" < $1 GROUP BY 1),
		it AS (SELECT customer_id, ` + countIf(`"timestamp" >= $1 - INTERVAL 90 DAY`) + ` AS n90, count(DISTINCT channel) AS ch
			FROM interactions WHERE "timestamp" < $1 GROUP BY 1),
		so AS (SELECT customer_id, count(*) AS m, ` + countIf("lower(sentiment) = 'positive'") + ` AS pos, coalesce(sum(shares), 0) AS sh
			FROM social WHERE "timestamp" < $1 AND customer_id IS NOT NULL GROUP BY 1),
		rf AS (SELECT r.referrer_id AS customer_id, ` + countIf("r.invited_at < $1") + ` AS n,
			` + countIf("r.invited_at < $1 AND "+converted) + ` AS c,
			` + countIf("r.invited_at >= $1 AND r.invited_at < $2") + ` AS fut FROM referrals r GROUP BY 1)
	SELECT o.customer_id, date_diff('second', o.l, $1) / 86400.0, date_diff('second', o.f, $1) / 86400.0, o.n, o.rev,
		nps.s, sv.m, pg.customer_id IS NOT NULL, coalesce(pg.pts, 0),
		coalesce(it.n90, 0), coalesce(it.ch, 0), coalesce(so.m, 0), coalesce(so.pos, 0), coalesce(so.sh, 0),
		coalesce(rf.n, 0), coalesce(rf.c, 0), coalesce(rf.fut, 0)
	FROM o LEFT JOIN nps USING (customer_id) LEFT JOIN sv USING (customer_id)
		LEFT JOIN pg USING (customer_id) LEFT JOIN it USING (customer_id) LEFT JOIN so USING (customer_id)
		LEFT JOIN rf USING (customer_id) ORDER BY o.customer_id`
	rows, err := s.db.QueryContext(ctx, query, asOf.UTC(), until.UTC())
	if err != nil {
		return fmt.Errorf("advocacy features: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c fidelis.CustomerFeatures
		var nps, sv sql.NullFloat64
		if err := rows.Scan(&c.Customer, &c.RecencyDays, &c.TenureDays, &c.Orders, &c.Revenue, &nps, &sv, &c.Member, &c.Points,
			&c.Interactions, &c.Channels, &c.Mentions, &c.Positive, &c.Shares, &c.Referrals, &c.Converted, &c.Future); err != nil {
			return err
		}
		c.NPS, c.SurveyMean = nullNaN(nps), nullNaN(sv)
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

func nullNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}
