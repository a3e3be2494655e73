package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestSimulateFitPredict(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "sim.csv")
	code, _, errs := runCLI(t, "simulate", "--model", "bgnbd", "--customers", "20000", "--seed", "3",
		"--params", "r=0.24,alpha=4.4,a=0.79,b=2.4,p=6,q=3.7,gamma=15", "--T", "39", "--out", sim)
	if code != 0 {
		t.Fatalf("simulate: %s", errs)
	}
	code, out, errs := runCLI(t, "fit", "--model", "bgnbd", "--input", sim)
	if code != 0 || !strings.Contains(out, "Converged:      yes") {
		t.Fatalf("fit: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "fit", "--model", "gammagamma", "--input", sim, "--json"); code != 0 || !strings.Contains(out, `"gamma"`) {
		t.Fatalf("fit gammagamma: exit %d\n%s%s", code, out, errs)
	}
	pred := filepath.Join(dir, "pred.csv")
	code, _, errs = runCLI(t, "predict", "--model", "bgnbd", "--input", sim, "--horizon", "12", "--period-length", "4.35",
		"--discount", "0.01", "--margin", "0.3", "--out", pred)
	if code != 0 {
		t.Fatalf("predict: %s", errs)
	}
	f, _ := os.Open(pred)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 20001 {
		t.Fatalf("predictions: %d lines, %v", len(recs), err)
	}
	if strings.Join(recs[0], ",") != "id,frequency,recency,T,p_alive,expected_purchases_12x30.45d,expected_spend,clv_12x30.45d_disc1pct" {
		t.Errorf("header %v", recs[0])
	}
	for _, r := range recs[1:100] {
		for _, v := range r[4:] {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				t.Fatalf("bad value %q in %v", v, r)
			}
		}
	}
	sbg := filepath.Join(dir, "sbg.csv")
	if code, _, errs := runCLI(t, "simulate", "--model", "sbg", "--customers", "5000", "--params", "alpha=0.7,beta=1.2", "--T", "8", "--out", sbg); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := runCLI(t, "fit", "--model", "sbg", "--input", sbg); code != 0 || !strings.Contains(out, "beta") {
		t.Fatalf("fit sbg: %s%s", out, errs)
	}
}

func TestPredictTransactionsJSON(t *testing.T) {
	in := cdnowPath(t, "CDNOW_master.txt")
	out := filepath.Join(t.TempDir(), "p.json")
	code, _, errs := runCLI(t, "predict", "--model", "paretonbd", "--transactions", in, "--calibration-end", "1997-09-30",
		"--time-unit", "day", "--time-scale", "7", "--horizon", "39", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, _ := os.ReadFile(out)
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("not a JSON array of rows: %v: %.200s", err, b)
	}
	if _, ok := rows[0]["clv_39m_disc1pct"]; !ok || rows[0]["p_alive"] == nil {
		t.Errorf("unexpected JSON head: %.300s", b)
	}
}

func TestSimulateErrors(t *testing.T) {
	for _, args := range [][]string{
		{"simulate", "--model", "bgnbd", "--params", "r=1,alpha=2", "--out", "-"},
		{"simulate", "--model", "bgnbd", "--params", "r=1,alpha=2,a=1,b=x", "--out", "-"},
		{"simulate", "--model", "nope", "--params", "r=1", "--out", "-"},
		{"predict", "--model", "bgnbd", "--input", "x.csv"},
	} {
		if code, _, errs := runCLI(t, args...); code != 2 || !strings.Contains(errs, "Error:") {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
}

// TestPredictDefaultsAndPN: predict's defaults are the report's (12 months at 1% a month), said in
// the column names; numbers are plain decimals; --pn 0..5 adds P(n purchases in the horizon),
// whose values with the rest of the distribution sum to at most 1 per customer, for every model.
func TestPredictDefaultsAndPN(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "c.csv")
	os.WriteFile(in, []byte("id,frequency,recency,T,monetary_value\na,0,0,39,0\nb,2,30.43,38.86,22.5\nc,7,35,39,40\nd,1,0,12,10\ne,3,1,39,12\nf,0,0,20,0\ng,1,20,30,8\n"), 0o644)
	for _, model := range []string{"bgnbd", "mbgnbd", "paretonbd"} {
		out := filepath.Join(dir, model+".csv")
		code, _, errs := runCLI(t, "predict", "--model", model, "--input", in, "--pn", "0..5", "--out", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", model, code, errs)
		}
		b, _ := os.ReadFile(out)
		if strings.ContainsAny(string(b), "eE") && strings.Contains(string(b), "e-") {
			t.Errorf("%s: exponent notation in %s", model, b)
		}
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := "id,frequency,recency,T,p_alive,expected_purchases_12m,expected_spend,clv_12m_disc1pct,p_0_purchases_12m,p_1_purchases_12m,p_2_purchases_12m,p_3_purchases_12m,p_4_purchases_12m,p_5_purchases_12m"
		if strings.Join(recs[0], ",") != want {
			t.Fatalf("%s header %v", model, recs[0])
		}
		for _, r := range recs[1:] {
			var sum float64
			for _, v := range r[8:] {
				p, err := strconv.ParseFloat(v, 64)
				if err != nil || p < 0 || p > 1 {
					t.Fatalf("%s: P = %q in %v", model, v, r)
				}
				sum += p
			}
			if sum > 1+1e-9 || sum <= 0 {
				t.Errorf("%s: P(0..5) sums to %v in %v", model, sum, r)
			}
		}
	}
	if code, _, errs := runCLI(t, "predict", "--input", in, "--pn", "5..2", "--out", filepath.Join(dir, "x.csv")); code != 2 || !strings.Contains(errs, "--pn") {
		t.Errorf("bad --pn: exit %d %s", code, errs)
	}
}
