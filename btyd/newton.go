package btyd

import (
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// hessianObjective is an objective that also has its Hessian.
type hessianObjective interface {
	objective
	// evalHess is eval that also stores ∂²LL/∂p_i∂p_j in hess (row-major k×k) when hess is not nil.
	evalHess(p, grad, hess []float64) float64
}

type newtonResult struct {
	u            []float64 // the point reached (converged or the best found), nil if none
	ok           bool      // converged: gradient and Newton step negligible
	iters, evals int
	// At u: the log-likelihood, its gradient and Hessian in natural parameters (set when ok).
	ll      float64
	g, hess []float64
}

// newton maximises LL/scale over log-parameters u from u0 by Newton's method with a backtracking
// line search. Where the Hessian is not negative definite, it is shifted by μI (Levenberg) until
// it is; steps are capped at 2 in any log-parameter. Once the gradient per customer is below
// gradTol (the criterion BFGS stops at) it takes one more step if that step is small (below 1e-4
// in every log-parameter: parameters then to ~1e-10, within quadratic convergence) and reports
// convergence. Where that step is large the likelihood is flat along a ridge (e.g. BG/NBD's b → ∞
// on data with one common dropout probability): where a fit stops on it depends on the optimiser,
// and the model gate and churn features judge the parameters it stops at, so newton hands such
// fits back to BFGS from the start, as they were before. It also gives up, for BFGS to
// take over, after 50 iterations, at a failed line search, at a non-finite value, or when a
// parameter comes within 1 of its bound (the active-set logic of maximize handles bounds).
//
// With fixed (a Hessian of LL/scale in log-parameters, see problem.curvature) it starts from that
// matrix instead of obj's own, refines it after every step by the BFGS secant update (which makes
// the convergence superlinear: the sample's curvature alone gains only its sampling error per
// step), and reports no Hessian: obj then needs only its gradient.
func newton(obj objective, fixed, u0 []float64, scale, gradTol float64, bound func(int) float64, run context.Context) newtonResult {
	k := len(u0)
	var res newtonResult
	p := make([]float64, k)
	g := make([]float64, k)
	h := make([]float64, k*k)
	hobj, _ := obj.(hessianObjective)
	if fixed == nil && hobj == nil {
		return res
	}
	fixed = slices.Clone(fixed) // updated by secantUpdate; the caller's stays as it was
	// at evaluates LL/scale at u with its gradient gu and Hessian hu in log-parameters.
	at := func(u, gu, hu []float64) float64 {
		res.evals++
		for i, ui := range u {
			p[i] = math.Exp(ui)
		}
		if fixed != nil {
			ll := obj.eval(p, g) / scale
			for i := range k {
				gu[i] = g[i] * p[i] / scale
			}
			copy(hu, fixed)
			return ll
		}
		ll := hobj.evalHess(p, g, h) / scale
		for i := range k {
			gu[i] = g[i] * p[i] / scale
			for j := range k {
				hu[i*k+j] = p[i] * p[j] * h[i*k+j] / scale
			}
			hu[i*k+i] += gu[i]
		}
		return ll
	}
	inside := func(u []float64) bool {
		for i, ui := range u {
			if math.Abs(ui) >= bound(i)-1 {
				return false
			}
		}
		return true
	}
	u := slices.Clone(u0)
	gu, hu := make([]float64, k), make([]float64, k*k)
	f := at(u, gu, hu)
	if !finite(f) || !inside(u) {
		return res
	}
	res.u = slices.Clone(u)
	un, gn, hn := make([]float64, k), make([]float64, k), make([]float64, k*k)
	d := make([]float64, k)
	polished := false // the last step was taken from below gradTol
	for res.iters = 0; res.iters < 50; res.iters++ {
		if run.Err() != nil || !allFinite(gu) || !allFinite(hu) {
			return res
		}
		if !newtonStep(hu, gu, d) {
			return res
		}
		if gmax(gu) <= gradTol && gmax(d) > 1e-4 && !polished {
			// A flat ridge: leave it to BFGS from the start, which stops on it where it always has.
			res.u = nil
			return res
		}
		if gmax(gu) <= gradTol && polished {
			res.ok = true
			// p, g and h are from the last evaluation, which was at u.
			res.ll, res.g = f*scale, slices.Clone(g)
			if fixed == nil {
				res.hess = slices.Clone(h)
			}
			return res
		}
		polished = gmax(gu) <= gradTol && (fixed == nil || gmax(d) < 1e-9)
		if m := gmax(d); m > 2 {
			for i := range d {
				d[i] *= 2 / m
			}
		}
		slope := 0.0
		for i := range d {
			slope += gu[i] * d[i]
		}
		// Armijo on the increase, with room for the sum's rounding (~1e-15 relative) where the
		// last steps change LL by less than that.
		t, fn := 1.0, math.NaN()
		accepted := false
		for range 40 {
			for i := range u {
				un[i] = u[i] + t*d[i]
			}
			fn = math.NaN()
			if inside(un) {
				fn = at(un, gn, hn)
			}
			if finite(fn) && fn >= f+1e-4*t*slope-1e-13*math.Abs(f) {
				accepted = true
				break
			}
			if !inside(un) && t == 1 && gmax(d) < 1 {
				return res // heading for a bound: BFGS's active set takes over
			}
			t /= 2
		}
		if !accepted {
			return res
		}
		if fixed != nil {
			secantUpdate(fixed, un, u, gn, gu)
			copy(hn, fixed)
		}
		u, un = un, u
		gu, gn = gn, gu
		hu, hn = hn, hu
		f = fn
		res.u = slices.Clone(u)
	}
	return res
}

// secantUpdate applies the BFGS update to b, a negative definite approximation of the Hessian
// (k×k, row-major), for the step from u0 to u1 with gradients g0, g1: b ← b − (bs)(bs)ᵀ/(sᵀbs) +
// yyᵀ/(yᵀs), s = u1 − u0, y = g1 − g0, so that b s = y afterwards. Steps along which the
// gradient does not fall (yᵀs ≥ 0, as on a non-concave stretch) leave b unchanged, which keeps it
// negative definite.
func secantUpdate(b, u1, u0, g1, g0 []float64) {
	k := len(u0)
	s, y, bs := make([]float64, k), make([]float64, k), make([]float64, k)
	for i := range k {
		s[i], y[i] = u1[i]-u0[i], g1[i]-g0[i]
	}
	var sbs, ys float64
	for i := range k {
		for j := range k {
			bs[i] += b[i*k+j] * s[j]
		}
		sbs += s[i] * bs[i]
		ys += y[i] * s[i]
	}
	if !(ys < 0) || !(sbs < 0) {
		return
	}
	for i := range k {
		for j := range k {
			b[i*k+j] += -bs[i]*bs[j]/sbs + y[i]*y[j]/ys
		}
	}
}

// newtonStep solves (−H + μI) d = g for the ascent direction d, with μ = 0 when −H is positive
// definite and otherwise the smallest of μ = 1e-8·scale·10^j that makes it so.
func newtonStep(hu, gu, d []float64) bool {
	k := len(gu)
	m := mat.NewSymDense(k, nil)
	diag := 0.0
	for i := range k {
		diag = math.Max(diag, math.Abs(hu[i*k+i]))
	}
	for mu := 0.0; mu <= 1e10*math.Max(diag, 1); mu = math.Max(mu*10, 1e-8*math.Max(diag, 1e-300)) {
		for i := range k {
			for j := i; j < k; j++ {
				v := -(hu[i*k+j] + hu[j*k+i]) / 2
				if i == j {
					v += mu
				}
				m.SetSym(i, j, v)
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(m) {
			continue
		}
		var x mat.VecDense
		if err := ch.SolveVecTo(&x, mat.NewVecDense(k, slices.Clone(gu))); err != nil {
			continue
		}
		for i := range k {
			d[i] = x.AtVec(i)
		}
		return allFinite(d)
	}
	return false
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}
