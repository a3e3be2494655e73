package btyd

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// refBGNBD is the direct per-row log-space BG/NBD (mod: MBG/NBD) log-likelihood and gradient, as
// evaluated before rows were grouped by (T, t_x): the reference for the grouped evaluation.
func refBGNBD(rows []Row, p []float64, mod bool) (float64, []float64) {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	off := 0.0
	if mod {
		off = 1
	}
	var ll float64
	g := make([]float64, 4)
	for _, row := range rows {
		x, w := row.X, row.Weight
		tx := row.Tx
		if x == 0 {
			tx = 0
		}
		lrx, _ := math.Lgamma(r + x)
		lgr, _ := math.Lgamma(r)
		lbx, _ := math.Lgamma(b + x + off)
		lgb, _ := math.Lgamma(b)
		lgab, _ := math.Lgamma(a + b)
		labx, _ := math.Lgamma(a + b + x + off)
		c := lrx - lgr + lbx - lgb + lgab - labx
		dr := mathext.Digamma(r+x) - mathext.Digamma(r)
		da := mathext.Digamma(a+b) - mathext.Digamma(a+b+x+off)
		db := mathext.Digamma(b+x+off) - mathext.Digamma(b) + da
		lT, lt := math.Log(alpha+row.T), math.Log(alpha+tx)
		rx := r + x
		a3 := -rx * lT
		v, om3 := a3, 1.0
		var ib float64
		if mod || x > 0 {
			bb := b + x - 1 + off
			ib = 1 / bb
			v, om3 = logAddExp(a3, math.Log(a)-math.Log(bb)-rx*lt)
		}
		om4 := 1 - om3
		ll += w * (c + r*math.Log(alpha) + v)
		g[0] += w * (dr + math.Log(alpha) - om3*lT - om4*lt)
		g[1] += w * (r/alpha - rx*(om3/(alpha+row.T)+om4/(alpha+tx)))
		g[2] += w * (da + om4/a)
		g[3] += w * (db - om4*ib)
	}
	return ll, g
}

// TestBGNBDGroupedMatchesReference checks the (T, t_x)-grouped evaluation against the direct
// per-row one, to 1e-12 relative, on simulated rows plus extreme ones, serial and parallel.
func TestBGNBDGroupedMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := BGNBD{0.3, 5, 0.8, 2.5}
	rows := append([]Row(nil), testRows...)
	for range 20000 {
		x, tx := m.Simulate(rng, 39)
		rows = append(rows, Row{x, math.Max(math.Round(tx*10)/10, 0.1), 39, float64(1 + rng.IntN(3))})
		if x == 0 {
			rows[len(rows)-1].Tx = 0
		}
	}
	rows = append(rows, Row{3000, 0.5, 39, 1}, Row{800, 1e-3, 50, 2}, Row{7, 39, 39, 0}, Row{60, 2, 39, 1}, Row{61, 2, 39, 1}, Row{99, 2, 39, 1})
	rows = CompressRows(rows)
	d := compileRows(rows)
	for _, p := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {2, 0.5, 3, 0.7}, {0.05, 40, 0.2, 10}, {5, 1e-3, 1e-3, 1e3}, {1e-3, 1e3, 50, 1e-2}} {
		for _, mod := range []bool{false, true} {
			want, wg := refBGNBD(rows, p, mod)
			for _, workers := range []int{1, 2, 3} {
				g := make([]float64, 4)
				got := (&bgnbdObj{d: d, workers: workers, mod: mod}).eval(p, g)
				if math.Abs(got-want) > 1e-12*math.Abs(want) {
					t.Errorf("mod=%v p=%v workers=%d: LL %.15g, reference %.15g", mod, p, workers, got, want)
				}
				for i := range g {
					if math.Abs(g[i]-wg[i]) > 1e-10*math.Max(1, math.Abs(wg[i])) {
						t.Errorf("mod=%v p=%v workers=%d: grad[%d] %.15g, reference %.15g", mod, p, workers, i, g[i], wg[i])
					}
				}
			}
		}
	}
}

func TestLogGE1(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	check := func(y float64) {
		got, want := logGE1(y), math.Log(y)
		if d := math.Abs(got - want); d > 3e-16*math.Max(1, want) {
			t.Fatalf("logGE1(%.17g) = %.17g, math.Log %.17g (diff %.3g)", y, got, want, d)
		}
	}
	for range 1_000_000 {
		check(1 + rng.Float64())
		check(math.Exp(rng.Float64() * 700))
		check(1 + math.Exp(-rng.Float64()*40))
	}
	for _, y := range []float64{1, math.Nextafter(1, 2), 2, math.Nextafter(2, 1), 1.5, 1e300, math.MaxFloat64} {
		check(y)
	}
	// Near 1 the result is as accurate as log1p in absolute terms.
	for _, e := range []float64{1e-17, 1e-12, 1e-6, 1e-3, 0.0078} {
		if d := math.Abs(logGE1(1+e) - math.Log1p(e)); d > 2e-16 {
			t.Errorf("logGE1(1+%g) - log1p = %g", e, d)
		}
	}
}

var logSink float64

func BenchmarkLogGE1(b *testing.B) {
	s, y := 0.0, 1.1
	for range b.N {
		s += logGE1(y)
		y += 1e-9
	}
	logSink = s
}

func BenchmarkMathLog(b *testing.B) {
	s, y := 0.0, 1.1
	for range b.N {
		s += math.Log(y)
		y += 1e-9
	}
	logSink = s
}
