package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

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

// The dialect: the only engine-specific SQL fragments outside the migrations.

// periodIndex is fidelis.Grain.Index in SQL.
func periodIndex(g fidelis.Grain, col string) string { return Dialect{}.Period(g, col) }

// countIf counts rows where cond holds.
func countIf(cond string) string { return Dialect{}.CountIf(cond) }
