package btyd

import (
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// ParetoNBD is the Pareto/NBD model of Schmittlein, Morrison & Colombo (1987), "Counting Your
// Customers: Who Are They and What Will They Do Next?", Management Science 33(1), 1–24.
//
// While active a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the unobserved
// lifetime is exponential with rate μ ~ Gamma(s, β). The likelihood of (x, t_x, T) is (Fader &
// Hardie 2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions", eq. 19, written
// with the integral that its hypergeometric terms evaluate)
//
//	L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ],
//
// and ∫_{τ}^{∞} (α+u)^−(r+x)(β+u)^−(s+1) du = (α+τ)^−(r+s+x)/(r+s+x) ₂F₁(r+s+x, s+1; r+s+x+1;
// (α−β)/(α+τ)) for α ≥ β (the symmetric form for α < β). Fidelis evaluates that tail integral in log
// space by a positive-term series after Euler's transformation (see lnF), so the likelihood is finite
// and smooth for α < β, α > β, α = β and frequencies in the thousands.
type ParetoNBD struct {
	R, Alpha, S, Beta float64
}

// ParetoNBDNames are the Pareto/NBD parameter names in [Result.Names] order.
var ParetoNBDNames = []string{"r", "alpha", "s", "beta"}

// Params returns the parameters in [ParetoNBDNames] order.
func (m ParetoNBD) Params() []float64 { return []float64{m.R, m.Alpha, m.S, m.Beta} }

type paretoObj struct {
	d *txData
	// The two hypergeometric terms of a row depend on (x, T) and (x, t_x) alone: they are
	// computed once per distinct pair (on the 1M-customer summary, 398k rows share ~40k (x, T)
	// and ~60k (x, t_x) pairs), which matters most where they need the quadrature.
	pairs   [][2]int32 // distinct (x index, T index)
	pairOf  []int32    // row → pair
	pairs1  [][2]int32 // distinct (x index, t_x index)
	pair1Of []int32    // row → pairs1
	minTau  []float64  // per x index: the smallest T or t_x of its pairs (see newLnFPre)
	workers int
	ctx     context.Context // nil: never stopped
	exact   bool            // rows by paretoRowT alone (tests: the reference for paretoFactors)
}

func (o *paretoObj) withContext(ctx context.Context) objective {
	c := *o
	c.ctx = ctx
	return &c
}

// stopped reports whether the evaluation should give up (checked every 1024 rows).
func (o *paretoObj) stopped(i int) bool { return o.ctx != nil && i&1023 == 0 && o.ctx.Err() != nil }

// paretoBounds bound |log θ| in the Pareto/NBD fit: shapes r, s in [1e-4, 1e4], scales α, β in
// [1e-6, 1e6] (time units). On data with one common dropout rate the likelihood keeps rising as s
// and β grow together (the Gamma mixing of dropout rates collapses to a point), and the fit used
// to follow that ridge to s ≈ β ≈ 1.6e15, where every evaluation needed tens of thousands of
// series terms per customer and the fit stalled (issue #14). At s = 1e4 the spread of dropout
// rates is 1% of their mean, already indistinguishable from none; BTYD's pnbd caps parameters at
// 1e4 for the same reason, and the model gate rejects shapes above 1e4 and scales above 1e6 as
// unidentified. Scales get more room: β = s/E[μ] exceeds 1e4 for long-lived customers measured
// in days.
var paretoBounds = []float64{math.Log(1e4), math.Log(1e6), math.Log(1e4), math.Log(1e6)}

func newParetoObj(d *txData, workers int) *paretoObj {
	o := &paretoObj{d: d, workers: workers}
	pi := d.pairIndex()
	o.pairs, o.pairOf = pi.xT, pi.ofT
	o.pairs1, o.pair1Of = pi.xt, pi.oft
	o.minTau = make([]float64, len(d.xs))
	for i := range o.minTau {
		o.minTau[i] = math.Inf(1)
	}
	for _, k := range o.pairs {
		o.minTau[k[0]] = math.Min(o.minTau[k[0]], d.ts[k[1]])
	}
	for _, k := range o.pairs1 {
		o.minTau[k[0]] = math.Min(o.minTau[k[0]], d.txs[k[1]])
	}
	return o
}

// lnFAt fills f with the hypergeometric term at time τ for x purchases (see lnF).
func lnFAt(f *lnFv, r, alpha, s, beta, x, tau float64) {
	f.f, f.dA, f.dB, f.dp, f.dq = lnF(alpha+tau, beta+tau, r+x, s+1)
}

type lnFv struct{ f, dA, dB, dp, dq float64 }

// paretoRow returns the row log-likelihood without the ln Γ(r+x) − ln Γ(r) + r ln α + s ln β part,
// its derivatives w.r.t. (r, α, s, β), and P(alive), given the terms f1 at t_x and f2 at T.
func paretoRow(r, alpha, s, beta, x, tx, T float64, f1, f2 lnFv) (v, gr, ga, gs, gb, palive float64) {
	t := paretoTAt(alpha, beta, T)
	return paretoRowT(r, s, x, math.Log(s), t.first(r, s, x), t, f1, f2, tx >= T)
}

// paretoT holds the terms of a row that depend on T alone: ln(α+T), ln(β+T) and their reciprocals.
type paretoT struct{ lA, lB, iA, iB float64 }

func paretoTAt(alpha, beta, T float64) paretoT {
	return paretoT{math.Log(alpha + T), math.Log(beta + T), 1 / (alpha + T), 1 / (beta + T)}
}

// first is ln of the likelihood's first term, (α+T)^−(r+x) (β+T)^−s.
func (t paretoT) first(r, s, x float64) float64 { return -(r+x)*t.lA - s*t.lB }

// paretoRowT is paretoRow with the T terms, ln s and the first term le already computed (they are
// shared by many rows); same says t_x = T, where the integral from t_x to T vanishes. The three
// terms are scaled by the larger of e^le and s·e^f1 (which bounds s·e^f2), so a row costs two
// exponentials and one logarithm.
func paretoRowT(r, s, x, ls, le float64, t paretoT, f1, f2 lnFv, same bool) (v, gr, ga, gs, gb, palive float64) {
	l1 := ls + f1.f
	var e, g1, g2, lm float64
	if le >= l1 {
		lm, e, g1 = le, 1, math.Exp(l1-le)
		g2 = g1
		if !same {
			g2 = g1 * math.Exp(f2.f-f1.f)
		}
	} else {
		lm, e, g1, g2 = l1, math.Exp(le-l1), 1, 1
		if !same {
			g2 = math.Exp(f2.f - f1.f)
		}
	}
	return paretoRowTail(r, s, x, lm, e, g1, g2, t, f1, f2)
}

// paretoRowTail finishes a row from its three terms scaled by e^−lm: e (the first), g1 and g2 (s·F
// at t_x and at T).
func paretoRowTail(r, s, x, lm, e, g1, g2 float64, t paretoT, f1, f2 lnFv) (v, gr, ga, gs, gb, palive float64) {
	d := g1 - g2
	if d < 0 {
		d = 0
	}
	G := e + d
	v = lm + math.Log(G)
	// ∂/∂θ of (E1 + s(F1−F2)), scaled by e^−lm, then divided by G.
	iG := 1 / G
	gr = (e*(-t.lA) + g1*f1.dp - g2*f2.dp) * iG
	ga = (e*(-(r+x)*t.iA) + g1*f1.dA - g2*f2.dA) * iG
	gs = (e*(-t.lB) + d/s + g1*f1.dq - g2*f2.dq) * iG
	gb = (e*(-s*t.iB) + g1*f1.dB - g2*f2.dB) * iG
	palive = e * iG
	return
}

func (o *paretoObj) eval(p, grad []float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	d := o.d
	type xterm struct{ c, dr float64 }
	xt := make([]xterm, len(d.xs))
	lgr, _ := math.Lgamma(r)
	psr := mathext.Digamma(r)
	for i, x := range d.xs {
		l, _ := math.Lgamma(r + x)
		xt[i] = xterm{l - lgr, mathext.Digamma(r+x) - psr}
	}
	// The hypergeometric terms at T (per distinct (x, T)) and at t_x (per distinct (x, t_x)), with
	// what the pairs share computed once (lnFPre: the same values as lnFAt's, to the bit).
	pre := newLnFPre(r, alpha, s, beta, d.xs, o.minTau)
	logs := func(taus []float64) (la, lb []float64) {
		la, lb = make([]float64, len(taus)), make([]float64, len(taus))
		for i, t := range taus {
			la[i], lb[i] = math.Log(alpha+t), math.Log(beta+t)
		}
		return
	}
	laT, lbT := logs(d.ts)
	lat, lbt := logs(d.txs)
	f2 := make([]lnFv, len(o.pairs))
	f1 := make([]lnFv, len(o.pairs1))
	n2 := len(o.pairs)
	if math.IsNaN(parallelSum(n2+len(o.pairs1), o.workers, 0, nil, func(lo, hi int, _ []float64) float64 {
		for i := lo; i < hi; i++ {
			if o.stopped(i - lo) {
				return math.NaN()
			}
			if i < n2 {
				k := o.pairs[i]
				pre.at(&f2[i], r, s, d.xs[k[0]], int(k[0]), d.ts[k[1]], laT[k[1]], lbT[k[1]])
			} else {
				k := o.pairs1[i-n2]
				pre.at(&f1[i-n2], r, s, d.xs[k[0]], int(k[0]), d.txs[k[1]], lat[k[1]], lbt[k[1]])
			}
		}
		return 0
	})) {
		return math.NaN()
	}
	// Terms per distinct T and per distinct (x, T): the rows share them.
	tt := make([]paretoT, len(d.ts))
	for i, T := range d.ts {
		tt[i] = paretoTAt(alpha, beta, T)
	}
	le := make([]float64, n2)
	for i, k := range o.pairs {
		le[i] = tt[k[1]].first(r, s, d.xs[k[0]])
	}
	ls := math.Log(s)
	la, lb := math.Log(alpha), math.Log(beta)
	fac := o.factors(ls, le, f1, f2)
	return parallelSum(len(d.w), o.workers, 4, grad, func(lo, hi int, g []float64) float64 {
		var ll, s0, s1, s2, s3 float64
		for j := lo; j < hi; j++ {
			if o.stopped(j - lo) {
				return math.NaN()
			}
			w := d.w[j]
			if w == 0 {
				continue
			}
			x, iT := d.xs[d.ix[j]], d.iT[j]
			k, k1 := o.pairOf[j], o.pair1Of[j]
			same := d.txs[d.itx[j]] >= d.ts[iT]
			var v, gr, ga, gs, gb float64
			// The row's two exponentials as products of its pairs' factors (see factors), unless
			// a product leaves the range where it is a safe double.
			R, Q := fac.l1[k1]*fac.l2[k], fac.e2[k]*fac.e1[k1]
			if R > 0 && R < math.Inf(1) && Q > 0 && Q < math.Inf(1) && !o.exact {
				v, gr, ga, gs, gb = paretoRowRQ(r, s, x, le[k], ls+f1[k1].f, tt[iT], f1[k1], f2[k], same, R, Q)
			} else {
				v, gr, ga, gs, gb, _ = paretoRowT(r, s, x, ls, le[k], tt[iT], f1[k1], f2[k], same)
			}
			t := xt[d.ix[j]]
			ll += w * (t.c + r*la + s*lb + v)
			s0 += w * (t.dr + la + gr)
			s1 += w * (r/alpha + ga)
			s2 += w * (lb + gs)
			s3 += w * (s/beta + gb)
		}
		if g != nil {
			g[0] += s0
			g[1] += s1
			g[2] += s2
			g[3] += s3
		}
		return ll
	})
}

// paretoFactors split a row's exponentials e^(l1−le) and e^(f2−f1) (see paretoRowT; l1 = ln s + f1)
// into a factor per (x, t_x) pair and one per (x, T) pair, taken about a centre per x:
// e^(l1−le) = l1f·l2f with l1f = e^(l1−c'), l2f = e^(c'−le), and e^(f2−f1) = e2f·e1f with
// e2f = e^(f2−c), e1f = e^(c−f1). The pairs are ~20% as many as the rows, so a row costs one
// logarithm and no exponential. A factor whose exponent exceeds ±650 is NaN, sending its rows to
// paretoRowT. The results agree with paretoRowT's to ~1e-15 relative (two roundings instead of one).
type paretoFactors struct{ l1, l2, e1, e2 []float64 }

func (o *paretoObj) factors(ls float64, le []float64, f1, f2 []lnFv) paretoFactors {
	nx := len(o.d.xs)
	// Centres: the middle of each x's range of ln s + f1 and le (c'), and of f1 and f2 (c).
	lo1, hi1 := make([]float64, nx), make([]float64, nx)
	lo2, hi2 := make([]float64, nx), make([]float64, nx)
	for i := range nx {
		lo1[i], hi1[i], lo2[i], hi2[i] = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	}
	for i, k := range o.pairs1 {
		x := k[0]
		lo1[x], hi1[x] = math.Min(lo1[x], ls+f1[i].f), math.Max(hi1[x], ls+f1[i].f)
		lo2[x], hi2[x] = math.Min(lo2[x], f1[i].f), math.Max(hi2[x], f1[i].f)
	}
	for i, k := range o.pairs {
		x := k[0]
		lo1[x], hi1[x] = math.Min(lo1[x], le[i]), math.Max(hi1[x], le[i])
		lo2[x], hi2[x] = math.Min(lo2[x], f2[i].f), math.Max(hi2[x], f2[i].f)
	}
	const safe = 650
	ex := func(e float64) float64 {
		if !(math.Abs(e) <= safe) {
			return math.NaN()
		}
		return math.Exp(e)
	}
	f := paretoFactors{make([]float64, len(o.pairs1)), make([]float64, len(o.pairs)), make([]float64, len(o.pairs1)), make([]float64, len(o.pairs))}
	for i, k := range o.pairs1 {
		c1, c2 := (lo1[k[0]]+hi1[k[0]])/2, (lo2[k[0]]+hi2[k[0]])/2
		f.l1[i], f.e1[i] = ex(ls+f1[i].f-c1), ex(c2-f1[i].f)
	}
	for i, k := range o.pairs {
		c1, c2 := (lo1[k[0]]+hi1[k[0]])/2, (lo2[k[0]]+hi2[k[0]])/2
		f.l2[i], f.e2[i] = ex(c1-le[i]), ex(f2[i].f-c2)
	}
	return f
}

// paretoRowRQ is paretoRowT with R = e^(l1−le) and Q = e^(f2−f1) given.
func paretoRowRQ(r, s, x, le, l1 float64, t paretoT, f1, f2 lnFv, same bool, R, Q float64) (v, gr, ga, gs, gb float64) {
	var e, g1, g2, lm float64
	if le >= l1 {
		lm, e, g1 = le, 1, R
		g2 = g1
		if !same {
			g2 = g1 * Q
		}
	} else {
		lm, e, g1, g2 = l1, 1/R, 1, 1
		if !same {
			g2 = Q
		}
	}
	v, gr, ga, gs, gb, _ = paretoRowTail(r, s, x, lm, e, g1, g2, t, f1, f2)
	return
}

func paretoStart(rows []Row) []float64 {
	rate, _ := startRate(rows)
	Ts := make([]float64, 0, len(rows))
	for _, r := range rows {
		Ts = append(Ts, r.T)
	}
	slices.Sort(Ts)
	medT := math.Max(Ts[len(Ts)/2], 1e-3)
	return []float64{1, 1 / rate, 1, medT}
}

// FitParetoNBD fits the Pareto/NBD model by maximum likelihood to weighted rows.
func FitParetoNBD(rows []Row, opts *FitOptions) (ParetoNBD, *Result, error) {
	if err := validateRows(rows); err != nil {
		return ParetoNBD{}, nil, err
	}
	d := compileRows(rows)
	o := opts.withDefaults()
	base := newParetoObj(d, o.Workers)
	pr := &problem{model: "paretonbd", names: ParetoNBDNames, n: totalWeight(rows), rows: len(rows), weights: d.w, bounds: paretoBounds,
		build: func(w []float64) objective {
			c := *base
			c.d = d.withWeights(w)
			return &c
		}}
	// Pareto/NBD has no analytic Hessian (the hypergeometric terms' second derivatives): from a
	// sample's optimum its Newton steps use the sample's curvature (problem.curvature).
	start, curv := coarseStart(rows, paretoStart(rows), o, true, func(sub []Row, so *FitOptions) (*Result, error) {
		_, r, err := FitParetoNBD(sub, so)
		return r, err
	})
	pr.curvature = curv
	res, err := fit(pr, start, &o)
	if err != nil {
		return ParetoNBD{}, nil, err
	}
	p := res.Params
	return ParetoNBD{p[0], p[1], p[2], p[3]}, res, nil
}

// LogLik returns the total log-likelihood Σ weight × ln L of the rows.
func (m ParetoNBD) LogLik(rows []Row) float64 {
	return newParetoObj(compileRows(rows), 1).eval(m.Params(), nil)
}

// PAlive is P(τ > T | x, t_x, T), the probability that the customer is still active (Fader & Hardie
// 2005 note, eq. 18): the share of the likelihood's first term,
//
//	P(alive) = (α+T)^−(r+x) (β+T)^−s / [ (α+T)^−(r+x) (β+T)^−s + s ∫_{t_x}^{T} (α+τ)^−(r+x)(β+τ)^−(s+1) dτ ].
func (m ParetoNBD) PAlive(x, tx, T float64) float64 {
	if x == 0 {
		tx = 0
	}
	var f1, f2 lnFv
	lnFAt(&f1, m.R, m.Alpha, m.S, m.Beta, x, tx)
	lnFAt(&f2, m.R, m.Alpha, m.S, m.Beta, x, T)
	_, _, _, _, _, pa := paretoRow(m.R, m.Alpha, m.S, m.Beta, x, tx, T, f1, f2)
	return pa
}

// growth returns [1 − (1+u)^−k]/k, with its limit ln(1+u) at k = 0, computed without cancellation.
func growth(k, u float64) float64 {
	l := math.Log1p(u)
	if math.Abs(k*l) < 1e-12 {
		return l
	}
	return -math.Expm1(-k*l) / k
}

// ExpectedPurchases is E[Y(t) | x, t_x, T], the expected purchases in (T, T+t] (Schmittlein et al.
// 1987, eq. 22; Fader & Hardie 2005 note, eq. 20):
//
//	E[Y(t)|…] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive | x, t_x, T),
//
// with the s → 1 limit (r+x)(β+T)/(α+T) · ln(1 + t/(β+T)).
func (m ParetoNBD) ExpectedPurchases(t, x, tx, T float64) float64 {
	return expectedPurchases(m, t, x, tx, T)
}

// activeExpected is E[Y(t) | active at T, x, T], the factor before P(alive) above.
func (m ParetoNBD) activeExpected(t, x, T float64) float64 {
	return (m.R + x) / (m.Alpha + T) * (m.Beta + T) * growth(m.S-1, t/(m.Beta+T))
}

// ExpectedCumulative is E[X(t)], the mean number of purchases of a new customer in (0, t]
// (Schmittlein et al. 1987, eq. 17): E[X(t)] = rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)].
func (m ParetoNBD) ExpectedCumulative(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return m.R / m.Alpha * m.Beta * growth(m.S-1, t/m.Beta)
}
