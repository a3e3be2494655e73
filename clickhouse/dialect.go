package clickhouse

import (
	"strconv"
	"strings"

	"fidelis"
	"fidelis/sqlstore"
)

// Dialect spells the engine fragments of the shared query shapes (package sqlstore) for
// ClickHouse. Every spelling runs on 18.16 (Debian's package, the oldest Fidelis supports) and on
// current releases: it uses only functions both have (intDiv, toUInt32, toYear, toMonth, countIf,
// sumIf, minIf, maxIf, argMin, argMax, any, groupArray, arraySort, replaceRegexpAll), none that
// 18.16 lacks or that later releases renamed or deprecated.
type Dialect struct{}

var _ sqlstore.Dialect = Dialect{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "clickhouse" }

// Period is fidelis.Grain.Index in SQL. Timestamps are DateTime('UTC') (never before 1970), so
// toUInt32 is the Unix time and intDiv the floor; toYear and toMonth read the column's UTC.
func (d Dialect) Period(g fidelis.Grain, ts string) string {
	switch g {
	case fidelis.Day:
		return `intDiv(toInt64(toUInt32(` + ts + `)), 86400)`
	case fidelis.Week:
		// Day 0 (1970-01-01) was a Thursday; weeks start on Monday, as fidelis.Week.Index.
		return `intDiv(` + d.Period(fidelis.Day, ts) + ` + 3, 7)`
	case fidelis.Quarter:
		return `(toInt64(toYear(` + ts + `)) * 4 + intDiv(toMonth(` + ts + `) - 1, 3))`
	case fidelis.Year:
		return `toInt64(toYear(` + ts + `))`
	}
	return `(toInt64(toYear(` + ts + `)) * 12 + toMonth(` + ts + `) - 1)`
}

// Seconds is the Unix time in whole seconds.
func (Dialect) Seconds(ts string) string { return `toInt64(toUInt32(` + ts + `))` }

// when makes a condition that may be NULL (a comparison with a Nullable column) a plain 0/1: an
// -If aggregate whose condition is Nullable returns NULL on 18.16 (countIf included), where
// DuckDB's FILTER treats NULL as false.
func when(cond string) string { return `coalesce(` + cond + `, 0)` }

// CountIf counts rows where cond holds (a NULL condition counts as false), as a signed count so
// differences of counts never wrap.
func (Dialect) CountIf(cond string) string { return `toInt64(countIf(` + when(cond) + `))` }

// SumIf sums expr where cond holds, 0 when none does (sumIf of a Nullable column is NULL then).
func (Dialect) SumIf(expr, cond string) string {
	return `coalesce(sumIf(` + expr + `, ` + when(cond) + `), 0)`
}

// MinIf is minIf.
func (Dialect) MinIf(expr, cond string) string { return `minIf(` + expr + `, ` + when(cond) + `)` }

// MaxIf is maxIf.
func (Dialect) MaxIf(expr, cond string) string { return `maxIf(` + expr + `, ` + when(cond) + `)` }

// Quantiles computes R's type-7 quantiles (what DuckDB's quantile_cont gives) from the sorted
// values: with A the sorted non-NULL values and h = (N−1)p, A[⌊h⌋+1] + (h−⌊h⌋)(A[⌊h⌋+2] − A[⌊h⌋+1])
// (1-based arrays). ClickHouse's quantileExact picks a value without interpolating, and
// quantilesExactInclusive (the same definition) came after 18.16; 18.16 also cannot reach an
// aggregate from inside a lambda, so each p is written out. Identical aggregates are computed
// once per group. An empty group gives zeros (DuckDB gives NULL); shapes pair it with a count.
func (Dialect) Quantiles(expr string, ps []float64) string {
	a := `arraySort(groupArray(` + expr + `))`
	n := `toInt64(length(` + a + `))`
	out := make([]string, len(ps))
	for i, p := range ps {
		h := `(greatest(` + n + ` - 1, 0) * ` + strconv.FormatFloat(p, 'g', -1, 64) + `)`
		lo := `toUInt64(floor(` + h + `))`
		out[i] = `toFloat64(` + a + `[` + lo + ` + 1] + (` + h + ` - floor(` + h + `)) * (` + a + `[least(` + lo + ` + 2, toUInt64(greatest(` + n + `, 1)))] - ` + a + `[` + lo + ` + 1]))`
	}
	return `[` + strings.Join(out, ", ") + `]`
}

// ArgMin is argMin (key may be a tuple).
func (Dialect) ArgMin(val, key string) string { return `argMin(` + val + `, ` + key + `)` }

// ArgMax is argMax.
func (Dialect) ArgMax(val, key string) string { return `argMax(` + val + `, ` + key + `)` }

// AnyValue is any.
func (Dialect) AnyValue(expr string) string { return `any(` + expr + `)` }

// SortedSteps squares arrayDifference of the sorted values (its first element is 0, a repeat's
// is 0 too); the lambda reaches only the array, not an aggregate, which 18.16 allows. Distinct
// values are uniqExact's.
func (Dialect) SortedSteps(src, key, v string) (from string, distinct, squares func(cond string) string) {
	return src,
		func(cond string) string { return `toInt64(uniqExactIf(` + v + `, ` + when(cond) + `))` },
		func(cond string) string {
			return `toInt64(arraySum(x -> x * x, arrayDifference(arraySort(groupArrayIf(` + v + `, ` + when(cond) + `)))))`
		}
}

// Trim removes leading and trailing spaces (18.16 has no trimBoth).
func (Dialect) Trim(s string) string { return `replaceRegexpAll(` + s + `, '^ +| +$', '')` }
