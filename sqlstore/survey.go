package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fidelis"
)

// SurveyScores counts answers per segment, period, kind, scale, channel and score.
func (s *Shapes) SurveyScores(ctx context.Context, q fidelis.Query) ([]fidelis.ScoreCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "surveys", "customer_id", cond, s.D.Period(q.Grain, `t."timestamp"`)+` AS p`, `t.kind AS a_kind`,
		`coalesce(t.scale, '') AS a_scale`, `coalesce(t.channel, '') AS a_channel`, `t.score AS a_score`)
	qs := `SELECT seg, p, a_kind, a_scale, a_channel, a_score, count(*) FROM ` + src + `
		GROUP BY seg, p, a_kind, a_scale, a_channel, a_score ORDER BY seg, p, a_kind, a_scale, a_channel, a_score`
	return query(ctx, s.DB, "survey scores", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.ScoreCell) error {
		return r.Scan(&c.Segment, &c.Period, &c.Kind, &c.Scale, &c.Channel, &c.Score, &c.Count)
	})
}

// SurveyComments returns the non-empty comments of the window, newest first.
func (s *Shapes) SurveyComments(ctx context.Context, q fidelis.Query, limit int) ([]fidelis.SurveyComment, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "surveys", "customer_id", cond+` AND `+s.D.Trim(`coalesce(t.comment, '')`)+` <> ''`,
		`t.response_id AS a_id`, `coalesce(t.customer_id, '') AS a_customer`, `t."timestamp" AS a_time`, `t.kind AS a_kind`,
		`coalesce(t.scale, '') AS a_scale`, `t.score AS a_score`, `coalesce(t.language, '') AS a_language`,
		`coalesce(t.channel, '') AS a_channel`, `t.comment AS a_comment`)
	qs := `SELECT a_id, a_customer, seg, a_time, a_kind, a_scale, a_score, a_language, a_channel, a_comment FROM ` + src + `
		ORDER BY a_time DESC, a_id`
	all := append(args, targs...)
	if limit > 0 {
		qs += ` LIMIT ?`
		all = append(all, limit)
	}
	return query(ctx, s.DB, "survey comments", qs, all, func(r *sql.Rows, c *fidelis.SurveyComment) error {
		err := r.Scan(&c.ID, &c.Customer, &c.Segment, &c.Time, &c.Kind, &c.Scale, &c.Score, &c.Language, &c.Channel, &c.Text)
		c.Time = c.Time.UTC()
		return err
	})
}

// LatestAnswers streams each customer's most recent answer of one survey kind (ties broken by
// response id, so the result is deterministic).
func (s *Shapes) LatestAnswers(ctx context.Context, kind string, fn func(customer string, score float64, scale string) error) error {
	key := `("timestamp", response_id)`
	qs := `SELECT customer_id, ` + s.D.ArgMax("score", key) + `, ` + s.D.ArgMax(`coalesce(scale, '')`, key) + ` FROM surveys
		WHERE kind = ? AND coalesce(customer_id, '') <> '' GROUP BY customer_id`
	return each(ctx, s.DB, "latest answers", qs, []any{kind}, func(r *sql.Rows) error {
		var c, scale string
		var score float64
		if err := r.Scan(&c, &score, &scale); err != nil {
			return err
		}
		return fn(c, score, scale)
	})
}

// ExitRecords returns the exits of the window with each customer's segment and net revenue and
// orders up to the exit (orders at the exit's very timestamp included).
func (s *Shapes) ExitRecords(ctx context.Context, q fidelis.Query) ([]fidelis.ExitRecord, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	d := s.D
	// The revenue join is an equi-join filtered afterwards: ClickHouse joins on equality only. It
	// is USING (customer_id), the right side's other columns unqualified: on a Distributed table
	// ClickHouse 18.16 loses the right side's alias when it rewrites the query for the shards.
	rev := `(SELECT v_exit, sum(v_amount) AS v_net, ` + d.CountIf("v_amount >= 0") + ` AS v_n, 1 AS v_has
		FROM (SELECT x2.exit_id AS v_exit, x2."timestamp" AS v_exit_time, v_amount, v_time
			FROM exits x2 JOIN (SELECT customer_id, amount AS v_amount, "timestamp" AS v_time FROM orders) o
			USING (customer_id))
		WHERE v_time <= v_exit_time GROUP BY v_exit)`
	src, args := s.source(q, "exits", "customer_id", cond, `t.exit_id AS a_id`, `t.customer_id AS a_customer`,
		`t."timestamp" AS a_time`, `t.reason AS a_reason`, `coalesce(t.comment, '') AS a_comment`)
	qs := `SELECT a_id, a_customer, a_time, a_reason, a_comment, seg,
		CASE WHEN coalesce(v_has, 0) = 1 THEN v_net ELSE 0 END, CASE WHEN coalesce(v_has, 0) = 1 THEN v_n ELSE 0 END
		FROM ` + src + ` e LEFT JOIN ` + rev + ` v ON v.v_exit = e.a_id ORDER BY a_time, a_id`
	return query(ctx, s.DB, "exits", qs, append(args, targs...), func(r *sql.Rows, e *fidelis.ExitRecord) error {
		err := r.Scan(&e.ID, &e.Customer, &e.Time, &e.Reason, &e.Comment, &e.Segment, &e.Revenue, &e.Orders)
		e.Time = e.Time.UTC()
		return err
	})
}

// SurveyItems returns the distinct patterns of customers' latest answers to the given kinds in
// q's window, with the customers sharing each. The latest answer to a kind is the one with the
// greatest timestamp, ties broken by the greatest response id. Each customer's latest answers
// arrive in order of customer and kind (one row per customer and kind answered) and are joined
// into patterns in Go: an ordered string aggregate has no spelling common to DuckDB and
// ClickHouse 18.16. Memory is one customer's answers plus the distinct patterns.
func (s *Shapes) SurveyItems(ctx context.Context, q fidelis.Query, kinds []string) ([]fidelis.ItemPattern, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")
	kargs := make([]any, len(kinds))
	for i, k := range kinds {
		kargs[i] = k
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "surveys", "customer_id", cond+` AND coalesce(t.customer_id, '') <> '' AND t.kind IN (`+marks+`)`,
		`t.customer_id AS a_customer`, `t.kind AS a_kind`, `coalesce(t.scale, '') AS a_scale`, `t.score AS a_score`,
		`t."timestamp" AS a_time`, `t.response_id AS a_id`)
	key := `(a_time, a_id)`
	qs := `SELECT a_customer, seg, a_kind, ` + s.D.ArgMax("a_scale", key) + `, ` + s.D.ArgMax("a_score", key) + `
		FROM ` + src + ` GROUP BY a_customer, seg, a_kind ORDER BY a_customer, a_kind`
	type pattern struct {
		p   *fidelis.ItemPattern
		key string
	}
	pats := map[string]*pattern{}
	var cur, curSeg string
	var answers []fidelis.ItemAnswer
	flush := func() {
		if len(answers) == 0 {
			return
		}
		var key strings.Builder // quoted strings keep "kind a, scale b c" apart from "kind a b, scale c"
		for _, a := range answers {
			key.WriteString(strconv.Quote(a.Kind) + strconv.Quote(a.Scale) + strconv.FormatFloat(a.Score, 'g', -1, 64) + ";")
		}
		k := strconv.Quote(curSeg) + key.String()
		p := pats[k]
		if p == nil {
			p = &pattern{p: &fidelis.ItemPattern{Segment: curSeg, Answers: slices.Clone(answers)}, key: key.String()}
			pats[k] = p
		}
		p.p.Customers++
		answers = answers[:0]
	}
	err := each(ctx, s.DB, "survey items", qs, append(append(args, targs...), kargs...), func(r *sql.Rows) error {
		var c, seg string
		var a fidelis.ItemAnswer
		if err := r.Scan(&c, &seg, &a.Kind, &a.Scale, &a.Score); err != nil {
			return err
		}
		if c != cur {
			flush()
		}
		cur, curSeg = c, seg
		answers = append(answers, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	flush()
	out := make([]*pattern, 0, len(pats))
	for _, p := range pats {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *pattern) int {
		return cmp.Or(strings.Compare(a.p.Segment, b.p.Segment), strings.Compare(a.key, b.key))
	})
	res := make([]fidelis.ItemPattern, len(out))
	for i, p := range out {
		res[i] = *p.p
	}
	return res, nil
}

// DefectorProfiles counts attribute values and behaviours among defectors and loyal customers;
// see fidelis.ProfileCounts for the definitions. The activity window is ActivityWindow periods of
// Grain.Days() days each, ending at AsOf. Each attribute is its own query over the population
// (one join each), so the result grows with the number of distinct values, never with customers;
// behaviours come back as exact counts, banded in Go (voc.BehaviourCells).
func (s *Shapes) DefectorProfiles(ctx context.Context, q fidelis.Query) (fidelis.ProfileCounts, error) {
	var pc fidelis.ProfileCounts
	end := q.To
	if end.IsZero() {
		_, last, err := s.Span(ctx)
		if err != nil || last.IsZero() {
			return pc, err
		}
		end = last.Add(time.Second)
	}
	end = end.UTC()
	pc.AsOf = end
	start := end.Add(-time.Duration(float64(q.ActivityWindow()) * q.Grain.Days() * 24 * float64(time.Hour)))
	cond, cargs := TimeBounds(fidelis.Query{From: q.From, To: end}, `"timestamp"`)
	// The population: p_def 1 for a defector, 0 for a loyal customer (the groups are disjoint).
	pop := `(SELECT customer_id AS p_customer, 1 AS p_def FROM exits WHERE ` + cond + ` GROUP BY p_customer
		UNION ALL SELECT customer_id AS p_customer, 0 AS p_def FROM orders
		WHERE amount >= 0 AND "timestamp" < ? AND customer_id NOT IN (SELECT customer_id FROM exits)
		GROUP BY p_customer HAVING max("timestamp") >= ?)`
	pargs := append(cargs, end, start)
	cell := func(r *sql.Rows, c *fidelis.ProfileCell) error {
		var def int64
		err := r.Scan(&c.Attribute, &c.Value, &def, &c.Customers)
		c.Defector = def == 1
		return err
	}
	// The fixed columns (from the whitelist, never from input) in one join of the population,
	// counted per combination of their values and added up per column here, instead of one join
	// each: combinations are at most the population's customers, in practice a few values per
	// column multiplied.
	dims, sel := fidelis.FixedDimensions, ""
	for _, col := range dims {
		sel += `, coalesce(` + col + `, '') AS a_` + col
	}
	type key struct {
		col, value string
		def        bool
	}
	fixed := map[key]int64{}
	err := each(ctx, s.DB, "profiles", `SELECT p_def, a_`+strings.Join(dims, `, a_`)+`, count(*) FROM `+pop+` p
		JOIN (SELECT customer_id AS p_customer`+sel+` FROM customers) c USING (p_customer)
		GROUP BY p_def, a_`+strings.Join(dims, `, a_`), pargs, func(r *sql.Rows) error {
		var def, n int64
		vals := make([]string, len(dims))
		dest := []any{&def}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := r.Scan(append(dest, &n)...); err != nil {
			return fmt.Errorf("profiles: %w", err)
		}
		for i, v := range vals {
			if v != "" {
				fixed[key{dims[i], v, def == 1}] += n
			}
		}
		return nil
	})
	if err != nil {
		return pc, err
	}
	keys := slices.Collect(maps.Keys(fixed))
	slices.SortFunc(keys, func(a, b key) int { // by column as listed, value, loyal first
		return cmp.Or(cmp.Compare(slices.Index(dims, a.col), slices.Index(dims, b.col)), strings.Compare(a.value, b.value),
			cmp.Compare(b2i(a.def), b2i(b.def)))
	})
	for _, k := range keys {
		pc.Cells = append(pc.Cells, fidelis.ProfileCell{Attribute: k.col, Value: k.value, Defector: k.def, Customers: fixed[k]})
	}
	cells, err := query(ctx, s.DB, "profiles", `SELECT a_name, a_value, p_def, count(DISTINCT p_customer) FROM `+pop+` p
		JOIN (SELECT customer_id AS p_customer, name AS a_name, value AS a_value FROM customer_attrs) c USING (p_customer)
		WHERE coalesce(a_value, '') <> '' GROUP BY a_name, a_value, p_def ORDER BY a_name, a_value, p_def`, pargs, cell)
	if err != nil {
		return pc, err
	}
	pc.Cells = append(pc.Cells, cells...)
	// Behaviour counts, one join per level: each level adds one per-customer count (0 when none).
	lvl, cols, args := pop, "p_customer, p_def", pargs
	for _, b := range []struct{ name, from string }{
		{"b_orders", `orders WHERE amount >= 0 AND "timestamp" < ?`},
		{"b_support", `interactions WHERE lower(channel) = 'support' AND "timestamp" < ?`},
		{"b_subs", `subscriptions WHERE started_at < ?`},
		{"b_enrol", `program WHERE lower(type) = 'enroll' AND "timestamp" < ?`},
	} {
		lvl = `(SELECT ` + cols + `, coalesce(j_` + b.name + `, 0) AS ` + b.name + ` FROM ` + lvl + ` l LEFT JOIN
			(SELECT customer_id AS p_customer, count(*) AS j_` + b.name + ` FROM ` + b.from + ` GROUP BY p_customer) r USING (p_customer))`
		cols += ", " + b.name
		args = append(args, end)
	}
	pc.Behaviours, err = query(ctx, s.DB, "profiles", `SELECT p_def, b_subs, b_enrol, b_orders, b_support, count(*) AS n FROM `+lvl+` x
		GROUP BY p_def, b_subs, b_enrol, b_orders, b_support ORDER BY p_def, b_subs, b_enrol, b_orders, b_support`, args,
		func(r *sql.Rows, c *fidelis.BehaviourCell) error {
			var def int64
			err := r.Scan(&def, &c.Subscriptions, &c.Enrolments, &c.Orders, &c.Support, &c.Customers)
			c.Defector = def == 1
			return err
		})
	// Every customer of the population is in exactly one behaviour cell: the groups' sizes.
	for _, b := range pc.Behaviours {
		if b.Defector {
			pc.Defectors += b.Customers
		} else {
			pc.Loyal += b.Customers
		}
	}
	return pc, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
