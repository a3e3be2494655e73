package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"time"

	"fidelis"
)

// Spells of activity need consecutive rows of a customer (the gap to the previous purchase). The
// SQL subset of ClickHouse 18.16 has no window functions, so these shapes stream each customer's
// purchase periods in order and fold them in Go; measured in shapes.md against DuckDB's
// gaps-and-islands query.

// periodStream calls fn with each customer's segment and ascending distinct purchase periods
// (refunds are not purchases), one customer at a time, in customer order. where restricts the
// orders (over alias t) with its arguments.
func (s *Shapes) periodStream(ctx context.Context, q fidelis.Query, g fidelis.Grain, where string, wargs []any,
	fn func(customer, seg string, periods []int64) error) error {
	if where == "" {
		where = "1 = 1"
	}
	src, args := s.source(q, "orders", "customer_id", "t.amount >= 0 AND "+where, `t.customer_id AS a_customer`,
		s.D.Period(g, `t."timestamp"`)+` AS a_p`)
	// Distinct periods, in order; repeats of a period are also skipped here, because at day grain
	// the store only sorts: nearly every purchase is a day of its own (2.52M orders, 2.41M customer
	// days at 250k customers), and grouping them before sorting cost DuckDB 3.3-3.6 CPU-s against
	// 1.1-2.3 for sorting alone, read into Go alike. By month the grouping halves the rows (1.15M)
	// and pays for itself (0.9-1.9 against 1.2-1.5 CPU-s).
	qs := `SELECT a_customer, seg, a_p FROM ` + src + ` GROUP BY a_customer, seg, a_p ORDER BY a_customer, a_p`
	if g == fidelis.Day {
		qs = `SELECT a_customer, seg, a_p FROM ` + src + ` ORDER BY a_customer, a_p`
	}
	var cur, curSeg string
	var ps []int64
	started := false
	err := each(ctx, s.DB, "purchase periods", qs, append(args, wargs...), func(r *sql.Rows) error {
		var c, sg string
		var p int64
		if err := r.Scan(&c, &sg, &p); err != nil {
			return err
		}
		if started && c == cur {
			if p != ps[len(ps)-1] {
				ps = append(ps, p)
			}
			return nil
		}
		if started {
			if err := fn(cur, curSeg, ps); err != nil {
				return err
			}
			ps = ps[:0]
		}
		cur, curSeg, started = c, sg, true
		ps = append(ps, p)
		return nil
	})
	if err != nil || !started {
		return err
	}
	return fn(cur, curSeg, ps)
}

// Activity computes the retention counts from spells of activity: a customer's purchase periods,
// merged where the gap is at most the window, form spells [first, last + window − 1]. Only how
// many spells start and end in each period is kept; Go accumulates them. Because two spells of
// one customer are separated by at least one inactive period, a customer active in both i−1 and
// i lies in one spell, so Retained(i) = Active(i) − Starts(i).
func (s *Shapes) Activity(ctx context.Context, q fidelis.Query) ([]fidelis.ActivityCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	k := int64(q.ActivityWindow())
	type key struct {
		seg string
		p   int64
	}
	starts, news, ends := map[key]int64{}, map[key]int64{}, map[key]int64{}
	err := s.periodStream(ctx, q, q.Grain, "", nil, func(_, seg string, ps []int64) error {
		a := ps[0]
		for i := 1; i <= len(ps); i++ {
			if i < len(ps) && ps[i]-ps[i-1] <= k {
				continue
			}
			starts[key{seg, a}]++
			if a == ps[0] {
				news[key{seg, a}]++
			}
			ends[key{seg, ps[i-1] + k}]++ // the spell's last active period is ps[i-1] + k − 1
			if i < len(ps) {
				a = ps[i]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Orders, revenue and buyers per period.
	d := s.D
	src, args := s.source(q, "orders", "customer_id", "", `t.customer_id AS a_customer`, `t.amount AS a_amount`,
		d.Period(q.Grain, `t."timestamp"`)+` AS a_p`)
	type sales struct {
		orders, buyers int64
		revenue        float64
	}
	bySales := map[key]sales{}
	segs := map[string]bool{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	err = each(ctx, s.DB, "activity", `SELECT seg, a_p, `+d.CountIf("a_amount >= 0")+`, sum(a_amount),
		coalesce(count(DISTINCT CASE WHEN a_amount >= 0 THEN a_customer END), 0) FROM `+src+` GROUP BY seg, a_p`, args,
		func(r *sql.Rows) error {
			var kk key
			var v sales
			if err := r.Scan(&kk.seg, &kk.p, &v.orders, &v.revenue, &v.buyers); err != nil {
				return err
			}
			bySales[kk] = v
			segs[kk.seg] = true
			lo, hi = min(lo, kk.p), max(hi, kk.p)
			return nil
		})
	if err != nil {
		return nil, err
	}
	from, to := WindowIndices(q)
	var out []fidelis.ActivityCell
	for _, sg := range sortedKeys(segs) {
		var active, acquired int64
		for i := lo; i <= hi; i++ {
			kk := key{sg, i}
			prev := active
			active += starts[kk] - ends[kk]
			if i >= from && i < to {
				v := bySales[kk]
				out = append(out, fidelis.ActivityCell{Segment: sg, Period: i, Active: active, PrevActive: prev, Acquired: acquired,
					Retained: active - starts[kk], New: news[kk], Returning: starts[kk] - news[kk],
					Buyers: v.buyers, Orders: v.orders, Revenue: v.revenue})
			}
			acquired += news[kk]
		}
	}
	return out, nil
}

// Lifetimes dates each customer's first lapse: the first purchase day followed by a gap longer
// than the window (or by no purchase at all). The lapse is observed once the window's last day,
// lapse + window, is inside the data (asOf is exclusive): asOf − lapse > window. With ≥ a customer
// whose window ends on the unobserved day asOf would be declared lapsed one day early.
func (s *Shapes) Lifetimes(ctx context.Context, q fidelis.Query, windowDays int) ([]fidelis.LifetimeCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	if windowDays <= 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "lifetimes need a positive window")
	}
	_, last, err := s.Span(ctx)
	if err != nil || last.IsZero() {
		return nil, err
	}
	asOf := last.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if !q.To.IsZero() && q.To.Before(asOf) {
		asOf = q.To.UTC()
	}
	end, w := fidelis.Day.Index(asOf), int64(windowDays)
	type key struct {
		seg  string
		days int64
	}
	events, censored := map[key]int64{}, map[key]int64{}
	err = s.periodStream(ctx, q, fidelis.Day, `t."timestamp" < ?`, []any{asOf}, func(_, seg string, days []int64) error {
		lapse := days[len(days)-1]
		for i := 0; i+1 < len(days); i++ {
			if days[i+1]-days[i] > w {
				lapse = days[i]
				break
			}
		}
		if end-lapse > w {
			events[key{seg, lapse - days[0] + w}]++
		} else {
			censored[key{seg, end - days[0]}]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := map[key]bool{}
	for k := range events {
		keys[k] = true
	}
	for k := range censored {
		keys[k] = true
	}
	out := make([]fidelis.LifetimeCell, 0, len(keys))
	for k := range keys {
		out = append(out, fidelis.LifetimeCell{Segment: k.seg, Days: k.days, Events: events[k], Censored: censored[k]})
	}
	sortCells(out, func(c fidelis.LifetimeCell) (string, int64) { return c.Segment, c.Days })
	return out, nil
}

// ProgramTiers counts tier changes: consecutive programme rows of a customer (by time, then event
// id) carrying different non-empty tiers; the first one moves from "".
func (s *Shapes) ProgramTiers(ctx context.Context, q fidelis.Query) ([]fidelis.TierMove, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	src, args := s.source(q, "program", "customer_id", "coalesce(t.tier, '') <> ''", `t.customer_id AS a_customer`,
		s.D.Period(q.Grain, `t."timestamp"`)+` AS a_p`, `t.tier AS a_tier`, `t."timestamp" AS a_time`, `t.event_id AS a_id`)
	type key struct {
		seg      string
		p        int64
		from, to string
	}
	moves := map[key]int64{}
	var cur, prev string
	err := each(ctx, s.DB, "programme tiers", `SELECT a_customer, seg, a_p, a_tier FROM `+src+` ORDER BY a_customer, a_time, a_id`, args,
		func(r *sql.Rows) error {
			var c, sg, tier string
			var p int64
			if err := r.Scan(&c, &sg, &p, &tier); err != nil {
				return err
			}
			if c != cur {
				cur, prev = c, ""
			}
			if tier != prev {
				moves[key{sg, p, prev, tier}]++
			}
			prev = tier
			return nil
		})
	if err != nil {
		return nil, err
	}
	from, to := WindowIndices(q)
	var out []fidelis.TierMove
	for k, n := range moves {
		if k.p >= from && k.p < to {
			out = append(out, fidelis.TierMove{Segment: k.seg, Period: k.p, From: k.from, To: k.to, Customers: n})
		}
	}
	slices.SortFunc(out, func(a, b fidelis.TierMove) int {
		return cmp.Or(cmp.Compare(a.Segment, b.Segment), cmp.Compare(a.Period, b.Period), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	return out, nil
}

// sortCells sorts by segment, then number.
func sortCells[T any](cells []T, key func(T) (string, int64)) {
	slices.SortFunc(cells, func(a, b T) int {
		sa, na := key(a)
		sb, nb := key(b)
		return cmp.Or(cmp.Compare(sa, sb), cmp.Compare(na, nb))
	})
}
