package duckdb

import (
	"strconv"
	"strings"

	"fidelis"
	"fidelis/sqlstore"
)

// Dialect spells the engine-specific fragments of the shared query shapes for DuckDB.
type Dialect struct{}

var _ sqlstore.Dialect = Dialect{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "duckdb" }

// Period is fidelis.Grain.Index in SQL.
func (Dialect) Period(g fidelis.Grain, col string) string {
	switch g {
	case fidelis.Day:
		return `CAST(floor(epoch(` + col + `) / 86400) AS BIGINT)`
	case fidelis.Week:
		return `CAST(floor((floor(epoch(` + col + `) / 86400) + 3) / 7) AS BIGINT)`
	case fidelis.Quarter:
		return `(year(` + col + `) * 4 + (month(` + col + `) - 1) // 3)`
	case fidelis.Year:
		return `CAST(year(` + col + `) AS BIGINT)`
	}
	return `(year(` + col + `) * 12 + month(` + col + `) - 1)`
}

// Seconds is the Unix time in whole seconds (what date_diff('second', ...) counts).
func (Dialect) Seconds(ts string) string { return `CAST(floor(epoch(` + ts + `)) AS BIGINT)` }

// CountIf counts rows where cond holds.
func (Dialect) CountIf(cond string) string { return `count(*) FILTER (WHERE ` + cond + `)` }

// SumIf sums expr where cond holds, 0 when none does.
func (Dialect) SumIf(expr, cond string) string {
	return `coalesce(sum(` + expr + `) FILTER (WHERE ` + cond + `), 0)`
}

// MinIf is the least expr where cond holds (NULL when none does).
func (Dialect) MinIf(expr, cond string) string {
	return `min(` + expr + `) FILTER (WHERE ` + cond + `)`
}

// MaxIf is the greatest expr where cond holds (NULL when none does).
func (Dialect) MaxIf(expr, cond string) string {
	return `max(` + expr + `) FILTER (WHERE ` + cond + `)`
}

// Quantiles is DuckDB's interpolated quantile_cont over a list of probabilities.
func (Dialect) Quantiles(expr string, ps []float64) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.FormatFloat(p, 'g', -1, 64)
	}
	return `quantile_cont(` + expr + `, [` + strings.Join(s, ", ") + `])`
}

// ArgMin is arg_min.
func (Dialect) ArgMin(val, key string) string { return `arg_min(` + val + `, ` + key + `)` }

// ArgMax is arg_max.
func (Dialect) ArgMax(val, key string) string { return `arg_max(` + val + `, ` + key + `)` }

// AnyValue is any_value.
func (Dialect) AnyValue(expr string) string { return `any_value(` + expr + `)` }

// SortedSteps takes each row's step from the one before with lag in a window over src (a list
// lambda per group, tried first, ran 9 times slower at a million customers): a repeated value
// steps by 0, so the distinct values are the first row and the rows with a step; the sum's
// HUGEINT is cast back to BIGINT. Repeats are counted this way, not grouped away first: a GROUP
// BY of a million customers' 10M orders by customer and day took 11 of its 19 CPU-s.
func (Dialect) SortedSteps(src, key, v string) (from string, distinct, squares func(cond string) string) {
	return `(SELECT *, ` + v + ` - lag(` + v + `) OVER (PARTITION BY ` + key + ` ORDER BY ` + v + `) AS sq_step FROM ` + src + `)`,
		func(cond string) string {
			return `count(*) FILTER (WHERE (` + cond + `) AND (sq_step IS NULL OR sq_step <> 0))`
		},
		func(cond string) string {
			return `CAST(coalesce(sum(sq_step * sq_step) FILTER (WHERE ` + cond + `), 0) AS BIGINT)`
		}
}

// Trim is trim.
func (Dialect) Trim(s string) string { return `trim(` + s + `)` }
