package main

import (
	"path/filepath"
	"strings"
	"testing"
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
