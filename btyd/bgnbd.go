package btyd

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is the beta-geometric/negative-binomial distribution model of Fader, Hardie & Lee (2005),
// "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science
// 24(2), 275–284.
//
// While active, a customer buys as a Poisson process with rate λ ~ Gamma(r, α) (shape r, rate α);
// after each purchase the customer drops out with probability p ~ Beta(a, b). For a customer with x
// repeat purchases, the last at t_x, observed for T, the likelihood is (paper, eq. 6)
//
//	L(r, α, a, b | x, t_x, T) = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
//	                          + δ(x>0) · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)),
//
// evaluated here in log space as ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) +
// logaddexp(−(r+x) ln(α+T), ln a − ln(b+x−1) − (r+x) ln(α+t_x)).
type BGNBD struct {
	R, Alpha, A, B float64
}

// BGNBDNames are the BG/NBD parameter names in [Result.Names] order.
var BGNBDNames = []string{"r", "alpha", "a", "b"}

// Params returns the parameters in [BGNBDNames] order.
func (m BGNBD) Params() []float64 { return []float64{m.R, m.Alpha, m.A, m.B} }

type bgnbdObj struct {
	d       *txData
	workers int
	mod     bool      // MBG/NBD variant
	wx      []float64 // Σ weights per distinct x; computed on first use
	// pT and pt keep the pair factors' memory from one evaluation to the next (an objective is
	// evaluated by one goroutine at a time): a fit evaluates ~8 times, and fresh memory is costly
	// (see adviseHuge).
	pT, pt []float64
}

// bgnbdAcc names the sums one pass over the rows accumulates (see bgnbdObj.sums).
const (
	accLL  = iota // Σ w v
	accR          // Σ w (π3 lT + π4 lt)
	accAl         // Σ w (r+x)(π3 iT + π4 it)
	accA          // Σ w π4
	accB          // Σ w π4 ib
	accIT         // Σ w (π3 iT + π4 it)            (Hessian from here on)
	accIT2        // Σ w (r+x)(π3 iT² + π4 it²)
	accB2         // Σ w π4 ib²
	accQDD        // Σ q D², q = w π3 π4, D = lT − lt
	accQDa        // Σ q D δα, δα = (r+x)(iT − it)
	accQD         // Σ q D
	accQDb        // Σ q D ib
	accQaa        // Σ q δα²
	accQa         // Σ q δα
	accQab        // Σ q δα ib
	accQ          // Σ q
	accQb         // Σ q ib
	accQbb        // Σ q ib²
	nAcc
)

// eval implements objective.
func (o *bgnbdObj) eval(p, grad []float64) float64 { return o.evalHess(p, grad, nil) }

// evalHess implements hessianObjective. See BGNBD and MBGNBD for the formulas.
//
// Per row the log-likelihood is c(x) + r ln α + v, v = ln(e^A3 + e^A4), A3 = −(r+x) ln(α+T) and
// A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x) (MBG/NBD: b+x), the second term absent when x = 0
// (BG/NBD). c(x), the gamma-function terms, depends on x alone and enters once per distinct x,
// times that x's total weight. With π4 = e^A4/(e^A3+e^A4) = E/(1+E), E = e^(A4−A3), π3 = 1−π4,
// the derivatives of v are π3 ∂A3 + π4 ∂A4, the second derivatives π3 ∂²A3 + π4 ∂²A4 + π3π4 δδᵀ
// with δ = ∂A4 − ∂A3 = (ln(α+T) − ln(α+t_x), (r+x)(1/(α+T) − 1/(α+t_x)), 1/a, −1/(b+x−1)).
//
// E = a/(b+x−1) · ((α+T)/(α+t_x))^(r+x) is the product of a factor per x, one per distinct (x, T)
// and one per distinct (x, t_x) (the powers taken about a common ln(α+T₀) so that neither
// overflows where E does not): a row costs one logarithm and no exponential, the exponentials
// being per pair (on the 1M-customer export summary ~40k and ~190k pairs for 398k rows). Where a
// factor or E leaves the range where it is a safe double, the row takes the log-space path
// (logAddExp).
func (o *bgnbdObj) evalHess(p, grad, hess []float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	d := o.d
	pi := d.pairIndex()
	off := 0.0
	if o.mod {
		off = 1
	}
	// Per distinct x: a/(b+x−1) and ln, 1/ of b+x−1 (b+x for MBG/NBD); the x-only terms are
	// summed below with the x's total weight.
	type xterm struct {
		ab, lb, ib, rx float64
		live           bool // second term present
	}
	xt := make([]xterm, len(d.xs))
	for i, x := range d.xs {
		t := xterm{rx: r + x}
		if o.mod || x > 0 {
			bb := b + x - 1 + off
			t.live, t.lb, t.ib, t.ab = true, math.Log(bb), 1/bb, a/bb
		}
		xt[i] = t
	}
	lT := make([]float64, len(d.ts))
	iT := make([]float64, len(d.ts))
	l0 := math.Inf(1) // the middle of ln(α+T) over T
	lmax := math.Inf(-1)
	for i, T := range d.ts {
		lT[i], iT[i] = math.Log(alpha+T), 1/(alpha+T)
		l0, lmax = math.Min(l0, lT[i]), math.Max(lmax, lT[i])
	}
	l0 = (l0 + lmax) / 2
	lt := make([]float64, len(d.txs))
	it := make([]float64, len(d.txs))
	for i, t := range d.txs {
		lt[i], it[i] = math.Log(alpha+t), 1/(alpha+t)
	}
	// Pair factors e^((r+x)(ln(α+T) − l0)) and e^((r+x)(l0 − ln(α+t_x))); NaN marks one that would
	// not be a safe double, sending its rows to the log-space path.
	const safe = 650
	pow := func(e float64) float64 {
		if math.Abs(e) > safe {
			return math.NaN()
		}
		return math.Exp(e)
	}
	o.pT, o.pt = resize(o.pT, len(pi.xT)), resize(o.pt, len(pi.xt))
	pT, pt := o.pT, o.pt
	forEachChunk(len(pT)+len(pt), o.workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if i < len(pT) {
				k := pi.xT[i]
				pT[i] = pow(xt[k[0]].rx * (lT[k[1]] - l0))
			} else {
				k := pi.xt[i-len(pT)]
				pt[i-len(pT)] = pow(xt[k[0]].rx * (l0 - lt[k[1]]))
			}
		}
	})
	la := math.Log(a)
	wantHess := hess != nil
	var s [nAcc]float64
	parallelSum(len(d.w), o.workers, nAcc, s[:], func(lo, hi int, acc []float64) float64 {
		var c [nAcc]float64
		for j := lo; j < hi; j++ {
			w := d.w[j]
			if w == 0 {
				continue
			}
			t := &xt[d.ix[j]]
			kT, kt := d.iT[j], d.itx[j]
			lTq, iTq := lT[kT], iT[kT]
			a3 := -t.rx * lTq
			if !t.live {
				c[accLL] += w * a3
				c[accR] += w * lTq
				c[accAl] += w * t.rx * iTq
				if wantHess {
					c[accIT] += w * iTq
					c[accIT2] += w * t.rx * iTq * iTq
				}
				continue
			}
			ltq, itq := lt[kt], it[kt]
			var v, om3, om4 float64
			if E := t.ab * pT[pi.ofT[j]] * pt[pi.oft[j]]; E > 1e-270 && E < 1e270 {
				om3 = 1 / (1 + E)
				om4 = E * om3
				v = a3 + logGE1(1+E)
			} else {
				v, om3 = logAddExp(a3, la-t.lb-t.rx*ltq)
				om4 = 1 - om3
			}
			wi := om3*iTq + om4*itq
			c[accLL] += w * v
			c[accR] += w * (om3*lTq + om4*ltq)
			c[accAl] += w * t.rx * wi
			c[accA] += w * om4
			c[accB] += w * om4 * t.ib
			if !wantHess {
				continue
			}
			c[accIT] += w * wi
			c[accIT2] += w * t.rx * (om3*iTq*iTq + om4*itq*itq)
			c[accB2] += w * om4 * t.ib * t.ib
			q := w * om3 * om4
			D := lTq - ltq
			da := t.rx * (iTq - itq)
			c[accQDD] += q * D * D
			c[accQDa] += q * D * da
			c[accQD] += q * D
			c[accQDb] += q * D * t.ib
			c[accQaa] += q * da * da
			c[accQa] += q * da
			c[accQab] += q * da * t.ib
			c[accQ] += q
			c[accQb] += q * t.ib
			c[accQbb] += q * t.ib * t.ib
		}
		for i := range c {
			acc[i] += c[i]
		}
		return 0
	})
	// The terms of x alone, once per distinct x: c(x) = ln Γ(r+x) − ln Γ(r) + ln B(a, b+x') −
	// ln B(a, b), x' = x (MBG/NBD: x+1), its derivatives, and r ln α.
	lgr, _ := math.Lgamma(r)
	lgb, _ := math.Lgamma(b)
	lgab, _ := math.Lgamma(a + b)
	psr, psb, psab := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	var t1r, t1b, t1ab float64
	if wantHess {
		t1r, t1b, t1ab = trigamma(r), trigamma(b), trigamma(a+b)
	}
	if o.wx == nil {
		// Σ weights per distinct x (the weights are fixed for the objective's life).
		o.wx = make([]float64, len(d.xs))
		for j, w := range d.w {
			o.wx[d.ix[j]] += w
		}
	}
	var ll, gr, ga, gb, hrr, haa, hbb, W float64
	for i, x := range d.xs {
		wx := o.wx[i]
		W += wx
		if wx == 0 {
			continue
		}
		xo := x + off
		lrx, _ := math.Lgamma(r + x)
		lbx, _ := math.Lgamma(b + xo)
		labx, _ := math.Lgamma(a + b + xo)
		ll += wx * (lrx - lgr + lbx - lgb + lgab - labx)
		dab := psab - mathext.Digamma(a+b+xo)
		gr += wx * (mathext.Digamma(r+x) - psr)
		ga += wx * dab
		gb += wx * (mathext.Digamma(b+xo) - psb + dab)
		if wantHess {
			hab := t1ab - trigamma(a+b+xo)
			hrr += wx * (trigamma(r+x) - t1r)
			haa += wx * hab
			hbb += wx * (trigamma(b+xo) - t1b + hab)
		}
	}
	lalpha := math.Log(alpha)
	ll += W*r*lalpha + s[accLL]
	if grad != nil {
		grad[0] = gr + W*lalpha - s[accR]
		grad[1] = W*r/alpha - s[accAl]
		grad[2] = ga + s[accA]/a
		grad[3] = gb - s[accB]
	}
	if wantHess {
		ia := 1 / a
		h := [4][4]float64{
			{hrr + s[accQDD], W/alpha - s[accIT] + s[accQDa], s[accQD] * ia, -s[accQDb]},
			{0, -W*r/(alpha*alpha) + s[accIT2] + s[accQaa], s[accQa] * ia, -s[accQab]},
			{0, 0, haa + (s[accQ]-s[accA])*ia*ia, haa - s[accQb]*ia},
			{0, 0, 0, hbb + s[accQbb] + s[accB2]},
		}
		for i := range 4 {
			for j := i; j < 4; j++ {
				hess[i*4+j], hess[j*4+i] = h[i][j], h[i][j]
			}
		}
	}
	return ll
}

func bgnbdStart(rows []Row) []float64 {
	rate, _ := startRate(rows)
	return []float64{1, 1 / rate, 1, 3}
}

// FitBGNBD fits the BG/NBD model by maximum likelihood to weighted rows (see [Compress]).
func FitBGNBD(rows []Row, opts *FitOptions) (BGNBD, *Result, error) {
	if err := validateRows(rows); err != nil {
		return BGNBD{}, nil, err
	}
	d := compileRows(rows)
	o := opts.withDefaults()
	pr := &problem{model: "bgnbd", names: BGNBDNames, n: totalWeight(rows), rows: len(rows), weights: d.w,
		build: func(w []float64) objective { return &bgnbdObj{d: d.withWeights(w), workers: o.Workers} }}
	start, _ := coarseStart(rows, bgnbdStart(rows), o, false, func(sub []Row, so *FitOptions) (*Result, error) {
		_, r, err := FitBGNBD(sub, so)
		return r, err
	})
	res, err := fit(pr, start, &o)
	if err != nil {
		return BGNBD{}, nil, err
	}
	p := res.Params
	return BGNBD{p[0], p[1], p[2], p[3]}, res, nil
}

// LogLik returns the total log-likelihood Σ weight × ln L of the rows.
func (m BGNBD) LogLik(rows []Row) float64 {
	return (&bgnbdObj{d: compileRows(rows), workers: 1}).eval(m.Params(), nil)
}

// PAlive is the probability that a customer with history (x, t_x, T) is still active at T (Fader,
// Hardie & Lee 2005, eq. 11; Fader, Hardie & Lee 2008 note "Computing P(alive) using the BG/NBD
// model"):
//
//	P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
func (m BGNBD) PAlive(x, tx, T float64) float64 {
	if x <= 0 {
		return 1
	}
	l := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
	return 1 / (1 + math.Exp(l))
}

// ExpectedPurchases is the conditional expectation E[Y(t) | x, t_x, T] of the number of purchases
// in (T, T+t] (Fader, Hardie & Lee 2005, eq. 10):
//
//	E[Y(t)|x,t_x,T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
//	                  / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
//
// The bracket is evaluated through Euler's transformation, ((α+T)/(α+T+t))^(r+x) ₂F₁(…) =
// (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z) with z = t/(α+T+t), summed with a bounded number of
// terms, or integrated numerically where that series is slow or inexact (see betaMeanG): finite,
// in bounded time, for every valid input.
func (m BGNBD) ExpectedPurchases(t, x, tx, T float64) float64 {
	return expectedPurchases(m, t, x, tx, T)
}

// activeExpected is the bracket of ExpectedPurchases: E[Y(t) | active at T, x, T].
func (m BGNBD) activeExpected(t, x, T float64) float64 {
	return bgnbdBracket(m.R, m.Alpha, m.A, m.B, t, x, T, -1)
}

// bgnbdBracket returns the expected purchases in (T, T+t] of a customer with x repeat purchases
// who is active at T: (a+b'−1)/(a−1) · [1 − (1−z)^(a−1) ₂F₁(a+b−1−r+off, a−1; a+b'−1; z)] with
// b' = b+x+off and z = t/(α+T+t); off = 0 for BG/NBD (flag −1) and 1 for MBG/NBD (flag 1). See
// betaMeanG for how it is evaluated.
func bgnbdBracket(r, alpha, a, b, t, x, T float64, flag int) float64 {
	off := 0.0
	if flag > 0 {
		off = 1
	}
	return betaMeanG(r+x, t/(alpha+T), a, b+x+off)
}

// ExpectedCumulative is the population mean number of repeat purchases of a customer in (0, t]
// after the first purchase (Fader, Hardie & Lee 2005, eq. 9):
//
//	E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
func (m BGNBD) ExpectedCumulative(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return bgnbdBracket(m.R, m.Alpha, m.A, m.B, t, 0, 0, -1)
}

// PNumPurchases is the unconditional probability P(X(t) = n) that a new customer makes exactly n
// repeat purchases in (0, t] (Fader, Hardie & Lee 2005, eq. 8):
//
//	P(X(t)=n) = B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n
//	          + δ(n>0) B(a+1, b+n−1)/B(a, b) · P(NBD(r, α; t) ≥ n),
//
// where P(NBD ≥ n) = 1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j = I_{t/(α+t)}(n, r), the
// regularized incomplete beta function.
func (m BGNBD) PNumPurchases(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	x := float64(n)
	if t <= 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	lb0 := mathext.Lbeta(a, b)
	lg1, _ := math.Lgamma(r + x)
	lg2, _ := math.Lgamma(r)
	lg3, _ := math.Lgamma(x + 1)
	p1 := math.Exp(mathext.Lbeta(a, b+x) - lb0 + lg1 - lg2 - lg3 + r*math.Log(al/(al+t)) + x*math.Log(t/(al+t)))
	if n == 0 {
		return p1
	}
	p2 := math.Exp(mathext.Lbeta(a+1, b+x-1)-lb0) * mathext.RegIncBeta(x, r, t/(al+t))
	return p1 + p2
}

// logTab holds, for the 128 intervals [1+i/128, 1+(i+1)/128) of the mantissa, 1/c and ln c at the
// interval's centre c (interval 0 uses c = 1 exactly, so arguments near 1 lose nothing).
var logTab = func() (t [128]struct{ invc, logc float64 }) {
	for i := range t {
		c := 1 + (float64(i)+0.5)/128
		if i == 0 {
			c = 1
		}
		t[i].invc = 1 / c
		t[i].logc = -math.Log(t[i].invc)
	}
	return t
}()

// logGE1 returns ln y for finite y ≥ 1, several times faster than math.Log: y = 2^k m,
// ln y = k ln 2 + ln c + ln(1+r) with r = m/c − 1 (one rounding, by FMA), |r| < 1/128, and ln(1+r) by
// its Taylor series to r^9 (Estrin's scheme). The absolute error is within about 2e-16·max(1, ln y) (tested against
// math.Log), which is below the rounding of the sums it enters.
func logGE1(y float64) float64 {
	const ln2hi, ln2lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
	ix := math.Float64bits(y)
	k := float64(int(ix>>52) - 1023)
	i := (ix >> 45) & 127
	m := math.Float64frombits(ix&(1<<52-1) | 1023<<52)
	e := &logTab[i]
	r := math.FMA(m, e.invc, -1)
	// Estrin's scheme: short dependency chains.
	r2 := r * r
	r4 := r2 * r2
	a := r2 * (-1.0/2 + r*(1.0/3))
	b := (-1.0/4 + r*(1.0/5)) + r2*(-1.0/6+r*(1.0/7))
	c := -1.0/8 + r*(1.0/9)
	p := r + (a + r4*(b+r4*c))
	return k*ln2hi + (e.logc + (p + k*ln2lo))
}

// resize returns s with length n, reusing its memory when it can (contents unspecified).
func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
