package analysis

import (
	"context"
	"math"
	"slices"
	"testing"

	"fidelis"
	"fidelis/btyd"
	"fidelis/metric"
)

func TestValueAtStake(t *testing.T) {
	// CLV 100 at P(alive) 0.25: worth 400 if alive, 0.75 of it at stake = 300.
	if v := ValueAtStake(100, 0.25); math.Abs(v-300) > 1e-9 {
		t.Errorf("%v", v)
	}
	if v := ValueAtStake(5, 0); v != 0 {
		t.Errorf("P(alive) 0: %v", v)
	}
}

// TestActionsRankByGain works two actions by hand and checks that the list follows the money.
func TestActionsRankByGain(t *testing.T) {
	a := &Analysis{Grain: fidelis.Month, Window: 3, LastComplete: true,
		Retention: []metric.Retention{{WinBack: metric.NewProportion(1, 100)}},
		forecast: &Forecast{Model: btyd.BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, Fit: &btyd.Result{Model: "bgnbd"}, Scores: []CustomerScore{
			{Customer: "c1", PAlive: 0.25, CLV: 100, Net: 100, Recency: 10, Age: 300},
			{Customer: "c2", PAlive: 0.40, CLV: 40, Net: 50, Recency: 20, Age: 300},
			{Customer: "c3", PAlive: 0.90, CLV: 500, Net: 2000, Recency: 5, Age: 700},
			{Customer: "c4", PAlive: 0.01, CLV: 1, Net: 5000, Recency: 200, Age: 730},
		}}}
	acts := buildActions(context.Background(), nil, a)
	if len(acts) != 2 {
		t.Fatalf("%d actions: %+v", len(acts), acts)
	}
	// Save: c1 at stake 300, c2 40/0.4·0.6 = 60 → exposed 360, gain 10% = 36.
	// Win-back: net values 50, 100, 2000, 5000 → top quarter ≥ 5000: c4, lapsed 200 > 91.3 days;
	// yearly 5000/730·365.25 = 2501.71; win-back 1/100 a month → 1 − 0.99¹² = 0.113615 a year;
	// gain 2501.71 · 0.113615 · 25% = 71.06.
	win, save := acts[0], acts[1]
	if win.ID != "winback" || save.ID != "save" {
		t.Fatalf("order %s, %s: the ranking must follow the expected gain", win.ID, save.ID)
	}
	if math.Abs(save.Exposed-360) > 1e-9 || math.Abs(save.Gain-36) > 1e-9 || save.Customers != 2 || save.List[0] != "c1" {
		t.Errorf("save %+v", save)
	}
	if math.Abs(win.Exposed-2501.7123) > 1e-3 || math.Abs(win.Gain-71.058) > 1e-2 || win.List[0] != "c4" {
		t.Errorf("win-back %+v", win)
	}
	for _, x := range acts {
		if len(x.Assumptions) == 0 {
			t.Errorf("%s has no assumptions", x.ID)
		}
		// The list is exactly the customers counted, each meeting the rule on its own columns.
		if int64(len(x.Members)) != x.Customers {
			t.Errorf("%s: %d members, %d customers", x.ID, len(x.Members), x.Customers)
		}
		for _, m := range x.Members {
			for _, c := range x.Rule {
				if i := slices.Index(x.Columns, c.Column); i < 0 || !c.Holds(m.Values[i]) {
					t.Errorf("%s: %s breaks %s (%v %v)", x.ID, m.Customer, c, x.Columns, m.Values)
				}
			}
		}
	}
	if got := []string{save.Members[0].Customer, save.Members[1].Customer, win.Members[0].Customer}; !slices.Equal(got, []string{"c1", "c2", "c4"}) {
		t.Errorf("members %v, want save c1, c2 and win-back c4", got)
	}
}

// TestActionsWithoutTrustedModel: when no purchase model passed the gate, the P(alive)-based
// "save" action is not offered (its numbers would be the failed model's), while the win-back
// action, which rests on last purchase and revenue only, still is.
func TestActionsWithoutTrustedModel(t *testing.T) {
	a := &Analysis{Grain: fidelis.Month, Window: 3, LastComplete: true,
		Retention: []metric.Retention{{WinBack: metric.NewProportion(1, 100)}},
		forecast: &Forecast{Months: 12, Scores: []CustomerScore{
			{Customer: "c1", PAlive: math.NaN(), CLV: math.NaN(), Net: 100, Recency: 10, Age: 300, Active: true},
			{Customer: "c2", PAlive: math.NaN(), CLV: math.NaN(), Net: 50, Recency: 20, Age: 300, Active: true},
			{Customer: "c3", PAlive: math.NaN(), CLV: math.NaN(), Net: 2000, Recency: 5, Age: 700, Active: true},
			{Customer: "c4", PAlive: math.NaN(), CLV: math.NaN(), Net: 5000, Recency: 200, Age: 730},
		}}}
	acts := buildActions(context.Background(), nil, a)
	if len(acts) != 1 || acts[0].ID != "winback" {
		t.Fatalf("want only the win-back action, got %+v", acts)
	}
	for _, x := range acts {
		if math.IsNaN(x.Gain) || math.IsNaN(x.Exposed) {
			t.Errorf("%s: NaN money %+v", x.ID, x)
		}
	}
}

// TestValuesIfStayedWithoutModel: exits are priced by history, and say so, when no model passed.
func TestValuesIfStayedWithoutModel(t *testing.T) {
	f := &Forecast{Months: 12, Scores: []CustomerScore{{Customer: "c1", PAlive: math.NaN(), CLV: math.NaN(), Yearly: 240}}}
	v, def := ValuesIfStayed(f)
	if v["c1"] != 240 || def != CLVHistoryDefinition {
		t.Errorf("%v %q", v, def)
	}
	f.Months = 6
	if v, _ := ValuesIfStayed(f); v["c1"] != 120 {
		t.Errorf("6 months: %v", v)
	}
}
