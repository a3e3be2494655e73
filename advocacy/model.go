package advocacy

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"

	"fidelis"
)

// The advocacy score and the likely-advocate model.

// Score weights: the advocacy score is a documented 0–100 points sum.
//
//	promoter status (latest NPS 9–10: 30, passive 7–8: 10)              up to 30
//	referrals sent, 5 points each                                        up to 15
//	referrals converted, 10 points each                                  up to 25
//	social amplification: positive mentions 5 each, plus 1 per 10 shares up to 15
//	engagement: interactions in the last 90 days (RecentInteractions),
//	            1 point each                                             up to 15
//
// Weights follow the order of evidence of advocacy: a converted referral is proven advocacy, a
// promoter answer stated intent (Reichheld 2003, HBR 81(12)), mentions and engagement weaker signals.
const (
	ScorePromoter, ScorePassive        = 30.0, 10.0
	ScorePerReferral, CapReferral      = 5.0, 15.0
	ScorePerConverted, CapConverted    = 10.0, 25.0
	ScorePerPositive, CapSocial        = 5.0, 15.0
	ScorePerInteraction, CapEngagement = 1.0, 15.0
	// AdvocateThreshold is the score from which a customer counts as an advocate.
	AdvocateThreshold = 40.0
)

// RecentInteractions is the look-back of the engagement part of the advocacy score and of the
// model's "interactions (90 days)" feature: interactions from 90 days before the cut-off up to
// it. The one definition (the store is told it through fidelis.FeatureQuery.Recent). A quarter,
// so that one seasonal campaign does not dominate, and recent enough to reflect the customer's
// present relationship (the usual RFM-style look-back in CRM engagement scoring).
const RecentInteractions = 90 * 24 * time.Hour

// Score returns the advocacy score of a customer.
func Score(f fidelis.CustomerFeatures) float64 {
	s := 0.0
	switch {
	case f.NPS >= 9:
		s += ScorePromoter
	case f.NPS >= 7:
		s += ScorePassive
	}
	s += math.Min(CapReferral, ScorePerReferral*float64(f.Referrals))
	s += math.Min(CapConverted, ScorePerConverted*float64(f.Converted))
	s += math.Min(CapSocial, ScorePerPositive*float64(f.Positive)+float64(f.Shares)/10)
	s += math.Min(CapEngagement, ScorePerInteraction*float64(f.Interactions))
	return s
}

// FeatureNames names the model's inputs, in the order of Features.
var FeatureNames = []string{
	"log days since last order", "log orders", "log net revenue", "log tenure days",
	"promoter (NPS 9–10)", "detractor (NPS 0–6)", "no NPS answer", "other survey scores (0–1)",
	"programme member", "log points earned", "log interactions (90 days)", "channels used",
	"log social mentions", "log referrals sent", "log referrals converted",
}

// Features maps a customer's row to the model's inputs (log1p on counts and amounts, NPS as
// promoter/detractor/missing indicators, missing survey means as 0.5 with the NPS-missing flag).
func Features(f fidelis.CustomerFeatures) []float64 {
	x := make([]float64, len(FeatureNames))
	FillFeatures(x, f)
	return x
}

// FillFeatures writes Features(f) into x (len(FeatureNames) long), for callers that keep a
// million rows in blocks of their own and would otherwise allocate each row twice.
func FillFeatures(x []float64, f fidelis.CustomerFeatures) {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	l := func(x float64) float64 { return math.Log1p(math.Max(0, x)) }
	sv := f.SurveyMean
	if math.IsNaN(sv) {
		sv = 0.5
	}
	x[0], x[1], x[2], x[3] = l(f.RecencyDays), l(float64(f.Orders)), l(f.Revenue), l(f.TenureDays)
	x[4], x[5], x[6], x[7] = b(f.NPS >= 9), b(f.NPS <= 6), b(math.IsNaN(f.NPS)), sv
	x[8], x[9], x[10], x[11] = b(f.Member), l(f.Points), l(float64(f.Interactions)), float64(f.Channels)
	x[12], x[13], x[14] = l(float64(f.Mentions)), l(float64(f.Referrals)), l(float64(f.Converted))
}

// Model is an L2-regularised logistic regression on standardised features.
type Model struct {
	Names  []string  `json:"features"`
	Mean   []float64 `json:"mean"`
	Scale  []float64 `json:"scale"`
	Coef   []float64 `json:"coefficients"` // per standardised feature
	Bias   float64   `json:"intercept"`
	Lambda float64   `json:"l2_penalty"`
}

// DefaultLambda is the ridge penalty per observation: λ·½‖β‖² is added to the mean negative
// log-likelihood. 1e-3 barely shrinks a model fitted on thousands of customers, while keeping
// the optimum finite when a feature separates the classes (Hastie, Tibshirani & Friedman, ESL
// 2nd ed., §4.4.4).
const DefaultLambda = 1e-3

// Fit fits P(y=1|x) = σ(b + β·z), z the standardised x, by minimising the mean negative
// log-likelihood plus λ/2‖β‖² (intercept not penalised) with Newton's method: the analytic
// gradient and Hessian (1/n)·Σ p(1−p)·z̃z̃ᵀ + λI in one pass over the rows, the step solved by
// Cholesky and halved until the objective falls enough (Armijo). The objective is strictly
// convex, so Newton converges quadratically from zero: 6–9 passes over the rows where BFGS took
// ~85 and stopped on a failed line search a hair short of the optimum (coefficients then moved by
// at most 2e-7 relative; TestFitPinned says by how much).
func Fit(x [][]float64, y []bool, lambda float64) Model {
	n, k := len(x), len(FeatureNames)
	m := Model{Names: FeatureNames, Mean: make([]float64, k), Scale: make([]float64, k), Lambda: lambda}
	for _, r := range x {
		for j, v := range r {
			m.Mean[j] += v / float64(n)
		}
	}
	for _, r := range x {
		for j, v := range r {
			m.Scale[j] += (v - m.Mean[j]) * (v - m.Mean[j]) / float64(n)
		}
	}
	for j := range m.Scale {
		m.Scale[j] = math.Sqrt(m.Scale[j])
		if m.Scale[j] == 0 {
			m.Scale[j] = 1
		}
	}
	// The standardised rows in one array (at 1M customers 15 floats each, ~120 MB).
	zs := make([]float64, n*k)
	for i, r := range x {
		for j, v := range r {
			zs[i*k+j] = (v - m.Mean[j]) / m.Scale[j]
		}
	}
	w := make([]float64, k+1)
	if n == 0 {
		m.Coef, m.Bias = w[:k], w[k]
		return m
	}
	obj := newObjective(zs, y, k, lambda)
	f, g, h := obj.eval(w, true)
	next := make([]float64, k+1)
	for range maxNewton {
		d, ok := newtonStep(h, g, k+1)
		if !ok {
			break
		}
		slope := 0.0 // g·d < 0: d is a descent direction
		for j := range d {
			slope += g[j] * d[j]
		}
		if -slope < newtonTol {
			break // the Newton decrement: f is at its minimum to rounding
		}
		if -slope < fullStep {
			// Near the optimum the full step is safe (quadratic convergence), and the objective's
			// fall (~−slope/2) is below its rounding, so the Armijo test would refuse it by noise.
			for j := range w {
				w[j] += d[j]
			}
			f, g, h = obj.eval(w, true)
			continue
		}
		step, moved := 1.0, false
		for range 30 {
			for j := range w {
				next[j] = w[j] + step*d[j]
			}
			fn, gn, hn := obj.eval(next, true)
			if fn <= f+1e-4*step*slope {
				copy(w, next)
				f, g, h, moved = fn, gn, hn, true
				break
			}
			step /= 2
		}
		if !moved {
			break
		}
	}
	m.Coef, m.Bias = w[:k], w[k]
	return m
}

// maxNewton bounds Fit's Newton iterations; a fit converges in well under ten.
const maxNewton = 50

// newtonTol is the Newton decrement −g·d (twice the predicted fall of the objective) below which
// Fit stops: the gradient is then ~1e-11 or less, near rounding for sums of this many rows.
// Quadratic convergence takes the decrement from fullStep to below this in one or two passes.
// fullStep is the decrement below which Fit takes the full Newton step without a line search.
const newtonTol, fullStep = 1e-22, 1e-8

// objective is Fit's penalised mean negative log-likelihood over standardised rows.
type objective struct {
	zs      []float64
	y       []bool
	n, k    int
	lambda  float64
	blocks  int
	partF   []float64
	partG   []float64 // per block: k+1 gradient sums
	partH   []float64 // per block: the (k+1)² Hessian sums, upper triangle filled
	workers int
}

func newObjective(zs []float64, y []bool, k int, lambda float64) *objective {
	n := len(y)
	blocks := (n + fitBlock - 1) / fitBlock
	return &objective{zs: zs, y: y, n: n, k: k, lambda: lambda, blocks: blocks,
		partF: make([]float64, blocks), partG: make([]float64, blocks*(k+1)),
		partH: make([]float64, blocks*(k+1)*(k+1)), workers: min(runtime.GOMAXPROCS(0), blocks)}
}

// eval returns the objective, its gradient and (with hess) its Hessian at w (k coefficients, then
// the intercept). The rows are summed in fixed blocks of fitBlock, each block on whichever core is
// free and the blocks' sums added in block order: the result does not depend on the number of
// cores.
func (o *objective) eval(w []float64, hess bool) (float64, []float64, []float64) {
	k1 := o.k + 1
	var next atomic.Int64
	var wg sync.WaitGroup
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			zt := make([]float64, k1)
			for b := int(next.Add(1) - 1); b < o.blocks; b = int(next.Add(1) - 1) {
				o.block(b, w, zt, hess)
			}
		}()
	}
	wg.Wait()
	f, g, h := 0.0, make([]float64, k1), make([]float64, k1*k1)
	for b := range o.blocks {
		f += o.partF[b]
		for j, v := range o.partG[b*k1 : (b+1)*k1] {
			g[j] += v
		}
		if hess {
			for j, v := range o.partH[b*k1*k1 : (b+1)*k1*k1] {
				h[j] += v
			}
		}
	}
	nf := float64(o.n)
	f /= nf
	for j := range g {
		g[j] /= nf
	}
	for j := range h {
		h[j] /= nf
	}
	for j := 0; j < o.k; j++ {
		f += o.lambda / 2 * w[j] * w[j]
		g[j] += o.lambda * w[j]
		h[j*k1+j] += o.lambda
	}
	for a := range k1 { // mirror the upper triangle
		for c := a + 1; c < k1; c++ {
			h[c*k1+a] = h[a*k1+c]
		}
	}
	return f, g, h
}

// block sums block b's rows into partF, partG and (with hess) partH; zt is scratch for one row
// with its constant 1 appended.
func (o *objective) block(b int, w, zt []float64, hess bool) {
	k, k1 := o.k, o.k+1
	f, g, h := 0.0, o.partG[b*k1:(b+1)*k1], o.partH[b*k1*k1:(b+1)*k1*k1]
	clear(g)
	if hess {
		clear(h)
	}
	zt[k] = 1
	for i := b * fitBlock; i < min(o.n, (b+1)*fitBlock); i++ {
		copy(zt, o.zs[i*k:(i+1)*k])
		eta := 0.0
		for j, v := range zt {
			eta += w[j] * v
		}
		// −log-likelihood, stable: log(1+e^η) − y·η; one exponential serves every term.
		e := math.Exp(-math.Abs(eta))
		f += softplusE(eta, e)
		p := sigmoidE(eta, e)
		r := p
		if o.y[i] {
			f -= eta
			r -= 1
		}
		for j, v := range zt {
			g[j] += r * v
		}
		if hess {
			q := p * (1 - p)
			for a, va := range zt {
				qa, row := q*va, h[a*k1:]
				for c := a; c < k1; c++ {
					row[c] += qa * zt[c]
				}
			}
		}
	}
	o.partF[b] = f
}

// newtonStep solves h·d = −g for the Newton direction by Cholesky; false when h is not positive
// definite (only when every row is identical and λ is zero).
func newtonStep(h, g []float64, k1 int) ([]float64, bool) {
	var c mat.Cholesky
	if !c.Factorize(mat.NewSymDense(k1, slices.Clone(h))) {
		return nil, false
	}
	d := mat.NewVecDense(k1, nil)
	if err := c.SolveVecTo(d, mat.NewVecDense(k1, slices.Clone(g))); err != nil {
		return nil, false
	}
	out := make([]float64, k1)
	for j := range out {
		out[j] = -d.AtVec(j)
	}
	return out, true
}

// fitBlock is the number of rows summed together in one piece of Fit's objective.
const fitBlock = 8192

func (m Model) standardise(x []float64) []float64 {
	z := make([]float64, len(x))
	for j, v := range x {
		z[j] = (v - m.Mean[j]) / m.Scale[j]
	}
	return z
}

// Predict returns P(advocate) for the raw features x.
func (m Model) Predict(x []float64) float64 {
	eta := m.Bias
	for j, v := range m.standardise(x) {
		eta += m.Coef[j] * v
	}
	return sigmoid(eta)
}

// Reasons returns the (at most n) features that raise a customer's predicted probability most —
// the largest positive contributions β_j·z_j — each marked "high" or "low" by the side of the
// average the customer is on (z_j > 0 or < 0).
func (m Model) Reasons(x []float64, n int) []string {
	z := m.standardise(x)
	idx := make([]int, len(z))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return m.Coef[idx[a]]*z[idx[a]] > m.Coef[idx[b]]*z[idx[b]] })
	var out []string
	for _, j := range idx[:min(n, len(idx))] {
		if m.Coef[j]*z[j] > 0 {
			side := "high"
			if z[j] < 0 {
				side = "low"
			}
			out = append(out, side+" "+m.Names[j])
		}
	}
	return out
}

func sigmoid(x float64) float64 { return sigmoidE(x, math.Exp(-math.Abs(x))) }

// sigmoidE is sigmoid(x) given e = exp(−|x|).
func sigmoidE(x, e float64) float64 {
	if x >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

// softplusE is log(1+eˣ) given e = exp(−|x|).
func softplusE(x, e float64) float64 {
	if x > 0 {
		return x + math.Log1p(e)
	}
	return math.Log1p(e)
}

// AUC is the area under the ROC curve: the probability that a random positive scores above a
// random negative (ties count half), by the Mann–Whitney rank statistic (Hanley & McNeil 1982,
// Radiology 143(1)). NaN without both classes.
func AUC(score []float64, y []bool) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 .. j
		for _, t := range idx[i:j] {
			if y[t] {
				rankSum += avg
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// TopDecileLift is the positive rate among the 10% highest scores ÷ the overall positive rate.
func TopDecileLift(score []float64, y []bool) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	top := int(math.Ceil(float64(len(idx)) / 10))
	var pt, pa float64
	for r, i := range idx {
		if y[i] {
			pa++
			if r < top {
				pt++
			}
		}
	}
	if pa == 0 || top == 0 {
		return math.NaN()
	}
	return (pt / float64(top)) / (pa / float64(len(idx)))
}
