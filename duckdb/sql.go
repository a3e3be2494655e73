package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"

	"fidelis"
	"fidelis/sqlstore"
)

// segment returns the SQL expression for a customer's segment under q.By, the join it needs (on
// an orders-like table aliased o) and its bound arguments. Attribute names never reach the SQL
// text: fixed columns come from a whitelist, free attributes are matched by a bound parameter.
func segment(q fidelis.Query, table string) (expr, join string, args []any) {
	switch {
	case q.By == "":
		return `''`, "", nil
	case slices.Contains(fidelis.FixedDimensions, q.By):
		return `coalesce(c.` + q.By + `, '(none)')`,
			` LEFT JOIN customers c ON c.customer_id = ` + table + `.customer_id`, nil
	}
	return `coalesce(a.value, '(none)')`,
		` LEFT JOIN customer_attrs a ON a.customer_id = ` + table + `.customer_id AND a.name = ?`, []any{q.By}
}

// Activity computes the retention counts with gaps-and-islands: a customer's purchase periods,
// merged where the gap is at most the window, form "spells" of activity [first, last + window − 1].
// The query returns only how many spells start and end in each period; Go accumulates them.
// Because two spells of one customer are separated by at least one inactive period, a customer
// active in both i−1 and i lies in one spell, so Retained(i) = Active(i) − Starts(i).
func (s *Store) Activity(ctx context.Context, q fidelis.Query) ([]fidelis.ActivityCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	k := q.ActivityWindow()
	seg, join, args := segment(q, "o")
	p := periodIndex(q.Grain, `o."timestamp"`)
	query := `WITH p AS (
		SELECT o.customer_id, ` + seg + ` AS seg, ` + p + ` AS p
		FROM orders o` + join + ` WHERE o.amount >= 0 GROUP BY 1, 2, 3),
	g AS (SELECT customer_id, seg, p, lag(p) OVER (PARTITION BY customer_id ORDER BY p) AS prev FROM p),
	s AS (SELECT customer_id, seg, p, prev IS NULL AS first,
		sum(CASE WHEN prev IS NULL OR p - prev > ` + strconv.Itoa(k) + ` THEN 1 ELSE 0 END)
			OVER (PARTITION BY customer_id ORDER BY p ROWS UNBOUNDED PRECEDING) AS spell FROM g),
	sp AS (SELECT seg, min(p) AS a, max(p) + ` + strconv.Itoa(k-1) + ` AS b, bool_or(first) AS first
		FROM s GROUP BY customer_id, seg, spell)
	SELECT seg, a, count(*), ` + countIf("first") + `, 0 FROM sp GROUP BY seg, a
	UNION ALL SELECT seg, b + 1, 0, 0, count(*) FROM sp GROUP BY seg, b`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	type key struct {
		seg string
		p   int64
	}
	starts, news, ends := map[key]int64{}, map[key]int64{}, map[key]int64{}
	for rows.Next() {
		var kk key
		var st, nw, en int64
		if err := rows.Scan(&kk.seg, &kk.p, &st, &nw, &en); err != nil {
			rows.Close()
			return nil, err
		}
		starts[kk] += st
		news[kk] += nw
		ends[kk] += en
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Orders, revenue and buyers per period.
	query = `SELECT ` + seg + `, ` + p + `, ` + countIf("o.amount >= 0") + `, sum(o.amount),
		count(DISTINCT CASE WHEN o.amount >= 0 THEN o.customer_id END)
		FROM orders o` + join + ` GROUP BY 1, 2`
	rows, err = s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	defer rows.Close()
	type sales struct {
		orders, buyers int64
		revenue        float64
	}
	bySales := map[key]sales{}
	segs := map[string]bool{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for rows.Next() {
		var kk key
		var v sales
		if err := rows.Scan(&kk.seg, &kk.p, &v.orders, &v.revenue, &v.buyers); err != nil {
			return nil, err
		}
		bySales[kk] = v
		segs[kk.seg] = true
		lo, hi = min(lo, kk.p), max(hi, kk.p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	from, to := sqlstore.WindowIndices(q)
	var out []fidelis.ActivityCell
	for _, sg := range sortedSet(segs) {
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

// SubscriptionMovements compares each customer's MRR at the start and at the end of every period.
// A subscription counts at the start of period j when it started in an earlier period and had not
// ended before period j began.
func (s *Store) SubscriptionMovements(ctx context.Context, q fidelis.Query) ([]fidelis.SubscriptionCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	seg, join, args := segment(q, "x")
	ps, pe := periodIndex(q.Grain, "x.started_at"), periodIndex(q.Grain, "x.ended_at")
	// last is the latest period with any event; open subscriptions run to its end.
	var last sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(greatest(`+ps+`, coalesce(`+pe+`, `+ps+`))) FROM subscriptions x`).Scan(&last); err != nil {
		return nil, err
	}
	if !last.Valid {
		return nil, nil
	}
	if _, lo, err := s.Span(ctx); err == nil && !lo.IsZero() {
		last.Int64 = max(last.Int64, q.Grain.Index(lo))
	}
	// m: MRR per customer at the start of period j (live for j in (start, end]).
	query := `WITH m AS (
		SELECT customer_id, seg, j, sum(mrr) AS mrr FROM (
			SELECT x.customer_id, ` + seg + ` AS seg, x.mrr,
				unnest(range(` + ps + ` + 1, coalesce(` + pe + `, ?) + 1)) AS j
			FROM subscriptions x` + join + `) GROUP BY 1, 2, 3),
	mv AS (SELECT coalesce(a.seg, b.seg) AS seg, coalesce(a.j, b.j - 1) AS period,
		coalesce(a.mrr, 0) AS s, coalesce(b.mrr, 0) AS e
		FROM m a FULL OUTER JOIN m b ON a.customer_id = b.customer_id AND b.j = a.j + 1)
	SELECT seg, period, ` + countIf("s > 0") + `, ` + countIf("s > 0 AND e = 0") + `, ` + countIf("s = 0 AND e > 0") + `,
		sum(s), sum(CASE WHEN e = 0 THEN s ELSE 0 END), sum(CASE WHEN e > 0 AND e < s THEN s - e ELSE 0 END),
		sum(CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END), sum(CASE WHEN s = 0 THEN e ELSE 0 END), sum(e)
	FROM mv GROUP BY 1, 2 ORDER BY 1, 2`
	rows, err := s.db.QueryContext(ctx, query, append(args, last.Int64+1)...)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	defer rows.Close()
	from, to := sqlstore.WindowIndices(q)
	var out []fidelis.SubscriptionCell
	for rows.Next() {
		var c fidelis.SubscriptionCell
		if err := rows.Scan(&c.Segment, &c.Period, &c.StartLogos, &c.LostLogos, &c.NewLogos, &c.StartMRR,
			&c.ChurnedMRR, &c.Contraction, &c.Expansion, &c.NewMRR, &c.EndMRR); err != nil {
			return nil, err
		}
		if c.Period >= from && c.Period < to && c.Period <= last.Int64 {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The dialect: the only engine-specific SQL fragments outside the migrations.

// periodIndex is fidelis.Grain.Index in SQL.
func periodIndex(g fidelis.Grain, col string) string { return Dialect{}.Period(g, col) }

// countIf counts rows where cond holds.
func countIf(cond string) string { return Dialect{}.CountIf(cond) }
