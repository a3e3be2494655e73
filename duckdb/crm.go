package duckdb

import (
	"context"
	"fmt"

	"fidelis"
)

var _ fidelis.CustomerStore = (*Store)(nil)

// CustomerIDs selects customers with the cohort query of Cohorts (purchase periods of
// non-refund orders, the first of them the cohort) and the segment join of every breakdown.
func (s *Store) CustomerIDs(ctx context.Context, sel fidelis.CustomerSelection) ([]string, error) {
	q := fidelis.Query{Grain: sel.Grain, By: sel.By}
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	var query string
	var args []any
	if sel.InCohort {
		if _, err := fidelis.ParseGrain(string(sel.Grain)); err != nil {
			return nil, err
		}
		seg, join, segArgs := segment(q, "o")
		query = `WITH p AS (SELECT o.customer_id, ` + seg + ` AS seg, ` + periodIndex(sel.Grain, `o."timestamp"`) + ` AS p
			FROM orders o` + join + ` WHERE o.amount >= 0 GROUP BY 1, 2, 3),
		f AS (SELECT customer_id, min(p) AS c FROM p GROUP BY 1)
		SELECT DISTINCT p.customer_id FROM p JOIN f ON p.customer_id = f.customer_id WHERE f.c = ? AND p.p = ?`
		args = append(segArgs, sel.Cohort, sel.Cohort+sel.Offset)
		if sel.By != "" {
			query += ` AND p.seg = ?`
			args = append(args, sel.Segment)
		}
	} else {
		seg, join, segArgs := segment(q, "u")
		query = `SELECT DISTINCT u.customer_id FROM (SELECT customer_id FROM customers UNION SELECT customer_id FROM orders) u` + join
		args = segArgs
		if sel.By != "" {
			query += ` WHERE ` + seg + ` = ?`
			args = append(args, sel.Segment)
		}
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("customer ids: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
