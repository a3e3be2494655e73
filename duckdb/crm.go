package duckdb

import (
	"context"
	"database/sql"
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

// CustomerRecords joins the given ids with their customer row, free attributes and order summary.
// The ids travel as one bound list parameter, never spliced into the SQL.
func (s *Store) CustomerRecords(ctx context.Context, ids []string, fn func(fidelis.CustomerRecord) error) error {
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = id
	}
	recs := make(map[string]*fidelis.CustomerRecord, len(ids))
	for _, id := range ids {
		recs[id] = &fidelis.CustomerRecord{Customer: id}
	}
	rows, err := s.db.QueryContext(ctx, `WITH ids AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS id)
		SELECT ids.id, c.region, c.country, c.segment, c.acquisition_channel,
			min(o."timestamp") FILTER (WHERE o.amount >= 0), max(o."timestamp") FILTER (WHERE o.amount >= 0),
			count(o.order_id) FILTER (WHERE o.amount >= 0), coalesce(sum(o.amount), 0)
		FROM ids LEFT JOIN (SELECT customer_id, any_value(region) AS region, any_value(country) AS country,
				any_value(segment) AS segment, any_value(acquisition_channel) AS acquisition_channel
			FROM customers GROUP BY 1) c ON c.customer_id = ids.id
		LEFT JOIN orders o ON o.customer_id = ids.id
		GROUP BY 1, 2, 3, 4, 5`, list)
	if err != nil {
		return fmt.Errorf("customer records: %w", err)
	}
	for rows.Next() {
		var id string
		var fixed [4]sql.NullString
		var first, last sql.NullTime
		var orders int64
		var revenue float64
		if err := rows.Scan(&id, &fixed[0], &fixed[1], &fixed[2], &fixed[3], &first, &last, &orders, &revenue); err != nil {
			rows.Close()
			return err
		}
		r := recs[id]
		for i, f := range fixed {
			if f.Valid && f.String != "" {
				r.Attrs = append(r.Attrs, fidelis.Attr{Name: fidelis.FixedDimensions[i], Value: f.String})
			}
		}
		r.First, r.Last, r.Orders, r.Revenue = first.Time, last.Time, orders, revenue
	}
	if err := rows.Close(); err != nil {
		return err
	}
	attrs, err := s.db.QueryContext(ctx, `SELECT a.customer_id, a.name, any_value(a.value) FROM customer_attrs a
		WHERE a.customer_id IN (SELECT unnest(?::VARCHAR[])) AND a.value IS NOT NULL AND a.value <> ''
		GROUP BY 1, 2 ORDER BY 1, 2`, list)
	if err != nil {
		return fmt.Errorf("customer attributes: %w", err)
	}
	for attrs.Next() {
		var id string
		var a fidelis.Attr
		if err := attrs.Scan(&id, &a.Name, &a.Value); err != nil {
			attrs.Close()
			return err
		}
		recs[id].Attrs = append(recs[id].Attrs, a)
	}
	if err := attrs.Close(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := fn(*recs[id]); err != nil {
			return err
		}
	}
	return nil
}
