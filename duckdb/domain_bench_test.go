package duckdb_test

import (
	"context"
	"database/sql"
	"runtime"
	"strconv"
	"testing"
	"time"

	"fidelis"
)

// BenchmarkDomainAggregates times the shared shapes whose cost model changed most when they were
// written once (DOMAIN_BENCH_CUSTOMERS, default 100,000; the size is 1,000,000), each
// beside the DuckDB query it replaced (kept here as the yardstick):
//   - EngagementRetention: one row per customer and purchase month crosses the driver and Go finds
//     the next purchase, where DuckDB used lead() and returned four cells;
//   - AdvocacyFeatures: six per-customer aggregates joined one level at a time, where DuckDB
//     joined six CTEs on one level with window functions for the survey rescaling.
//
// Report the ratio shared/reference, the peak heap (HeapSys) and the load.
func BenchmarkDomainAggregates(b *testing.B) {
	ctx := context.Background()
	st := synthStore(b, "DOMAIN_BENCH_CUSTOMERS", fidelis.Customers, fidelis.Orders, fidelis.Surveys, fidelis.Referrals, fidelis.Program, fidelis.Interactions, fidelis.Social)
	_, last, err := st.Span(ctx)
	if err != nil {
		b.Fatal(err)
	}
	asOf := last.AddDate(0, -6, 0).Truncate(24 * time.Hour)
	f := fidelis.FeatureQuery{AsOf: asOf, Until: last, Recent: 90 * 24 * time.Hour}
	q := fidelis.Query{Grain: fidelis.Month}
	var rows int
	count := func(fidelis.CustomerFeatures) error { rows++; return nil }
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"EngagementRetention/shared", func() error { cs, err := st.EngagementRetention(ctx, q); rows = len(cs); return err }},
		{"EngagementRetention/reference", func() error { var err error; rows, err = referenceEngagementRetention(ctx, st.DB(), 3); return err }},
		{"AdvocacyFeatures/shared", func() error { rows = 0; return st.AdvocacyFeatures(ctx, f, count) }},
		{"AdvocacyFeatures/reference", func() error { rows = 0; return referenceAdvocacyFeatures(ctx, st.DB(), asOf, last, count) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-MiB")
		})
	}
}

// referenceEngagementRetention is DuckDB's former query (whole base, by month, window k), with
// the buckets it had in SQL; it returns the number of cells.
func referenceEngagementRetention(ctx context.Context, db *sql.DB, k int) (int, error) {
	p := func(c string) string { return `(year(` + c + `) * 12 + month(` + c + `) - 1)` }
	ks := strconv.Itoa(k)
	r, err := db.QueryContext(ctx, `WITH b AS (SELECT customer_id, seg, p, lead(p) OVER (PARTITION BY customer_id ORDER BY p) AS np FROM (
			SELECT DISTINCT o.customer_id, '' AS seg, `+p(`o."timestamp"`)+` AS p FROM orders o WHERE o.amount >= 0)),
		i AS (SELECT customer_id, `+p(`"timestamp"`)+` AS p, count(*) AS n FROM interactions GROUP BY 1, 2),
		lp AS (SELECT max(p) AS m FROM b)
	SELECT b.seg, CASE WHEN coalesce(i.n, 0) = 0 THEN 0 WHEN i.n <= 2 THEN 1 WHEN i.n <= 5 THEN 2 ELSE 3 END,
		count(*), count(*) FILTER (WHERE b.np <= b.p + `+ks+`)
	FROM b LEFT JOIN i ON i.customer_id = b.customer_id AND i.p = b.p, lp
	WHERE b.p + `+ks+` < lp.m GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
	}
	return n, r.Err()
}

// referenceAdvocacyFeatures is DuckDB's former query, scanning what the shape scans.
func referenceAdvocacyFeatures(ctx context.Context, db *sql.DB, asOf, until time.Time, fn func(fidelis.CustomerFeatures) error) error {
	conv := `(r.converted_at IS NOT NULL OR coalesce(r.converted_customer_id, '') <> '')`
	r, err := db.QueryContext(ctx, `WITH o AS (SELECT customer_id, min("timestamp") AS f, max("timestamp") FILTER (WHERE amount >= 0) AS l,
			count(*) FILTER (WHERE amount >= 0) AS n, sum(amount) AS rev
			FROM orders WHERE "timestamp" < $1 GROUP BY 1 HAVING count(*) FILTER (WHERE amount >= 0) > 0),
		nps AS (SELECT customer_id, arg_max(score, "timestamp") AS s FROM surveys
			WHERE lower(kind) = 'nps' AND "timestamp" < $1 AND customer_id IS NOT NULL GROUP BY 1),
		sv AS (SELECT customer_id, avg(x) AS m FROM (SELECT customer_id, "timestamp", (score - min(score) OVER (PARTITION BY kind))
				/ nullif(max(score) OVER (PARTITION BY kind) - min(score) OVER (PARTITION BY kind), 0) AS x
				FROM surveys WHERE lower(kind) <> 'nps') z
			WHERE customer_id IS NOT NULL AND x IS NOT NULL AND "timestamp" < $1 GROUP BY 1),
		pg AS (SELECT customer_id, coalesce(sum(points) FILTER (WHERE lower(type) = 'earn'), 0) AS pts
			FROM program WHERE "timestamp" < $1 GROUP BY 1),
		it AS (SELECT customer_id, count(*) FILTER (WHERE "timestamp" >= $1 - INTERVAL 90 DAY) AS n90, count(DISTINCT channel) AS ch
			FROM interactions WHERE "timestamp" < $1 GROUP BY 1),
		so AS (SELECT customer_id, count(*) AS m, count(*) FILTER (WHERE lower(sentiment) = 'positive') AS pos, coalesce(sum(shares), 0) AS sh
			FROM social WHERE "timestamp" < $1 AND customer_id IS NOT NULL GROUP BY 1),
		rf AS (SELECT r.referrer_id AS customer_id, count(*) FILTER (WHERE r.invited_at < $1) AS n,
			count(*) FILTER (WHERE r.invited_at < $1 AND `+conv+`) AS c,
			count(*) FILTER (WHERE r.invited_at >= $1 AND r.invited_at < $2) AS fut FROM referrals r GROUP BY 1)
	SELECT o.customer_id, date_diff('second', o.l, $1) / 86400.0, date_diff('second', o.f, $1) / 86400.0, o.n, o.rev,
		nps.s, sv.m, pg.customer_id IS NOT NULL, coalesce(pg.pts, 0),
		coalesce(it.n90, 0), coalesce(it.ch, 0), coalesce(so.m, 0), coalesce(so.pos, 0), coalesce(so.sh, 0),
		coalesce(rf.n, 0), coalesce(rf.c, 0), coalesce(rf.fut, 0)
	FROM o LEFT JOIN nps USING (customer_id) LEFT JOIN sv USING (customer_id)
		LEFT JOIN pg USING (customer_id) LEFT JOIN it USING (customer_id) LEFT JOIN so USING (customer_id)
		LEFT JOIN rf USING (customer_id) ORDER BY o.customer_id`, asOf.UTC(), until.UTC())
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		var c fidelis.CustomerFeatures
		var nps, sv sql.NullFloat64
		if err := r.Scan(&c.Customer, &c.RecencyDays, &c.TenureDays, &c.Orders, &c.Revenue, &nps, &sv, &c.Member, &c.Points,
			&c.Interactions, &c.Channels, &c.Mentions, &c.Positive, &c.Shares, &c.Referrals, &c.Converted, &c.Future); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return r.Err()
}
