package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fidelis"
	"fidelis/ingest"
	"fidelis/synth"
)

// demoStore writes the synthetic company (2000 customers, seed 1) and imports every file into a
// DuckDB store in a temporary folder, as fidelis demo does; it returns the store's path.
func demoStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	m, err := synth.Write(ctx, filepath.Join(dir, "data"), synth.Config{Customers: 2000, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "demo.duckdb")
	st, err := openStore(ctx, nil, storeFlags{db: db}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range fidelis.Kinds {
		if p, ok := m.Files[k]; ok {
			if _, err := ingest.Import(ctx, st, k, p, ingest.Options{Rejects: filepath.Join(dir, string(k)+".rejects.csv")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestVoCCommand(t *testing.T) {
	db := demoStore(t)
	code, out, errs := runCLI(t, "voc", "--db", db, "--by", "region")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"NPS = % promoters", "NPS by region", "NPS by channel", "CSAT", "CES", "Customer Advocacy Index",
		"Comment drivers", "detractors:", "promoters:", "Themes", "Exit reasons", "Defectors"} {
		if !strings.Contains(out, want) {
			t.Errorf("voc output lacks %q:\n%s", want, out)
		}
	}

	// --json: every NPS figure carries its interval and n; CLV lost is stated as not available.
	code, out, errs = runCLI(t, "voc", "--db", db, "--json", "--grain", "quarter")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		NPS struct {
			N     int64 `json:"n"`
			Score struct {
				Value, Low, High *float64
			} `json:"score"`
		} `json:"nps"`
		NPSPeriods []struct {
			Period string `json:"period"`
		} `json:"nps_periods"`
		Exits struct {
			All struct {
				N     int64 `json:"n"`
				ByCLV []struct {
					CLV float64 `json:"clv"`
				} `json:"by_clv"`
			} `json:"all"`
		} `json:"exits"`
		CLV string `json:"clv"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s := got.NPS.Score
	if got.NPS.N == 0 || s.Value == nil || s.Low == nil || s.High == nil || !(*s.Low < *s.Value && *s.Value < *s.High) {
		t.Errorf("NPS %+v", got.NPS)
	}
	if len(got.NPSPeriods) == 0 || !strings.Contains(got.NPSPeriods[0].Period, "-Q") || got.Exits.All.N == 0 || !strings.HasPrefix(got.CLV, "the predicted value had they stayed") ||
		len(got.Exits.All.ByCLV) == 0 || !(got.Exits.All.ByCLV[0].CLV > 0) {
		t.Errorf("json: periods %v, exits %d, clv %q", got.NPSPeriods, got.Exits.All.N, got.CLV)
	}

	// An index config of one's own (two of the emotional items, weighted 2:1) fills the emotional index.
	cfg := filepath.Join(t.TempDir(), "indices.json")
	os.WriteFile(cfg, []byte(`{"emotional": {"name": "Emotional Loyalty Index", "min_weight_share": 0.5,
		"items": [{"name": "attachment", "scale": "1-7", "weight": 2}, {"name": "belonging", "scale": "1-7", "weight": 1}]}}`), 0o644)
	code, out, errs = runCLI(t, "voc", "--db", db, "--json", "--index-config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ix struct {
		Indices []struct {
			Key      string `json:"key"`
			Included int64  `json:"included"`
		} `json:"indices"`
	}
	json.Unmarshal([]byte(out), &ix)
	if len(ix.Indices) != 2 || ix.Indices[1].Key != "emotional" || ix.Indices[1].Included == 0 {
		t.Errorf("indices with config: %+v", ix.Indices)
	}

	// Bad input: an unknown attribute is a usage error with a hint.
	if code, _, errs := runCLI(t, "voc", "--db", db, "--by", "nonsense"); code != 2 || !strings.Contains(errs, "Try:") {
		t.Errorf("--by nonsense: exit %d, %s", code, errs)
	}

	// The report carries the section.
	html := filepath.Join(t.TempDir(), "r.html")
	if code, _, errs := runCLI(t, "report", "--db", db, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	body, _ := os.ReadFile(html)
	for _, want := range []string{`<section id="voc"><details><summary><h2>Voice of the customer</h2>`, "NPS over time", "Score distributions",
		"What detractors and promoters say", "Why customers leave", "Defectors against loyal customers"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestDemoReportHasVoC runs fidelis demo itself and checks that its report carries the voice of
// the customer, filled from the demo company's surveys and exits.
func TestDemoReportHasVoC(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "demo", "--customers", "2000", "--dir", dir); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	body, err := os.ReadFile(filepath.Join(dir, "fidelis-demo-report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="#voc">Voice of the customer</a>`, `<section id="voc">`, "NPS by region", "Customer Advocacy Index", "Why customers leave"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("demo report lacks %q", want)
		}
	}
}
