package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"fidelis"
)

// PeriodCustomers lists the customers behind one period's retention counts, by the rules of
// Activity: a customer is active in period j when they bought (refunds are not purchases) in one
// of the window's k periods ending at j, [j−k+1, j]. So, for period i, with the customer's
// purchase periods up to i:
//
//	Prev   (active in i−1): a purchase in [i−k, i−1]
//	Active (active in i):   a purchase in [i−k+1, i]
//	New:                    the first purchase is in i
//
// and only customers with a purchase in [i−k, i] are active in either. One GROUP BY per customer
// over the orders up to i, no window functions, no join beyond the segment's in source (the SQL
// both engines share; see shapes.md). Lost = Prev and not Active: those whose last purchase up to
// i is in period i−k exactly, the customers Activity counts as spells ending in i.
func (s *Shapes) PeriodCustomers(ctx context.Context, q fidelis.Query, i int64) ([]fidelis.PeriodCustomer, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	if _, err := fidelis.ParseGrain(string(q.Grain)); err != nil {
		return nil, err
	}
	k := int64(q.ActivityWindow())
	d := s.D
	src, args := s.source(q, "orders", "customer_id", "t.amount >= 0 AND "+d.Period(q.Grain, `t."timestamp"`)+" <= ?",
		`t.customer_id AS w_customer`, d.Period(q.Grain, `t."timestamp"`)+` AS w_p`)
	qs := `SELECT w_customer, seg, ` + d.CountIf(`w_p >= ? AND w_p <= ?`) + ` AS w_prev, ` + d.CountIf(`w_p >= ?`) + ` AS w_active,
		min(w_p) AS w_first FROM ` + src + ` GROUP BY w_customer, seg HAVING max(w_p) >= ?`
	all := append(append([]any{i - k, i - 1, i - k + 1}, args...), i, i-k)
	out, err := query(ctx, s.DB, "period customers", qs, all, func(r *sql.Rows, c *fidelis.PeriodCustomer) error {
		var prev, active, first int64
		if err := r.Scan(&c.Customer, &c.Segment, &prev, &active, &first); err != nil {
			return err
		}
		c.Prev, c.Active, c.New = prev > 0, active > 0, first == i
		return nil
	})
	// Bytewise, whatever the engine's collation (lists are searched by binary search).
	slices.SortFunc(out, func(a, b fidelis.PeriodCustomer) int { return strings.Compare(a.Customer, b.Customer) })
	return out, err
}
