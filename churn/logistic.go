package churn

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/optimize"
)

// Logistic is an L2-regularised logistic regression, the transparent baseline. Each feature is
// standardised on the training rows (mean 0, standard deviation 1, clipped to ±5 so that one
// extreme customer cannot dominate), missing values are set to the mean (0 after standardising)
// and, for features with any missing value in training, an indicator "missing" gets its own
// coefficient.
type Logistic struct {
	Mean, SD  []float64
	HasMiss   []bool
	Intercept float64
	Coef      []float64 // per standardised feature
	MissCoef  []float64 // per feature, 0 where HasMiss is false
	Lambda    float64
}

// logBlock is the rows FitLogistic scores at a time.
const logBlock = 512

// FitLogistic maximises the mean log-likelihood minus λ/2·‖coef‖² (the intercept is not
// penalised) with L-BFGS (gonum/optimize). λ ≤ 0 takes 1e-4.
func FitLogistic(ctx context.Context, x *Matrix, y []float64, lambda float64) (*Logistic, error) {
	if lambda <= 0 {
		lambda = 1e-4
	}
	p := len(x.Cols)
	m := &Logistic{Mean: make([]float64, p), SD: make([]float64, p), HasMiss: make([]bool, p), Lambda: lambda}
	for f, c := range x.Cols {
		var s, ss, n float64
		for _, v := range c {
			if v == v {
				s += float64(v)
				ss += float64(v) * float64(v)
				n++
			} else {
				m.HasMiss[f] = true
			}
		}
		if n > 0 {
			m.Mean[f] = s / n
			m.SD[f] = math.Sqrt(max(ss/n-m.Mean[f]*m.Mean[f], 0))
		}
	}
	// Design columns: p standardised values, then p missing indicators (unused ones stay 0).
	z := make([][]float32, 2*p)
	for f := range p {
		z[f] = make([]float32, x.N)
		if m.HasMiss[f] {
			z[p+f] = make([]float32, x.N)
		}
		for i, v := range x.Cols[f] {
			if v != v {
				z[p+f][i] = 1
				continue
			}
			z[f][i] = float32(m.std(f, float64(v)))
		}
	}
	n := float64(x.N)
	var mu sync.Mutex
	fg := func(grad, w []float64) float64 {
		b := w[0]
		coef := w[1:]
		for k := range grad {
			grad[k] = 0
		}
		var loss float64
		parallel(x.N, func(lo, hi int) {
			g := make([]float64, len(grad))
			var l float64
			// Blocks of rows, column by column: the columns are read in order (a row at a
			// time would touch every column's cache line per row), and each score and each
			// gradient term still adds its terms in the same order as a row at a time.
			var sb, rb [logBlock]float64
			for b0 := lo; b0 < hi; b0 += logBlock {
				m := min(logBlock, hi-b0)
				s, r := sb[:m], rb[:m]
				for j := range s {
					s[j] = b
				}
				for k, c := range z {
					if c != nil {
						ck := coef[k]
						for j, v := range c[b0 : b0+m] {
							s[j] += ck * float64(v)
						}
					}
				}
				for j, sj := range s {
					yi := y[b0+j]
					// logLoss and sigmoid, sharing e^(−s) where both use it (s > 0).
					if sj > 0 {
						e := math.Exp(-sj)
						l += sj + math.Log1p(e) - yi*sj
						r[j] = 1/(1+e) - yi
					} else {
						l += logLoss(sj, yi)
						r[j] = sigmoid(sj) - yi
					}
					g[0] += r[j]
				}
				for k, c := range z {
					if c != nil {
						gk := g[k+1]
						for j, v := range c[b0 : b0+m] {
							gk += r[j] * float64(v)
						}
						g[k+1] = gk
					}
				}
			}
			mu.Lock()
			loss += l
			for k := range g {
				grad[k] += g[k]
			}
			mu.Unlock()
		})
		loss /= n
		for k := range grad {
			grad[k] /= n
		}
		for k, c := range coef {
			loss += lambda / 2 * c * c
			grad[k+1] += lambda * c
		}
		return loss
	}
	// gonum asks for the value and the gradient separately at the same point; one pass computes
	// both and the other call reuses it.
	var lastW, lastG []float64
	var lastF float64
	eval := func(w []float64) {
		if lastW != nil && slices.Equal(w, lastW) {
			return
		}
		lastW, lastG = slices.Clone(w), make([]float64, len(w))
		lastF = fg(lastG, w)
	}
	prob := optimize.Problem{
		Func: func(w []float64) float64 { eval(w); return lastF },
		Grad: func(grad, w []float64) { eval(w); copy(grad, lastG) },
	}
	w0 := make([]float64, 2*p+1)
	var pos float64
	for _, v := range y {
		pos += v
	}
	if pos > 0 && pos < n {
		w0[0] = math.Log(pos / (n - pos))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := optimize.Minimize(prob, w0, &optimize.Settings{GradientThreshold: 1e-6, MajorIterations: 300}, &optimize.LBFGS{})
	if res == nil {
		return nil, fmt.Errorf("logistic regression: %w", err)
	}
	m.Intercept = res.X[0]
	m.Coef = res.X[1 : p+1]
	m.MissCoef = res.X[p+1:]
	return m, nil
}

func (m *Logistic) std(f int, v float64) float64 {
	if m.SD[f] == 0 {
		return 0
	}
	return max(-5, min(5, (v-m.Mean[f])/m.SD[f]))
}

// Score returns the log-odds of row i of x.
func (m *Logistic) Score(x *Matrix, i int) float64 {
	s := m.Intercept
	for f, c := range x.Cols {
		v := c[i]
		if v != v {
			if m.HasMiss[f] {
				s += m.MissCoef[f]
			}
			continue
		}
		s += m.Coef[f] * m.std(f, float64(v))
	}
	return s
}

// Predict returns the probability of the positive class for every row of x.
func (m *Logistic) Predict(x *Matrix) []float64 {
	out := make([]float64, x.N)
	parallel(x.N, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = sigmoid(m.Score(x, i))
		}
	})
	return out
}
