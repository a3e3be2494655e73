package btyd

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// betaMeanG returns E[g(p)] for p ~ Beta(a, bp), where
//
//	g(p) = (1 − (1 + p·k)^−m) / p,   g(0) = m·k,
//
// the expected purchases in a period of length t of a customer who is active now, buys at a rate
// λ ~ Gamma(m, α+T) and drops out after each purchase with probability p, with k = t/(α+T): given
// λ and p that expectation is (1 − e^(−λpt))/p, and E_λ[e^(−λpt)] = (1+pk)^−m. It is the bracket of
// the BG/NBD and MBG/NBD conditional expectations (Fader, Hardie & Lee 2005, eq. 10; Batislam et
// al. 2007), equal to
//
//	(a+bp−1)/(a−1) · [1 − (1−z)^(a−1) ₂F₁(a+bp−1−m, a−1; a+bp−1; z)],   z = k/(1+k),
//
// (the Euler-transformed hypergeometric form), which is summed here as a series of at most
// maxExpectTerms terms with a convergence test. Because g falls from g(0) = mk to g(1) = 1 − (1+k)^−m,
// the result lies in [g(1), g(0)]; when the series does not converge in time (z near 1: t much
// longer than α+T), loses digits to cancellation (a near 1, alternating terms) or leaves those
// bounds, the expectation is instead integrated numerically (betaMeanGQuad). Either way the time is
// bounded and the result finite for every valid input, where gonum's general ₂F₁ could run for
// minutes (a → 0 at a boundary fit, T = 0.001) or return NaN.
func betaMeanG(m, k, a, bp float64) float64 {
	if !(k > 0) {
		return 0
	}
	g0 := m * k
	g1 := -math.Expm1(-m * math.Log1p(k))
	if math.IsInf(g0, 0) || math.IsNaN(g0) {
		return g0
	}
	if v, ok := betaMeanGSeries(m, k, a, bp); ok && v >= g1*(1-1e-12) && v <= g0*(1+1e-12) {
		return v
	}
	return math.Max(g1, math.Min(g0, betaMeanGQuad(m, k, a, bp)))
}

const maxExpectTerms = 5000

// betaMeanGSeries sums the Euler-transformed hypergeometric form of betaMeanG. It reports false
// when the series did not converge within maxExpectTerms terms or its sum is not trustworthy.
func betaMeanGSeries(m, k, a, bp float64) (float64, bool) {
	if math.Abs(a-1) < 1e-4 {
		return 0, false // (a+bp−1)/(a−1) × a difference that vanishes with it: integrate instead
	}
	z := k / (1 + k)
	if z >= 0.99 {
		return 0, false // too slow: ~ln(1e-16)/ln z terms
	}
	A, B, C := a+bp-1-m, a-1, a+bp-1
	t, s, big := 1.0, 0.0, 0.0
	settled := math.Max(math.Abs(A), math.Max(math.Abs(B), math.Abs(C))) + 1
	converged := false
	for n := 0.0; n < maxExpectTerms; n++ {
		ratio := (A + n) * (B + n) / ((C + n) * (n + 1)) * z
		t *= ratio
		s += t
		big = math.Max(big, math.Abs(t))
		if t == 0 {
			converged = true
			break
		}
		if n+1 > settled && math.Abs(ratio) < 1 {
			q := math.Max(math.Abs(ratio), z)
			if math.Abs(t)*q/(1-q) <= 1e-16*math.Abs(s) {
				converged = true
				break
			}
		}
	}
	if !converged || big > 1e4*math.Abs(s) && s != 0 {
		return 0, false
	}
	lz := math.Log1p(-z)
	u := -math.Expm1((a - 1) * lz)
	w := math.Exp((a-1)*lz) * s
	br := u - w
	if math.Abs(br) < 1e-8*math.Max(math.Abs(u), math.Abs(w)) {
		return 0, false // the two terms cancel to fewer than 8 digits
	}
	v := C / (a - 1) * br
	return v, finite(v)
}

// betaMeanGQuad integrates E[g(p)] = ∫₀¹ g(p) Beta(p; a, bp) dp by tanh-sinh quadrature (Takahasi
// & Mori 1974) in log space: the double-exponential nodes resolve the endpoint behaviour p^(a−1),
// (1−p)^(bp−1) and features at p ~ 1/(mk). Beta mass so close to 0 or 1 that no node reaches it
// (a or bp ≪ 1: with a = 2.6e-6, 99.8% of the mass lies below 1e-300) is added at g(0) or g(1), its
// size from the leading term of the incomplete beta function, P(p < ε) ≈ ε^a / (a B(a, bp)), at
// the outermost node ε ≈ e^(−π sinh 6.5) ≈ e^(−1044). The step is halved from 1/8 (reusing the
// nodes) until two levels agree to 1e-13, at most to 1/512 (6,657 nodes).
func betaMeanGQuad(m, k, a, bp float64) float64 {
	const tmax = 6.5
	lb := mathext.Lbeta(a, bp)
	g0 := m * k
	g1 := -math.Expm1(-m * math.Log1p(k))
	lc := math.Log(math.Pi)
	le := -math.Pi * math.Sinh(tmax) // ln ε, the outermost node's ln p (and ln(1−p))
	missLow := math.Exp(a*le - math.Log(a) - lb)
	missHigh := math.Exp(bp*le - math.Log(bp) - lb)
	var sum float64
	add := func(tau float64) {
		s := math.Pi * math.Sinh(tau)
		var lp, lq float64 // ln p, ln(1−p) with p = 1/(1+e^−s)
		if s >= 0 {
			lp = -math.Log1p(math.Exp(-s))
			lq = -s + lp
		} else {
			lq = -math.Log1p(math.Exp(s))
			lp = s + lq
		}
		// Beta density × dp/dτ, dp/dτ = p(1−p) π cosh τ.
		lw := a*lp + bp*lq - lb + lc + math.Log(math.Cosh(tau))
		if lw < -745 {
			return
		}
		w := math.Exp(lw)
		p := math.Exp(lp)
		g := g0
		if pk := p * k; pk >= 1e-300 {
			g = -math.Expm1(-m*math.Log1p(pk)) / p
		}
		sum += g * w
	}
	estimate := func(h float64) float64 { return h*sum + g0*missLow + g1*missHigh }
	h := 1.0 / 8
	add(0)
	for i := 1; float64(i)*h <= tmax; i++ {
		add(float64(i) * h)
		add(-float64(i) * h)
	}
	prev := estimate(h)
	for level := 0; level < 6; level++ {
		h /= 2
		for i := 1; float64(i)*h <= tmax; i += 2 {
			add(float64(i) * h)
			add(-float64(i) * h)
		}
		cur := estimate(h)
		done := math.Abs(cur-prev) <= 1e-13*math.Abs(cur)
		prev = cur
		if done && level >= 1 {
			break
		}
	}
	return prev
}
