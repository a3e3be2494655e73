package btyd_test

import (
	"math"
	"testing"

	"fidelis/btyd"
)

func TestBGNBDCDNOW(t *testing.T) {
	cs := cdnowCustomers(t)
	rows := btyd.Compress(cs)
	m, res, err := btyd.FitBGNBD(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v rows=%d LL=%.4f se=%v conv=%v %s iters=%d evals=%d %v", m, len(rows), res.LogLik, res.StdErrors, res.Converged, res.Reason, res.Iterations, res.Evals, res.Elapsed)
	// Fader, Hardie & Lee (2005), Marketing Science 24(2), table 1 / section 5: r=0.243, alpha=4.414,
	// a=0.793, b=2.426, LL=−9582.4. Parameters to 3 significant figures, LL to 0.1.
	want := []float64{0.243, 4.414, 0.793, 2.426}
	for i, v := range res.Params {
		if math.Abs(v-want[i]) > 0.0005*math.Pow(10, math.Floor(math.Log10(want[i]))+1) {
			t.Errorf("%s = %.5f, want %.3g", res.Names[i], v, want[i])
		}
	}
	if math.Abs(res.LogLik-(-9582.4)) > 0.05 {
		t.Errorf("LL = %.3f, want -9582.4", res.LogLik)
	}
	if !res.Converged {
		t.Errorf("not converged: %s", res.Reason)
	}
	// Worked example (same paper, section 5; Hardie's note): x=2, t_x=30.43, T=38.86 → 1.226.
	if got := m.ExpectedPurchases(39, 2, 30.43, 38.86); math.Abs(got-1.226) > 0.0005 {
		t.Errorf("E[Y(39)|2,30.43,38.86] = %.4f, want 1.226", got)
	}
}
