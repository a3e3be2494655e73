package duckdb_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

// TestCompressedSummariesMatchSummaries checks on the CDNOW master file (23,570 customers, many
// with several orders on one day) that the store's own grouping of the model inputs gives exactly
// what grouping the per-customer summaries gives: the distinct (x, t_x, T) with their customers,
// exactly, and the distinct (x, mean repeat value to the cent) of the repeaters.
func TestCompressedSummariesMatchSummaries(t *testing.T) {
	ctx := context.Background()
	st, _, _, _ := cdnowStore(t)
	ends := []time.Time{time.Date(1997, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC)}
	for _, end := range append(ends, ends...) {
		rows, spend, err := st.CompressedSummaries(ctx, end)
		if err != nil {
			t.Fatal(err)
		}
		type rk struct{ x, tx, t float64 }
		wantRows, repeaters := map[rk]int64{}, int64(0)
		err = st.Summaries(ctx, fidelis.Query{}, end, end, func(c fidelis.CustomerSummary) error {
			tx := c.Tx
			if c.X == 0 {
				tx = 0
			}
			wantRows[rk{c.X, tx, c.T}]++
			if c.X > 0 {
				repeaters++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		gotRows := map[rk]int64{}
		for _, r := range rows {
			gotRows[rk{r.X, r.Tx, r.T}] += r.Customers
		}
		if len(rows) != len(wantRows) || len(gotRows) != len(wantRows) {
			t.Errorf("%s: %d rows (%d distinct), want %d", end.Format(time.DateOnly), len(rows), len(gotRows), len(wantRows))
		}
		for k, n := range wantRows {
			if gotRows[k] != n {
				t.Errorf("%s: row %+v has %d customers, want %d", end.Format(time.DateOnly), k, gotRows[k], n)
			}
		}
		// The Gamma-Gamma inputs: the mean of two or more cent amounts often ends in half a cent, where
		// float rounding of different but equal sums decides the cent, so they are pinned against the
		// straightforward query (the per-customer step, then the grouping) rather than Summaries;
		// repeated, as DuckDB's parallel sums come in any order.
		q, err := st.DB().QueryContext(ctx, `WITH d AS (
			SELECT customer_id, CAST("timestamp" AS DATE) AS day, sum(amount) AS amt
			FROM orders WHERE amount >= 0 AND "timestamp" < ? GROUP BY 1, 2),
		c AS (SELECT count(*) - 1 AS x, sum(amt) - arg_min(amt, day) AS repeat_sum FROM d GROUP BY customer_id)
		SELECT x, round(round(repeat_sum, 6) / x, 2), count(*) FROM c WHERE x > 0 GROUP BY 1, 2 ORDER BY 1, 2`, end)
		if err != nil {
			t.Fatal(err)
		}
		var want []fidelis.SpendRow
		for q.Next() {
			var r fidelis.SpendRow
			if err := q.Scan(&r.X, &r.Mean, &r.Customers); err != nil {
				t.Fatal(err)
			}
			want = append(want, r)
		}
		q.Close()
		if !reflect.DeepEqual(spend, want) {
			t.Errorf("%s: %d spend rows differ from the %d of the straightforward query", end.Format(time.DateOnly), len(spend), len(want))
		}
		var n int64
		for _, r := range spend {
			n += r.Customers
		}
		if n != repeaters {
			t.Errorf("%s: %d repeaters in the spend rows, want %d", end.Format(time.DateOnly), n, repeaters)
		}
	}
}
