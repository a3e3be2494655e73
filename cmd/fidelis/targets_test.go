package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTargetsCommand(t *testing.T) {
	db := demoStore(t)
	goals := filepath.Join(t.TempDir(), "goals.txt")
	os.WriteFile(goals, []byte("# demo targets\nretention: 95% by 2030-12-31\nnps: >= 40\nrepeat_purchase_rate: 35%\nredemption_rate: >= 20\nchurn: <= 1\n"), 0o644)
	code, out, errs := cli(t, "targets", "--db", db, "--goals", goals, "--by", "region", "--industry", "retail")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"retention", "nps", "repeat_purchase_rate", "redemption_rate", "projected", "customers", "least squares"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = cli(t, "targets", "--db", db, "--goals", goals, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ts []struct {
		Goal struct {
			Metric string  `json:"metric"`
			Value  float64 `json:"value"`
		} `json:"goal"`
		Status       string   `json:"status"`
		Current      *float64 `json:"current"`
		Low          *float64 `json:"low"`
		GapCustomers *float64 `json:"gap_customers"`
	}
	if err := json.Unmarshal([]byte(out), &ts); err != nil {
		t.Fatal(err)
	}
	if len(ts) != 5 {
		t.Fatalf("%d targets", len(ts))
	}
	for _, tg := range ts {
		if tg.Current == nil || tg.Status == "" || tg.Status == "no data" {
			t.Errorf("%s: %+v", tg.Goal.Metric, tg)
		}
	}
	// churn ≤ 1% is far off on the demo company: a gap in customers must be given.
	if c := ts[4]; c.Goal.Metric != "churn" || c.Status == "met" || c.GapCustomers == nil || *c.GapCustomers <= 0 {
		t.Errorf("churn target %+v", c)
	}
	if code, _, errs = cli(t, "targets", "--db", db); code != 2 || !strings.Contains(errs, "--goals") {
		t.Errorf("no --goals: exit %d %s", code, errs)
	}
	os.WriteFile(goals, []byte("loyalty: 3\n"), 0o644)
	if code, _, errs = cli(t, "targets", "--db", db, "--goals", goals); code != 2 || !strings.Contains(errs, "unknown metric") {
		t.Errorf("bad goal: exit %d %s", code, errs)
	}
}

// The demo's report carries the insight section right after the key figures.
func TestReportHasInsight(t *testing.T) {
	db := demoStore(t)
	out := filepath.Join(t.TempDir(), "r.html")
	if code, _, errs := cli(t, "report", "--db", db, "--by", "region", "--out", out); code != 0 {
		t.Fatalf("report: %s", errs)
	}
	b, _ := os.ReadFile(out)
	s := string(b)
	i, j := strings.Index(s, `id="insight"`), strings.Index(s, `id="retention"`)
	if i < 0 || j < 0 || i > j {
		t.Fatalf("insight section missing or not before retention (%d, %d)", i, j)
	}
	for _, want := range []string{"Strengths", "Weaknesses", "Against benchmarks", "vendor survey", "<circle"} {
		if !strings.Contains(s[i:j], want) {
			t.Errorf("insight section lacks %q", want)
		}
	}
}
