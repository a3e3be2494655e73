package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"fidelis"
)

// ProgramActivity sums the programme events per segment and period; running totals are
// accumulated in Go over every period of the data before the window is cut.
func (s *Shapes) ProgramActivity(ctx context.Context, q fidelis.Query) ([]fidelis.ProgramCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	d := s.D
	src, args := s.source(q, "program", "customer_id", "", `t.customer_id AS a_customer`, d.Period(q.Grain, `t."timestamp"`)+` AS p`,
		`lower(t.type) AS a_type`, `t.points AS a_points`, `t.value AS a_value`)
	valued := `a_points IS NOT NULL AND a_points <> 0 AND a_value IS NOT NULL`
	type key struct {
		seg string
		p   int64
	}
	cells := map[key]*fidelis.ProgramCell{}
	cell := func(k key) *fidelis.ProgramCell {
		if cells[k] == nil {
			cells[k] = &fidelis.ProgramCell{Segment: k.seg, Period: k.p}
		}
		return cells[k]
	}
	err := each(ctx, s.DB, "programme", `SELECT seg, p, count(DISTINCT a_customer),
		`+d.SumIf("a_points", "a_type = 'earn'")+`, `+d.SumIf("abs(a_points)", "a_type = 'redeem'")+`,
		`+d.SumIf("abs(a_points)", "a_type = 'expire'")+`, `+d.SumIf("a_points", "a_type = 'adjust'")+`,
		`+d.SumIf("abs(a_points)", valued)+`, `+d.SumIf("abs(a_value)", valued)+`
		FROM `+src+` GROUP BY seg, p`, args, func(r *sql.Rows) error {
		var k key
		var v fidelis.ProgramCell
		if err := r.Scan(&k.seg, &k.p, &v.Active, &v.Earned, &v.Redeemed, &v.Expired, &v.Adjusted, &v.ValuedPoints, &v.Value); err != nil {
			return err
		}
		c := cell(k)
		c.Active, c.Earned, c.Redeemed, c.Expired, c.Adjusted, c.ValuedPoints, c.Value =
			v.Active, v.Earned, v.Redeemed, v.Expired, v.Adjusted, v.ValuedPoints, v.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A customer is a member from their first programme event.
	err = each(ctx, s.DB, "programme", `SELECT seg, f_p, count(*) FROM (SELECT a_customer, seg, min(p) AS f_p FROM `+src+`
		GROUP BY a_customer, seg) GROUP BY seg, f_p`, args, func(r *sql.Rows) error {
		var k key
		var n int64
		if err := r.Scan(&k.seg, &k.p, &n); err != nil {
			return err
		}
		cell(k).Enrolled += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	segs := map[string]bool{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for k := range cells {
		segs[k.seg] = true
		lo, hi = min(lo, k.p), max(hi, k.p)
	}
	from, to := WindowIndices(q)
	var out []fidelis.ProgramCell
	for _, sg := range sortedKeys(segs) {
		var run fidelis.ProgramCell
		for i := lo; i <= hi; i++ {
			c := fidelis.ProgramCell{Segment: sg, Period: i}
			if d := cells[key{sg, i}]; d != nil {
				c = *d
			}
			run.Members += c.Enrolled
			run.EarnedToDate += c.Earned
			run.RedeemedToDate += c.Redeemed
			run.ExpiredToDate += c.Expired
			run.AdjustedToDate += c.Adjusted
			c.Members, c.EarnedToDate, c.RedeemedToDate, c.ExpiredToDate, c.AdjustedToDate =
				run.Members, run.EarnedToDate, run.RedeemedToDate, run.ExpiredToDate, run.AdjustedToDate
			if i >= from && i < to {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ProgramCustomers streams, in customer order, each customer with an order up to q.To: their
// programme enrolment and last event, their orders (refunds apart) and refunds.
//
// The orders travel one row each, ordered by customer only, and are gathered per customer in Go
// (the common subset has no ordered list aggregate), where each customer's few orders are put in
// time order: memory is one customer's orders. Sorting by customer alone in the store and by time
// in Go is about three times faster than the store's sort on (customer, time, amount) at 250k
// customers (the sort was the costliest part of the programme section). A second query gives the
// per-customer facts (segment, profile, programme, refunds) in the same order, and the two are
// merged.
func (s *Shapes) ProgramCustomers(ctx context.Context, q fidelis.Query, fn func(fidelis.ProgramCustomer) error) error {
	if err := s.CheckDimension(ctx, q); err != nil {
		return err
	}
	d := s.D
	cond, targs := TimeBounds(fidelis.Query{To: q.To}, `t."timestamp"`)
	mcond, margs := TimeBounds(fidelis.Query{To: q.To}, `"timestamp"`)
	src, sargs := s.source(q, "orders", "customer_id", cond, `t.customer_id AS pc_customer`, `t.amount AS pc_amount`)
	facts := `SELECT pc_customer, seg, pc_refunds, pc_profile, coalesce(m_has, 0) AS pc_member, m_first, m_last FROM (
		SELECT pc_customer, seg, pc_refunds, coalesce(p_region, '') || '|' || coalesce(p_segment, '') AS pc_profile FROM (
			SELECT pc_customer, seg, ` + d.SumIf("-pc_amount", "pc_amount < 0") + ` AS pc_refunds FROM ` + src + `
			GROUP BY pc_customer, seg) a
		LEFT JOIN (SELECT customer_id AS p_customer, region AS p_region, segment AS p_segment FROM customers) p ON p.p_customer = a.pc_customer) b
	LEFT JOIN (SELECT customer_id AS m_customer, min("timestamp") AS m_first, max("timestamp") AS m_last, 1 AS m_has FROM program
		WHERE ` + mcond + ` GROUP BY customer_id) m ON m.m_customer = b.pc_customer
	ORDER BY pc_customer`
	// The orders, restricted as the facts are but without the breakdown's join.
	oq := q
	oq.By = ""
	osrc, oargs := s.source(oq, "orders", "customer_id", "t.amount >= 0 AND "+cond, `t.customer_id AS o_customer`,
		`t."timestamp" AS o_time`, `t.amount AS o_amount`)
	oc, fc, err := s.twoConns(ctx)
	if err != nil {
		return fmt.Errorf("programme customers: %w", err)
	}
	defer oc.Close()
	defer fc.Close()
	orders, err := oc.QueryContext(ctx, `SELECT o_customer, o_time, o_amount FROM `+osrc+` ORDER BY o_customer`,
		append(oargs, targs...)...)
	if err != nil {
		return fmt.Errorf("programme customers: %w", err)
	}
	defer orders.Close()
	var next struct {
		customer string
		t        time.Time
		amount   float64
		ok       bool
	}
	advance := func() error {
		prev := next.customer
		next.ok = orders.Next()
		if !next.ok {
			return orders.Err()
		}
		if err := orders.Scan(&next.customer, &next.t, &next.amount); err != nil {
			return err
		}
		if next.customer < prev {
			return fmt.Errorf("orders of %s after those of %s: the store does not order ids bytewise", next.customer, prev)
		}
		return nil
	}
	if err := advance(); err != nil {
		return fmt.Errorf("programme customers: %w", err)
	}
	prev := ""
	err = each(ctx, fc, "programme customers", facts, append(append(sargs, targs...), margs...), func(r *sql.Rows) error {
		var c fidelis.ProgramCustomer
		var member int64
		var e, l sql.NullTime
		if err := r.Scan(&c.Customer, &c.Segment, &c.Refunds, &c.Profile, &member, &e, &l); err != nil {
			return fmt.Errorf("programme customers: %w", err)
		}
		if c.Customer < prev {
			return fmt.Errorf("programme customers: %s after %s: the store does not order ids bytewise", c.Customer, prev)
		}
		prev = c.Customer
		if member != 0 {
			c.Enrolled, c.LastEvent = e.Time.UTC(), l.Time.UTC()
		}
		for next.ok && next.customer <= c.Customer {
			if next.customer < c.Customer {
				return fmt.Errorf("programme customers: orders of %s without the customer's facts", next.customer)
			}
			c.Orders = append(c.Orders, next.t.UTC())
			c.Amounts = append(c.Amounts, next.amount)
			if err := advance(); err != nil {
				return fmt.Errorf("programme customers: %w", err)
			}
		}
		sort.Sort(byTime{c.Orders, c.Amounts})
		return fn(c)
	})
	if err == nil && next.ok {
		err = fmt.Errorf("programme customers: orders of %s without the customer's facts", next.customer)
	}
	return err
}

// byTime orders one customer's orders by time, then amount (the order the store used to give).
type byTime struct {
	t []time.Time
	a []float64
}

func (b byTime) Len() int { return len(b.t) }
func (b byTime) Less(i, j int) bool {
	if !b.t[i].Equal(b.t[j]) {
		return b.t[i].Before(b.t[j])
	}
	return b.a[i] < b.a[j]
}
func (b byTime) Swap(i, j int) { b.t[i], b.t[j], b.a[i], b.a[j] = b.t[j], b.t[i], b.a[j], b.a[i] }
