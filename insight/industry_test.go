package insight_test

import (
	"strings"
	"testing"

	"fidelis/insight"
)

// TestForIndustryWithoutOne: no industry means no industry's rows (only the industry-independent
// "all" rows), never every industry's.
func TestForIndustryWithoutOne(t *testing.T) {
	for _, b := range insight.ForIndustry(insight.Shipped(), "") {
		if b.Industry != "all" {
			t.Errorf("no industry declared, yet compared with %s (%s)", b.Industry, b.Source)
		}
	}
	seen := map[string]bool{}
	for _, b := range insight.ForIndustry(insight.Shipped(), "ecommerce, retail") {
		seen[b.Industry] = true
	}
	if !seen["ecommerce"] || !seen["retail"] || seen["banking"] || len(seen) > 3 {
		t.Errorf("ecommerce, retail: %v", seen)
	}
}

// TestSourcesAreOneRange: two retail NPS sources (28.4 and 62 points) are one comparison, the
// range 28.4–62, with one verdict: in line for NPS 40 (30–50), which lies between them, above only
// for an interval wholly past 62. Compared one by one they said "above" and "below" at once.
func TestSourcesAreOneRange(t *testing.T) {
	bs := insight.ForIndustry(insight.Shipped(), "retail")
	for _, c := range []struct {
		value, low, high float64
		want             string
	}{{40, 30, 50, "in line"}, {70, 65, 75, "above"}, {10, 5, 20, "below"}} {
		o := insight.Observation{Metric: "nps", Name: "NPS", Unit: "points", Value: c.value, Low: c.low, High: c.high, N: 400}
		r := insight.Assess([]insight.Observation{o}, bs, nil, nil)
		if len(r.Comparisons) != 1 {
			t.Fatalf("NPS %v: %d comparisons, want one range", c.value, len(r.Comparisons))
		}
		x := r.Comparisons[0]
		lo, hi := x.Benchmark.Range()
		if lo != 28.4 || hi != 62 || len(x.Benchmark.Sources) != 2 || x.Position != c.want {
			t.Errorf("NPS %v: %s against %v–%v (%d sources), want %s against 28.4–62", c.value, x.Position, lo, hi, len(x.Benchmark.Sources), c.want)
		}
	}
}

// TestRepeatRateWindows: a repeat rate counted over a 3-year window (91.4%) is not compared with
// a 12-months-after-first-purchase benchmark (32%): no "biggest strength" from different windows.
func TestRepeatRateWindows(t *testing.T) {
	o := insight.Observation{Metric: "repeat_purchase_rate", Name: "repeat purchase rate", Unit: "percent", Value: 91.4, Low: 91.0, High: 91.8, N: 20000,
		Window: "a second order anywhere in the analysis window"}
	r := insight.Assess([]insight.Observation{o}, insight.ForIndustry(insight.Shipped(), "ecommerce"), nil, nil)
	if len(r.Comparisons) != 1 || r.Comparisons[0].Position != "not comparable" || !strings.Contains(r.Comparisons[0].Reason, "12 months") {
		t.Errorf("comparisons %+v", r.Comparisons)
	}
	if len(r.Strengths)+len(r.Weaknesses) != 0 {
		t.Errorf("a finding from different windows: %+v %+v", r.Strengths, r.Weaknesses)
	}
}
