package main

import (
	"encoding/csv"
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
	if strings.Join(recs[0], ",") != "id,frequency,recency,T,p_alive,expected_purchases,expected_spend,clv" {
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
	if !strings.Contains(string(b), `"p_alive"`) || !strings.Contains(string(b), `"clv"`) {
		t.Errorf("unexpected JSON head: %.200s", b)
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
