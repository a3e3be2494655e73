// Package sqlstore writes each aggregate of fidelis.Store once, as a query shape over database/sql,
// in the SQL subset that DuckDB and ClickHouse 18.16 both run; the few fragments the engines spell
// differently come from a Dialect. An engine package (duckdb, clickhouse) embeds *Shapes in its
// Store and keeps only what is genuinely its own: opening, migrations, its writer, deletion and
// erasure mechanics, and its Dialect.
//
// The common subset, and why (ClickHouse 18.16 is the oldest engine Fidelis runs on):
//   - no CTEs (`WITH name AS (subquery)`): nested subqueries in FROM;
//   - at most one JOIN per SELECT, its right side a subquery whose columns have names unique in
//     the query (ClickHouse resolves names globally); no correlated subqueries, no EXISTS;
//   - a LEFT JOIN's missing right side is not relied on to be NULL (ClickHouse fills defaults
//     unless join_use_nulls=1): the right side carries a presence flag (`1 AS has_x`), read as
//     coalesce(has_x, 0);
//   - no window functions: what needs consecutive rows (spells of activity, gaps, tier changes)
//     is streamed per customer in order and folded in Go;
//   - no FILTER clause, no GROUPING SETS, no positional GROUP BY/ORDER BY (ClickHouse 18.16 reads
//     `ORDER BY 1` as a constant): Dialect.CountIf/SumIf, separate queries, named columns;
//   - times as bound parameters compared with columns, never date arithmetic on parameters:
//     ages and day differences are computed from epoch seconds and day numbers (Dialect.Seconds,
//     Dialect.Period(fidelis.Day, ...)) against numbers Go computes;
//   - `?` placeholders only; strings compared with LIKE/=, concatenated with ||.
package sqlstore

import (
	"database/sql"
	"sync"

	"fidelis"
)

// Dialect spells the SQL fragments that differ between engines. Every method returns an expression
// for use inside a query shape; arguments are SQL expressions (column names, aggregates), never
// input values, which are bound parameters.
type Dialect interface {
	// Period is fidelis.Grain.Index of the timestamp expression ts, as a signed 64-bit integer.
	// Period(fidelis.Day, ts) is the day number (days since 1970-01-01), which also stands for
	// "the calendar day of ts" wherever days are grouped or subtracted.
	Period(g fidelis.Grain, ts string) string
	// Seconds is the Unix time of the timestamp expression ts in whole seconds (BIGINT): two of them
	// subtracted give the seconds between, divided by 86400.0 the days.
	Seconds(ts string) string
	// CountIf counts the rows of a group where cond holds (0 when none).
	CountIf(cond string) string
	// SumIf sums expr over the rows of a group where cond holds, 0 when none does.
	SumIf(expr, cond string) string
	// MinIf and MaxIf are the least and greatest expr over the rows where cond holds; the value
	// where no row does is unspecified (NULL or a default), so shapes pair them with a CountIf.
	MinIf(expr, cond string) string
	MaxIf(expr, cond string) string
	// Quantiles is an array of the continuous quantiles (linear interpolation between closest
	// ranks, R's type 7) of expr at the probabilities ps (scanned with Floats).
	Quantiles(expr string, ps []float64) string
	// ArgMin and ArgMax are the value of val on a row where key is least / greatest (ties: any).
	ArgMin(val, key string) string
	ArgMax(val, key string) string
	// AnyValue is expr on any row of the group.
	AnyValue(expr string) string
	// SortedSteps is for a query grouped by key over src, a subquery with integer column v (a
	// value may repeat within a group): it returns what to select FROM in place of src and two
	// aggregates over the group's rows where cond holds, for a cond that keeps a prefix of each
	// group's rows in order of v (v < c) or the rest (v ≥ c): distinct counts the distinct
	// values of v; squares is Σ (w[i] − w[i−1])² over those distinct values w in order, each
	// step taken from the value before it, kept or not (0 with fewer than two). With the count,
	// first and last v it gives the spread of the gaps (see ChurnRows). DuckDB: lag in a window
	// over src, a repeat being a step of 0; ClickHouse 18.16, which has no window functions:
	// arrayDifference of the sorted values.
	SortedSteps(src, key, v string) (from string, distinct, squares func(cond string) string)
	// Trim removes leading and trailing spaces of a string expression.
	Trim(s string) string
	// Name names the engine in messages ("duckdb", "clickhouse").
	Name() string
}

// Shapes runs the query shapes against one database through one dialect. Engine stores embed it
// (and so get every aggregate method of fidelis.Store from it).
type Shapes struct {
	DB *sql.DB
	D  Dialect
	// pair serialises taking two connections at once (see twoConns).
	pair sync.Mutex
}

// New returns the shapes over db in dialect d.
func New(db *sql.DB, d Dialect) *Shapes { return &Shapes{DB: db, D: d} }
