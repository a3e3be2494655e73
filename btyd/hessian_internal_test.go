package btyd

import (
	"math"
	"testing"
)

// TestTrigamma checks ψ₁ against closed forms (ψ₁(1) = π²/6, ψ₁(1/2) = π²/2, ψ₁(n+1) = ψ₁(n) − 1/n²)
// and the asymptotic 1/x + 1/(2x²) far out, to 1e-14 relative.
func TestTrigamma(t *testing.T) {
	cases := []struct{ x, want float64 }{
		{1, math.Pi * math.Pi / 6},
		{0.5, math.Pi * math.Pi / 2},
		{2, math.Pi*math.Pi/6 - 1},
		{4, math.Pi*math.Pi/6 - 1 - 0.25 - 1.0/9},
		{1e-8, 1e16 + math.Pi*math.Pi/6},
		{1e9, 1e-9 + 0.5e-18},
	}
	for _, c := range cases {
		if got := trigamma(c.x); math.Abs(got/c.want-1) > 1e-14 {
			t.Errorf("trigamma(%g) = %.17g, want %.17g", c.x, got, c.want)
		}
	}
	// Continuity across the switch to the series at 20 (recurrence from 19.5 vs series at 20.5).
	if d := trigamma(19.5) - 1/(19.5*19.5) - trigamma(20.5); math.Abs(d) > 1e-16 {
		t.Errorf("recurrence across 20: %g", d)
	}
}

// TestBGNBDHessian checks the analytic Hessian of the BG/NBD and MBG/NBD log-likelihoods against
// central differences of the analytic gradient (step 1e-6 relative; agreement to 1e-6 of the
// entry's scale, the differences' own error), on ordinary and extreme rows. The points avoid
// integer r: gonum's Digamma, which the gradient uses, has a kink of ~1e-6 relative in its slope
// at small integers (its differences at 2 and 4 disagree with ψ₁ there, while trigamma is checked
// against closed forms above).
func TestBGNBDHessian(t *testing.T) {
	d := compileRows(testRows)
	for _, p := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {2.2, 0.5, 3.1, 0.7}, {0.05, 40, 0.2, 10}} {
		for _, mod := range []bool{false, true} {
			obj := &bgnbdObj{d: d, workers: 1, mod: mod}
			g := make([]float64, 4)
			h := make([]float64, 16)
			ll := obj.evalHess(p, g, h)
			g0 := make([]float64, 4)
			if ll0 := obj.eval(p, g0); ll0 != ll {
				t.Errorf("mod=%v p=%v: LL with Hessian %v, without %v", mod, p, ll, ll0)
			}
			for i := range 4 {
				step := 1e-6 * p[i]
				up, dn := append([]float64(nil), p...), append([]float64(nil), p...)
				up[i] += step
				dn[i] -= step
				gu, gd := make([]float64, 4), make([]float64, 4)
				obj.eval(up, gu)
				obj.eval(dn, gd)
				for j := range 4 {
					num := (gu[j] - gd[j]) / (2 * step)
					scale := math.Max(1, math.Sqrt(math.Abs(h[i*4+i]*h[j*4+j])))
					if math.Abs(h[i*4+j]-num) > 1e-6*scale {
						t.Errorf("mod=%v p=%v: H[%d][%d] analytic %.10g, differences %.10g", mod, p, i, j, h[i*4+j], num)
					}
				}
			}
		}
	}
}

// TestCompileRowsIndexes checks the value and pair indexes against maps: every row's x, T and t_x
// and its (x, T), (x, t_x) pairs found again, in order of first appearance, −0 the same as 0.
func TestCompileRowsIndexes(t *testing.T) {
	rows := append([]Row(nil), testRows...)
	for i := range 5000 {
		rows = append(rows, Row{float64(i % 97), float64(i%389) / 10, float64(i%41) + 0.25, 1})
	}
	rows = append(rows, Row{0, math.Copysign(0, -1), 39, 1})
	d := compileRows(rows)
	pi := d.pairIndex()
	seen := map[float64]bool{}
	for j, r := range rows {
		tx := r.Tx
		if tx == 0 {
			tx = 0
		}
		if d.xs[d.ix[j]] != r.X || d.ts[d.iT[j]] != r.T || d.txs[d.itx[j]] != tx {
			t.Fatalf("row %d %+v: indexes give (%v, %v, %v)", j, r, d.xs[d.ix[j]], d.txs[d.itx[j]], d.ts[d.iT[j]])
		}
		if pi.xT[pi.ofT[j]] != [2]int32{d.ix[j], d.iT[j]} || pi.xt[pi.oft[j]] != [2]int32{d.ix[j], d.itx[j]} {
			t.Fatalf("row %d: pair indexes wrong", j)
		}
		seen[tx] = true
	}
	if len(seen) != len(d.txs) {
		t.Errorf("%d distinct t_x, indexed %d", len(seen), len(d.txs))
	}
	for _, v := range [][]float64{d.xs, d.ts, d.txs} {
		m := map[float64]bool{}
		for _, x := range v {
			if m[x] {
				t.Fatalf("value %v indexed twice", x)
			}
			m[x] = true
		}
	}
}
