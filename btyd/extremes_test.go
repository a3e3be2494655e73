package btyd_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"fidelis/btyd"
)

// withDeadline runs f and fails the test when it takes longer than d: a per-customer time limit
// enforced by the test rather than by luck (issue #10: T = 0.001 ran past 150 s in gonum's ₂F₁).
func withDeadline(t *testing.T, d time.Duration, what string, f func() float64) float64 {
	t.Helper()
	done := make(chan float64, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("%s: no answer within %v", what, d)
		return math.NaN()
	}
}

var extremeModels = []struct {
	name string
	m    btyd.Transactor
}{
	{"bgnbd cdnow", btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
	// The boundary fit of issue #10 (a → 0, b → ∞), which hung the holdout tracking.
	{"bgnbd boundary", btyd.BGNBD{R: 5, Alpha: 20, A: 2.6e-06, B: 2.3e4}},
	{"bgnbd a=1", btyd.BGNBD{R: 1, Alpha: 2, A: 1, B: 3}},
	{"mbgnbd", btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}},
	{"mbgnbd boundary", btyd.MBGNBD{R: 5, Alpha: 20, A: 2.6e-06, B: 2.3e4}},
	{"paretonbd cdnow", btyd.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67}},
	{"paretonbd s=1", btyd.ParetoNBD{R: 0.553, Alpha: 10.58, S: 1, Beta: 1e5}},
}

// TestExpectedPurchasesExtremes evaluates every model on the inputs that hung or wrote NaN in
// issue #10 (T = 0.001, 10⁴ purchases, huge T, t far beyond the data) within one second each, and
// checks the answer is finite, ≥ 0, and P(alive) in [0, 1].
func TestExpectedPurchasesExtremes(t *testing.T) {
	customers := [][3]float64{ // x, t_x, T
		{0, 0, 0.001}, {1, 0.0005, 0.001}, {1, 0, 0.001}, {3, 0, 5},
		{1e4, 52, 52}, {1e4, 50, 52}, {1e4, 1, 1e4},
		{0, 0, 1e9}, {3, 10, 1e9}, {5, 1e9, 1e9}, {1e4, 1e9, 1e9},
		{2, 30, 39}, {100, 1e-6, 1e6},
	}
	for _, md := range extremeModels {
		for _, c := range customers {
			for _, h := range []float64{1e-6, 1, 52, 1e4, 1e8} {
				v := withDeadline(t, time.Second, md.name, func() float64 { return md.m.ExpectedPurchases(h, c[0], c[1], c[2]) })
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Errorf("%s E[Y(%g) | %v] = %v", md.name, h, c, v)
				}
			}
			if p := md.m.PAlive(c[0], c[1], c[2]); !(p >= 0 && p <= 1) {
				t.Errorf("%s P(alive | %v) = %v", md.name, c, p)
			}
		}
		for _, h := range []float64{1e-6, 1, 1e4, 1e8} {
			if v := withDeadline(t, time.Second, md.name, func() float64 { return md.m.ExpectedCumulative(h) }); math.IsNaN(v) || v < 0 {
				t.Errorf("%s E[X(%g)] = %v", md.name, h, v)
			}
		}
	}
}

// TestPredictRandomFinite is a property test: 2,000 random parameter sets and customers (log-
// uniform over many orders of magnitude) give finite, non-negative expected purchases and CLV,
// non-decreasing in the horizon (to 1e-6: quadrature accuracy where a Beta(a, b) of a ≈ 10⁴ piles against 1), each within a second.
func TestPredictRandomFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 4))
	lu := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	for i := 0; i < 2000; i++ {
		r, al, a, b := lu(1e-3, 1e3), lu(1e-3, 1e4), lu(1e-4, 1e4), lu(1e-3, 1e5)
		var m btyd.Transactor
		switch i % 3 {
		case 0:
			m = btyd.BGNBD{R: r, Alpha: al, A: a, B: b}
		case 1:
			m = btyd.MBGNBD{R: r, Alpha: al, A: a, B: b}
		default:
			m = btyd.ParetoNBD{R: r, Alpha: al, S: lu(1e-3, 1e3), Beta: b}
		}
		T := lu(1e-3, 1e6)
		x := math.Floor(lu(1, 1e4)) - 1
		tx := 0.0
		if x > 0 {
			tx = T * rng.Float64()
		}
		h := lu(1e-3, 1e4)
		e1 := withDeadline(t, time.Second, "random", func() float64 { return m.ExpectedPurchases(h, x, tx, T) })
		e2 := withDeadline(t, time.Second, "random", func() float64 { return m.ExpectedPurchases(2*h, x, tx, T) })
		clv := withDeadline(t, time.Second, "random", func() float64 {
			return btyd.CLV(m, x, tx, T, 50, btyd.CLVOptions{Periods: 12, PeriodLength: h / 12, Discount: 0.01})
		})
		if !(e1 >= 0) || math.IsInf(e1, 0) || !(e2 >= e1*(1-1e-6)) || !(clv >= 0) || math.IsInf(clv, 0) {
			t.Fatalf("%#v x=%v t_x=%v T=%v t=%v: E = %v, E(2t) = %v, CLV = %v", m, x, tx, T, h, e1, e2, clv)
		}
	}
}

// TestBoundaryFitLimit: as a → 0 and b → ∞ nobody drops out, P(alive) → 1 and E[Y(t) | x, t_x, T]
// → (r+x) t / (α+T), the Poisson–gamma expectation (Fader, Hardie & Lee 2005, eq. 10 with p = 0).
// At a = 2.6e-6, b = 2.3e4 the dropout terms are O(a/b) ≈ 1e-10 and O(t/b) ≈ 2e-3, hence 5e-3.
func TestBoundaryFitLimit(t *testing.T) {
	m := btyd.BGNBD{R: 5, Alpha: 20, A: 2.6e-06, B: 2.3e4}
	for _, c := range [][3]float64{{0, 0, 10}, {4, 30, 52}, {20, 51, 52}} {
		got := m.ExpectedPurchases(52, c[0], c[1], c[2])
		want := (m.R + c[0]) * 52 / (m.Alpha + c[2])
		if math.Abs(got/want-1) > 5e-3 {
			t.Errorf("%v: E = %v, no-dropout limit %v", c, got, want)
		}
	}
}
