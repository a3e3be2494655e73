package btyd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestParetoFactorsMatchExact checks that the Pareto/NBD objective with a row's exponentials taken
// as products of per-pair factors (paretoFactors) equals the one with paretoRowT's exponentials,
// log-likelihood and gradient, to 1e-12 relative, over a grid of parameters (α below, equal to and
// above β, shapes 0.05 to 1e3) on 5,000 rows with frequencies up to 800 and two-decimal times. A
// gradient component is compared relative to itself or, where it is near zero (as at an optimum),
// to 1e-3 of the mean log-likelihood per row, the scale of a row's contribution.
func TestParetoFactorsMatchExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	rows := make([]Row, 5_000)
	for i := range rows {
		T := math.Round(rng.Float64()*5200) / 100
		x := float64(rng.IntN(30))
		if rng.IntN(100) == 0 {
			x = float64(100 + rng.IntN(700))
		}
		tx := 0.0
		if x > 0 {
			tx = math.Round(rng.Float64()*T*100) / 100
		}
		rows[i] = Row{X: x, Tx: tx, T: T, Weight: float64(1 + rng.IntN(3))}
	}
	d := compileRows(rows)
	fast, exact := newParetoObj(d, 2), newParetoObj(d, 2)
	exact.exact = true
	for _, r := range []float64{0.05, 0.5, 30} {
		for _, alpha := range []float64{0.1, 9.4, 500} {
			for _, s := range []float64{0.05, 0.83, 1e3} {
				for _, beta := range []float64{0.1, 9.4, 19.9, 1e4} {
					p := []float64{r, alpha, s, beta}
					g1, g2 := make([]float64, 4), make([]float64, 4)
					l1, l2 := fast.eval(p, g1), exact.eval(p, g2)
					if math.Abs(l1-l2) > 1e-12*math.Abs(l2) {
						t.Fatalf("%v: LL %.17g, exact %.17g", p, l1, l2)
					}
					for i := range g1 {
						if math.Abs(g1[i]-g2[i]) > 1e-12*math.Max(math.Abs(g2[i]), 1e-3*math.Abs(l2)/float64(len(rows))) {
							t.Fatalf("%v: gradient %d %.17g, exact %.17g", p, i, g1[i], g2[i])
						}
					}
				}
			}
		}
	}
}
