package btyd

import (
	"cmp"
	"math"
	"slices"

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
	mod     bool     // MBG/NBD variant
	pairs   *txPairs // rows grouped by (T, t_x); built on first use
}

// txPairs groups rows by their distinct (T, t_x) pair, rows within a pair in increasing x, so the
// likelihood can compute powers of (α+T)/(α+t_x) once per pair and step through x by multiplication.
type txPairs struct {
	start []int32 // pair p holds rows start[p] to start[p+1]-1 of w and ix; start ends with len(w)
	iT    []int32 // pair → index in ts
	itx   []int32 // pair → index in txs
	// The rows' weights and x indexes in pair order, for sequential access.
	w  []float64
	ix []int32
}

func groupPairs(d *txData) *txPairs {
	n := len(d.ix)
	ord := make([]int32, n)
	for i := range ord {
		ord[i] = int32(i)
	}
	slices.SortFunc(ord, func(i, j int32) int {
		if c := cmp.Compare(d.iT[i], d.iT[j]); c != 0 {
			return c
		}
		if c := cmp.Compare(d.itx[i], d.itx[j]); c != 0 {
			return c
		}
		return cmp.Compare(d.xs[d.ix[i]], d.xs[d.ix[j]])
	})
	p := &txPairs{}
	for k, j := range ord {
		if k == 0 || d.iT[j] != d.iT[ord[k-1]] || d.itx[j] != d.itx[ord[k-1]] {
			p.start = append(p.start, int32(k))
			p.iT = append(p.iT, d.iT[j])
			p.itx = append(p.itx, d.itx[j])
		}
	}
	p.start = append(p.start, int32(n))
	p.w = make([]float64, n)
	p.ix = make([]int32, n)
	for k, j := range ord {
		p.w[k], p.ix[k] = d.w[j], d.ix[j]
	}
	return p
}

// eval implements objective. See BGNBD and MBGNBD for the formulas; the gradient follows by
// differentiating each log term (digamma for the gamma-function ratios).
//
// Per row, with A3 = −(r+x) ln(α+T) and A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x), the log of the
// bracket is A3 + ln(1+E), E = e^(A4−A3) = a/(b+x−1) · e^(rD) · (e^D)^x, D = ln(α+T) − ln(α+t_x).
// Rows sharing (T, t_x) share e^(rD) and e^D, and their powers of e^D follow by multiplication in
// increasing x, so a row costs one logarithm and no exponential. When |A4−A3| could leave the
// range where E is a safe double, the row takes the direct log-space path (logAddExp).
func (o *bgnbdObj) eval(p, grad []float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	d := o.d
	if o.pairs == nil {
		o.pairs = groupPairs(d)
	}
	pr := o.pairs
	nx := len(d.xs)
	// Per distinct x: the gamma-function terms and their derivatives.
	type xterm struct {
		c, dr, da, db float64 // ln Γ(r+x)−ln Γ(r) + ln B(a, b+x[+1]) − ln B(a,b), and derivatives
		lb, ib        float64 // ln(b+x−1) [b+x for MBG], 1/(b+x−1)
		ab            float64 // a/(b+x−1) [a/(b+x) for MBG]
		live          bool    // second term present
	}
	xt := make([]xterm, nx)
	lgr, _ := math.Lgamma(r)
	lgb, _ := math.Lgamma(b)
	lgab, _ := math.Lgamma(a + b)
	psr, psb, psab := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	off := 0.0
	if o.mod {
		off = 1
	}
	for i, x := range d.xs {
		lrx, _ := math.Lgamma(r + x)
		lbx, _ := math.Lgamma(b + x + off)
		labx, _ := math.Lgamma(a + b + x + off)
		t := xterm{
			c:  lrx - lgr + lbx - lgb + lgab - labx,
			dr: mathext.Digamma(r+x) - psr,
			da: psab - mathext.Digamma(a+b+x+off),
		}
		t.db = mathext.Digamma(b+x+off) - psb + t.da
		if o.mod {
			t.live = true
			t.lb, t.ib = math.Log(b+x), 1/(b+x)
		} else if x > 0 {
			t.live = true
			t.lb, t.ib = math.Log(b+x-1), 1/(b+x-1)
		}
		t.ab = a * t.ib
		xt[i] = t
	}
	lT := make([]float64, len(d.ts))
	iT := make([]float64, len(d.ts))
	for i, T := range d.ts {
		lT[i], iT[i] = math.Log(alpha+T), 1/(alpha+T)
	}
	lt := make([]float64, len(d.txs))
	it := make([]float64, len(d.txs))
	for i, t := range d.txs {
		lt[i], it[i] = math.Log(alpha+t), 1/(alpha+t)
	}
	la, ia, lalpha := math.Log(a), 1/a, math.Log(alpha)
	// |A4−A3| below this keeps E and 1+E far from overflow and underflow.
	const safe = 600
	return parallelSum(len(d.w), o.workers, 4, grad, func(lo, hi int, g []float64) float64 {
		// This chunk handles the pairs that start in [lo, hi).
		p0, _ := slices.BinarySearch(pr.start[:len(pr.start)-1], int32(lo))
		p1, _ := slices.BinarySearch(pr.start[:len(pr.start)-1], int32(hi))
		var ll, gr, gal, ga, gb float64
		for q := p0; q < p1; q++ {
			lTq, iTq := lT[pr.iT[q]], iT[pr.iT[q]]
			ltq, itq := lt[pr.itx[q]], it[pr.itx[q]]
			D := lTq - ltq
			eD, erD := math.Exp(D), math.Exp(r*D)
			pw, px := 1.0, 0.0 // pw = eD^px
			for k := pr.start[q]; k < pr.start[q+1]; k++ {
				w := pr.w[k]
				if w == 0 {
					continue
				}
				ixk := pr.ix[k]
				x := d.xs[ixk]
				t := &xt[ixk]
				rx := r + x
				a3 := -rx * lTq
				v, om3, om4 := a3, 1.0, 0.0
				if t.live {
					if s := la - t.lb + rx*D; s > -safe && s < safe {
						if x-px > 16 {
							pw, px = math.Pow(eD, x), x
						}
						for ; px < x; px++ {
							pw *= eD
						}
						E := t.ab * erD * pw
						om3 = 1 / (1 + E)
						om4 = E * om3
						v = a3 + logGE1(1+E)
					} else {
						v, om3 = logAddExp(a3, la-t.lb-rx*ltq)
						om4 = 1 - om3
					}
				}
				ll += w * (t.c + r*lalpha + v)
				if g == nil {
					continue
				}
				gr += w * (t.dr + lalpha - om3*lTq - om4*ltq)
				gal += w * (r/alpha - rx*(om3*iTq+om4*itq))
				ga += w * (t.da + om4*ia)
				gb += w * (t.db - om4*t.ib)
			}
		}
		if g != nil {
			g[0] += gr
			g[1] += gal
			g[2] += ga
			g[3] += gb
		}
		return ll
	})
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
	res, err := fit(pr, bgnbdStart(rows), &o)
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
