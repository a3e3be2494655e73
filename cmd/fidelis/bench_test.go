package main

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"fidelis/clickhouse"
	"fidelis/clickhouse/chtest"
)

// TestBenchAll runs the full bench on a small synthetic company: every kind imported, a stage per
// section with wall time, CPU time and peak memory, the rendering and the whole report; then the
// same report from the loaded store.
func TestBenchAll(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a synthetic company")
	}
	dir := t.TempDir()
	code, out, errs := runCLI(t, "bench", "--customers", "400", "--dir", dir, "--all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"import customers (400)", "import orders (", "core metrics", "import program (",
		"section core metrics (full run)", "section program", "section advocacy", "section models", "render html", "full report"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q stage in\n%s", want, out)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !stageLine.MatchString(l) {
			t.Errorf("stage line %q does not parse", l)
		}
	}
	code, out, errs = runCLI(t, "bench", "--store", filepath.Join(dir, "fidelis.duckdb"))
	if code != 0 {
		t.Fatalf("bench --store: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "section program") || !strings.Contains(out, "full report") {
		t.Errorf("bench --store:\n%s", out)
	}
}

// TestBenchClickHouse runs the bench's stages on the two-shard cluster: both shards' server memory
// is measured (the servers run here), and a database not named bench* is refused, since the
// benchmark drops it first.
func TestBenchClickHouse(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a synthetic company")
	}
	u, err := url.Parse(chtest.DSN(t, true))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "bench", "--customers", "300", "--dir", t.TempDir(), "--db", u.String()); code == 0 || !strings.Contains(errs, "must start with bench") {
		t.Errorf("a database not named bench*: exit %d, %s", code, errs)
	}
	u.Path = "/bench" + strings.TrimPrefix(u.Path, "/")
	t.Cleanup(func() { clickhouse.DropDatabase(context.Background(), u.String()) })
	code, out, errs := runCLI(t, "bench", "--customers", "300", "--dir", t.TempDir(), "--db", u.String())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"cluster  import customers (300)", "cluster  import orders (", "cluster  core metrics", "cluster  import + core metrics"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q stage in\n%s", want, out)
		}
	}
	if n := strings.Count(out, "server peak RSS"); n != 4 || strings.Contains(out, "not measured") {
		t.Errorf("want each stage with both shards' memory:\n%s", out)
	}
}
