package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"fidelis/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenReport is the JSON report of the demo company (1500 customers, seed 1) as the store
// computed it before its queries moved into shared query shapes (produced on main at f9f3076).
// Every number of the report must stay as it was.
const goldenReport = "testdata/report-demo-1500.json.gz"

// TestReportGolden renders the full JSON report of the generated demo company and compares every
// number with the golden file: counts exactly, other numbers to 1e-9 relative (DuckDB adds doubles
// in thread order, which moves the last bits between runs). "generated" is the time of the run;
// the action lists' example customers are compared by length, as the order among customers with
// the same value is left open by the actions. Refresh with -update and check the diff by eye.
func TestReportGolden(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := cli(t, "demo", "--customers", "1500", "--dir", dir); code != 0 {
		t.Fatalf("demo exit %d: %s %s", code, out, errs)
	}
	code, got, errs := cli(t, "report", "--db", filepath.Join(dir, "fidelis-demo.duckdb"), "--format", "json", "--by", "region")
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errs)
	}
	if *update {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write([]byte(got))
		zw.Close()
		if err := os.WriteFile(goldenReport, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(goldenReport)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	storetest.SameJSON(t, []byte(got), want, 1e-9, []string{"generated"}, []string{"customers_top"})
}
