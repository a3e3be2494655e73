package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.ProgramStore = (*Store)(nil)

// ProgramCustomers streams each customer's enrolment and orders up to q.To.
func (s *Store) ProgramCustomers(ctx context.Context, q fidelis.Query, fn func(fidelis.ProgramCustomer) error) error {
	if err := s.CheckDimension(ctx, q); err != nil {
		return err
	}
	seg, join, args := segment(q, "o")
	cond, targs := sqlstore.TimeBounds(fidelis.Query{To: q.To}, `o."timestamp"`)
	mcond, margs := sqlstore.TimeBounds(fidelis.Query{To: q.To}, `"timestamp"`)
	query := `WITH m AS (SELECT customer_id, min("timestamp") AS e, max("timestamp") AS l FROM program WHERE ` + mcond + ` GROUP BY 1)
	SELECT o.customer_id, ` + seg + `, coalesce(cp.region, '') || '|' || coalesce(cp.segment, ''), any_value(m.e), any_value(m.l),
		list(o."timestamp" ORDER BY o."timestamp") FILTER (WHERE o.amount >= 0),
		list(o.amount ORDER BY o."timestamp") FILTER (WHERE o.amount >= 0),
		coalesce(-sum(o.amount) FILTER (WHERE o.amount < 0), 0)
	FROM orders o` + join + ` LEFT JOIN customers cp ON cp.customer_id = o.customer_id
		LEFT JOIN m ON m.customer_id = o.customer_id
	WHERE ` + cond + ` GROUP BY 1, 2, 3 ORDER BY 1`
	all := append(margs, args...)
	rows, err := s.db.QueryContext(ctx, query, append(all, targs...)...)
	if err != nil {
		return fmt.Errorf("programme customers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c fidelis.ProgramCustomer
		var e, l sql.NullTime
		var ts, am []any
		if err := rows.Scan(&c.Customer, &c.Segment, &c.Profile, &e, &l, &ts, &am, &c.Refunds); err != nil {
			return err
		}
		if e.Valid {
			c.Enrolled, c.LastEvent = e.Time.UTC(), l.Time.UTC()
		}
		for i := range ts {
			t, ok := ts[i].(time.Time)
			if !ok {
				continue
			}
			c.Orders = append(c.Orders, t.UTC())
			c.Amounts = append(c.Amounts, am[i].(float64))
		}
		if !slices.IsSortedFunc(c.Orders, func(a, b time.Time) int { return a.Compare(b) }) {
			return fmt.Errorf("programme customers: orders of %s out of order", c.Customer)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}
