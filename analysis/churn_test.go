package analysis

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fidelis"
	"fidelis/btyd"
	"fidelis/churn"
	"fidelis/metric"
)

// churnFixture is a hand-made churn section whose winner is method, scoring customers with the
// given risks.
func churnFixture(method string, risk map[string]float64) *Churn {
	s := func(auc float64) *churn.Scores {
		return &churn.Scores{AUC: auc, AUCLow: auc - 0.01, AUCHigh: auc + 0.01}
	}
	bt := &churn.Backtest{HorizonDays: 90, Winner: method, RunnerUp: churn.MethodHiatus, Margin: 0.05, MarginLow: 0.04, MarginHigh: 0.06,
		Pooled: map[string]*churn.Scores{churn.MethodGBDT: s(0.85), churn.MethodLogistic: s(0.84), churn.MethodBGNBD: s(0.9),
			churn.MethodPareto: s(0.7), churn.MethodHiatus: s(0.8)}}
	bt.Pooled[method] = s(0.95)
	sc := &churn.Scoring{Method: method, Model: &churn.Model{Hiatus: 120, HiatusRate: [2]float64{0.3, 0.9}}}
	for _, id := range slices.Sorted(maps.Keys(risk)) {
		sc.Customers = append(sc.Customers, churn.Customer{Customer: id, Risk: risk[id]})
	}
	return &Churn{Backtest: bt, Scoring: sc, Basis: riskBasis(bt, sc)}
}

func churnAnalysis(ch *Churn) *Analysis {
	return &Analysis{Grain: fidelis.Month, Window: 3, LastComplete: true,
		Retention: []metric.Retention{{WinBack: metric.NewProportion(1, 100)}},
		Sections:  map[string]any{"churn": ch},
		forecast: &Forecast{Model: btyd.BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, Fit: &btyd.Result{Model: "bgnbd"}, Months: 12, Scores: []CustomerScore{
			{Customer: "c1", PAlive: 0.25, CLV: 100, Net: 100, Recency: 10, Age: 300, Active: true},
			{Customer: "c2", PAlive: 0.40, CLV: 40, Net: 50, Recency: 20, Age: 300, Active: true},
			{Customer: "c3", PAlive: 0.90, CLV: 500, Net: 2000, Recency: 5, Age: 700, Active: true},
			{Customer: "c4", PAlive: 0.01, CLV: 1, Net: 5000, Recency: 200, Age: 730},
		}}}
}

// When the boosted trees win the churn backtest, the save list is ranked by their probability:
// customers active by their last purchase with a risk of 50% or more, by value if they stay ×
// risk. By hand: c1 worth 100/0.25 = 400 if alive, × 0.8 = 320; c2 40/0.4 = 100 × 0.5 = 50; c3 is
// below 50%; c4 is lapsed (the win-back list's) → exposed 370, gain 10% = 37. With P(alive)
// alone the same customers gave 360 (TestActionsRankByGain).
func TestSaveActionUsesChurnWinner(t *testing.T) {
	risk := map[string]float64{"c1": 0.8, "c2": 0.5, "c3": 0.3, "c4": 0.99}
	for _, c := range []struct {
		method        string
		exposed, gain float64
		members       []string
		says          string
	}{
		{churn.MethodGBDT, 370, 37, []string{"c1", "c2"}, "customers are ranked by its calibrated probability"},
		{churn.MethodHiatus, 370, 37, []string{"c1", "c2"}, "customers are ranked by it: in training, 90% of customers 120 or more days"},
		{churn.MethodBGNBD, 360, 36, []string{"c1", "c2"}, "risk stays 1 − P(alive)"},
	} {
		a := churnAnalysis(churnFixture(c.method, risk))
		acts := buildActions(context.Background(), nil, a)
		i := slices.IndexFunc(acts, func(x Action) bool { return x.ID == "save" })
		if i < 0 {
			t.Fatalf("%s: no save action in %+v", c.method, acts)
		}
		x := acts[i]
		var got []string
		for _, m := range x.Members {
			got = append(got, m.Customer)
			for _, r := range x.Rule {
				if k := slices.Index(x.Columns, r.Column); k < 0 || !r.Holds(m.Values[k]) {
					t.Errorf("%s: %s breaks %s", c.method, m.Customer, r)
				}
			}
		}
		if math.Abs(x.Exposed-c.exposed) > 1e-9 || math.Abs(x.Gain-c.gain) > 1e-9 || !slices.Equal(got, c.members) {
			t.Errorf("%s: exposed %v gain %v members %v; want %v %v %v", c.method, x.Exposed, x.Gain, got, c.exposed, c.gain, c.members)
		}
		if c.method != churn.MethodBGNBD && !strings.Contains(strings.Join(x.Assumptions, "; "), c.says) {
			t.Errorf("%s: the assumptions do not say which model ranked: %q", c.method, x.Assumptions)
		}
		if !strings.Contains(a.Sections["churn"].(*Churn).Basis.Text, c.says) {
			t.Errorf("%s: basis %q", c.method, a.Sections["churn"].(*Churn).Basis.Text)
		}
	}
}

// The top-risk decile for whatif: the riskiest tenth (at least one) of the active customers by
// the winner's risk, each worth what they bring if they stay.
func TestTopRiskCustomers(t *testing.T) {
	a := churnAnalysis(churnFixture(churn.MethodGBDT, map[string]float64{"c1": 0.8, "c2": 0.5, "c3": 0.3, "c4": 0.99}))
	cs, as := TopRiskCustomers(a.forecast, a.Sections["churn"].(*Churn), 0.10, "", "")
	// c4 (0.99) is lapsed, so c1 is the riskiest of the three active customers: ⌈0.3⌉ = 1.
	if len(cs) != 1 || cs[0].Risk != 0.8 || cs[0].Value != 400 || len(as) == 0 {
		t.Errorf("%+v %q", cs, as)
	}
	cs, _ = TopRiskCustomers(a.forecast, a.Sections["churn"].(*Churn), 0.5, "", "")
	if len(cs) != 2 || cs[1].Risk != 0.5 || cs[1].Value != 100 {
		t.Errorf("half: %+v", cs)
	}
}

// topByRisk picks what sorting every customer by risk and keeping the first k picks, on risks and
// revenues with many ties, NaN risks and repeated ids (where the sort's stability decides).
func TestTopByRiskEqualsSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 300 {
		cs := make([]churn.Customer, r.IntN(60))
		for i := range cs {
			cs[i] = churn.Customer{Customer: fmt.Sprintf("C%d", r.IntN(40)), Risk: float64(r.IntN(5)) / 4, Revenue: float64(r.IntN(3)),
				Recency: float64(i)} // Recency tells repeated ids apart
			if r.IntN(10) == 0 {
				cs[i].Risk = math.NaN()
			}
		}
		k := r.IntN(12)
		want := slices.Clone(cs)
		SortByRisk(want)
		want = want[:min(k, len(want))]
		got := topByRisk(cs, k)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d customers, want %d", trial, len(got), len(want))
		}
		for i := range want {
			if got[i].Customer != want[i].Customer || got[i].Recency != want[i].Recency {
				t.Fatalf("trial %d, k %d: got %+v\nwant %+v", trial, k, got, want)
			}
		}
	}
}
