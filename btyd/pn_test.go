package btyd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"fidelis/btyd"
)

type pnModel interface {
	btyd.Transactor
	PPurchases(n int, t, x, tx, T float64) float64
}

// TestPPurchasesSumsAndMean: for every model and several histories, P(Y(t) = n | x, t_x, T) sums
// to 1 over n and its mean equals the closed-form conditional expectation E[Y(t) | x, t_x, T]
// (Fader, Hardie & Lee 2005 eq. 10; Schmittlein et al. 1987 eq. 22). Tolerance 1e-6: the sum is
// truncated where the tail is below 1e-12 and Pareto/NBD's integral is a quadrature.
func TestPPurchasesSumsAndMean(t *testing.T) {
	models := []struct {
		name string
		m    pnModel
	}{
		{"bgnbd", btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
		{"mbgnbd", btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}},
		{"paretonbd", btyd.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67}},
		{"paretonbd sharp", btyd.ParetoNBD{R: 2, Alpha: 3, S: 5, Beta: 0.5}},
	}
	for _, md := range models {
		for _, c := range [][3]float64{{0, 0, 0}, {0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 39}, {1, 2, 39}} {
			for _, h := range []float64{1, 39, 52} {
				var sum, mean float64
				for n := 0; n < 5000; n++ {
					p := md.m.PPurchases(n, h, c[0], c[1], c[2])
					if !(p >= 0) {
						t.Fatalf("%s P(%d) = %v", md.name, n, p)
					}
					sum += p
					mean += float64(n) * p
					if n > 20 && p < 1e-14 {
						break
					}
				}
				want := md.m.ExpectedPurchases(h, c[0], c[1], c[2])
				if c[2] == 0 {
					want = md.m.ExpectedCumulative(h)
				}
				if math.Abs(sum-1) > 1e-6 || math.Abs(mean-want) > 1e-6*math.Max(1, want) {
					t.Errorf("%s %v t=%v: Σ P = %.9f, Σ n P = %.9f, E[Y] = %.9f", md.name, c, h, sum, mean, want)
				}
			}
		}
	}
}

// TestPNumPurchasesAgree: at x = t_x = T = 0, BG/NBD's conditional P equals its published
// unconditional eq. 8 (PNumPurchases), to rounding.
func TestPNumPurchasesAgree(t *testing.T) {
	m := btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	for n := 0; n < 8; n++ {
		if a, b := m.PPurchases(n, 39, 0, 0, 0), m.PNumPurchases(n, 39); math.Abs(a-b) > 1e-14 {
			t.Errorf("n=%d: %v vs %v", n, a, b)
		}
	}
}

// TestParetoPNumPurchasesSimulation draws 200,000 new Pareto/NBD customers (λ ~ Gamma(r, α),
// μ ~ Gamma(s, β), τ ~ Exp(μ), N ~ Poisson(λ min(τ, t))) and compares the share with n = 0..5
// purchases with PNumPurchases within 4 binomial standard errors.
func TestParetoPNumPurchasesSimulation(t *testing.T) {
	m := btyd.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67}
	const n, horizon = 200000, 39.0
	src := rand.New(rand.NewPCG(7, 11))
	lam := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: src}
	counts := make([]float64, 6)
	for i := 0; i < n; i++ {
		tau := src.ExpFloat64() / mu.Rand()
		k := int(distuv.Poisson{Lambda: lam.Rand() * math.Min(tau, horizon), Src: src}.Rand())
		if k < len(counts) {
			counts[k]++
		}
	}
	for k, c := range counts {
		p := m.PNumPurchases(k, horizon)
		se := math.Sqrt(p * (1 - p) / n)
		if math.Abs(c/n-p) > 4*se {
			t.Errorf("n=%d: simulated %.5f, model %.5f (SE %.5f)", k, c/n, p, se)
		}
	}
}
