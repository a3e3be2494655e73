package btyd

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGBB is the beta-geometric/beta-Bernoulli model for discrete transaction opportunities of Fader,
// Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual Setting",
// Marketing Science 29(6), 1086–1108.
//
// At each of n opportunities an active customer transacts with probability p ~ Beta(α, β), and
// before each later opportunity drops out with probability θ ~ Beta(γ, δ). With x transactions, the
// last at opportunity t_x, the likelihood is (paper, eq. 5)
//
//	L = B(α+x, β+n−x)/B(α, β) · B(γ, δ+n)/B(γ, δ)
//	  + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α, β) · B(γ+1, δ+t_x+i)/B(γ, δ).
//
// Rows carry x in X, t_x in Tx and n in T (all whole numbers, x ≤ t_x ≤ n).
type BGBB struct {
	Alpha, Beta, Gamma, Delta float64
}

// BGBBNames are the BG/BB parameter names in [Result.Names] order.
var BGBBNames = []string{"alpha", "beta", "gamma", "delta"}

// Params returns the parameters in [BGBBNames] order.
func (m BGBB) Params() []float64 { return []float64{m.Alpha, m.Beta, m.Gamma, m.Delta} }

type bgbbObj struct {
	rows []Row
	w    []float64
}

// terms returns the log of each likelihood term of a row and, when grad is wanted, each term's
// derivatives w.r.t. (α, β, γ, δ).
func bgbbTerms(p []float64, x, tx, n float64, lt []float64, dt [][4]float64, wantGrad bool) ([]float64, [][4]float64) {
	a, b, g, d := p[0], p[1], p[2], p[3]
	lab, lgd := mathext.Lbeta(a, b), mathext.Lbeta(g, d)
	var ca, cb, cg, cd float64
	if wantGrad {
		pab, pgd := mathext.Digamma(a+b), mathext.Digamma(g+d)
		ca, cb = mathext.Digamma(a)-pab, mathext.Digamma(b)-pab
		cg, cd = mathext.Digamma(g)-pgd, mathext.Digamma(d)-pgd
	}
	lt = append(lt[:0], mathext.Lbeta(a+x, b+n-x)-lab+mathext.Lbeta(g, d+n)-lgd)
	dt = dt[:0]
	if wantGrad {
		s1, s2 := mathext.Digamma(a+b+n), mathext.Digamma(g+d+n)
		dt = append(dt, [4]float64{
			mathext.Digamma(a+x) - s1 - ca, mathext.Digamma(b+n-x) - s1 - cb,
			mathext.Digamma(g) - s2 - cg, mathext.Digamma(d+n) - s2 - cd})
	}
	for i := 0.0; i <= n-tx-1; i++ {
		lt = append(lt, mathext.Lbeta(a+x, b+tx-x+i)-lab+mathext.Lbeta(g+1, d+tx+i)-lgd)
		if wantGrad {
			s1, s2 := mathext.Digamma(a+b+tx+i), mathext.Digamma(g+d+tx+i+1)
			dt = append(dt, [4]float64{
				mathext.Digamma(a+x) - s1 - ca, mathext.Digamma(b+tx-x+i) - s1 - cb,
				mathext.Digamma(g+1) - s2 - cg, mathext.Digamma(d+tx+i) - s2 - cd})
		}
	}
	return lt, dt
}

func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	if math.IsInf(m, -1) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

func (o *bgbbObj) eval(p, grad []float64) float64 {
	var ll float64
	var g [4]float64
	var lt []float64
	var dt [][4]float64
	for j, r := range o.rows {
		w := o.w[j]
		if w == 0 {
			continue
		}
		lt, dt = bgbbTerms(p, r.X, r.Tx, r.T, lt, dt, grad != nil)
		l := logSumExp(lt)
		ll += w * l
		if grad != nil {
			for i, v := range lt {
				s := w * math.Exp(v-l)
				for k := range g {
					g[k] += s * dt[i][k]
				}
			}
		}
	}
	if grad != nil {
		copy(grad, g[:])
	}
	return ll
}

func validateBGBB(rows []Row) error {
	if err := validateRows(rows); err != nil {
		return err
	}
	for i, r := range rows {
		if r.Tx != math.Trunc(r.Tx) || r.T != math.Trunc(r.T) || r.X > r.Tx && r.X > 0 || r.T < 1 {
			return fmt.Errorf("btyd: BG/BB row %d: need whole numbers with x ≤ t_x ≤ n and n ≥ 1, got x=%v t_x=%v n=%v", i, r.X, r.Tx, r.T)
		}
	}
	return nil
}

// FitBGBB fits the BG/BB model to rows (x, t_x, n) with weights, e.g. the 11,104 donors of Fader,
// Hardie & Shang (2010) compress to 22 rows.
func FitBGBB(rows []Row, opts *FitOptions) (BGBB, *Result, error) {
	if err := validateBGBB(rows); err != nil {
		return BGBB{}, nil, err
	}
	rows = CompressRows(rows)
	w := make([]float64, len(rows))
	for i, r := range rows {
		w[i] = r.Weight
	}
	pr := &problem{model: "bgbb", names: BGBBNames, n: totalWeight(rows), rows: len(rows), weights: w,
		build: func(ww []float64) objective {
			if ww == nil {
				ww = w
			}
			return &bgbbObj{rows: rows, w: ww}
		}}
	res, err := fit(pr, []float64{1, 1, 1, 1}, opts)
	if err != nil {
		return BGBB{}, nil, err
	}
	p := res.Params
	return BGBB{p[0], p[1], p[2], p[3]}, res, nil
}

// LogLik returns the total log-likelihood of (x, t_x, n) rows.
func (m BGBB) LogLik(rows []Row) float64 {
	w := make([]float64, len(rows))
	for i, r := range rows {
		w[i] = r.Weight
	}
	return (&bgbbObj{rows: rows, w: w}).eval(m.Params(), nil)
}

func (m BGBB) logL(x, tx, n float64) float64 {
	lt, _ := bgbbTerms(m.Params(), x, tx, n, nil, nil, false)
	return logSumExp(lt)
}

// PAlive is the probability of being active at opportunity n+1 given (x, t_x, n) (Fader, Hardie &
// Shang 2010, eq. 11): B(α+x, β+n−x)/B(α, β) · B(γ, δ+n+1)/B(γ, δ) / L.
func (m BGBB) PAlive(x, tx, n float64) float64 {
	l := mathext.Lbeta(m.Alpha+x, m.Beta+n-x) - mathext.Lbeta(m.Alpha, m.Beta) +
		mathext.Lbeta(m.Gamma, m.Delta+n+1) - mathext.Lbeta(m.Gamma, m.Delta)
	return math.Exp(l - m.logL(x, tx, n))
}

// ExpectedPurchases is the expected number of transactions in the next k opportunities, n+1..n+k,
// given (x, t_x, n) (Fader, Hardie & Shang 2010, eq. 13, before its telescoping):
//
//	E[X(n, n+k) | x, t_x, n] = (1/L) · B(α+x+1, β+n−x)/B(α, β) · Σ_{j=1}^{k} B(γ, δ+n+j)/B(γ, δ).
func (m BGBB) ExpectedPurchases(k int, x, tx, n float64) float64 {
	lp := mathext.Lbeta(m.Alpha+x+1, m.Beta+n-x) - mathext.Lbeta(m.Alpha, m.Beta) - m.logL(x, tx, n)
	lgd := mathext.Lbeta(m.Gamma, m.Delta)
	s := 0.0
	for j := 1; j <= k; j++ {
		s += math.Exp(lp + mathext.Lbeta(m.Gamma, m.Delta+n+float64(j)) - lgd)
	}
	return s
}

// ExpectedCumulative is E[X(n)], the mean number of transactions of a new customer in the first n
// opportunities (Fader, Hardie & Shang 2010, eq. 7): α/(α+β) · Σ_{j=1}^{n} B(γ, δ+j)/B(γ, δ).
func (m BGBB) ExpectedCumulative(n int) float64 {
	lgd := mathext.Lbeta(m.Gamma, m.Delta)
	s := 0.0
	for j := 1; j <= n; j++ {
		s += math.Exp(mathext.Lbeta(m.Gamma, m.Delta+float64(j)) - lgd)
	}
	return m.Alpha / (m.Alpha + m.Beta) * s
}
