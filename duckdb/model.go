package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fidelis"
)

var _ fidelis.CompressedModelStore = (*Store)(nil)

// CompressedSummaries groups the calibration summaries by (x, t_x, T) in the store (and the
// Gamma-Gamma inputs by x and mean value rounded to the cent): the GROUP BY is pushed down. The
// repeat spend is first rounded to 1e-6: DuckDB adds doubles in whatever order its threads meet
// them, and a mean of cent amounts often ends in exactly half a cent, where that noise would
// decide the cent differently from run to run. Both
// groupings come from one pass over the per-customer step (GROUPING SETS), which is most of the
// work.
func (s *Store) CompressedSummaries(ctx context.Context, calEnd time.Time) ([]fidelis.SummaryRow, []fidelis.SpendRow, error) {
	// Calibration is the whole days before the cut-off's day, as in Summaries: a cut-off inside a
	// day does not make that day's first hours purchases.
	ce := fidelis.Day.Start(fidelis.Day.Index(calEnd))
	rows, err := s.db.QueryContext(ctx, `WITH d AS (
		SELECT customer_id, CAST("timestamp" AS DATE) AS day, sum(amount) AS amt
		FROM orders WHERE amount >= 0 AND "timestamp" < ? GROUP BY 1, 2),
	c AS (SELECT count(*) - 1 AS x, date_diff('day', min(day), max(day)) AS tx,
			date_diff('day', min(day), CAST(? AS DATE)) AS t, sum(amt) - arg_min(amt, day) AS repeat_sum
		FROM d GROUP BY customer_id)
	SELECT grouping(tx, t) <> 0, x, tx, t, CASE WHEN x > 0 THEN round(round(repeat_sum, 6) / x, 2) END AS m, count(*)
	FROM c GROUP BY GROUPING SETS ((x, tx, t), (x, m)) ORDER BY 1, 2, 3, 4, 5`, ce, ce)
	if err != nil {
		return nil, nil, fmt.Errorf("compressed summaries: %w", err)
	}
	defer rows.Close()
	var rs []fidelis.SummaryRow
	var ss []fidelis.SpendRow
	for rows.Next() {
		var spend bool
		var x, n int64
		var tx, t sql.NullInt64
		var m sql.NullFloat64
		if err := rows.Scan(&spend, &x, &tx, &t, &m, &n); err != nil {
			return nil, nil, err
		}
		switch {
		case !spend:
			r := fidelis.SummaryRow{X: float64(x), Tx: float64(tx.Int64), T: float64(t.Int64), Customers: n}
			if x == 0 {
				r.Tx = 0
			}
			rs = append(rs, r)
		case x > 0:
			ss = append(ss, fidelis.SpendRow{X: float64(x), Mean: m.Float64, Customers: n})
		}
	}
	return rs, ss, rows.Err()
}
