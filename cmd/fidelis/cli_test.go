package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"fidelis/analysis"
)

// cli runs one command line in-process and returns its exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{stdout: &out, stderr: &errb, stdin: strings.NewReader("")}, args)
	return code, out.String(), errb.String()
}

// TestDemoEndToEnd runs the demo on a small company, then every core command on its store.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := cli(t, "demo", "--customers", "1500", "--dir", dir)
	if code != 0 {
		t.Fatalf("demo exit %d: %s %s", code, out, errs)
	}
	db := filepath.Join(dir, "fidelis-demo.duckdb")
	html, err := os.ReadFile(filepath.Join(dir, "fidelis-demo-report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "Retention over time", "Cohort retention", "ID-based", "Definitions", "region"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("http://")) && bytes.Contains(html, []byte("<script src")) {
		t.Error("report must be self-contained")
	}
	if !strings.Contains(out, "ID-based retention") || !strings.Contains(out, "report:") {
		t.Errorf("demo summary: %s", out)
	}

	code, out, errs = cli(t, "metrics", "--db", db, "--grain", "quarter", "--by", "segment", "--json")
	if code != 0 {
		t.Fatalf("metrics exit %d: %s", code, errs)
	}
	var m struct {
		Retention []struct {
			Period  string  `json:"period"`
			Classic float64 `json:"classic_pct"`
			IDBased struct {
				K, N      int64
				Value     float64 `json:"Value"`
				Low, High float64
			} `json:"id_based"`
		} `json:"retention"`
		Purchases struct {
			Buyers int64 `json:"buyers"`
		} `json:"purchases"`
		RetentionBy []struct{ Segment string } `json:"retention_by"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("metrics --json is not JSON: %v\n%s", err, out[:min(400, len(out))])
	}
	if len(m.Retention) < 8 || m.Purchases.Buyers == 0 || len(m.RetentionBy) == 0 {
		t.Fatalf("metrics: %d periods, %d buyers, %d segment rows", len(m.Retention), m.Purchases.Buyers, len(m.RetentionBy))
	}
	for _, r := range m.Retention {
		if r.IDBased.N == 0 || r.IDBased.Low > r.IDBased.Value || r.IDBased.Value > r.IDBased.High {
			t.Errorf("%s: interval %+v", r.Period, r.IDBased)
		}
	}

	// The customer-base model fitted straight from the store's orders.
	code, out, errs = cli(t, "fit", "--db", db, "--model", "bgnbd", "--json")
	var fit struct {
		Params    map[string]float64 `json:"params"`
		Converged bool               `json:"converged"`
		N         float64            `json:"n"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &fit) != nil || !fit.Converged || fit.N < 1000 || !(fit.Params["r"] > 0) {
		t.Errorf("fit from the store: %d %s %s", code, out, errs)
	}
	if !bytes.Contains(html, []byte("Who is still a customer")) || !bytes.Contains(html, []byte("holdout")) {
		t.Error("report lacks the customer-base model section")
	}

	// The churn-risk list: ranked by value at stake, every row inside the filters, Parquet readable.
	riskCSV := filepath.Join(dir, "risk.csv")
	if code, _, errs := cli(t, "risk", "--db", db, "--out", riskCSV, "--by", "region"); code != 0 {
		t.Fatalf("risk: %s", errs)
	}
	rf, _ := os.Open(riskCSV)
	recs, err := csv.NewReader(rf).ReadAll()
	rf.Close()
	if err != nil || len(recs) < 10 || recs[0][1] != "customer_id" || recs[0][10] != "value_at_stake" {
		t.Fatalf("risk CSV: %v %d rows", err, len(recs))
	}
	prev := math.Inf(1)
	for _, r := range recs[1:] {
		p, _ := strconv.ParseFloat(r[3], 64)
		v, _ := strconv.ParseFloat(r[10], 64)
		if v > prev+1e-9 || p < 0.05 || p > 0.5 || r[2] == "" {
			t.Fatalf("risk row out of order or filter: %v", r)
		}
		prev = v
	}
	riskPQ := filepath.Join(dir, "risk.parquet")
	if code, _, errs := cli(t, "risk", "--db", db, "--out", riskPQ, "--top", "20"); code != 0 {
		t.Fatalf("risk parquet: %s", errs)
	}
	if rows, err := parquet.ReadFile[analysis.RiskRow](riskPQ); err != nil || len(rows) != 20 || rows[0].Rank != 1 || rows[0].AtStake < rows[19].AtStake {
		t.Errorf("risk parquet: %v, %d rows", err, len(rows))
	}

	code, out, _ = cli(t, "metrics", "--db", db)
	if code != 0 || !strings.Contains(out, "classic = (E−N)/S×100") || !strings.Contains(out, "repeat rate") {
		t.Errorf("metrics text: %d\n%s", code, out)
	}
	code, out, _ = cli(t, "cohorts", "--db", db, "--grain", "quarter", "--unbounded")
	if code != 0 || !strings.Contains(out, "weighted mean") || !strings.Contains(out, "unbounded") {
		t.Errorf("cohorts: %d\n%s", code, out)
	}
	for _, f := range []string{"r.md", "r.json"} {
		p := filepath.Join(dir, f)
		if code, _, errs := cli(t, "report", "--db", db, "--out", p); code != 0 {
			t.Fatalf("report %s: %s", f, errs)
		}
		b, _ := os.ReadFile(p)
		if f == "r.json" && !json.Valid(b) || f == "r.md" && !bytes.Contains(b, []byte("## Retention over time")) {
			t.Errorf("report %s: %s", f, b[:min(300, len(b))])
		}
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args      []string
		code      int
		err, hint string
	}{
		{[]string{"nosuch"}, 2, "unknown command", "fidelis help"},
		{[]string{"import", "purchases", "x.csv"}, 2, "unknown record kind", ""},
		{[]string{"import", "orders"}, 2, "needs a kind and at least one file", "fidelis import orders"},
		{[]string{"import", "orders", filepath.Join(dir, "none.csv")}, 1, "no such file", "check the path"},
		{[]string{"metrics", "--db", filepath.Join(dir, "none.duckdb")}, 1, "no store at", "fidelis import orders"},
		{[]string{"metrics", "--grain", "fortnight"}, 2, "unknown grain", "--grain day|week|month|quarter|year"},
		{[]string{"metrics", "--bogus"}, 2, "flag provided but not defined", "fidelis metrics -h"},
	}
	for _, c := range cases {
		code, _, errs := cli(t, c.args...)
		if code != c.code || !strings.Contains(errs, "Error: ") || !strings.Contains(errs, c.err) || c.hint != "" && !strings.Contains(errs, "Try: "+c.hint) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errs)
		}
	}
	// An unmappable header names what it found and how to map it.
	p := filepath.Join(dir, "o.csv")
	os.WriteFile(p, []byte("a,b\n1,2\n"), 0o644)
	code, _, errs := cli(t, "import", "orders", p, "--db", filepath.Join(dir, "x.duckdb"))
	if code != 2 || !strings.Contains(errs, "found columns: a, b") || !strings.Contains(errs, "Try: fidelis import orders") {
		t.Errorf("unmappable header: %d %q", code, errs)
	}
}

func TestImportJSONSummary(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "o.csv")
	os.WriteFile(p, []byte("order_id,customer_id,date,amount\n1,A,2024-01-01,5\n1,A,2024-01-01,5\n2,B,2024-02-30,5\n"), 0o644)
	code, out, errs := cli(t, "import", "orders", p, "--db", filepath.Join(dir, "s.duckdb"), "--json", "--rejects", filepath.Join(dir, "rej.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s["read"] != 3.0 || s["stored"] != 1.0 || s["rejected"] != 1.0 || s["duplicates"] != 1.0 {
		t.Errorf("summary %v", s)
	}
}

// TestWhatIfWiring checks on the demo store that whatif's gain is the scenario formula applied to
// the base it reports (the formula itself is checked by hand in package scenario).
func TestWhatIfWiring(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := cli(t, "demo", "--customers", "1200", "--dir", dir); code != 0 {
		t.Fatal(errs)
	}
	db := filepath.Join(dir, "fidelis-demo.duckdb")
	code, out, errs := cli(t, "whatif", "--db", db, "--retention", "+5", "--segment", "region=North", "--horizon", "1y", "--json")
	if code != 0 {
		t.Fatalf("whatif: %s", errs)
	}
	var r struct {
		Base struct {
			Active    float64 `json:"active_customers"`
			Retention float64 `json:"retention_per_period"`
			Revenue   float64 `json:"revenue_per_active_customer"`
			Discount  float64 `json:"discount_per_period"`
		} `json:"base"`
		Gain    float64 `json:"gain"`
		Horizon int     `json:"horizon_periods"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	val := func(rr float64) float64 {
		var v, f float64 = 0, 1
		for k := 0; k < r.Horizon; k++ {
			f *= rr / (1 + r.Base.Discount)
			v += f
		}
		return r.Base.Active * r.Base.Revenue * v
	}
	want := val(r.Base.Retention+0.05) - val(r.Base.Retention)
	if r.Horizon != 12 || r.Base.Active == 0 || math.Abs(r.Gain-want) > 1e-6*want {
		t.Errorf("gain %v, want %v (%+v)", r.Gain, want, r)
	}
	for _, args := range [][]string{{"whatif", "--db", db, "--detractors", "-10"}, {"whatif", "--db", db, "--frequency", "+10"}, {"whatif", "--db", db, "--churn", "-1"}} {
		if code, out, errs := cli(t, args...); code != 0 || !strings.Contains(out, "Assumptions:") {
			t.Errorf("%v: %d %s %s", args, code, out, errs)
		}
	}
	if code, _, errs := cli(t, "whatif", "--db", db); code != 2 || !strings.Contains(errs, "exactly one of") {
		t.Errorf("no question: %d %s", code, errs)
	}
}
