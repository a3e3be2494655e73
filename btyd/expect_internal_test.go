package btyd

import (
	"math"
	"testing"
)

// TestBetaMeanGSeriesQuadrature: the two evaluations of betaMeanG agree where both apply, over a
// grid spanning published fits (CDNOW BG/NBD r=0.243, α=4.414, a=0.793, b=2.426) and beyond.
// Tolerance 1e-9 relative: the series is summed to 1e-16 and tanh-sinh with step 1/32 converges
// double-exponentially for these analytic integrands.
func TestBetaMeanGSeriesQuadrature(t *testing.T) {
	n := 0
	for _, m := range []float64{0.243, 1, 3.2, 25, 300} {
		for _, k := range []float64{0.01, 0.3, 2, 20} {
			for _, a := range []float64{0.2, 0.793, 1.5, 4} {
				for _, bp := range []float64{0.6, 2.426, 15, 400} {
					s, ok := betaMeanGSeries(m, k, a, bp)
					if !ok {
						continue
					}
					n++
					q := betaMeanGQuad(m, k, a, bp)
					if math.Abs(s-q) > 1e-9*math.Abs(s) {
						t.Errorf("m=%v k=%v a=%v b'=%v: series %.15g, quadrature %.15g", m, k, a, bp, s, q)
					}
				}
			}
		}
	}
	if n < 200 {
		t.Errorf("the series applied to only %d of 320 cases", n)
	}
}

// TestBetaMeanGLimits: at a = 1 (where the closed form is 0/0) the value is continuous, and as
// k → 0 it tends to g(0)·… = m·k·E[1] = mk.
func TestBetaMeanGLimits(t *testing.T) {
	at1 := betaMeanG(0.5, 2, 1, 3)
	lo, hi := betaMeanG(0.5, 2, 1-1e-3, 3), betaMeanG(0.5, 2, 1+1e-3, 3)
	if math.Abs(at1-(lo+hi)/2) > 1e-6*at1 {
		t.Errorf("a=1: %v, neighbours %v %v", at1, lo, hi)
	}
	if v := betaMeanG(2, 1e-9, 0.8, 3); math.Abs(v-2e-9) > 1e-15 {
		t.Errorf("k→0: %v, want 2e-9", v)
	}
}
