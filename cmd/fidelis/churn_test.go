package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"fidelis/churn"
)

type churnJSON struct {
	HorizonDays int `json:"horizon_days"`
	Winner      string
	Cutoffs     []struct {
		AsOf    string                 `json:"as_of"`
		Methods map[string]churnScores `json:"methods"`
	}
	Pooled  map[string]churnScores `json:"pooled"`
	Notes   []string               `json:"notes"`
	Scoring struct {
		Method     string `json:"method"`
		Importance []struct {
			Feature string  `json:"feature"`
			Share   float64 `json:"share"`
		} `json:"importance"`
	} `json:"scoring"`
	Scored int `json:"scored_customers"`
	Basis  struct {
		Text string `json:"text"`
	} `json:"risk_basis"`
}

type churnScores struct {
	AUC     *float64 `json:"auc"`
	AUCLow  *float64 `json:"auc_low"`
	AUCHigh *float64 `json:"auc_high"`
	Brier   *float64 `json:"brier"`
	ECE     *float64 `json:"ece"`
	Lift    *float64 `json:"lift_top10"`
}

// On the synthetic company (2,000 customers; purchases follow the planted BG/NBD process with
// dropout tied to satisfaction, exits recorded at dropout) the boosted trees must rank lapsers far
// better than chance and be calibrated. Tolerances: a random ranking has AUC 0.5 ± 0.01 on the
// ~3,000 pooled test rows, and the trees reach about 0.93 on the 20,000-customer demo, so 0.85 is
// a wide margin with room for the smaller sample; ECE on ~3,000 rows in ten bins carries about
// 0.02 of sampling noise even for perfect probabilities, so 0.05 catches a miscalibrated model
// (uncalibrated 1 − P(alive) scores 0.1 or more here).
func TestChurnSynthetic(t *testing.T) {
	db := demoStore(t)
	out := filepath.Join(t.TempDir(), "scores.csv")
	code, stdout, errs := runCLI(t, "churn", "--db", db, "--horizon", "90d", "--json", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got churnJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got.HorizonDays != 90 || len(got.Cutoffs) < 3 || got.Winner == "" {
		t.Fatalf("horizon %d, %d cut-offs, winner %q", got.HorizonDays, len(got.Cutoffs), got.Winner)
	}
	for _, m := range churn.Methods {
		for _, s := range append([]churnScores{got.Pooled[m]}, got.Cutoffs[0].Methods[m]) {
			if s.AUC == nil || s.AUCLow == nil || s.AUCHigh == nil || s.Brier == nil || s.ECE == nil || s.Lift == nil {
				t.Fatalf("%s: a figure is missing: %+v", m, s)
			}
			if !(*s.AUCLow <= *s.AUC && *s.AUC <= *s.AUCHigh) {
				t.Errorf("%s: AUC %v outside its interval [%v, %v]", m, *s.AUC, *s.AUCLow, *s.AUCHigh)
			}
		}
	}
	g := got.Pooled[churn.MethodGBDT]
	t.Logf("synthetic, pooled: gbdt AUC %.3f [%.3f, %.3f] ECE %.3f Brier %.3f; winner %s", *g.AUC, *g.AUCLow, *g.AUCHigh, *g.ECE, *g.Brier, got.Winner)
	for _, m := range churn.Methods {
		t.Logf("  %-10s AUC %.3f ECE %.3f lift %.2f", m, *got.Pooled[m].AUC, *got.Pooled[m].ECE, *got.Pooled[m].Lift)
	}
	if *g.AUCLow < 0.85 {
		t.Errorf("trees' pooled AUC %.3f (low %.3f): not far above chance", *g.AUC, *g.AUCLow)
	}
	if *g.ECE > 0.05 {
		t.Errorf("trees' ECE %.3f > 0.05", *g.ECE)
	}
	if got.Scored == 0 || len(got.Scoring.Importance) == 0 {
		t.Errorf("no scores (%d) or importance", got.Scored)
	}

	// The CSV has a row per scored customer, each with a risk and up to three reasons.
	recs := readCSV(t, out)
	if len(recs) != got.Scored+1 || recs[0][0] != "customer_id" || recs[0][1] != "risk" || !strings.HasPrefix(recs[0][10], "reason_1") {
		t.Fatalf("%d CSV rows for %d customers, header %v", len(recs), got.Scored, recs[0])
	}

	// risk --churn: the trees win here, so the risk is their calibrated probability.
	riskOut := filepath.Join(t.TempDir(), "risk.csv")
	code, _, errs = runCLI(t, "risk", "--db", db, "--churn", "90d", "--out", riskOut)
	if code != 0 || !strings.Contains(errs, "customers are ranked by its calibrated probability") {
		t.Fatalf("risk --churn: exit %d: %s", code, errs)
	}
	rr := readCSV(t, riskOut)
	if last := len(rr[0]) - 1; rr[0][last] != "p_lapse" || len(rr) < 2 || rr[1][last] == "" {
		t.Errorf("risk --churn CSV: header %v, first row %v", rr[0], rr[min(1, len(rr)-1)])
	}

	if recs[0][11] != "reason_1_label" || recs[1][11] == "" {
		t.Errorf("no reason label: header %v, first row %v", recs[0], recs[1])
	}

	// whatif: lapses among the top-risk decile 20% lower keep value (the trees rank them).
	code, stdout, errs = runCLI(t, "whatif", "--db", db, "--top-risk", "-20", "--json")
	var wi struct {
		Gain        float64  `json:"gain"`
		Assumptions []string `json:"assumptions"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &wi) != nil {
		t.Fatalf("whatif --top-risk: exit %d: %s\n%s", code, errs, stdout)
	}
	if !(wi.Gain > 0) || !strings.Contains(strings.Join(wi.Assumptions, " "), "ranked by the churn model") {
		t.Errorf("whatif --top-risk: gain %v, assumptions %q", wi.Gain, wi.Assumptions)
	}

	// The table on screen names the winner; reasons and labels in the language asked for.
	code, stdout, errs = runCLI(t, "churn", "--db", db, "--horizon", "60d", "--cutoffs", "1", "--lang", "lv")
	if code != 0 || !strings.Contains(stdout, "Winner: ") || !strings.Contains(stdout, "hiatus rule") || !strings.Contains(stdout, "uzvarētājs") || !strings.Contains(stdout, "dienas") {
		t.Errorf("exit %d:\n%s\n%s", code, stdout, errs)
	}
}

func TestChurnErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"churn", "--horizon", "soon"}, "--horizon"},
		{[]string{"churn", "--horizon", "0d"}, "--horizon"},
		{[]string{"churn", "--cutoffs", "0"}, "--cutoffs"},
		{[]string{"churn", "--out", "x.xlsx"}, ".csv"},
		{[]string{"churn", "--lang", "de"}, "unknown report language"},
		{[]string{"whatif", "--top-risk", "-20", "--churn-horizon", "soon"}, "--horizon"},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errs)
		}
	}
}

// CDNOW (23,570 customers of the first quarter of 1997, 18 months of purchases): the backtest
// figures of the note. Bounds: the trees and the regression rank well above chance (AUC ≥ 0.7,
// about 0.78 measured with intervals of ±0.004), and BG/NBD ranks below chance because two
// thirds of the cohort never buy again and BG/NBD gives them P(alive) = 1 (a property of the
// model, stated in the notes).
func TestChurnCDNOW(t *testing.T) {
	src := cdnowPath(t, "CDNOW_master.txt")
	db := filepath.Join(t.TempDir(), "cdnow.duckdb")
	if code, _, errs := runCLI(t, "import", "orders", src, "--db", db); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	// Two cut-offs keep the test short; the note's figures come from the default four.
	code, stdout, errs := runCLI(t, "churn", "--db", db, "--horizon", "90d", "--cutoffs", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got churnJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, m := range churn.Methods {
		s := got.Pooled[m]
		t.Logf("CDNOW 90d pooled %-10s AUC %.3f [%.3f, %.3f] Brier %.3f ECE %.3f lift %.2f", m, *s.AUC, *s.AUCLow, *s.AUCHigh, *s.Brier, *s.ECE, *s.Lift)
	}
	t.Logf("winner %s; notes %q", got.Winner, got.Notes)
	if a := *got.Pooled[churn.MethodGBDT].AUC; a < 0.7 {
		t.Errorf("trees' AUC %.3f", a)
	}
	if a := *got.Pooled[churn.MethodBGNBD].AUC; a >= 0.5 || !strings.Contains(strings.Join(got.Notes, " "), "worse than chance") {
		t.Errorf("BG/NBD AUC %.3f without the note: %q", a, got.Notes)
	}
	// A supervised model wins (about 0.78 against 0.75 for Pareto/NBD and the hiatus rule, with
	// intervals of ±0.005), so the risk everywhere is its calibrated probability, and it says so.
	if got.Winner != churn.MethodGBDT && got.Winner != churn.MethodLogistic || !strings.Contains(got.Basis.Text, "calibrated probability") {
		t.Errorf("winner %s, basis %q", got.Winner, got.Basis.Text)
	}
}
