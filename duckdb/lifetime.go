package duckdb

import (
	"context"
	"fmt"
	"time"

	"fidelis"
)

var _ fidelis.LifetimeStore = (*Store)(nil)

// Lifetimes dates each customer's first lapse: the first purchase day followed by a gap longer
// than the window (or by no purchase at all). The lapse is observed once the window's last day,
// lapse + window, is inside the data (asOf is exclusive): asOf − lapse > window. With ≥ a customer
// whose window ends on the unobserved day asOf would be declared lapsed one day early.
func (s *Store) Lifetimes(ctx context.Context, q fidelis.Query, windowDays int) ([]fidelis.LifetimeCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	if windowDays <= 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "lifetimes need a positive window")
	}
	_, last, err := s.Span(ctx)
	if err != nil || last.IsZero() {
		return nil, err
	}
	asOf := last.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if !q.To.IsZero() && q.To.Before(asOf) {
		asOf = q.To.UTC()
	}
	seg, join, args := segment(q, "e")
	query := `WITH d AS (SELECT customer_id, CAST("timestamp" AS DATE) AS day FROM orders
		WHERE amount >= 0 AND "timestamp" < ? GROUP BY 1, 2),
	g AS (SELECT customer_id, day, lead(day) OVER (PARTITION BY customer_id ORDER BY day) AS nxt,
		min(day) OVER (PARTITION BY customer_id) AS first FROM d),
	e AS (SELECT customer_id, first, min(day) AS lapse FROM g
		WHERE nxt IS NULL OR date_diff('day', day, nxt) > ? GROUP BY 1, 2),
	l AS (SELECT ` + seg + ` AS seg, date_diff('day', e.lapse, CAST(? AS DATE)) > ? AS ev,
		CASE WHEN date_diff('day', e.lapse, CAST(? AS DATE)) > ? THEN date_diff('day', e.first, e.lapse) + ?
			ELSE date_diff('day', e.first, CAST(? AS DATE)) END AS days
		FROM e` + join + `)
	SELECT seg, days, ` + countIf("ev") + `, ` + countIf("NOT ev") + ` FROM l GROUP BY 1, 2 ORDER BY 1, 2`
	all := append([]any{asOf, windowDays, asOf, windowDays, asOf, windowDays, windowDays, asOf}, args...)
	rows, err := s.db.QueryContext(ctx, query, all...)
	if err != nil {
		return nil, fmt.Errorf("lifetimes: %w", err)
	}
	defer rows.Close()
	var out []fidelis.LifetimeCell
	for rows.Next() {
		var c fidelis.LifetimeCell
		if err := rows.Scan(&c.Segment, &c.Days, &c.Events, &c.Censored); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
