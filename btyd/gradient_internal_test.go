package btyd

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// testRows is a mix of ordinary and extreme rows: x = 0, large x, T near 0, t_x = T.
var testRows = []Row{
	{0, 0, 39, 50}, {0, 0, 1e-4, 3}, {1, 5, 39, 20}, {2, 30.43, 38.86, 7}, {3, 1, 39, 4},
	{5, 20, 20, 2}, {12, 35, 39, 1}, {40, 38, 39, 1}, {2500, 38.9, 39, 1}, {1, 0.001, 0.002, 1},
}

func checkGrad(t *testing.T, name string, obj objective, p []float64) {
	t.Helper()
	g := make([]float64, len(p))
	ll := obj.eval(p, g)
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		t.Fatalf("%s at %v: LL = %v", name, p, ll)
	}
	// Differentiate in log-parameters (the optimiser's space) with a central stencil.
	f := func(u []float64) float64 {
		q := make([]float64, len(u))
		for i := range u {
			q[i] = math.Exp(u[i])
		}
		return obj.eval(q, nil)
	}
	u := make([]float64, len(p))
	for i := range p {
		u[i] = math.Log(p[i])
	}
	num := fd.Gradient(nil, f, u, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	for i := range p {
		an := g[i] * p[i]
		if d := math.Abs(an - num[i]); d > 1e-5*math.Max(1, math.Abs(num[i])) {
			t.Errorf("%s at %v: d/dlog p[%d] analytic %.10g, finite difference %.10g", name, p, i, an, num[i])
		}
	}
}

func TestGradients(t *testing.T) {
	d := compileRows(testRows)
	for _, p := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {2, 0.5, 3, 0.7}, {0.05, 40, 0.2, 10}} {
		checkGrad(t, "bgnbd", &bgnbdObj{d: d, workers: 1}, p)
		checkGrad(t, "mbgnbd", &bgnbdObj{d: d, workers: 1, mod: true}, p)
	}
	// Pareto/NBD: alpha < beta, alpha > beta, alpha == beta, and far apart.
	for _, p := range [][]float64{{0.55, 10.58, 0.61, 11.67}, {0.55, 11.67, 0.61, 10.58}, {1, 5, 2, 5},
		{0.3, 100, 0.4, 0.5}, {0.3, 0.5, 0.4, 100}, {3, 2, 1.5, 30}} {
		checkGrad(t, "paretonbd", newParetoObj(d, 1), p)
	}
	bg := []Row{{0, 0, 6, 3464}, {1, 1, 6, 1091}, {1, 3, 6, 129}, {2, 4, 6, 200}, {3, 6, 6, 400}, {6, 6, 6, 1203}, {0, 0, 1, 5}}
	w := []float64{3464, 1091, 129, 200, 400, 1203, 5}
	for _, p := range [][]float64{{1.2, 0.75, 0.66, 2.78}, {0.3, 3, 4, 0.5}} {
		checkGrad(t, "bgbb", &bgbbObj{rows: bg, w: w}, p)
	}
	sp := []SpendRow{{1, 20, 3}, {2, 35.5, 2}, {10, 12, 1}, {500, 40, 1}}
	checkGrad(t, "gammagamma", newGGObj(sp, []float64{3, 2, 1, 1}, nil), []float64{6.25, 3.74, 15.44})
	checkGrad(t, "gammagamma", newGGObj(sp, []float64{3, 2, 1, 1}, nil), []float64{0.5, 0.8, 100})
	checkGrad(t, "sbg", &sbgObj{surv: []float64{1000, 631, 468, 382, 326, 289, 262, 241}}, []float64{0.704, 1.182})
	checkGrad(t, "sbg", &sbgObj{surv: []float64{1000, 869, 743, 653, 593, 551, 517, 491}}, []float64{3, 0.2})
}

// TestParallelMatchesSerial checks that splitting rows over goroutines gives the same sums.
func TestParallelMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := BGNBD{0.3, 5, 0.8, 2.5}
	var cs []Customer
	for range 30000 {
		x, tx := m.Simulate(rng, 39)
		cs = append(cs, Customer{Frequency: x, Recency: tx, T: 39})
	}
	d := compileRows(Rows(cs))
	for _, mk := range []func(int) objective{
		func(w int) objective { return &bgnbdObj{d: d, workers: w} },
		func(w int) objective { return newParetoObj(d, w) },
	} {
		p := []float64{0.3, 5, 0.8, 2.5}
		g1, g2 := make([]float64, 4), make([]float64, 4)
		l1, l2 := mk(1).eval(p, g1), mk(4).eval(p, g2)
		if math.Abs(l1-l2) > 1e-9*math.Abs(l1) {
			t.Errorf("LL serial %v parallel %v", l1, l2)
		}
		for i := range g1 {
			if math.Abs(g1[i]-g2[i]) > 1e-9*math.Max(1, math.Abs(g1[i])) {
				t.Errorf("grad[%d] serial %v parallel %v", i, g1[i], g2[i])
			}
		}
	}
}

// TestPAliveSimulation compares mean P(alive) with the simulated share alive at T within groups of
// equal frequency (a check independent of the closed forms).
func TestPAliveSimulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const n, T = 200000, 39.0
	type acc struct{ alive, pa, n float64 }
	check := func(name string, sim func() (x, tx float64, alive bool), pa func(x, tx float64) float64) {
		groups := map[int]*acc{}
		for range n {
			x, tx, alive := sim()
			k := min(int(x), 5)
			a := groups[k]
			if a == nil {
				a = &acc{}
				groups[k] = a
			}
			a.n++
			if alive {
				a.alive++
			}
			a.pa += pa(x, tx)
		}
		for k, a := range groups {
			share := a.alive / a.n
			se := math.Sqrt(share*(1-share)/a.n) + 1e-9
			if math.Abs(a.pa/a.n-share) > 4*se+0.002 {
				t.Errorf("%s x=%d (n=%v): mean P(alive) %.4f, simulated share alive %.4f (se %.4f)", name, k, a.n, a.pa/a.n, share, se)
			}
		}
	}
	bg := BGNBD{0.243, 4.414, 0.793, 2.426}
	check("bgnbd", func() (float64, float64, bool) {
		lam := gammaRand(rng, bg.R) / bg.Alpha
		p := betaRand(rng, bg.A, bg.B)
		var x, tx, tt float64
		for {
			tt += rng.ExpFloat64() / lam
			if tt > T {
				return x, tx, true
			}
			x, tx = x+1, tt
			if rng.Float64() < p {
				return x, tx, false
			}
		}
	}, func(x, tx float64) float64 { return bg.PAlive(x, tx, T) })
	mbg := MBGNBD{0.243, 4.414, 0.793, 2.426}
	check("mbgnbd", func() (float64, float64, bool) {
		lam := gammaRand(rng, mbg.R) / mbg.Alpha
		p := betaRand(rng, mbg.A, mbg.B)
		if rng.Float64() < p {
			return 0, 0, false
		}
		var x, tx, tt float64
		for {
			tt += rng.ExpFloat64() / lam
			if tt > T {
				return x, tx, true
			}
			x, tx = x+1, tt
			if rng.Float64() < p {
				return x, tx, false
			}
		}
	}, func(x, tx float64) float64 { return mbg.PAlive(x, tx, T) })
	pn := ParetoNBD{0.55, 10.58, 0.61, 11.67}
	check("paretonbd", func() (float64, float64, bool) {
		lam := gammaRand(rng, pn.R) / pn.Alpha
		tau := rng.ExpFloat64() / (gammaRand(rng, pn.S) / pn.Beta)
		var x, tx, tt float64
		for {
			tt += rng.ExpFloat64() / lam
			if tt > math.Min(tau, T) {
				return x, tx, tau > T
			}
			x, tx = x+1, tt
		}
	}, func(x, tx float64) float64 { return pn.PAlive(x, tx, T) })
	bb := BGBB{1.2, 0.75, 0.66, 2.78}
	check("bgbb", func() (float64, float64, bool) {
		p, th := betaRand(rng, bb.Alpha, bb.Beta), betaRand(rng, bb.Gamma, bb.Delta)
		var x, tx float64
		for i := 1.0; i <= 6; i++ {
			if rng.Float64() < th {
				return x, tx, false
			}
			if rng.Float64() < p {
				x, tx = x+1, i
			}
		}
		// Alive at opportunity 7 means surviving its start too.
		return x, tx, rng.Float64() >= th
	}, func(x, tx float64) float64 { return bb.PAlive(x, tx, 6) })
}
