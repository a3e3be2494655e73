package btyd_test

import (
	"math"
	"testing"

	"fidelis/btyd"
)

func TestParetoNBDCDNOW(t *testing.T) {
	rows := btyd.Compress(cdnowCustomers(t))
	m, res, err := btyd.FitParetoNBD(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v LL=%.4f se=%v conv=%v %s iters=%d evals=%d %v", m, res.LogLik, res.StdErrors, res.Converged, res.Reason, res.Iterations, res.Evals, res.Elapsed)
	// Fader, Hardie & Lee (2005), Marketing Science 24(2), section 5: Pareto/NBD on the same 2,357
	// customers: r=0.55, alpha=10.58, s=0.61, beta=11.67, LL=−9595.0. Published to 2 decimals;
	// tolerance: half a unit in the last published digit, LL to 0.1.
	want := []float64{0.55, 10.58, 0.61, 11.67}
	for i, v := range res.Params {
		if math.Abs(v-want[i]) > 0.005 {
			t.Errorf("%s = %.4f, want %.2f", res.Names[i], v, want[i])
		}
	}
	if math.Abs(res.LogLik-(-9595.0)) > 0.05 {
		t.Errorf("LL = %.3f, want -9595.0", res.LogLik)
	}
	if !res.Converged {
		t.Errorf("not converged: %s", res.Reason)
	}
}
