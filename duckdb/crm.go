package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"fidelis"
)

var _ fidelis.CustomerStore = (*Store)(nil)

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
