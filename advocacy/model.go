package advocacy

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/optimize"

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
	return []float64{l(f.RecencyDays), l(float64(f.Orders)), l(f.Revenue), l(f.TenureDays),
		b(f.NPS >= 9), b(f.NPS <= 6), b(math.IsNaN(f.NPS)), sv,
		b(f.Member), l(f.Points), l(float64(f.Interactions)), float64(f.Channels),
		l(float64(f.Mentions)), l(float64(f.Referrals)), l(float64(f.Converted))}
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
// log-likelihood plus λ/2‖β‖² (intercept not penalised) with gonum's BFGS and the analytic
// gradient.
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
	// The rows are summed in fixed blocks of fitBlock, each block on whichever core is free and
	// the blocks' sums added in block order: the result does not depend on the number of cores.
	blocks := (n + fitBlock - 1) / fitBlock
	partF := make([]float64, blocks)
	partG := make([]float64, blocks*(k+1))
	block := func(b int, w []float64) {
		f, g := 0.0, partG[b*(k+1):(b+1)*(k+1)]
		clear(g)
		for i := b * fitBlock; i < min(n, (b+1)*fitBlock); i++ {
			zi := zs[i*k : (i+1)*k]
			eta := w[k]
			for j, v := range zi {
				eta += w[j] * v
			}
			// −log-likelihood, stable: log(1+e^η) − y·η; one exponential serves both terms.
			e := math.Exp(-math.Abs(eta))
			f += softplusE(eta, e)
			r := sigmoidE(eta, e)
			if y[i] {
				f -= eta
				r -= 1
			}
			for j, v := range zi {
				g[j] += r * v
			}
			g[k] += r
		}
		partF[b] = f
	}
	workers := min(runtime.GOMAXPROCS(0), blocks)
	fg := func(grad, w []float64) float64 {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := int(next.Add(1) - 1); b < blocks; b = int(next.Add(1) - 1) {
					block(b, w)
				}
			}()
		}
		wg.Wait()
		clear(grad)
		f := 0.0
		for b := range blocks {
			f += partF[b]
			for j, v := range partG[b*(k+1) : (b+1)*(k+1)] {
				grad[j] += v
			}
		}
		for j := range grad {
			grad[j] /= float64(n)
		}
		f /= float64(n)
		for j := 0; j < k; j++ {
			f += lambda / 2 * w[j] * w[j]
			grad[j] += lambda * w[j]
		}
		return f
	}
	// The optimiser asks for the value and then the gradient at the same point: one pass over the
	// rows computes both, and the second call reuses it.
	var lastW, lastG []float64
	var lastF float64
	eval := func(w []float64) {
		if lastW == nil || !slices.Equal(w, lastW) {
			lastW, lastG = slices.Clone(w), make([]float64, k+1)
			lastF = fg(lastG, w)
		}
	}
	p := optimize.Problem{
		Func: func(w []float64) float64 { eval(w); return lastF },
		Grad: func(g, w []float64) { eval(w); copy(g, lastG) },
	}
	w0 := make([]float64, k+1)
	res, err := optimize.Minimize(p, w0, nil, &optimize.BFGS{})
	w := w0
	if res != nil && (err == nil || res.X != nil) {
		w = res.X
	}
	m.Coef, m.Bias = w[:k], w[k]
	return m
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
