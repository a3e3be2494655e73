package btyd

import "math"

// lnF returns ln F(A, B, p, q) and its partial derivatives, where
//
//	F(A, B, p, q) = ∫_0^∞ (A+v)^(−p) (B+v)^(−q) dv,   A, B > 0, p, q > 0, p+q > 1.
//
// This is the Pareto/NBD's Gauss hypergeometric term in integral form: with A ≥ B (else swap (A, p)
// with (B, q); F is symmetric), substituting and applying Euler's transformation gives
//
//	F = A^(−p) B^(1−q) / (p+q−1) · ₂F₁(1, p; p+q; z),   z = 1 − B/A ∈ [0, 1),
//
// a series whose terms t_0 = 1, t_{n+1} = t_n (p+n)/(p+q+n) z are all positive and decrease by a
// ratio below z. There is no cancellation and no overflow (everything is in logs outside the
// series, whose sum lies in [1, 1/(1−z)]), whatever α vs β, however large x. Terms are summed until
// the geometric tail bound t_n z/(1−z) is below 1e-16 of the sum.
//
// The series needs about 37/(1 − ratio) terms, which is millions when z and p/(p+q) are both near 1
// (β ≫ α with s large: a fit heading for s, β → ∞ needed 20,000 terms per customer per evaluation
// and stalled, issue #14). Past maxHyperTerms the integral itself is evaluated instead (lnFQuad),
// at a cost of a few hundred nodes whatever the parameters.
//
// Derivatives of the series terms: ∂ ln t_n/∂p = Σ_{k<n} 1/(p+k) − 1/(p+q+k), ∂ ln t_n/∂q =
// −Σ_{k<n} 1/(p+q+k), ∂ t_n/∂z = n t_n / z.
func lnF(A, B, p, q float64) (lf, dA, dB, dp, dq float64) {
	if lf, dA, dB, dp, dq, ok := lnFSeries(A, B, p, q, maxHyperTerms); ok {
		return lf, dA, dB, dp, dq
	}
	return lnFQuad(A, B, p, q)
}

// lnFSeries is lnF by the series of at most maxTerms terms, or ok = false.
func lnFSeries(A, B, p, q float64, maxTerms int) (lf, dA, dB, dp, dq float64, ok bool) {
	swap := A < B
	if swap {
		A, B, p, q = B, A, q, p
	}
	z := 1 - B/A
	if z < 0 {
		z = 0
	}
	h, hz, hp, hq, ok := hyp1(p, q, z, maxTerms)
	if !ok {
		return
	}
	lA, lB := math.Log(A), math.Log(B)
	pq := p + q - 1
	lf = -p*lA + (1-q)*lB - math.Log(pq) + math.Log(h)
	dp = -lA - 1/pq + hp/h
	dq = -lB - 1/pq + hq/h
	dA = -p/A + hz/h*B/(A*A)
	dB = (1-q)/B - hz/h/A
	if swap {
		dA, dB, dp, dq = dB, dA, dq, dp
	}
	return
}

// maxHyperTerms bounds the series: past it the quadrature (a few hundred nodes, each three
// transcendental functions) is cheaper than the terms still to come.
const maxHyperTerms = 1000

// hyp1 returns H = ₂F₁(1, p; p+q; z) for 0 ≤ z < 1 and ∂H/∂z, ∂H/∂p, ∂H/∂q, or ok = false when
// the series would need more than maxTerms terms.
func hyp1(p, q, z float64, maxTerms int) (h, hz, hp, hq float64, ok bool) {
	h = 1
	if z == 0 {
		return 1, p / (p + q), 0, 0, true
	}
	// The term ratio (p+n)/(p+q+n)·z grows with n towards z; at its smallest it already needs this
	// many terms to fall by 1e-16.
	if r0 := z * p / (p + q); -37/math.Log(r0) > float64(maxTerms) {
		return 0, 0, 0, 0, false
	}
	c := 1.0 // Π_{k<n} (p+k)/(p+q+k)
	zn1 := 1.0
	var sp, sq float64 // running Σ 1/(p+k) − 1/(p+q+k) and −Σ 1/(p+q+k)
	tailF := z / (1 - z)
	for n := 0; n < maxTerms; n++ {
		k := float64(n)
		c *= (p + k) / (p + q + k)
		sp += 1/(p+k) - 1/(p+q+k)
		sq -= 1 / (p + q + k)
		// term n+1: c z^(n+1)
		dt := c * zn1 // = t_{n+1}/z
		zn1 *= z
		t := dt * z
		h += t
		hz += (k + 1) * dt
		hp += t * sp
		hq += t * sq
		if t*tailF < 1e-16*h {
			return h, hz, hp, hq, true
		}
	}
	return 0, 0, 0, 0, false
}

// lnFQuad returns what lnF does, by the double-exponential (tanh-sinh family) trapezoidal rule
// on F written over w = ln v,
//
//	F = ∫_−∞^∞ g(w) dw,   ln g(w) = w − p ln(A+e^w) − q ln(B+e^w),   w = w0 + (π/2) sinh τ,
//
// and the derivatives by the same rule on ∂g/∂θ (e.g. ∂g/∂p = −ln(A+e^w) g). ln g is concave
// (its slope φ(w) = 1 − p e^w/(A+e^w) − q e^w/(B+e^w) falls from 1 to 1−p−q), so w0 is its
// maximum and the nodes walk outwards from it until a geometric bound on what is left is below
// 1e-17 of the sum. The sinh map turns g's exponential tails in w into double-exponential ones in
// τ (Takahasi & Mori 1974; Bailey, Jeyabalan & Li 2005, "A comparison of three high-precision
// quadrature schemes", Experimental Mathematics 14(3)), so ~100 nodes suffice where a uniform
// grid in w needed 300–400. h is halved from 1/2 (reusing the nodes) until two successive sums
// agree to 1e-8, at most down to 1/128; the error falls roughly as the square with each halving,
// so the result is accurate to ~1e-15 (checked against the series to 1e-10 in the tests).
func lnFQuad(A, B, p, q float64) (lf, dA, dB, dp, dq float64) {
	lA, lB := math.Log(A), math.Log(B)
	// node returns ua = ln(A+e^w) − ln A, ub likewise, the shares ca = A/(A+e^w), cb = B/(B+e^w),
	// and the slope of ln g at w. Offsets from ln A, ln B (never ln(A+e^w) itself) keep p·ua exact
	// when p is ~1e15 and ua ~1e-15.
	node := func(w float64) (ua, ub, ca, cb, f float64) {
		ua, ca, sa := split(lA, w)
		ub, cb, sb := split(lB, w)
		return ua, ub, ca, cb, 1 - p*sa - q*sb
	}
	// The maximum of the concave ln g: Newton on the slope inside a bracket that holds the root.
	lo, hi := math.Min(lA, lB)-40, math.Max(lA, lB)+40
	for _, _, _, _, f := node(lo); f <= 0; _, _, _, _, f = node(lo) {
		lo -= 40
	}
	for _, _, _, _, f := node(hi); f >= 0 && hi < 700; _, _, _, _, f = node(hi) {
		hi += 40
	}
	w0 := (lo + hi) / 2
	if m := math.Min(lA, lB); m > lo && m < hi {
		w0 = m
	}
	for i := 0; i < 100 && hi-lo > 1e-9; i++ {
		_, _, ca, cb, f := node(w0)
		if f > 0 {
			lo = w0
		} else {
			hi = w0
		}
		next := w0 + f/(p*ca*(1-ca)+q*cb*(1-cb))
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-w0) < 1e-9 {
			w0 = next
			break
		}
		w0 = next
	}
	ua0, ub0, _, _, _ := node(w0)
	// s: Σ g, Σ g ua, Σ g ub, Σ g ca, Σ g cb over the nodes, all × e^(−ln g(w0)).
	var s [5]float64
	// walk adds the nodes τ = start + k·h, k ∈ ℤ, to acc: w = w0 + (π/2) sinh τ, weight
	// (π/2) cosh τ.
	walk := func(start, h float64, acc *[5]float64) {
		n := 0
		for _, dir := range []float64{1, -1} {
			tau := start
			if dir < 0 {
				tau = start - h
			}
			// e = e^τ, stepped by multiplication: sinh and cosh without transcendental calls.
			e, step := math.Exp(tau), math.Exp(dir*h)
			for ; n < maxQuadNodes; e *= step {
				ch := math.Pi / 4 * (e + 1/e)
				w := w0 + math.Pi/4*(e-1/e)
				ua, ub, ca, cb, f := node(w)
				t := ch * math.Exp((w-w0)-p*(ua-ua0)-q*(ub-ub0))
				acc[0] += t
				acc[1] += t * ua
				acc[2] += t * ub
				acc[3] += t * ca
				acc[4] += t * cb
				n++
				// Past the maximum in this direction ln g falls at least |f| per unit of w and
				// the nodes are at least ch·h apart in w, so what is left is below the geometric
				// sum t/(1 − e^(−x)) ≤ t(1+x)/x, x = |f|·ch·h (the weights grow by at most e^h
				// per node, hence the factor 2).
				if x := math.Abs(f) * ch * h; f*dir < 0 && 2*t*(1+x) < 1e-17*x*acc[0] {
					break
				}
				if math.Abs(w-w0) > 1e6 {
					break
				}
			}
		}
	}
	h := 0.5
	walk(0, h, &s)
	prev := s[0] * h
	for h > 1.0/128 {
		var mid [5]float64
		walk(h/2, h, &mid)
		for i := range s {
			s[i] += mid[i]
		}
		h /= 2
		cur := s[0] * h
		if math.Abs(cur-prev) <= 1e-8*cur {
			break
		}
		prev = cur
	}
	// ln g(w0) = w0 − p(ln A + ua0) − q(ln B + ub0).
	lf = w0 - p*(lA+ua0) - q*(lB+ub0) + math.Log(s[0]*h)
	dp = -lA - s[1]/s[0]
	dq = -lB - s[2]/s[0]
	dA = -p * s[3] / (A * s[0])
	dB = -q * s[4] / (B * s[0])
	return
}

// maxQuadNodes bounds one trapezoidal sum; the stopping rule ends it long before except when
// p+q−1 is within ~1e-3 of 0 (F near divergence).
const maxQuadNodes = 20000

// split returns u = ln(e^l + e^w) − l and the shares c = e^l/(e^l+e^w), s = e^w/(e^l+e^w), each
// to full relative precision (1 − c would lose s's digits when s is tiny).
func split(l, w float64) (u, c, s float64) {
	d := w - l
	if d < 0 {
		e := math.Exp(d)
		return math.Log1p(e), 1 / (1 + e), e / (1 + e)
	}
	e := math.Exp(-d)
	return d + math.Log1p(e), e / (1 + e), 1 / (1 + e)
}
