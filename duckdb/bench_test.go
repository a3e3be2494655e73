package duckdb_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/synth"
)

// synthStore loads the synthetic company (seed 1; the customers from the environment variable env,
// default 100,000) into a DuckDB store in a temporary folder: the record kinds given, through ingest.
func synthStore(b *testing.B, env string, kinds ...fidelis.Kind) *duckdb.Store {
	n := 100000
	if v := os.Getenv(env); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	dir := b.TempDir()
	man, err := synth.Write(ctx, dir, synth.Config{Customers: n, Seed: 1}, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := duckdb.Open(ctx, filepath.Join(dir, "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	for _, k := range kinds {
		if _, err := ingest.Import(ctx, st, k, man.Files[k], ingest.Options{Rejects: filepath.Join(dir, "rejects.csv")}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

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
