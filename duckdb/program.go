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

// ProgramTiers counts tier changes: consecutive programme rows of a customer carrying different
// non-empty tiers (the first one moves from "").
func (s *Store) ProgramTiers(ctx context.Context, q fidelis.Query) ([]fidelis.TierMove, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	seg, join, args := segment(q, "x")
	p := periodIndex(q.Grain, `x."timestamp"`)
	query := `SELECT seg, p, coalesce(prev, ''), tier, count(*) FROM (
		SELECT ` + seg + ` AS seg, ` + p + ` AS p, x.tier,
			lag(x.tier) OVER (PARTITION BY x.customer_id ORDER BY x."timestamp", x.event_id) AS prev
		FROM program x` + join + ` WHERE coalesce(x.tier, '') <> '')
	WHERE prev IS DISTINCT FROM tier GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("programme tiers: %w", err)
	}
	defer rows.Close()
	from, to := sqlstore.WindowIndices(q)
	var out []fidelis.TierMove
	for rows.Next() {
		var m fidelis.TierMove
		if err := rows.Scan(&m.Segment, &m.Period, &m.From, &m.To, &m.Customers); err != nil {
			return nil, err
		}
		if m.Period >= from && m.Period < to {
			out = append(out, m)
		}
	}
	return out, rows.Err()
}

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
