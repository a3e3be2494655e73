package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fidelis"
)

// query runs q and scans every row with scan.
func query[T any](ctx context.Context, db *sql.DB, what, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// each runs q and calls scan for every row.
func each(ctx context.Context, db Querier, what, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// source returns a FROM item: the columns cols of table (each qualified "t." by the caller where
// needed, and aliased if renamed) with a column seg holding, under q.By, the segment of the
// customer named by table's column cust, restricted by where (over alias t). Attribute names never
// reach the SQL text: fixed columns come from a whitelist, free attributes are matched by a bound
// parameter. The segment join is the only JOIN of this SELECT level. A customer without the
// attribute (or without a customer row) falls in "(none)".
//
// The join is written USING (cust), its right side's columns unqualified: on a Distributed table
// ClickHouse 18.16 rewrites the query for the shards and then no longer knows the right side's
// alias (`ON sg.x = t.cust` fails with "Unknown identifier: sg.x"), while USING works on DuckDB,
// a ClickHouse server and a cluster alike. seg_value occurs in no table, so it needs no qualifier.
//
// Under q.Segment only the rows of the segment's customers are kept (Members), so every shape
// built on source filters alike; the condition precedes where, so its arguments follow the join's
// and callers still append where's own after the returned ones.
func (s *Shapes) source(q fidelis.Query, table, cust, where string, cols ...string) (string, []any) {
	if where == "" {
		where = "1 = 1"
	}
	var margs []any
	if len(q.Segment) > 0 {
		var members string
		members, margs = Members(q)
		where = `t.` + cust + ` IN (` + members + `) AND (` + where + `)`
	}
	sel := strings.Join(cols, ", ")
	if q.By == "" {
		return `(SELECT ` + sel + `, '' AS seg FROM ` + table + ` t WHERE ` + where + `)`, margs
	}
	right, args := `SELECT customer_id AS `+cust+`, value AS seg_value FROM customer_attrs WHERE name = ?`, []any{q.By}
	if slices.Contains(fidelis.FixedDimensions, q.By) {
		right, args = `SELECT customer_id AS `+cust+`, `+q.By+` AS seg_value FROM customers`, nil
	}
	return `(SELECT ` + sel + `, CASE WHEN coalesce(seg_value, '') = '' THEN '(none)' ELSE seg_value END AS seg
		FROM ` + table + ` t LEFT JOIN (` + right + `) sg USING (` + cust + `) WHERE ` + where + `)`, append(args, margs...)
}

// Members returns a query of one column, customer_id, listing the customers of q.Segment (every
// condition holds): fixed attributes are whitelisted columns of customers, free ones are matched
// by bound name and value in customer_attrs. With no condition it lists every customer.
func Members(q fidelis.Query) (string, []any) {
	conds, args := []string{"1 = 1"}, []any(nil)
	for _, c := range q.Segment {
		name := fidelis.CleanName(c.Name)
		if slices.Contains(fidelis.FixedDimensions, name) {
			conds = append(conds, name+` = ?`)
			args = append(args, c.Value)
			continue
		}
		conds = append(conds, `customer_id IN (SELECT customer_id FROM customer_attrs WHERE name = ? AND value = ?)`)
		args = append(args, name, c.Value)
	}
	return `SELECT customer_id FROM customers WHERE ` + strings.Join(conds, " AND "), args
}

// CheckDimension refuses a breakdown by an attribute no customer has.
func (s *Shapes) CheckDimension(ctx context.Context, q fidelis.Query) error {
	if q.By == "" {
		return nil
	}
	dims, err := s.Dimensions(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(dims, q.By) {
		return fidelis.Errorf(fidelis.EInvalid, "no customer attribute %q to break down by", q.By).
			WithHint("--by one of: %s", strings.Join(dims, ", "))
	}
	return nil
}

// TimeBounds returns the SQL condition and arguments for q's [From, To) on column col.
func TimeBounds(q fidelis.Query, col string) (string, []any) {
	cond, args := "1 = 1", []any(nil)
	if !q.From.IsZero() {
		cond += " AND " + col + " >= ?"
		args = append(args, q.From.UTC())
	}
	if !q.To.IsZero() {
		cond += " AND " + col + " < ?"
		args = append(args, q.To.UTC())
	}
	return cond, args
}

// WindowIndices turns q's [From, To) into period indices [from, to); open ends are unbounded.
func WindowIndices(q fidelis.Query) (from, to int64) {
	from, to = math.MinInt64, math.MaxInt64
	if !q.From.IsZero() {
		from = q.Grain.Index(q.From)
		if q.Grain.Start(from).Before(q.From) {
			from++ // only whole periods
		}
	}
	if !q.To.IsZero() {
		to = q.Grain.Index(q.To)
		if q.Grain.Start(to).Before(q.To) {
			to++
		}
	}
	return from, to
}

// Counts returns the number of stored records of each kind.
func (s *Shapes) Counts(ctx context.Context) (map[fidelis.Kind]int64, error) {
	out := map[fidelis.Kind]int64{}
	for _, k := range fidelis.Kinds {
		var n int64
		if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM `+string(k)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

// Span returns the first and last order timestamps (zero times when there are no orders).
func (s *Shapes) Span(ctx context.Context) (first, last time.Time, err error) {
	return s.span(ctx, "orders")
}

// SurveySpan returns the first and last answer timestamps (zero times when there are none).
func (s *Shapes) SurveySpan(ctx context.Context) (first, last time.Time, err error) {
	return s.span(ctx, "surveys")
}

// span reads min and max "timestamp" of table through a count, since an engine may fill the
// extremes of an empty table with a default instead of NULL.
func (s *Shapes) span(ctx context.Context, table string) (first, last time.Time, err error) {
	var n int64
	var f, l sql.NullTime
	err = s.DB.QueryRowContext(ctx, `SELECT count(*), min("timestamp"), max("timestamp") FROM `+table).Scan(&n, &f, &l)
	if err != nil || n == 0 {
		return time.Time{}, time.Time{}, err
	}
	return f.Time.UTC(), l.Time.UTC(), nil
}

// Dimensions lists the fixed customer columns that hold any value, then the free attributes.
func (s *Shapes) Dimensions(ctx context.Context) ([]string, error) {
	var out []string
	for _, d := range fidelis.FixedDimensions {
		var n int64
		if err := s.DB.QueryRowContext(ctx, `SELECT `+s.D.CountIf(`coalesce(`+d+`, '') <> ''`)+` FROM customers`).Scan(&n); err != nil {
			return nil, fmt.Errorf("dimensions: %w", err)
		}
		if n > 0 {
			out = append(out, d)
		}
	}
	names, err := query(ctx, s.DB, "dimensions", `SELECT DISTINCT name FROM customer_attrs ORDER BY name`, nil,
		func(r *sql.Rows, n *string) error { return r.Scan(n) })
	return append(out, names...), err
}

// Purchases returns per segment the buyers, repeaters, orders and revenue of the window.
func (s *Shapes) Purchases(ctx context.Context, q fidelis.Query) ([]fidelis.PurchaseCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	cond, targs := TimeBounds(q, `t."timestamp"`)
	src, args := s.source(q, "orders", "customer_id", cond, "t.customer_id AS cid", "t.amount AS amt")
	d := s.D
	qs := `SELECT seg, ` + d.CountIf("n >= 1") + `, ` + d.CountIf("n >= 2") + `, sum(n), sum(gross), sum(refunds), sum(nref)
	FROM (SELECT cid, seg, ` + d.CountIf("amt >= 0") + ` AS n, ` + d.SumIf("amt", "amt >= 0") + ` AS gross,
		-` + d.SumIf("amt", "amt < 0") + ` AS refunds, ` + d.CountIf("amt < 0") + ` AS nref
		FROM ` + src + ` GROUP BY cid, seg) GROUP BY seg ORDER BY seg`
	return query(ctx, s.DB, "purchases", qs, append(args, targs...), func(r *sql.Rows, c *fidelis.PurchaseCell) error {
		return r.Scan(&c.Segment, &c.Buyers, &c.Repeaters, &c.Orders, &c.Gross, &c.Refunds, &c.Refunded)
	})
}

// Values returns per segment the distribution of per-customer net revenue and tenure up to q.To.
func (s *Shapes) Values(ctx context.Context, q fidelis.Query, probs []float64) ([]fidelis.ValueCell, error) {
	if err := s.CheckDimension(ctx, q); err != nil {
		return nil, err
	}
	asOf := q.To
	if asOf.IsZero() {
		_, last, err := s.Span(ctx)
		if err != nil {
			return nil, err
		}
		asOf = last
	}
	d := s.D
	cond, targs := TimeBounds(fidelis.Query{To: q.To}, `t."timestamp"`)
	src, args := s.source(q, "orders", "customer_id", cond, "t.customer_id AS cid", "t.amount AS amt", d.Seconds(`t."timestamp"`)+" AS sec")
	qs := `SELECT seg, count(*), avg(net), ` + d.Quantiles("net", probs) + `, avg(tenure), ` + d.Quantiles("tenure", probs) + `, avg(lifespan)
	FROM (SELECT cid, seg, sum(amt) AS net, (? - min(sec)) / 86400.0 AS tenure, (max(sec) - min(sec)) / 86400.0 AS lifespan
		FROM ` + src + ` GROUP BY cid, seg) GROUP BY seg ORDER BY seg`
	all := append(append([]any{asOf.UTC().Unix()}, args...), targs...)
	return query(ctx, s.DB, "values", qs, all, func(r *sql.Rows, c *fidelis.ValueCell) error {
		var nq, tq Floats
		err := r.Scan(&c.Segment, &c.Customers, &c.NetMean, &nq, &c.TenureMean, &tq, &c.LifespanMean)
		c.NetQuantiles, c.TenureQuantiles = nq, tq
		return err
	})
}

// customerColumn names, per kind, the column that names a customer (the referrer for referrals).
var customerColumn = map[fidelis.Kind]string{
	fidelis.Orders: "customer_id", fidelis.Subscriptions: "customer_id", fidelis.Surveys: "customer_id",
	fidelis.Referrals: "referrer_id", fidelis.Program: "customer_id", fidelis.Interactions: "customer_id",
	fidelis.Social: "customer_id", fidelis.Exits: "customer_id",
}

// Quality counts records naming customers absent from the customers table, per kind, and the
// orders and net revenue per stored currency.
func (s *Shapes) Quality(ctx context.Context) (fidelis.Quality, error) {
	return s.quality(ctx, fidelis.Kinds)
}

// KindQuality is Quality for the records of one kind only (the currencies only for orders): what
// an import reports about its own kind, without scanning every table of the store twice (7-9 s at
// a million customers for the whole Quality, most of it in kinds the import did not touch).
func (s *Shapes) KindQuality(ctx context.Context, kind fidelis.Kind) (fidelis.Quality, error) {
	return s.quality(ctx, []fidelis.Kind{kind})
}

func (s *Shapes) quality(ctx context.Context, kinds []fidelis.Kind) (fidelis.Quality, error) {
	q := fidelis.Quality{UnknownCustomers: map[fidelis.Kind]int64{}, LegacyIDs: map[fidelis.Kind]int64{}}
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&q.Customers); err != nil {
		return q, fmt.Errorf("quality: %w", err)
	}
	for _, k := range kinds {
		var n int64
		id := fidelis.Schemas[k].ID // a fixed schema name, never input
		if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM `+string(k)+` WHERE `+id+` LIKE '~%' AND `+id+` NOT LIKE '~v2.%'`).Scan(&n); err != nil {
			return q, fmt.Errorf("quality: %w", err)
		}
		if n > 0 {
			q.LegacyIDs[k] = n
		}
		col, ok := customerColumn[k]
		if !ok {
			continue
		}
		// Table and column names come from the fixed map above, never from input.
		err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM `+string(k)+` WHERE coalesce(`+col+`, '') <> ''
			AND `+col+` NOT IN (SELECT customer_id FROM customers)`).Scan(&n)
		if err != nil {
			return q, fmt.Errorf("quality: %w", err)
		}
		if n > 0 {
			q.UnknownCustomers[k] = n
		}
	}
	if !slices.Contains(kinds, fidelis.Orders) {
		return q, nil
	}
	var err error
	q.Currencies, err = query(ctx, s.DB, "quality", `SELECT coalesce(currency, '') AS code, `+s.D.CountIf("amount >= 0")+` AS n, sum(amount) AS net
		FROM orders GROUP BY code ORDER BY n DESC, code`, nil, func(r *sql.Rows, c *fidelis.CurrencyTotal) error {
		return r.Scan(&c.Code, &c.Orders, &c.Revenue)
	})
	return q, err
}

// Floats scans an array of doubles as either driver returns it ([]any with nil for NULL, or
// []float64); NULL elements become NaN.
type Floats []float64

// Scan implements sql.Scanner.
func (f *Floats) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*f = nil
	case []float64:
		*f = append((*f)[:0], v...)
	case []any:
		out := make([]float64, len(v))
		for i, x := range v {
			switch x := x.(type) {
			case float64:
				out[i] = x
			case nil:
				out[i] = math.NaN()
			default:
				return fmt.Errorf("array element %v (%T), want a number", x, x)
			}
		}
		*f = out
	default:
		return fmt.Errorf("scan %T into a list of numbers", src)
	}
	return nil
}

// twoConns takes two connections of the pool for a shape that merges two ordered queries read at
// once. Taken one at a time, several such shapes could each hold one connection and wait for a
// second forever on a bounded pool (ClickHouse's has 8; a server computes several analyses at
// once); taken under one lock, the taker waits only for connections that single queries and
// shapes already holding both give back. Close both when done.
func (s *Shapes) twoConns(ctx context.Context) (a, b *sql.Conn, err error) {
	s.pair.Lock()
	defer s.pair.Unlock()
	if a, err = s.DB.Conn(ctx); err != nil {
		return nil, nil, err
	}
	if b, err = s.DB.Conn(ctx); err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, b, nil
}

// Querier is what Strings reads from: a *sql.DB, *sql.Tx or *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Strings returns the first column of a query's rows as strings.
func Strings(ctx context.Context, db Querier, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
