package duckdb_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// BenchmarkIngestBatch measures what the HTTP API does per request: one batch of 1,000 new orders
// imported (ingest.Options.Batch) into a filled store and committed, and the same batch sent again
// (a client's retry: 1,000 duplicates). The
// store is FIDELIS_BENCH_STORE — a copy, it is written to — or the synthetic company (customers and
// orders) of FIDELIS_BENCH_CUSTOMERS customers. The new ids sort among the stored ones ("O" and
// the customer's number, as the synthetic orders'), so that no batch is skipped by the id
// column's min/max. The work per batch should not grow with the store.
func BenchmarkIngestBatch(b *testing.B) {
	ctx := context.Background()
	var st *duckdb.Store
	if p := os.Getenv("FIDELIS_BENCH_STORE"); p != "" {
		var err error
		if st, err = duckdb.Open(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
	} else {
		st = synthStore(b, "FIDELIS_BENCH_CUSTOMERS", fidelis.Customers, fidelis.Orders)
	}
	ids, err := st.CustomerIDs(ctx, fidelis.CustomerSelection{})
	if err != nil || len(ids) == 0 {
		b.Fatal(len(ids), err)
	}
	const rows = 1000
	batch := func(n int) []byte {
		var buf bytes.Buffer
		buf.WriteString("order_id,customer_id,timestamp,amount\n")
		for r := 0; r < rows; r++ {
			i := n*rows + r
			c := ids[(i*7919)%len(ids)]
			fmt.Fprintf(&buf, "O%s-b%d,%s,2024-%02d-%02d,%d.%02d\n", strings.TrimPrefix(c, "C"), i, c, 1+i%12, 1+i%28, 5+i%200, i%100)
		}
		return buf.Bytes()
	}
	send := func(body []byte) ingest.Summary {
		sum, err := ingest.ImportReader(ctx, st, fidelis.Orders, "batch.csv", bytes.NewReader(body), ingest.Options{Batch: true, KeepRejects: 1000})
		if err != nil {
			b.Fatal(err)
		}
		return sum
	}
	// The first batch reads the stored ids once (the process's stored-id set); it is timed apart.
	t0 := time.Now()
	if s := send(batch(0)); s.Stored != rows {
		b.Fatalf("first batch: %+v", s)
	}
	b.Logf("first batch (reads the stored ids): %.0f ms", float64(time.Since(t0).Microseconds())/1000)
	next := 1
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			if s := send(batch(next)); s.Stored != rows {
				b.Fatalf("stored %d of %d new orders: %+v", s.Stored, rows, s)
			}
			next++
		}
		b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("retry", func(b *testing.B) {
		body := batch(next - 1)
		for b.Loop() {
			if s := send(body); s.Duplicates != rows {
				b.Fatalf("a retried batch: %+v, want %d duplicates", s, rows)
			}
		}
		b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
	})
}
