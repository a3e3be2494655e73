package sqlstore

import (
	"context"
	"database/sql"
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
