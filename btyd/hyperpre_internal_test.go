package btyd

import (
	"math"
	"testing"
)

// TestLnFPreEqualsLnF checks that the shared-coefficient evaluation of Pareto/NBD's hypergeometric
// terms gives lnF's values to the last bit (equal float64s, not a tolerance: the same operations
// on the same values) over a grid of parameters: α below, equal to and above β, shapes from 0.01
// to 1e4 (the series' long and quadrature regimes included), frequencies 0 to 5000 and τ from 0
// to 1e4; with coefficients kept for the smallest τ and, so that they run out, for a larger one.
func TestLnFPreEqualsLnF(t *testing.T) {
	xs := []float64{0, 1, 2, 7, 40, 300, 5000}
	taus := []float64{0, 0.01, 0.5, 1, 3.7, 38.86, 52, 400, 1e4}
	pairs, quad := 0, 0
	for _, mt := range []float64{0, 400} {
		minTau := make([]float64, len(xs))
		for i := range minTau {
			minTau[i] = mt
		}
		for _, r := range []float64{0.01, 0.24, 1, 30} {
			for _, alpha := range []float64{0.05, 4.4, 19.9, 1e3} {
				for _, s := range []float64{0.01, 0.83, 5, 1e4} {
					for _, beta := range []float64{0.05, 4.4, 19.9, 1e5} {
						pre := newLnFPre(r, alpha, s, beta, xs, minTau)
						for xi, x := range xs {
							for _, tau := range taus {
								var got, want lnFv
								pre.at(&got, r, s, x, xi, tau, math.Log(alpha+tau), math.Log(beta+tau))
								lnFAt(&want, r, alpha, s, beta, x, tau)
								if got != want {
									t.Fatalf("r %v α %v s %v β %v x %v τ %v: %+v, lnF %+v", r, alpha, s, beta, x, tau, got, want)
								}
								pairs++
								if _, _, _, _, _, ok := lnFSeries(alpha+tau, beta+tau, r+x, s+1, maxHyperTerms); !ok {
									quad++
								}
							}
						}
					}
				}
			}
		}
	}
	if quad == 0 || quad == pairs {
		t.Fatalf("%d of %d pairs need the quadrature: the grid misses a regime", quad, pairs)
	}
}
