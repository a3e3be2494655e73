package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"fidelis"
)

// inChunk bounds the ids bound into one IN (...) list.
const inChunk = 500

// EachChunk calls f with successive chunks of ids and the matching "?, ?, ..." placeholders, so
// that ids travel as bound parameters, never spliced into SQL.
func EachChunk(ids []string, f func(ph string, args []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), inChunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if err := f(strings.TrimSuffix(strings.Repeat("?, ", n), ", "), args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// CustomerRecords reads, for chunks of the given ids, their customer row, order summary and free
// attributes, then calls fn in the order of ids.
func (s *Shapes) CustomerRecords(ctx context.Context, ids []string, fn func(fidelis.CustomerRecord) error) error {
	recs := make(map[string]*fidelis.CustomerRecord, len(ids))
	var distinct []string
	for _, id := range ids {
		if recs[id] == nil {
			recs[id] = &fidelis.CustomerRecord{Customer: id}
			distinct = append(distinct, id)
		}
	}
	d := s.D
	fixed := make([]string, len(fidelis.FixedDimensions))
	for i, f := range fidelis.FixedDimensions {
		fixed[i] = d.AnyValue(`coalesce(` + f + `, '')`)
	}
	err := EachChunk(distinct, func(ph string, args []any) error {
		err := each(ctx, s.DB, "customer records", `SELECT customer_id, `+strings.Join(fixed, ", ")+` FROM customers
			WHERE customer_id IN (`+ph+`) GROUP BY customer_id`, args, func(r *sql.Rows) error {
			var id string
			var v [4]string
			if err := r.Scan(&id, &v[0], &v[1], &v[2], &v[3]); err != nil {
				return err
			}
			for i, x := range v {
				if x != "" {
					recs[id].Attrs = append(recs[id].Attrs, fidelis.Attr{Name: fidelis.FixedDimensions[i], Value: x})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = each(ctx, s.DB, "customer records", `SELECT customer_id, `+d.CountIf("amount >= 0")+`, `+d.MinIf(`"timestamp"`, "amount >= 0")+`,
			`+d.MaxIf(`"timestamp"`, "amount >= 0")+`, sum(amount) FROM orders WHERE customer_id IN (`+ph+`) GROUP BY customer_id`, args,
			func(r *sql.Rows) error {
				var id string
				var n int64
				var first, last sql.NullTime
				var revenue float64
				if err := r.Scan(&id, &n, &first, &last, &revenue); err != nil {
					return err
				}
				c := recs[id]
				c.Orders, c.Revenue = n, revenue
				if n > 0 {
					c.First, c.Last = first.Time, last.Time
				}
				return nil
			})
		if err != nil {
			return err
		}
		return each(ctx, s.DB, "customer attributes", `SELECT customer_id, name, `+d.AnyValue("value")+` AS a_value FROM customer_attrs
			WHERE customer_id IN (`+ph+`) AND coalesce(value, '') <> '' GROUP BY customer_id, name ORDER BY customer_id, name`, args,
			func(r *sql.Rows) error {
				var id string
				var a fidelis.Attr
				if err := r.Scan(&id, &a.Name, &a.Value); err != nil {
					return err
				}
				recs[id].Attrs = append(recs[id].Attrs, a)
				return nil
			})
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := fn(*recs[id]); err != nil {
			return err
		}
	}
	return nil
}

// CustomerIDs selects customers with the cohort rule of Cohorts (purchase periods of non-refund
// orders, the first of them the cohort) and the segment rule of every breakdown.
func (s *Shapes) CustomerIDs(ctx context.Context, sel fidelis.CustomerSelection) ([]string, error) {
	q := fidelis.Query{Grain: sel.Grain, By: sel.By}
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	var qs string
	var args []any
	if sel.InCohort {
		if _, err := fidelis.ParseGrain(string(sel.Grain)); err != nil {
			return nil, err
		}
		pp, pargs := s.purchasePeriods(q, "b")
		ff, fargs := s.purchasePeriods(q, "f")
		qs = `SELECT b_customer FROM ` + pp + ` b JOIN (SELECT f_customer FROM ` + ff + ` GROUP BY f_customer
			HAVING min(f_p) = ?) f ON f.f_customer = b.b_customer WHERE b_p = ?`
		args = append(append(pargs, fargs...), sel.Cohort, sel.Cohort+sel.Offset)
		if sel.By != "" {
			qs += ` AND b_seg = ?`
			args = append(args, sel.Segment)
		}
		qs += ` GROUP BY b_customer ORDER BY b_customer`
	} else {
		// Customers are those with a customer row or an order.
		src, sargs := s.source(q, `(SELECT customer_id FROM customers UNION ALL SELECT customer_id FROM orders)`, "customer_id", "",
			`t.customer_id AS u_customer`)
		qs, args = `SELECT u_customer FROM `+src, sargs
		if sel.By != "" {
			qs += ` WHERE seg = ?`
			args = append(args, sel.Segment)
		}
		qs += ` GROUP BY u_customer ORDER BY u_customer`
	}
	ids, err := Strings(ctx, s.DB, qs, args...)
	if err != nil {
		return nil, fmt.Errorf("customer ids: %w", err)
	}
	return ids, nil
}
