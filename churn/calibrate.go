package churn

import (
	"math"
	"slices"
	"sort"
)

// Calibrator maps a model's probability to a calibrated one, fitted on a held-out fold.
type Calibrator struct {
	// Method is "isotonic" (pool-adjacent-violators; Zadrozny & Elkan 2002, KDD) with at least
	// IsotonicMin held-out rows, otherwise "platt" (a logistic fit on the log-odds; Platt 1999),
	// whose two parameters need far fewer rows than isotonic's steps.
	Method string
	// Isotonic: Upper[k] is the largest input of block k, Value[k] its positive rate; inputs
	// between blocks take the next block's value (a step function, non-decreasing).
	Upper, Value []float64
	// Platt: calibrated = σ(A·logit(p) + B).
	A, B float64
}

// IsotonicMin is the fewest held-out rows for isotonic calibration.
const IsotonicMin = 1000

// FitCalibrator fits a calibrator on held-out probabilities p and outcomes y (0/1).
func FitCalibrator(p, y []float64) *Calibrator {
	if len(p) >= IsotonicMin {
		return FitIsotonic(p, y)
	}
	return FitPlatt(p, y)
}

// FitIsotonic fits the pool-adjacent-violators step function.
func FitIsotonic(p, y []float64) *Calibrator {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	type block struct{ sum, n, upper float64 }
	var st []block
	for k := 0; k < len(idx); {
		// Tied inputs form one block, so equal inputs always get equal outputs.
		b := block{upper: p[idx[k]]}
		for ; k < len(idx) && p[idx[k]] == b.upper; k++ {
			b.sum += y[idx[k]]
			b.n++
		}
		st = append(st, b)
		for len(st) > 1 && st[len(st)-2].sum/st[len(st)-2].n >= st[len(st)-1].sum/st[len(st)-1].n {
			a, c := st[len(st)-2], st[len(st)-1]
			st = st[:len(st)-2]
			st = append(st, block{sum: a.sum + c.sum, n: a.n + c.n, upper: c.upper})
		}
	}
	c := &Calibrator{Method: "isotonic"}
	for _, b := range st {
		c.Upper = append(c.Upper, b.upper)
		c.Value = append(c.Value, b.sum/b.n)
	}
	return c
}

// FitPlatt fits Platt scaling.
func FitPlatt(p, y []float64) *Calibrator {
	// Newton's method on (A, B) with Platt's smoothed targets, which keep the fit finite when
	// the classes separate.
	var np, nn float64
	for _, v := range y {
		np += v
	}
	nn = float64(len(y)) - np
	tp, tn := (np+1)/(np+2), 1/(nn+2)
	z := make([]float64, len(p))
	for i, v := range p {
		v = min(max(v, 1e-12), 1-1e-12)
		z[i] = math.Log(v / (1 - v))
	}
	a, b := 1.0, 0.0
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, zi := range z {
			t := tn
			if y[i] == 1 {
				t = tp
			}
			q := sigmoid(a*zi + b)
			r, w := q-t, max(q*(1-q), 1e-12)
			ga += r * zi
			gb += r
			haa += w * zi * zi
			hab += w * zi
			hbb += w
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		a, b = a-da, b-db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return &Calibrator{Method: "platt", A: a, B: b}
}

// Apply returns the calibrated probability of p.
func (c *Calibrator) Apply(p float64) float64 {
	if c == nil {
		return p
	}
	if c.Method == "platt" {
		p = min(max(p, 1e-12), 1-1e-12)
		return sigmoid(c.A*math.Log(p/(1-p)) + c.B)
	}
	k, _ := slices.BinarySearch(c.Upper, p)
	if k == len(c.Upper) {
		k--
	}
	return c.Value[k]
}

// ApplyAll calibrates every probability in place.
func (c *Calibrator) ApplyAll(p []float64) {
	for i, v := range p {
		p[i] = c.Apply(v)
	}
}
