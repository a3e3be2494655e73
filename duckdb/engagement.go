package duckdb

import (
	"context"
	"fmt"
	"strconv"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.EngagementStore = (*Store)(nil)

// Engagement counts interactions per segment, period and channel.
func (s *Store) Engagement(ctx context.Context, q fidelis.Query) ([]fidelis.EngagementCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	seg, join, args := segment(q, "x")
	cond, targs := sqlstore.TimeBounds(q, `x."timestamp"`)
	query := `SELECT ` + seg + `, ` + periodIndex(q.Grain, `x."timestamp"`) + `, x.channel, count(*), count(DISTINCT x.customer_id),
		coalesce(sum(x.depth), 0), count(x.depth)
	FROM interactions x` + join + ` WHERE ` + cond + ` GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
	rows, err := s.db.QueryContext(ctx, query, append(args, targs...)...)
	if err != nil {
		return nil, fmt.Errorf("engagement: %w", err)
	}
	defer rows.Close()
	var out []fidelis.EngagementCell
	for rows.Next() {
		var c fidelis.EngagementCell
		if err := rows.Scan(&c.Segment, &c.Period, &c.Channel, &c.Interactions, &c.Customers, &c.Depth, &c.DepthN); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// EngagementMix counts engaged customers per segment, period and number of channels used.
func (s *Store) EngagementMix(ctx context.Context, q fidelis.Query) ([]fidelis.ChannelMix, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	seg, join, args := segment(q, "x")
	cond, targs := sqlstore.TimeBounds(q, `x."timestamp"`)
	query := `SELECT seg, p, n, count(*) FROM (SELECT x.customer_id, ` + seg + ` AS seg, ` + periodIndex(q.Grain, `x."timestamp"`) + ` AS p,
		count(DISTINCT x.channel) AS n FROM interactions x` + join + ` WHERE ` + cond + ` GROUP BY 1, 2, 3)
	GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
	rows, err := s.db.QueryContext(ctx, query, append(args, targs...)...)
	if err != nil {
		return nil, fmt.Errorf("engagement mix: %w", err)
	}
	defer rows.Close()
	var out []fidelis.ChannelMix
	for rows.Next() {
		var c fidelis.ChannelMix
		if err := rows.Scan(&c.Segment, &c.Period, &c.Channels, &c.Customers); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

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
