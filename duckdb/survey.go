package duckdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.SurveyStore = (*Store)(nil)

// DefectorProfiles counts attribute values among defectors and loyal customers; see
// fidelis.ProfileCounts for the definitions. The activity window is ActivityWindow periods of
// Grain.Days() days each, ending at AsOf.
func (s *Store) DefectorProfiles(ctx context.Context, q fidelis.Query) (fidelis.ProfileCounts, error) {
	var pc fidelis.ProfileCounts
	end := q.To
	if end.IsZero() {
		_, last, err := s.Span(ctx)
		if err != nil {
			return pc, err
		}
		if last.IsZero() {
			return pc, nil
		}
		end = last.Add(time.Second)
	}
	end = end.UTC()
	pc.AsOf = end
	start := end.Add(-time.Duration(float64(q.ActivityWindow()) * q.Grain.Days() * 24 * float64(time.Hour)))
	cond, targs := sqlstore.TimeBounds(fidelis.Query{From: q.From, To: end}, `x."timestamp"`)
	pop := `WITH d AS (SELECT DISTINCT x.customer_id FROM exits x WHERE ` + cond + `),
	l AS (SELECT o.customer_id FROM orders o WHERE o.amount >= 0 AND o."timestamp" < ? GROUP BY 1
		HAVING max(o."timestamp") >= ? AND o.customer_id NOT IN (SELECT customer_id FROM exits)),
	pop AS (SELECT customer_id, true AS def FROM d UNION ALL SELECT customer_id, false FROM l)`
	pargs := append(targs, end, start)
	if err := s.db.QueryRowContext(ctx, pop+` SELECT `+countIf("def")+`, `+countIf("NOT def")+` FROM pop`, pargs...).
		Scan(&pc.Defectors, &pc.Loyal); err != nil {
		return pc, fmt.Errorf("profiles: %w", err)
	}
	var fixed []string
	for _, d := range fidelis.FixedDimensions {
		fixed = append(fixed, `SELECT customer_id, '`+d+`' AS name, `+d+` AS value FROM customers`)
	}
	query := pop + `,
	b AS (SELECT p.customer_id,
		EXISTS (SELECT 1 FROM subscriptions x WHERE x.customer_id = p.customer_id AND x.started_at < ?) AS sub,
		EXISTS (SELECT 1 FROM program x WHERE x.customer_id = p.customer_id AND lower(x.type) = 'enroll' AND x."timestamp" < ?) AS mem,
		(SELECT count(*) FROM orders x WHERE x.customer_id = p.customer_id AND x.amount >= 0 AND x."timestamp" < ?) AS n,
		(SELECT count(*) FROM interactions x WHERE x.customer_id = p.customer_id AND lower(x.channel) = 'support' AND x."timestamp" < ?) AS sup
		FROM pop p),
	av AS (` + strings.Join(fixed, " UNION ALL ") + `
		UNION ALL SELECT customer_id, name, value FROM customer_attrs
		UNION ALL SELECT customer_id, 'subscriber', CASE WHEN sub THEN 'yes' ELSE 'no' END FROM b
		UNION ALL SELECT customer_id, 'programme_member', CASE WHEN mem THEN 'yes' ELSE 'no' END FROM b
		UNION ALL SELECT customer_id, 'orders', CASE WHEN n = 0 THEN '0' WHEN n = 1 THEN '1' WHEN n <= 3 THEN '2-3' WHEN n <= 9 THEN '4-9' ELSE '10+' END FROM b
		UNION ALL SELECT customer_id, 'support_contacts', CASE WHEN sup = 0 THEN '0' WHEN sup <= 2 THEN '1-2' ELSE '3+' END FROM b)
	SELECT av.name, av.value, p.def, count(DISTINCT p.customer_id) FROM pop p JOIN av ON av.customer_id = p.customer_id
	WHERE av.value IS NOT NULL AND av.value <> '' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
	rows, err := s.db.QueryContext(ctx, query, append(pargs, end, end, end, end)...)
	if err != nil {
		return pc, fmt.Errorf("profiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c fidelis.ProfileCell
		if err := rows.Scan(&c.Attribute, &c.Value, &c.Defector, &c.Customers); err != nil {
			return pc, err
		}
		pc.Cells = append(pc.Cells, c)
	}
	return pc, rows.Err()
}
