package duckdb

import (
	"context"
	"fmt"
	"strconv"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.EngagementStore = (*Store)(nil)

// EngagementRetention buckets each customer-period with a purchase by that period's interactions
// and checks for a purchase in the following ActivityWindow() periods.
func (s *Store) EngagementRetention(ctx context.Context, q fidelis.Query) ([]fidelis.EngagementRetentionCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	k := strconv.Itoa(q.ActivityWindow())
	seg, join, args := segment(q, "o")
	from, to := sqlstore.WindowIndices(q)
	query := `WITH b AS (SELECT customer_id, seg, p, lead(p) OVER (PARTITION BY customer_id ORDER BY p) AS np FROM (
			SELECT DISTINCT o.customer_id, ` + seg + ` AS seg, ` + periodIndex(q.Grain, `o."timestamp"`) + ` AS p
			FROM orders o` + join + ` WHERE o.amount >= 0)),
		i AS (SELECT customer_id, ` + periodIndex(q.Grain, `"timestamp"`) + ` AS p, count(*) AS n FROM interactions GROUP BY 1, 2),
		lp AS (SELECT max(p) AS m FROM b)
	SELECT b.seg, CASE WHEN coalesce(i.n, 0) = 0 THEN 0 WHEN i.n <= 2 THEN 1 WHEN i.n <= 5 THEN 2 ELSE 3 END,
		count(*), ` + countIf("b.np <= b.p + "+k) + `
	FROM b LEFT JOIN i ON i.customer_id = b.customer_id AND i.p = b.p, lp
	WHERE b.p + ` + k + ` < lp.m AND b.p >= ? AND b.p < ? GROUP BY 1, 2 ORDER BY 1, 2`
	rows, err := s.db.QueryContext(ctx, query, append(args, from, to)...)
	if err != nil {
		return nil, fmt.Errorf("engagement retention: %w", err)
	}
	defer rows.Close()
	var out []fidelis.EngagementRetentionCell
	for rows.Next() {
		var c fidelis.EngagementRetentionCell
		if err := rows.Scan(&c.Segment, &c.Bucket, &c.Buyers, &c.Returned); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
