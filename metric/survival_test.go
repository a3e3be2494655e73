package metric_test

import (
	"math"
	"testing"

	"fidelis"
	"fidelis/metric"
)

func TestKaplanMeierByHand(t *testing.T) {
	// The storetest lifetime fixture: censored at 37 days, three lapses at 40, censored at 97.
	// Day 37: n = 5, no lapse, S = 1; one censored leaves 4 at risk. Day 40: S = 1 − 3/4 = 0.25;
	// Greenwood Var = 0.25² · 3/(4·1) = 0.046875; log(−log S) interval with
	// σ = sqrt(0.046875)/(0.25 · ln 4) = 0.6247053: S^exp(±1.96σ) = 0.0089478 … 0.6653253.
	s := metric.KaplanMeier([]fidelis.LifetimeCell{{Days: 37, Censored: 1}, {Days: 40, Events: 3}, {Days: 97, Censored: 1}})
	if len(s) != 1 {
		t.Fatalf("%+v", s)
	}
	c := s[0]
	p := c.Points[1]
	if c.Customers != 5 || c.Lapsed != 3 || p.AtRisk != 4 || p.S != 0.25 ||
		math.Abs(p.Low-0.0089478) > 1e-6 || math.Abs(p.High-0.6653253) > 1e-6 {
		t.Errorf("curve %+v", c.Points)
	}
	// The median is day 40; its lower bound falls below 0.5 on day 40 too; the upper bound never does.
	if c.Median != 40 || c.MedianLow != 40 || !math.IsNaN(c.MedianHigh) {
		t.Errorf("median %v (%v–%v)", c.Median, c.MedianLow, c.MedianHigh)
	}
	if v, _, _ := c.At(39); v != 1 {
		t.Errorf("S(39) = %v", v)
	}
	if v, _, _ := c.At(97); v != 0.25 {
		t.Errorf("S(97) = %v", v)
	}
	// Nobody is followed past day 97: R's summary(fit, times = 500) leaves the time out; so does At.
	if v, lo, hi := c.At(500); !math.IsNaN(v) || !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("S(500) = %v (%v–%v), want not estimable (NaN)", v, lo, hi)
	}
}

func TestKaplanMeierMatchesTheNaiveCurveWithoutCensoring(t *testing.T) {
	// Without censoring the estimate is the empirical survival: 10 customers lapsing on days
	// 1..10 leave S(k) = (10 − k)/10.
	var cells []fidelis.LifetimeCell
	for d := int64(1); d <= 10; d++ {
		cells = append(cells, fidelis.LifetimeCell{Days: d, Events: 1})
	}
	c := metric.KaplanMeier(cells)[0]
	for k, p := range c.Points {
		if math.Abs(p.S-float64(9-k)/10) > 1e-12 {
			t.Errorf("S(%d) = %v", p.Days, p.S)
		}
	}
	if c.Median != 5 {
		t.Errorf("median %v, want 5", c.Median)
	}
}
