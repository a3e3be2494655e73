package btyd

import (
	"math"
	"math/rand/v2"
)

// NewRand returns the seeded PCG generator the simulators use (math/rand/v2).
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// gammaRand draws Gamma(shape k, rate 1) by Marsaglia & Tsang (2000), "A simple method for
// generating gamma variables", ACM TOMS 26(3), with the k < 1 boost U^(1/k).
func gammaRand(rng *rand.Rand, k float64) float64 {
	if k < 1 {
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		return gammaRand(rng, k+1) * math.Pow(u, 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// betaRand draws Beta(a, b) as G_a/(G_a + G_b).
func betaRand(rng *rand.Rand, a, b float64) float64 {
	x, y := gammaRand(rng, a), gammaRand(rng, b)
	if x+y == 0 {
		if rng.Float64() < a/(a+b) {
			return 1
		}
		return 0
	}
	return x / (x + y)
}

// Simulator draws customers from a transaction model's generative process.
type Simulator interface {
	// Simulate draws one new customer observed for T time units (BG/BB: T opportunities) after the
	// first purchase and returns the repeat purchases x and recency t_x.
	Simulate(rng *rand.Rand, T float64) (x, tx float64)
}

// Simulate draws one BG/NBD customer: λ ~ Gamma(r, α), p ~ Beta(a, b); exponential inter-purchase
// times with rate λ; after each repeat purchase the customer drops out with probability p.
func (m BGNBD) Simulate(rng *rand.Rand, T float64) (x, tx float64) {
	return bgSim(rng, m.R, m.Alpha, m.A, m.B, T, false)
}

// Simulate draws one MBG/NBD customer: as BG/NBD, but the dropout coin is also tossed right after
// the first (trial) purchase.
func (m MBGNBD) Simulate(rng *rand.Rand, T float64) (x, tx float64) {
	return bgSim(rng, m.R, m.Alpha, m.A, m.B, T, true)
}

func bgSim(rng *rand.Rand, r, alpha, a, b, T float64, mod bool) (x, tx float64) {
	lam := gammaRand(rng, r) / alpha
	p := betaRand(rng, a, b)
	if mod && rng.Float64() < p {
		return 0, 0
	}
	if lam <= 0 {
		return 0, 0
	}
	t := 0.0
	for {
		t += rng.ExpFloat64() / lam
		if t > T {
			return
		}
		x++
		tx = t
		if rng.Float64() < p {
			return
		}
	}
}

// Simulate draws one Pareto/NBD customer: λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime τ ~ Exp(μ),
// Poisson(λ) purchases on (0, min(τ, T)].
func (m ParetoNBD) Simulate(rng *rand.Rand, T float64) (x, tx float64) {
	lam := gammaRand(rng, m.R) / m.Alpha
	mu := gammaRand(rng, m.S) / m.Beta
	end := T
	if mu > 0 {
		end = math.Min(T, rng.ExpFloat64()/mu)
	}
	if lam <= 0 {
		return 0, 0
	}
	t := 0.0
	for {
		t += rng.ExpFloat64() / lam
		if t > end {
			return
		}
		x++
		tx = t
	}
}

// Simulate draws one BG/BB customer over n = T opportunities: p ~ Beta(α, β), θ ~ Beta(γ, δ); before
// each opportunity the customer survives with probability 1−θ and, if alive, transacts with
// probability p.
func (m BGBB) Simulate(rng *rand.Rand, T float64) (x, tx float64) {
	p := betaRand(rng, m.Alpha, m.Beta)
	th := betaRand(rng, m.Gamma, m.Delta)
	for i := 1.0; i <= T; i++ {
		if rng.Float64() < th {
			return
		}
		if rng.Float64() < p {
			x++
			tx = i
		}
	}
	return
}

// SimulateSpend draws the mean value of x transactions of one customer under the Gamma-Gamma model:
// ν ~ Gamma(q, γ), and the sum of x Gamma(p, ν) values is Gamma(px, ν). It returns 0 when x = 0.
func (m GammaGamma) SimulateSpend(rng *rand.Rand, x float64) float64 {
	if x <= 0 {
		return 0
	}
	nu := gammaRand(rng, m.Q) / m.Gamma
	return gammaRand(rng, m.P*x) / nu / x
}

// SimulateCohort returns the survivors of an sBG cohort of n customers after 0..periods periods:
// θ ~ Beta(α, β) per customer, who churns at the end of each period with probability θ.
func (m SBG) SimulateCohort(rng *rand.Rand, n, periods int) []float64 {
	surv := make([]float64, periods+1)
	for i := 0; i < n; i++ {
		th := betaRand(rng, m.Alpha, m.Beta)
		surv[0]++
		for t := 1; t <= periods; t++ {
			if rng.Float64() < th {
				break
			}
			surv[t]++
		}
	}
	return surv
}

// SimulateCustomers draws n customers from s, each observed for T, with the given seed.
func SimulateCustomers(s Simulator, n int, T float64, seed uint64) []Customer {
	rng := NewRand(seed)
	cs := make([]Customer, n)
	for i := range cs {
		x, tx := s.Simulate(rng, T)
		cs[i] = Customer{Frequency: x, Recency: tx, T: T}
	}
	return cs
}
