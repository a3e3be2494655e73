package btyd

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// TestLnFQuadrature checks the series against direct quadrature of ∫_0^∞ (A+v)^−p (B+v)^−q dv
// (substituting v = u/(1−u) on [0,1)), across A<B, A>B, A=B and large p or q.
func TestLnFQuadrature(t *testing.T) {
	cases := [][4]float64{
		{10, 11, 0.55, 1.61}, {11, 10, 0.55, 1.61}, {5, 5, 2, 3}, {1, 100, 3.2, 1.5},
		{100, 1, 3.2, 1.5}, {50, 2, 40.5, 1.2}, {2, 50, 40.5, 1.2}, {40, 1, 0.3, 1.9}, {1, 40, 0.3, 1.9},
		{300, 0.5, 1.2, 1.05}, {0.5, 300, 1.2, 1.05},
	}
	for _, c := range cases {
		A, B, p, q := c[0], c[1], c[2], c[3]
		lf, _, _, _, _ := lnF(A, B, p, q)
		// Integrate in log space relative to the value at 0 for accuracy.
		f := func(u float64) float64 {
			if u >= 1 {
				return 0
			}
			v := u / (1 - u)
			return math.Exp(-p*math.Log(A+v)-q*math.Log(B+v)-lf) / ((1 - u) * (1 - u))
		}
		// Split to resolve the peak near 0.
		got := 0.0
		edges := []float64{0, 1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999, 1}
		for i := 0; i+1 < len(edges); i++ {
			got += quad.Fixed(f, edges[i], edges[i+1], 200, nil, 0)
		}
		if math.Abs(got-1) > 1e-6 {
			t.Errorf("F%v: series/quadrature = %.10f, want 1", c, 1/got)
		}
	}
}

func TestLnFNearOne(t *testing.T) {
	// z = 1 − 1e-6 exceeds the term budget: finite, and close to the z→1 limit behaviour.
	for _, c := range [][4]float64{{1e6, 1, 0.5, 1.2}, {1, 1e6, 0.5, 1.2}, {1e6, 1, 3000, 1.2}, {1e8, 1e-3, 0.01, 1.001}} {
		lf, a, b, p, q := lnF(c[0], c[1], c[2], c[3])
		for _, v := range []float64{lf, a, b, p, q} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("lnF%v not finite: %v %v %v %v %v", c, lf, a, b, p, q)
			}
		}
	}
}
