package duckdb

import (
	"slices"

	"fidelis"
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

// The dialect: the only engine-specific SQL fragments outside the migrations.

// periodIndex is fidelis.Grain.Index in SQL.
func periodIndex(g fidelis.Grain, col string) string { return Dialect{}.Period(g, col) }

// countIf counts rows where cond holds.
func countIf(cond string) string { return Dialect{}.CountIf(cond) }
