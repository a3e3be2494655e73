package server_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"fidelis"
	"fidelis/analysis"
)

// TestScenarioRoutes: /v1/whatif answers what fidelis whatif computes on the same store, /v1/risk
// is ranked by value at stake, and /v1/predict pages through the forecast's customers.
func TestScenarioRoutes(t *testing.T) {
	f := newFixture(t, false, nil)
	ctx := context.Background()
	a, err := analysis.Basics(ctx, f.st, analysis.Options{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := analysis.RunWhatIf(ctx, f.st, a, analysis.WhatIf{Lever: "churn", Delta: -1, Months: 18, By: "region", Value: "North"})
	if err != nil {
		t.Fatal(err)
	}
	w := f.do("GET", "/v1/whatif?lever=churn&delta=-1&horizon=18&within=region%3DNorth", f.secret["read"], nil)
	if w.Code != 200 {
		t.Fatalf("whatif: %d %s", w.Code, w.Body.String())
	}
	got := decode[struct {
		Question string  `json:"question"`
		Gain     float64 `json:"gain"`
		Baseline float64 `json:"baseline_revenue"`
		Segment  string  `json:"segment"`
		Base     struct{ Segment string }
	}](t, w)
	if got.Question != want.Question || math.Abs(got.Gain-want.Gain) > 1e-9*math.Abs(want.Gain) || got.Gain <= 0 || got.Base.Segment != "region=North" {
		t.Errorf("whatif: got %+v, want question %q gain %v", got, want.Question, want.Gain)
	}
	if w := f.do("GET", "/v1/whatif?lever=retention&delta=5&within=region%3DAtlantis", f.secret["read"], nil); w.Code != 400 {
		t.Errorf("whatif in a segment nobody is in: %d %s", w.Code, w.Body.String())
	}

	w = f.do("GET", "/v1/risk?top=15&min_risk=0.3", f.secret["read"], nil)
	if w.Code != 200 {
		t.Fatalf("risk: %d %s", w.Code, w.Body.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &rows); err != nil || len(rows) == 0 || len(rows) > 15 {
		t.Fatalf("risk: %v, %d rows", err, len(rows))
	}
	for i, r := range rows {
		if int(r["rank"].(float64)) != i+1 {
			t.Errorf("risk row %d has rank %v", i, r["rank"])
		}
	}

	type page struct {
		Total     int
		Customers []struct {
			ID string `json:"customer_id"`
		}
	}
	p1 := decode[page](t, f.do("GET", "/v1/predict?per_page=7&page=1", f.secret["read"], nil))
	p2 := decode[page](t, f.do("GET", "/v1/predict?per_page=7&page=2", f.secret["read"], nil))
	if p1.Total < 100 || len(p1.Customers) != 7 || len(p2.Customers) != 7 || p1.Customers[0].ID == p2.Customers[0].ID {
		t.Errorf("predict pages: %+v / %+v", p1, p2)
	}
}
