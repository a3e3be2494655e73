package duckdb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// TestLoadNativeKeepsAttributes: the benchmark floor (DuckDB's read_csv alone) stores a
// customers file's extra columns as the same attributes an import stores (names cleaned,
// blank values left out), so that it does the work the import does.
func TestLoadNativeKeepsAttributes(t *testing.T) {
	// The same file plain and with a UTF-8 byte-order mark, as spreadsheet exports write it.
	for _, bom := range []string{"", "\ufeff"} {
		t.Run(fmt.Sprintf("bom=%t", bom != ""), func(t *testing.T) { testLoadNativeKeepsAttributes(t, bom) })
	}
}

func testLoadNativeKeepsAttributes(t *testing.T, bom string) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "customers.csv")
	body := bom + "customer_id,signup_at,region,country,segment,acquisition_channel,Age Band,gender\n" +
		"A,2024-01-01T00:00:00Z,North,GB,consumer,web,25-34,f\nB,2024-01-02T00:00:00Z,South,RO,consumer,store, ,m\n" +
		"C,2024-01-03T00:00:00Z,,,,,45-54,\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	attrs := func(st *duckdb.Store) string {
		var s string
		if err := st.DB().QueryRow(`SELECT string_agg(customer_id || ':' || name || '=' || value, ' ' ORDER BY customer_id, name)
			FROM customer_attrs`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	floor, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer floor.Close()
	n, err := floor.LoadNative(ctx, fidelis.Customers, p)
	if err != nil || n != 3 {
		t.Fatalf("LoadNative: %d rows, %v; want 3", n, err)
	}
	imp, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer imp.Close()
	if _, err := ingest.Import(ctx, imp, fidelis.Customers, p, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	want := "A:age_band=25-34 A:gender=f B:gender=m C:age_band=45-54"
	if got := attrs(floor); got != want {
		t.Errorf("floor attributes %q, want %q", got, want)
	}
	if got := attrs(imp); got != want {
		t.Errorf("import attributes %q, want %q (the floor must match the import)", got, want)
	}
}
