package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fidelis"
	"fidelis/analysis"
	"fidelis/duckdb"
	"fidelis/insight"
)

// TestDeclaredIndustry: without --industry an analysis compares with the store's declared
// industry (fidelis settings set industry ...), and with none declared with no industry's figures
// (only industry-independent rows), never with every industry's.
func TestDeclaredIndustry(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	var orders strings.Builder
	orders.WriteString("order_id,customer_id,date,amount\n")
	n := 0
	// 40 customers over three calendar years (so that annual retention, the retail benchmark's
	// metric, has complete years to compare).
	for c := range 40 {
		for k := 0; k <= c%5; k++ {
			n++
			fmt.Fprintf(&orders, "o%d,c%d,%d-%02d-%02d,%d\n", n, c, 2022+(c+k)%3, 1+(c*k)%12, 1+c%27, 10+c)
		}
	}
	file := filepath.Join(dir, "orders.csv")
	os.WriteFile(file, []byte(orders.String()), 0o644)
	if code, _, errs := cli(t, "import", "orders", file, "--db", db); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	// The insight section alone (the same runAnalysis path as report and actions, without models).
	industries := func() (string, map[string]bool) {
		t.Helper()
		f := analysisFlags{storeFlags: storeFlags{db: db}, grain: "month"}
		a, err := runAnalysis(context.Background(), &env{stdout: io.Discard, stderr: io.Discard}, &f, "insight")
		if err != nil {
			t.Fatal(err)
		}
		r := analysis.Section[insight.Report](a, "insight")
		seen := map[string]bool{}
		for _, c := range r.Comparisons {
			seen[c.Benchmark.Industry] = true
		}
		return r.Industry, seen
	}
	if ind, seen := industries(); ind != "" || len(seen) > 1 || (len(seen) == 1 && !seen["all"]) {
		t.Errorf("nothing declared: industry %q, compared with %v; want only industry-independent rows", ind, seen)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "set", "industry", "nosuch"); code != 2 || !strings.Contains(errs, "no benchmarks for industry") {
		t.Errorf("unknown industry accepted: exit %d %s", code, errs)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "set", "industry", "retail"); code != 0 {
		t.Fatalf("settings set: %s", errs)
	}
	if code, out, _ := cli(t, "settings", "--db", db); code != 0 || !strings.Contains(out, "industry\tretail") {
		t.Errorf("settings: exit %d %q", code, out)
	}
	if ind, seen := industries(); ind != "retail" || !seen["retail"] || seen["banking"] || seen["telecom"] {
		t.Errorf("declared retail: industry %q, compared with %v", ind, seen)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "unset", "industry"); code != 0 {
		t.Fatalf("settings unset: %s", errs)
	}
	if ind, _ := industries(); ind != "" {
		t.Errorf("after unset: industry %q", ind)
	}
}

// TestMemorySettings: settings shows the memory defaults in effect, stores a valid limit and an
// existing folder (as an absolute path, its case kept), refuses a bad size or a missing folder
// with the value named, and still opens the store to mend a folder removed since it was set.
func TestMemorySettings(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	file := filepath.Join(dir, "orders.csv")
	os.WriteFile(file, []byte("order_id,customer_id,date,amount\no1,c1,2024-01-02,10\n"), 0o644)
	if code, _, errs := cli(t, "import", "orders", file, "--db", db); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	if code, out, _ := cli(t, "settings", "--db", db); code != 0 || !strings.Contains(out, "memory_limit\t(not set: 1GiB here: 1GiB or 3x the store file, whichever is larger)") || !strings.Contains(out, "temp_directory\t(not set: "+os.TempDir()+")") {
		t.Errorf("settings: exit %d %q, want the defaults in effect", code, out)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "set", "memory_limit", "lots"); code != 2 || !strings.Contains(errs, `memory_limit "lots"`) {
		t.Errorf("set memory_limit lots: exit %d %s", code, errs)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "set", "temp_directory", filepath.Join(dir, "nosuch")); code != 2 || !strings.Contains(errs, "nosuch") {
		t.Errorf("set a missing temp_directory: exit %d %s", code, errs)
	}
	spill := filepath.Join(dir, "Spill")
	os.Mkdir(spill, 0o755)
	t.Chdir(dir)
	if code, _, errs := cli(t, "settings", "--db", db, "set", "memory_limit", "1.5GiB"); code != 0 {
		t.Fatalf("set memory_limit: %s", errs)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "set", "temp_directory", "Spill"); code != 0 {
		t.Fatalf("set temp_directory: %s", errs)
	}
	if code, out, _ := cli(t, "settings", "--db", db); code != 0 || !strings.Contains(out, "memory_limit\t1.5gib") || !strings.Contains(out, "temp_directory\t"+spill+"\n") {
		t.Errorf("settings: exit %d %q, want the stored values (the folder absolute, its case kept)", code, out)
	}
	if code, _, errs := cli(t, "metrics", "--db", db); code != 0 {
		t.Errorf("metrics with the stored settings: exit %d %s", code, errs)
	}
	os.Remove(spill)
	if code, _, errs := cli(t, "metrics", "--db", db); code != 2 || !strings.Contains(errs, spill) {
		t.Errorf("metrics after the folder was removed: exit %d %s, want the folder named", code, errs)
	}
	if code, _, errs := cli(t, "settings", "--db", db, "unset", "temp_directory"); code != 0 {
		t.Errorf("unset a temp_directory since removed: exit %d %s", code, errs)
	}
}

// TestOutOfMemoryHint: a query DuckDB cannot fit under the store's memory limit (a list
// aggregate cannot spill) fails with the limit named and the setting to raise, not DuckDB's
// advice to run SET statements.
func TestOutOfMemoryHint(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.OpenWith(ctx, "", duckdb.Options{MemoryLimit: "32MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	err = st.DB().QueryRowContext(ctx, `SELECT len(list(range::VARCHAR || 'padding to make it large')) FROM range(20000000)`).Scan(&n)
	if !duckdb.OutOfMemory(err) {
		t.Fatalf("a 20M-element list under 32 MiB: %v, want DuckDB's out-of-memory error", err)
	}
	e := explainMemory(fmt.Errorf("advocacy features: %w", err))
	if strings.Contains(e.Error(), "SET ") || !strings.Contains(e.Error(), "memory limit is too low") || !strings.Contains(fidelis.ErrorHint(e), "settings set memory_limit") {
		t.Errorf("explained: %v (hint %q)", e, fidelis.ErrorHint(e))
	}
	if other := errors.New("no such table"); explainMemory(other) != other {
		t.Error("another error was rewritten")
	}
}
