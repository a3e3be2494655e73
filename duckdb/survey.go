package duckdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.SurveyStore = (*Store)(nil)

// Separators of the answer patterns built in SQL (ASCII unit and record separators, which no
// survey kind or scale label contains in practice; a kind containing one is refused).
const unitSep, recordSep = "\x1f", "\x1e"

// SurveyItems returns the distinct patterns of customers' latest answers to the given kinds. The
// latest answer is the one with the greatest timestamp, ties broken by the greatest response id.
func (s *Store) SurveyItems(ctx context.Context, q fidelis.Query, kinds []string) ([]fidelis.ItemPattern, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	marks := make([]string, len(kinds))
	var kargs []any
	for i, k := range kinds {
		if strings.ContainsAny(k, unitSep+recordSep) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "survey kind %q contains a control character", k)
		}
		marks[i] = "?"
		kargs = append(kargs, k)
	}
	seg, join, args := segment(q, "l")
	cond, targs := sqlstore.TimeBounds(q, `s."timestamp"`)
	query := `WITH r AS (
		SELECT s.customer_id, s.kind, coalesce(s.scale, '') AS scale, s.score,
			row_number() OVER (PARTITION BY s.customer_id, s.kind ORDER BY s."timestamp" DESC, s.response_id DESC) AS rn
		FROM surveys s WHERE ` + cond + ` AND s.customer_id IS NOT NULL AND s.kind IN (` + strings.Join(marks, ", ") + `)),
	l AS (SELECT customer_id, string_agg(kind || chr(31) || scale || chr(31) || CAST(score AS VARCHAR), chr(30) ORDER BY kind) AS pat
		FROM r WHERE rn = 1 GROUP BY customer_id)
	SELECT ` + seg + ` AS seg, l.pat, count(*) FROM l` + join + ` GROUP BY 1, 2 ORDER BY 1, 2`
	all := append(append(targs, kargs...), args...)
	rows, err := s.db.QueryContext(ctx, query, all...)
	if err != nil {
		return nil, fmt.Errorf("survey items: %w", err)
	}
	defer rows.Close()
	var out []fidelis.ItemPattern
	for rows.Next() {
		var p fidelis.ItemPattern
		var pat string
		if err := rows.Scan(&p.Segment, &pat, &p.Customers); err != nil {
			return nil, err
		}
		for _, a := range strings.Split(pat, recordSep) {
			f := strings.Split(a, unitSep)
			if len(f) != 3 {
				return nil, fmt.Errorf("survey items: bad pattern %q", pat)
			}
			v, err := strconv.ParseFloat(f[2], 64)
			if err != nil {
				return nil, fmt.Errorf("survey items: %w", err)
			}
			p.Answers = append(p.Answers, fidelis.ItemAnswer{Kind: f[0], Scale: f[1], Score: v})
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

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
