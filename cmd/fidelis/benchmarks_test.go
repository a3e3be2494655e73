package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchmarksCommand(t *testing.T) {
	code, out, errs := cli(t, "benchmarks")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"nps", "Recurly Research", "RJMetrics", "vendor survey", "Industries (--industry)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = cli(t, "benchmarks", "--industry", "telecom", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rows []struct {
		Metric, Industry, Source string
		Year                     int
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Industry != "telecom" && r.Industry != "all" || r.Source == "" || r.Year == 0 {
			t.Errorf("row %+v", r)
		}
	}
	// A user file is merged over the shipped rows.
	f := filepath.Join(t.TempDir(), "mine.json")
	os.WriteFile(f, []byte(`[{"metric":"nps","industry":"telecom","value":25,"unit":"points","population":"our panel","source":"Our CX team, 2025 panel","year":2025,"kind":"study"}]`), 0o644)
	code, out, errs = cli(t, "benchmarks", "--industry", "telecom", "--benchmarks", f)
	if code != 0 || !strings.Contains(out, "Our CX team") || strings.Contains(out, "Temkin") || !strings.Contains(out, "(yours)") {
		t.Errorf("merge: exit %d\n%s%s", code, out, errs)
	}
	os.WriteFile(f, []byte(`[{"metric":"nps","industry":"telecom","value":25,"unit":"points","year":2025,"kind":"study"}]`), 0o644)
	if code, _, errs = cli(t, "benchmarks", "--benchmarks", f); code != 2 || !strings.Contains(errs, "source") {
		t.Errorf("unsourced row: exit %d %s", code, errs)
	}
	if code, _, errs = cli(t, "benchmarks", "--industry", "nosuch"); code != 2 || !strings.Contains(errs, "Try: --industry") {
		t.Errorf("unknown industry: exit %d %s", code, errs)
	}
}
