package duckdb_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// BenchmarkImportOrders measures ingest + staged append + commit of 500,000 order rows.
func BenchmarkImportOrders(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "orders.csv")
	f, _ := os.Create(p)
	w := bufio.NewWriter(f)
	w.WriteString("order_id,customer_id,timestamp,amount,currency,channel,quantity\n")
	const n = 500000
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "O%d,C%07d,2025-%02d-%02dT10:%02d:00Z,%d.%02d,EUR,web,%d\n", i, i%50000, i%12+1, i%28+1, i%60, i%300, i%100, i%4+1)
	}
	w.Flush()
	f.Close()
	b.SetBytes(int64(n))
	for b.Loop() {
		st, err := duckdb.Open(context.Background(), ":memory:")
		if err != nil {
			b.Fatal(err)
		}
		sum, err := ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{})
		if err != nil || sum.Stored != n {
			b.Fatal(sum, err)
		}
		st.Close()
	}
}
