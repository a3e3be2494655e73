package metric_test

import (
	"math"
	"testing"

	"fidelis"
	"fidelis/metric"
)

// The cells are those of the storetest fixture (window 1 month), worked there by hand:
//
//	Jan active {A,B,E}; Feb {A,C}; Mar {A,B,D}, B returning; Apr {D}.
func fixtureActivity() []fidelis.ActivityCell {
	m := func(i int) int64 { return 2024*12 + int64(i) - 1 }
	return []fidelis.ActivityCell{
		{Period: m(1), Active: 3, New: 3, Buyers: 3, Orders: 3, Revenue: 30},
		{Period: m(2), Active: 2, PrevActive: 3, Acquired: 3, Retained: 1, New: 1},
		{Period: m(3), Active: 3, PrevActive: 2, Acquired: 4, Retained: 1, New: 1, Returning: 1},
		{Period: m(4), Active: 1, PrevActive: 3, Acquired: 5, Retained: 1},
	}
}

func TestRetentionClassicVersusIDBased(t *testing.T) {
	r := metric.Retentions(fixtureActivity(), fidelis.Month)
	// Feb: S 3, E 2, N 1 → classic (2−1)/3 = 33.3%; ID-based {A}/{A,B,E} = 1/3.
	// Mar: S 2, E 3, N 1 → classic (3−1)/2 = 100%; ID-based {A}/{A,C} = 1/2: B's return makes the
	//      classic rate overstate retention, which is why churn uses the ID-based one.
	// Apr: S 3, E 1, N 0 → classic 1/3; ID-based {D}/{A,B,D} = 1/3.
	want := []struct {
		classic, id, churn, winback float64
	}{
		{math.NaN(), math.NaN(), math.NaN(), math.NaN()},
		{100.0 / 3, 1.0 / 3, 2.0 / 3, math.NaN()}, // nobody lapsed yet: 0/0
		{100, 0.5, 0.5, 0.5},                      // lapsed at start {B, E} (acquired 4 − active 2); B returns
		{100.0 / 3, 1.0 / 3, 2.0 / 3, 0},          // lapsed {C, E} (5 − 3); neither returns
	}
	for i, w := range want {
		g := r[i]
		if !same(g.Classic, w.classic) || !same(g.IDBased.Value, w.id) || !same(g.Churn.Value, w.churn) || !same(g.WinBack.Value, w.winback) {
			t.Errorf("%s: classic %.4g id %.4g churn %.4g win-back %.4g; want %+v", g.Period, g.Classic, g.IDBased.Value, g.Churn.Value, g.WinBack.Value, w)
		}
	}
	if r[1].Period != "2024-02" || r[1].IDBased.N != 3 || !r[1].IDBased.Small {
		t.Errorf("labels and n: %+v", r[1])
	}
	// Pooled ID-based retention Feb–Apr: (1 + 1 + 1) / (3 + 2 + 3) = 3/8.
	if p := metric.Pool(r); p.K != 3 || p.N != 8 {
		t.Errorf("pool %+v", p)
	}
}

func TestTwoProportionZ(t *testing.T) {
	// 60/100 vs 45/100: pooled 0.525, SE = sqrt(0.525·0.475·0.02) = 0.070623, z = 0.15/0.070623 = 2.1239,
	// two-sided p = 0.0337 (normal table).
	z, p := metric.TwoProportionZ(metric.NewProportion(60, 100), metric.NewProportion(45, 100))
	if math.Abs(z-2.1239) > 1e-3 || math.Abs(p-0.0337) > 1e-3 {
		t.Errorf("z %.4f p %.4f", z, p)
	}
}

func TestCohortMatrix(t *testing.T) {
	m := func(i int) int64 { return 2024*12 + int64(i) - 1 }
	cells := []fidelis.CohortCell{
		{Cohort: m(1), Offset: 0, Returned: 3, LastAt: 1},
		{Cohort: m(1), Offset: 1, Returned: 1},
		{Cohort: m(1), Offset: 2, Returned: 2, LastAt: 2},
		{Cohort: m(2), Offset: 0, Returned: 1, LastAt: 1},
		{Cohort: m(3), Offset: 0, Returned: 1},
		{Cohort: m(3), Offset: 1, Returned: 1, LastAt: 1},
	}
	got := metric.Cohorts(cells, fidelis.Month, m(4), false)
	if len(got) != 1 || len(got[0].Rows) != 3 {
		t.Fatalf("matrix %+v", got)
	}
	jan := got[0].Rows[0]
	// Jan cohort {A,B,E}: bounded 3/3, 1/3, 2/3, 0/3; unbounded (last purchase at or after k):
	// 3/3, 2/3 (A,B), 2/3, 0/3. Only the April cell (offset 3) is incomplete.
	wb, wu := []int64{3, 1, 2, 0}, []int64{3, 2, 2, 0}
	for k := range wb {
		if jan.Bounded[k].K != wb[k] || jan.Unbounded[k].K != wu[k] || jan.Bounded[k].N != 3 || jan.Incomplete[k] != (k == 3) {
			t.Errorf("Jan offset %d: bounded %d unbounded %d incomplete %v", k, jan.Bounded[k].K, jan.Unbounded[k].K, jan.Incomplete[k])
		}
	}
	// Weighted mean at offset 1 over the cohorts that reached it (Jan 1/3, Feb 0/1, Mar 1/1):
	// 2/5 = 0.4, not the simple mean of rates (1/3 + 0 + 1)/3 = 0.444.
	if mean := got[0].Mean[1]; mean.K != 2 || mean.N != 5 {
		t.Errorf("weighted mean offset 1: %+v", mean)
	}
	// Offset 3 is reached by the Jan cohort only.
	if mean := got[0].Mean[3]; mean.N != 3 {
		t.Errorf("offset 3 denominator %d, want 3", mean.N)
	}
	for k := 1; k < len(got[0].MeanUnbounded); k++ {
		if got[0].MeanUnbounded[k].Value > got[0].MeanUnbounded[k-1].Value+1e-12 && got[0].MeanUnbounded[k].N == got[0].MeanUnbounded[k-1].N {
			t.Errorf("unbounded curve rises at %d", k)
		}
	}
}

func TestPurchaseMetrics(t *testing.T) {
	// storetest fixture: 5 buyers, 3 repeaters, 9 orders, gross 110, one refund of 5.
	p := metric.PurchaseMetrics([]fidelis.PurchaseCell{{Buyers: 5, Repeaters: 3, Orders: 9, Gross: 110, Refunds: 5, Refunded: 1}})[0]
	if p.RepeatRate.Value != 0.6 || p.Frequency != 1.8 || !same(p.AOV, 110.0/9) || p.NetRevenue != 105 || p.RevenuePerCustomer != 21 || !same(p.RefundShare, 5.0/110) {
		t.Errorf("%+v", p)
	}
	if e := metric.PurchaseMetrics([]fidelis.PurchaseCell{{}})[0]; !math.IsNaN(e.Frequency) || !math.IsNaN(e.AOV) {
		t.Errorf("empty cell should give NaN ratios: %+v", e)
	}
}

func TestSubscriptions(t *testing.T) {
	// storetest fixture: Feb starts with MRR 45 (3 logos), contraction 7, expansion 5, ends 43;
	// Mar starts 43, loses A (10), ends 33.
	s := metric.Subscriptions([]fidelis.SubscriptionCell{
		{Period: 1, StartLogos: 3, StartMRR: 45, Contraction: 7, Expansion: 5, EndMRR: 43},
		{Period: 2, StartLogos: 3, LostLogos: 1, StartMRR: 43, ChurnedMRR: 10, EndMRR: 33},
	}, fidelis.Month)
	if !same(s[0].GrossMRRChurn, 7.0/45) || !same(s[0].NetMRRChurn, 2.0/45) || !same(s[0].NRR, 43.0/45) || s[0].LogoChurn.K != 0 {
		t.Errorf("Feb %+v", s[0])
	}
	if !same(s[1].GrossMRRChurn, 10.0/43) || !same(s[1].GRR, 33.0/43) || s[1].LogoChurn.Value != 1.0/3 {
		t.Errorf("Mar %+v", s[1])
	}
}

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-9
}
