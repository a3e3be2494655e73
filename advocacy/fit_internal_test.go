package advocacy

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitAtOptimum: the fitted coefficients are the penalised likelihood's stationary point, to
// rounding: the gradient there is below 1e-10 in every component (the former BFGS fit stopped
// where it was ~1e-8), and the objective is no higher than at a small step in any coordinate.
func TestFitAtOptimum(t *testing.T) {
	for _, n := range []int{4000, 30000} {
		x, y := PinData(n)
		k := len(FeatureNames)
		m := Fit(x, y, DefaultLambda)
		zs := make([]float64, n*k)
		for i, row := range x {
			copy(zs[i*k:], m.standardise(row))
		}
		o := newObjective(zs, y, k, DefaultLambda)
		w := append(append([]float64{}, m.Coef...), m.Bias)
		f, g, _ := o.eval(w, false)
		for j, v := range g {
			if math.Abs(v) > 1e-10 {
				t.Errorf("n=%d: gradient %d at the fit is %.3g", n, j, v)
			}
		}
		for j := range w {
			for _, h := range []float64{-1e-4, 1e-4} {
				v := append([]float64{}, w...)
				v[j] += h
				if fv, _, _ := o.eval(v, false); fv < f {
					t.Errorf("n=%d: moving coefficient %d by %g lowers the objective %.17g to %.17g", n, j, h, f, fv)
				}
			}
		}
	}
}

// PinData returns the seeded customers of the pinned fits (TestFitPinned): n rows of features and
// labels drawn from a logistic model.
func PinData(n int) ([][]float64, []bool) {
	r := rand.New(rand.NewPCG(3, 4))
	k := len(FeatureNames)
	x, y := make([][]float64, n), make([]bool, n)
	for i := range x {
		x[i] = make([]float64, k)
		eta := -1.5
		for j := range x[i] {
			x[i][j] = r.NormFloat64() + float64(j%3)
			eta += 0.3 * float64(j%5-2) * x[i][j]
		}
		y[i] = r.Float64() < 1/(1+math.Exp(-eta))
	}
	return x, y
}
