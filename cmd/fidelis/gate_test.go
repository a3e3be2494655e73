package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// boundaryShop writes the orders of a 300-customer shop in which nobody ever leaves: every
// customer buys every 20–40 days from their first purchase to the end of the data. The BG/NBD
// likelihood then rises as the dropout probability goes to 0 (a → 0, b → ∞), the boundary fit of
// issue #10 ("302 of 302 customers still active", every customer in the 90–100% P(alive) bar).
func boundaryShop(t *testing.T, dir string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(10, 300))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(2, 0, 0)
	var b strings.Builder
	b.WriteString("order_id,customer_id,timestamp,amount\n")
	n := 0
	for c := 1; c <= 300; c++ {
		at := start.Add(time.Duration(rng.Float64()*365*24) * time.Hour)
		for at.Before(end) {
			n++
			fmt.Fprintf(&b, "O%d,C%03d,%s,%.2f\n", n, c, at.Format(time.RFC3339), 20+rng.Float64()*80)
			at = at.Add(time.Duration(20+rng.IntN(21)) * 24 * time.Hour)
		}
	}
	p := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGateBoundaryShop reproduces issue #10's boundary case end to end: every candidate model
// fails the gate, and no headline, action, value card or risk list uses their numbers; each says
// so in words and shows what the data support instead.
func TestGateBoundaryShop(t *testing.T) {
	dir := t.TempDir()
	orders := boundaryShop(t, dir)
	db := filepath.Join(dir, "shop.duckdb")
	if code, out, errs := runCLI(t, "import", "orders", orders, "--db", db); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := runCLI(t, "report", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errs)
	}
	var rep struct {
		Sections struct {
			Models map[string]json.RawMessage `json:"models"`
		} `json:"sections"`
		Actions []struct{ ID string } `json:"actions"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var gate struct {
		Passed     bool
		Chosen     string
		Verdict    string
		Thresholds map[string]any
		Candidates []struct {
			Model    string
			Passed   bool
			Failures []string
		}
	}
	if err := json.Unmarshal(rep.Sections.Models["gate"], &gate); err != nil {
		t.Fatalf("models.gate: %v", err)
	}
	if gate.Passed || gate.Chosen != "" || len(gate.Candidates) != 3 || len(gate.Thresholds) == 0 {
		t.Fatalf("gate %+v: want three candidates, none passed, thresholds stated", gate)
	}
	for _, c := range gate.Candidates {
		if c.Passed || !strings.Contains(strings.Join(c.Failures, " "), "edge of what the data identify") {
			t.Errorf("%s: %v, want a boundary failure", c.Model, c.Failures)
		}
	}
	for _, k := range []string{"expected_value", "expected_alive_customers", "p_alive_histogram", "p_alive_by_frequency", "predicted_clv_quantiles", "current_fit"} {
		if _, ok := rep.Sections.Models[k]; ok {
			t.Errorf("models.%s is present although no model passed", k)
		}
	}
	if string(rep.Sections.Models["active_by_last_purchase"]) != "300" {
		t.Errorf("active by last purchase: %s, want 300", rep.Sections.Models["active_by_last_purchase"])
	}
	for _, a := range rep.Actions {
		if a.ID == "save" {
			t.Error("the P(alive)-based save action is offered without a model")
		}
	}
	// The report's words: the summary says no model passed, never "the model expects".
	code, md, errs := runCLI(t, "report", "--db", db, "--format", "md")
	if code != 0 {
		t.Fatalf("report md: exit %d\n%s", code, errs)
	}
	for _, bad := range []string{"The model expects", "still active (Σ P(alive)", "P(alive) between", "predicted value"} {
		if strings.Contains(md, bad) {
			t.Errorf("report uses the failed model: %q", bad)
		}
	}
	for _, want := range []string{"No purchase model passed the holdout check, so there is no forecast", "| BG/NBD | no |", "active by their last purchase"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// risk: no P(alive) list; the fallback is stated and every listed customer is lapsed.
	csvPath := filepath.Join(dir, "risk.csv")
	code, _, errs = runCLI(t, "risk", "--db", db, "--out", csvPath)
	if code != 0 || !strings.Contains(errs, "No purchase model passed") || !strings.Contains(errs, "No churn-risk score") {
		t.Fatalf("risk: exit %d, stderr %s", code, errs)
	}
	recs := readCSV(t, csvPath)
	if len(recs) != 1 {
		t.Errorf("risk listed %d customers; all 300 bought within the activity window", len(recs)-1)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		if r[col["p_alive"]] != "" || r[col["predicted_clv"]] != "" || r[col["status"]] != "lapsed" {
			t.Errorf("risk row %v: model numbers or an active customer in the fallback list", r)
		}
	}
}

// TestDemoHoldoutSeasonal: the synthetic company plants a November–December purchase peak
// (synth.Truth.Seasonality). A 26-week holdout after the peak had BG/NBD over-forecast by 30%
// (issue #10). With the whole-year holdout no candidate over-forecasts by more than 10%, the chosen
// model is within ±10%, and the report states the method. 5,000 customers keep the test quick
// (there BG/NBD −10.3%, MBG/NBD −12.4%, Pareto/NBD +1.7%, chosen); the 20,000-customer demo gives
// BG/NBD −5.3% (chosen), MBG/NBD −7.7%, Pareto/NBD +8.2%.
func TestDemoHoldoutSeasonal(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runCLI(t, "demo", "--customers", "5000", "--dir", dir); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := runCLI(t, "report", "--db", filepath.Join(dir, "fidelis-demo.duckdb"), "--format", "json")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errs)
	}
	var rep struct {
		Sections struct {
			Models struct {
				HoldoutWeeks float64 `json:"holdout_weeks"`
				Gate         struct {
					Passed      bool
					Chosen      string
					Seasonality string
					Candidates  []struct {
						Model          string
						AggregateError float64 `json:"aggregate_error"`
						Failures       []string
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	m := rep.Sections.Models
	if m.HoldoutWeeks != 52 || !m.Gate.Passed || m.Gate.Chosen == "" || !strings.Contains(m.Gate.Seasonality, "52 weeks") {
		t.Fatalf("holdout %v weeks, gate %+v", m.HoldoutWeeks, m.Gate)
	}
	for _, c := range m.Gate.Candidates {
		t.Logf("%s: holdout error %+.1f%% %v", c.Model, c.AggregateError*100, c.Failures)
		if c.AggregateError > 0.10 {
			t.Errorf("%s over-forecasts the holdout by %+.1f%%: the seasonal peak is not averaged out", c.Model, c.AggregateError*100)
		}
		if c.Model == m.Gate.Chosen && (c.AggregateError < -0.10 || c.AggregateError > 0.10) {
			t.Errorf("chosen %s: holdout error %+.1f%%", c.Model, c.AggregateError*100)
		}
	}
}
