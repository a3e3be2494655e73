package clickhouse_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fidelis"
	"fidelis/clickhouse/chtest"
)

// BenchmarkImport imports 500,000 orders of 20,000 customers over 24 months through the writer
// into an empty store, on a server and on the two-shard cluster, and reports the seconds spent
// staging rows (Write) and deciding and applying the change (Commit):
//
//	go test ./clickhouse -run '^$' -bench Import -benchtime 1x
func BenchmarkImport(b *testing.B) {
	const n = 500_000
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]fidelis.Row, n)
	for i := range rows {
		rows[i] = fidelis.Row{Line: int64(i + 2), Values: []any{fmt.Sprintf("o%d", i), fmt.Sprintf("C%d", i%20000),
			base.Add(time.Duration(i%730) * 24 * time.Hour), float64(i%90) + 0.5, nil, nil, nil}}
	}
	for _, m := range []struct {
		name    string
		cluster bool
	}{{"single", false}, {"cluster", true}} {
		b.Run(m.name, func(b *testing.B) {
			var stage, commit time.Duration
			for i := 0; i < b.N; i++ {
				st := chtest.Open(b, m.cluster)
				ctx := context.Background()
				t0 := time.Now()
				w, err := st.Begin(ctx, fidelis.Orders, "bench.csv", fidelis.Insert)
				if err != nil {
					b.Fatal(err)
				}
				for j := 0; j < n; j += 10_000 {
					if err := w.Write(ctx, rows[j:j+10_000]); err != nil {
						b.Fatal(err)
					}
				}
				t1 := time.Now()
				if c, err := w.Commit(ctx, 0); err != nil || c.Stored != n {
					b.Fatalf("%+v %v", c, err)
				}
				stage += t1.Sub(t0)
				commit += time.Since(t1)
			}
			b.ReportMetric(stage.Seconds()/float64(b.N), "stage-s/op")
			b.ReportMetric(commit.Seconds()/float64(b.N), "commit-s/op")
			b.ReportMetric(float64(n)*float64(b.N)/(stage+commit).Seconds(), "rows/s")
		})
	}
}
