package btyd

import (
	"math"
	"testing"
)

// TestSecantUpdate checks the BFGS update's secant condition b s = y and that it keeps b
// symmetric and negative definite (a step along which the gradient rises leaves b unchanged).
func TestSecantUpdate(t *testing.T) {
	b := []float64{-4, 1, 0, 1, -3, 0.5, 0, 0.5, -2}
	u0, u1 := []float64{0, 0, 0}, []float64{0.1, -0.2, 0.05}
	g0, g1 := []float64{1, 2, 3}, []float64{0.7, 2.5, 2.8} // y = (−0.3, 0.5, −0.2), yᵀs = −0.14
	secantUpdate(b, u1, u0, g1, g0)
	for i := range 3 {
		bs := 0.0
		for j := range 3 {
			bs += b[i*3+j] * (u1[j] - u0[j])
			if math.Abs(b[i*3+j]-b[j*3+i]) > 1e-15 {
				t.Errorf("b not symmetric at %d,%d", i, j)
			}
		}
		if y := g1[i] - g0[i]; math.Abs(bs-y) > 1e-14 {
			t.Errorf("(b s)[%d] = %.17g, want y = %.17g", i, bs, y)
		}
	}
	if d := newtonStep(b, []float64{1, 1, 1}, make([]float64, 3)); !d {
		t.Errorf("b is no longer negative definite: %v", b)
	}
	before := append([]float64(nil), b...)
	secantUpdate(b, u1, u0, g0, g1) // gradient rising along s: yᵀs > 0
	for i := range b {
		if b[i] != before[i] {
			t.Fatalf("an update with yᵀs > 0 changed b: %v → %v", before, b)
		}
	}
}

// TestParetoNewtonFromSample fits Pareto/NBD to ~95k distinct rows (250k export-shaped customers)
// twice: by default, which starts from a 16k-row sample's optimum and takes Newton steps with the
// sample's curvature refined by secant updates, and with Init, which runs BFGS from the
// data-driven start as before. Both must reach the same optimum (log-likelihood to 1e-12
// relative; parameters to 1e-5, BFGS's own stopping error along the s–β ridge), the new path
// with at most half the evaluations.
func TestParetoNewtonFromSample(t *testing.T) {
	sim := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	rng := NewRand(7)
	const n = 250_000
	cs := make([]Customer, n)
	for i := range cs {
		T := 30 + 9*float64(i)/n
		x, tx := sim.Simulate(rng, T)
		Tw, txw := math.Round(T*100)/100, math.Round(tx*100)/100
		if x > 0 && txw <= 0 {
			txw = 0.01
		}
		cs[i] = Customer{Frequency: x, Recency: min(txw, Tw), T: Tw}
	}
	rows := Compress(cs)
	if len(rows) < 4*16384 {
		t.Fatalf("%d rows: too few for the sample start", len(rows))
	}
	_, fast, err := FitParetoNBD(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, slow, err := FitParetoNBD(rows, &FitOptions{Init: paretoStart(rows)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows: sample start + Newton %d evaluations, LL %.17g; BFGS %d, LL %.17g", len(rows), fast.Evals, fast.LogLik, slow.Evals, slow.LogLik)
	if !fast.Converged || !slow.Converged {
		t.Fatalf("converged: %v (%s), BFGS %v (%s)", fast.Converged, fast.Reason, slow.Converged, slow.Reason)
	}
	if math.Abs(fast.LogLik/slow.LogLik-1) > 1e-12 || fast.LogLik < slow.LogLik-1e-6 {
		t.Errorf("LL %.17g, BFGS %.17g", fast.LogLik, slow.LogLik)
	}
	for i, v := range fast.Params {
		if math.Abs(v/slow.Params[i]-1) > 1e-5 {
			t.Errorf("%s = %.10g, BFGS %.10g", fast.Names[i], v, slow.Params[i])
		}
		if math.Abs(fast.StdErrors[i]/slow.StdErrors[i]-1) > 1e-4 {
			t.Errorf("SE(%s) = %.6g, BFGS %.6g", fast.Names[i], fast.StdErrors[i], slow.StdErrors[i])
		}
	}
	if 2*fast.Evals > slow.Evals {
		t.Errorf("%d evaluations, BFGS %d: the sample start should at least halve them", fast.Evals, slow.Evals)
	}
}
