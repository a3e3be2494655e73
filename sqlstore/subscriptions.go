package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"fidelis"
)

// SubscriptionMovements compares each customer's MRR at the start and at the end of every period.
// A subscription counts at the start of period j when it started in an earlier period and had not
// ended before period j began; open subscriptions run to the end of the latest period with any
// subscription event or order.
//
// The common subset has no way to spread a subscription over the periods it covers (DuckDB's
// unnest(range()), ClickHouse's arrayJoin(range()) differ) nor a FULL OUTER JOIN of a customer's
// consecutive periods on 18.16, so each customer's subscriptions stream in customer order and
// are folded in Go: one row per subscription crosses the driver, memory is one customer's periods.
func (s *Shapes) SubscriptionMovements(ctx context.Context, q fidelis.Query) ([]fidelis.SubscriptionCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	ps, pe := s.D.Period(q.Grain, "started_at"), s.D.Period(q.Grain, "ended_at")
	// last is the latest period with any event; open subscriptions run to its end.
	var n int64
	var lastStart, lastEnd sql.NullInt64
	err := s.DB.QueryRowContext(ctx, `SELECT count(*), max(`+ps+`), max(coalesce(`+pe+`, `+ps+`)) FROM subscriptions`).
		Scan(&n, &lastStart, &lastEnd)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	last := max(lastStart.Int64, lastEnd.Int64)
	if _, lo, err := s.Span(ctx); err == nil && !lo.IsZero() {
		last = max(last, q.Grain.Index(lo))
	}

	type key struct {
		seg string
		p   int64
	}
	cells := map[key]*fidelis.SubscriptionCell{}
	// live[j-lo] is the customer's MRR at the start of period j, covered[j-lo] whether any
	// subscription was live then (a live subscription of 0 MRR still makes the period a row).
	var live []float64
	var covered []bool
	type sub struct {
		start, end int64 // live at the start of periods start+1 … end
		mrr        float64
	}
	var subs []sub
	fold := func(seg string) {
		lo, hi := subs[0].start+1, subs[0].end
		for _, x := range subs {
			lo, hi = min(lo, x.start+1), max(hi, x.end)
		}
		if hi < lo {
			return // every subscription began and ended within one period
		}
		// One more period on each side: the period before the first live start has the customer
		// as a new logo, the last live period compares with the (empty) one after it.
		n := int(hi - lo + 2)
		live, covered = slices.Grow(live[:0], n)[:n], slices.Grow(covered[:0], n)[:n]
		clear(live)
		clear(covered)
		for _, x := range subs {
			for j := x.start + 1; j <= x.end; j++ {
				live[j-lo] += x.mrr
				covered[j-lo] = true
			}
		}
		// Period j compares the start of j with the start of j+1; it is a row when either is covered.
		for j := lo - 1; j <= hi; j++ {
			var st, en float64
			var has bool
			if i := j - lo; i >= 0 && covered[i] {
				st, has = live[i], true
			}
			if i := j + 1 - lo; i < int64(n) && covered[i] {
				en, has = live[i], true
			}
			if !has {
				continue
			}
			c := cells[key{seg, j}]
			if c == nil {
				c = &fidelis.SubscriptionCell{Segment: seg, Period: j}
				cells[key{seg, j}] = c
			}
			movement(c, st, en)
		}
	}

	src, args := s.source(q, "subscriptions", "customer_id", "", `t.customer_id AS sm_customer`,
		s.D.Period(q.Grain, `t.started_at`)+` AS sm_start`, s.D.Period(q.Grain, `t.ended_at`)+` AS sm_end`, `t.mrr AS sm_mrr`)
	var cur, curSeg string
	err = each(ctx, s.DB, "subscriptions", `SELECT sm_customer, seg, sm_start, sm_end, sm_mrr FROM `+src+` ORDER BY sm_customer`, args,
		func(r *sql.Rows) error {
			var c, seg string
			var x sub
			var end sql.NullInt64
			if err := r.Scan(&c, &seg, &x.start, &end, &x.mrr); err != nil {
				return fmt.Errorf("subscriptions: %w", err)
			}
			x.end = last + 1
			if end.Valid {
				x.end = end.Int64
			}
			if len(subs) > 0 && c != cur {
				fold(curSeg)
				subs = subs[:0]
			}
			cur, curSeg = c, seg
			subs = append(subs, x)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if len(subs) > 0 {
		fold(curSeg)
	}

	from, to := WindowIndices(q)
	var out []fidelis.SubscriptionCell
	for _, c := range cells {
		if c.Period >= from && c.Period < to && c.Period <= last {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b fidelis.SubscriptionCell) int {
		if a.Segment != b.Segment {
			return strings.Compare(a.Segment, b.Segment)
		}
		return int(a.Period - b.Period)
	})
	return out, nil
}

// movement adds one customer's MRR at the start (st) and at the end (en) of a period to its cell.
func movement(c *fidelis.SubscriptionCell, st, en float64) {
	if st > 0 {
		c.StartLogos++
		if en == 0 {
			c.LostLogos++
		}
	}
	if st == 0 && en > 0 {
		c.NewLogos++
	}
	if en == 0 {
		c.ChurnedMRR += st
	}
	if en > 0 && en < st {
		c.Contraction += st - en
	}
	if st > 0 && en > st {
		c.Expansion += en - st
	}
	if st == 0 {
		c.NewMRR += en
	}
	c.StartMRR += st
	c.EndMRR += en
}
