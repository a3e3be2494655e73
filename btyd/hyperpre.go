package btyd

import "math"

// lnFPre evaluates lnF for many (A, B) = (α+τ, β+τ) at once, as Pareto/NBD's objective needs it
// for every distinct (x, τ) pair, with what the pairs share computed once: ln(α+τ) and ln(β+τ)
// per distinct τ, and per distinct x the orientation, ln(p+q−1) and the coefficients of hyp1's
// series (Π (p+k)/(p+q+k) and the running sums of its derivatives), whose three divisions per
// term dominated the series. Every result is computed by the same operations on the same values
// in the same order as lnF's, so it is the same to the last bit (TestLnFPreEqualsLnF); a pair the
// shortcut does not cover (the other orientation, a series longer than the coefficients kept, or
// one for the quadrature) goes through lnF itself.
type lnFPre struct {
	alpha, beta float64
	swap        bool // α < β: lnF swaps (A, p) with (B, q) for every τ where α+τ < β+τ
	x           []lnFPreX
}

// lnFPreX is what the pairs of one x share.
type lnFPreX struct {
	p, q, pq, lpq float64 // in lnFSeries's orientation
	r0f           float64 // z·r0f is hyp1's r0 = z·p/(p+q), but for rounding
	c, sp, sq     []float64
}

// hyp1Lo is a little below the r0 past which hyp1 gives up on the series (−37/ln r0 >
// maxHyperTerms): pairs from there on go through lnF, which decides exactly.
var hyp1Lo = math.Exp(-37.0/maxHyperTerms) * (1 - 1e-9)

// newLnFPre prepares the series for (r, α, s, β) and the distinct xs; minTau[i] is the smallest τ
// of x i's pairs, whose z = 1 − (min(α,β)+τ)/(max(α,β)+τ) is the largest and sets how many
// coefficients are kept (should a smaller z's series need more, that pair goes through lnF).
func newLnFPre(r, alpha, s, beta float64, xs, minTau []float64) *lnFPre {
	o := &lnFPre{alpha: alpha, beta: beta, swap: alpha < beta, x: make([]lnFPreX, len(xs))}
	for i, x := range xs {
		p, q := r+x, s+1
		if o.swap {
			p, q = q, p
		}
		e := lnFPreX{p: p, q: q, pq: p + q - 1, r0f: p / (p + q)}
		e.lpq = math.Log(e.pq)
		n := 0
		lo, hi := math.Min(alpha, beta)+minTau[i], math.Max(alpha, beta)+minTau[i]
		if z := 1 - lo/hi; z > 0 && z < 1 {
			// Terms until t·z/(1−z) < 1e-16 with t ≤ z^n: a bound, plus a margin.
			n = min(maxHyperTerms, int(math.Log(1e-16*(1-z)/z)/math.Log(z))+16)
		}
		e.c, e.sp, e.sq = make([]float64, n), make([]float64, n), make([]float64, n)
		c, sp, sq := 1.0, 0.0, 0.0
		for k := range n {
			kf := float64(k)
			c *= (p + kf) / (p + q + kf)
			sp += 1/(p+kf) - 1/(p+q+kf)
			sq -= 1 / (p + q + kf)
			e.c[k], e.sp[k], e.sq[k] = c, sp, sq
		}
		o.x[i] = e
	}
	return o
}

// at fills f with lnF(α+τ, β+τ, r+x, s+1) for x index xi, given la = ln(α+τ) and lb = ln(β+τ).
func (o *lnFPre) at(f *lnFv, r, s, x float64, xi int, tau, la, lb float64) {
	A, B := o.alpha+tau, o.beta+tau
	e := &o.x[xi]
	if (A < B) != o.swap {
		f.f, f.dA, f.dB, f.dp, f.dq = lnF(A, B, r+x, s+1)
		return
	}
	lA, lB := la, lb
	if o.swap {
		A, B, lA, lB = B, A, lb, la
	}
	p, q := e.p, e.q
	z := 1 - B/A
	if z < 0 {
		z = 0
	}
	var h, hz, hp, hq float64
	if z == 0 {
		h, hz = 1, p/(p+q)
	} else {
		if z*e.r0f >= hyp1Lo {
			f.f, f.dA, f.dB, f.dp, f.dq = lnF(o.alpha+tau, o.beta+tau, r+x, s+1)
			return
		}
		var ok bool
		if h, hz, hp, hq, ok = e.series(z); !ok {
			f.f, f.dA, f.dB, f.dp, f.dq = lnF(o.alpha+tau, o.beta+tau, r+x, s+1)
			return
		}
	}
	pq := e.pq
	lf := -p*lA + (1-q)*lB - e.lpq + math.Log(h)
	dp := -lA - 1/pq + hp/h
	dq := -lB - 1/pq + hq/h
	dA := -p/A + hz/h*B/(A*A)
	dB := (1-q)/B - hz/h/A
	if o.swap {
		dA, dB, dp, dq = dB, dA, dq, dp
	}
	f.f, f.dA, f.dB, f.dp, f.dq = lf, dA, dB, dp, dq
}

// series is hyp1's loop for 0 < z < 1 on the kept coefficients, or ok = false when they run out.
func (e *lnFPreX) series(z float64) (h, hz, hp, hq float64, ok bool) {
	h = 1
	zn1 := 1.0
	tailF := z / (1 - z)
	c, sp, sq := e.c, e.sp[:len(e.c)], e.sq[:len(e.c)]
	for n := range c {
		k := float64(n)
		dt := c[n] * zn1
		zn1 *= z
		t := dt * z
		h += t
		hz += (k + 1) * dt
		hp += t * sp[n]
		hq += t * sq[n]
		if t*tailF < 1e-16*h {
			return h, hz, hp, hq, true
		}
	}
	return 0, 0, 0, 0, false
}
