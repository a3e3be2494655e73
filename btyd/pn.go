package btyd

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// nbdLogPMF is ln P(N = n) for the negative binomial mixture of Poisson(λu) with λ ~ Gamma(m,
// rate ρ): Γ(m+n)/(Γ(m) n!) (ρ/(ρ+u))^m (u/(ρ+u))^n, written with k = u/ρ.
func nbdLogPMF(n, m, k float64) float64 {
	lg1, _ := math.Lgamma(m + n)
	lg2, _ := math.Lgamma(m)
	lg3, _ := math.Lgamma(n + 1)
	l := lg1 - lg2 - lg3 - m*math.Log1p(k)
	if n > 0 {
		l += n * (math.Log(k) - math.Log1p(k))
	}
	return l
}

// bgPPurchases is P(Y = n) in the next t for a BG/NBD-type customer who is active, buys at λ ~
// Gamma(m, α') and drops out after each purchase with p ~ Beta(a, bp), with k = t/α': given λ and
// p, P(Y = n) = (1−p)^n Poisson(n; λt) + δ(n>0) p(1−p)^(n−1) P(Poisson(λt) ≥ n) (the customer buys
// n times and either stays or leaves right after the n-th purchase). Over λ the Poisson becomes
// the NBD and P(NBD ≥ n) = I_{k/(1+k)}(n, m), the regularized incomplete beta function; over p,
// E[(1−p)^n] = B(a, bp+n)/B(a, bp) and E[p(1−p)^(n−1)] = B(a+1, bp+n−1)/B(a, bp) (Fader, Hardie &
// Lee 2005, eq. 8, for a new customer).
func bgPPurchases(n int, m, k, a, bp float64) float64 {
	x := float64(n)
	lb := mathext.Lbeta(a, bp)
	p := math.Exp(mathext.Lbeta(a, bp+x) - lb + nbdLogPMF(x, m, k))
	if n > 0 {
		p += math.Exp(mathext.Lbeta(a+1, bp+x-1)-lb) * mathext.RegIncBeta(x, m, k/(1+k))
	}
	return p
}

// conditional mixes P(Y = n | active) with the probability 1 − pa that the customer has left
// (and makes no purchase).
func conditional(n int, pa, pActive float64) float64 {
	v := pa * pActive
	if n == 0 {
		v += 1 - pa
	}
	return math.Max(0, math.Min(1, v))
}

// PPurchases is P(Y(t) = n | x, t_x, T), the probability that a customer with history (x, t_x, T)
// makes exactly n purchases in (T, T+t]: P(alive) times P(Y = n | active) (see bgPPurchases, with
// λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x) given the history), plus 1 − P(alive) at n = 0. At
// x = t_x = T = 0 it is [BGNBD.PNumPurchases]. Σ_n n·P(Y = n) = [BGNBD.ExpectedPurchases].
func (m BGNBD) PPurchases(n int, t, x, tx, T float64) float64 {
	if n < 0 {
		return 0
	}
	if t <= 0 {
		return conditional(n, 1, b2f(n == 0))
	}
	return conditional(n, m.PAlive(x, tx, T), bgPPurchases(n, m.R+x, t/(m.Alpha+T), m.A, m.B+x))
}

// PPurchases is P(Y(t) = n | x, t_x, T) for MBG/NBD: as [BGNBD.PPurchases] with p ~ Beta(a, b+x+1)
// given the history (the trial purchase is one more chance to drop out) and MBG/NBD's P(alive).
// At x = t_x = T = 0 it is the probability that a new customer makes n repeat purchases in (0, t]
// (Batislam et al. 2007), P(alive) = b/(a+b) being the chance of surviving the trial purchase.
func (m MBGNBD) PPurchases(n int, t, x, tx, T float64) float64 {
	if n < 0 {
		return 0
	}
	if t <= 0 {
		return conditional(n, 1, b2f(n == 0))
	}
	return conditional(n, m.PAlive(x, tx, T), mbgPActive(m, n, t, x, T))
}

func mbgPActive(m MBGNBD, n int, t, x, T float64) float64 {
	return bgPPurchases(n, m.R+x, t/(m.Alpha+T), m.A, m.B+x+1)
}

// PNumPurchases is the probability that a new customer makes exactly n repeat purchases in (0, t].
func (m MBGNBD) PNumPurchases(n int, t float64) float64 { return m.PPurchases(n, t, 0, 0, 0) }

// PPurchases is P(Y(t) = n | x, t_x, T) for Pareto/NBD: P(alive) times the probability for an
// active customer whose rate is λ ~ Gamma(r+x, α+T) and whose remaining lifetime τ is exponential
// with μ ~ Gamma(s, β+T) (the posterior given activity at T), plus 1 − P(alive) at n = 0. Given τ
// the count is NBD with exposure min(τ, t), so (Fader & Hardie 2006, "Deriving an Expression for
// P(X(t) = x) Under the Pareto/NBD Model", written as the integral their hypergeometric terms
// evaluate)
//
//	P(Y = n | active) = (β'/(β'+t))^s NBD(n; t) + ∫₀ᵗ NBD(n; u) s β'^s (β'+u)^−(s+1) du,
//
// integrated by tanh-sinh quadrature on [0, t] (the Lomax density of τ may be sharp at 0).
func (m ParetoNBD) PPurchases(n int, t, x, tx, T float64) float64 {
	if n < 0 {
		return 0
	}
	if t <= 0 {
		return conditional(n, 1, b2f(n == 0))
	}
	if x == 0 {
		tx = 0
	}
	return conditional(n, m.PAlive(x, tx, T), paretoPActive(n, m.R+x, m.Alpha+T, m.S, m.Beta+T, t))
}

// PNumPurchases is the probability that a new customer makes exactly n repeat purchases in (0, t].
func (m ParetoNBD) PNumPurchases(n int, t float64) float64 { return m.PPurchases(n, t, 0, 0, 0) }

func paretoPActive(n int, r, alpha, s, beta, t float64) float64 {
	x := float64(n)
	nb := func(u float64) float64 {
		if u <= 0 {
			return b2f(n == 0)
		}
		return math.Exp(nbdLogPMF(x, r, u/alpha))
	}
	v := math.Exp(-s*math.Log1p(t/beta)) * nb(t)
	// ∫₀ᵗ nb(u) f(u) du with u = t·σ(π sinh τ), du = t σ(1−σ) π cosh τ dτ; f the Lomax density.
	const h, tmax = 1.0 / 64, 4.5
	sum := 0.0
	for i := -int(tmax / h); i <= int(tmax/h); i++ {
		tau := float64(i) * h
		e := math.Pi * math.Sinh(tau)
		q := 1 / (1 + math.Exp(-e)) // σ
		w := t * q * (1 - q) * math.Pi * math.Cosh(tau)
		if w == 0 || math.IsNaN(w) {
			continue
		}
		u := t * q
		f := s / beta * math.Exp(-(s+1)*math.Log1p(u/beta))
		sum += nb(u) * f * w
	}
	return v + sum*h
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
