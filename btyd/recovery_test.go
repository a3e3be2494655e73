package btyd_test

import (
	"math"
	"testing"

	"fidelis/btyd"
)

// checkRecovery asserts every fitted parameter lies within 4 standard errors of the truth: with
// correct standard errors that fails by chance with probability < 1e-4 per parameter.
func checkRecovery(t *testing.T, res *btyd.Result, truth []float64) {
	t.Helper()
	if !res.Converged || res.StdErrors == nil {
		t.Fatalf("%s: converged=%v %s", res.Model, res.Converged, res.Reason)
	}
	for i, v := range res.Params {
		if z := (v - truth[i]) / res.StdErrors[i]; math.Abs(z) > 4 {
			t.Errorf("%s: %s = %.4f ± %.4f, truth %.4f (z = %.1f)", res.Model, res.Names[i], v, res.StdErrors[i], truth[i], z)
		}
	}
	t.Logf("%s: %v ± %v (truth %v), %d rows, %v", res.Model, res.Params, res.StdErrors, truth, res.Rows, res.Elapsed)
}

func TestRecoveryBGNBD(t *testing.T) {
	cs := btyd.SimulateCustomers(bgCDNOW, 30000, 39, 1)
	_, res, _ := btyd.FitBGNBD(btyd.Compress(cs), nil)
	checkRecovery(t, res, bgCDNOW.Params())
}

func TestRecoveryMBGNBD(t *testing.T) {
	cs := btyd.SimulateCustomers(mbgTest, 30000, 39, 2)
	_, res, _ := btyd.FitMBGNBD(btyd.Compress(cs), nil)
	checkRecovery(t, res, mbgTest.Params())
}

func TestRecoveryParetoNBD(t *testing.T) {
	// Staggered T (cohort joining over 12 weeks) as in real data.
	rng := btyd.NewRand(3)
	var cs []btyd.Customer
	for i := range 30000 {
		T := 27 + float64(i%12)
		x, tx := pnCDNOW.Simulate(rng, T)
		cs = append(cs, btyd.Customer{Frequency: x, Recency: tx, T: T})
	}
	_, res, _ := btyd.FitParetoNBD(btyd.Compress(cs), nil)
	checkRecovery(t, res, pnCDNOW.Params())
}

func TestRecoveryBGBB(t *testing.T) {
	truth := btyd.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78} // Fader, Hardie & Shang 2010
	cs := btyd.SimulateCustomers(truth, 30000, 6, 4)
	_, res, err := btyd.FitBGBB(btyd.Compress(cs), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRecovery(t, res, truth.Params())
	if res.Rows > 22 {
		t.Errorf("6 opportunities give at most 22 distinct (x, t_x) rows, got %d", res.Rows)
	}
}

func TestRecoveryGammaGamma(t *testing.T) {
	truth := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	rng := btyd.NewRand(5)
	var cs []btyd.Customer
	for i := range 30000 {
		x := float64(1 + i%8)
		cs = append(cs, btyd.Customer{Frequency: x, Monetary: truth.SimulateSpend(rng, x)})
	}
	_, res, _ := btyd.FitGammaGamma(btyd.CompressSpend(cs), nil)
	checkRecovery(t, res, truth.Params())
}

func TestRecoverySBG(t *testing.T) {
	truth := btyd.SBG{Alpha: 0.704, Beta: 1.182}
	surv := truth.SimulateCohort(btyd.NewRand(6), 30000, 8)
	_, res, _ := btyd.FitSBG(surv, nil)
	checkRecovery(t, res, truth.Params())
}

// TestBootstrap checks that seeded bootstrap intervals are reproducible and cover the estimate.
func TestBootstrap(t *testing.T) {
	rows := btyd.Compress(btyd.SimulateCustomers(bgCDNOW, 3000, 39, 9))
	o := &btyd.FitOptions{Bootstrap: 20, Seed: 42}
	_, r1, _ := btyd.FitBGNBD(rows, o)
	_, r2, _ := btyd.FitBGNBD(rows, o)
	if r1.Replicates < 15 {
		t.Fatalf("only %d replicates converged", r1.Replicates)
	}
	for i := range r1.Params {
		if r1.Lower[i] != r2.Lower[i] || r1.Upper[i] != r2.Upper[i] {
			t.Errorf("bootstrap not reproducible for %s", r1.Names[i])
		}
		if !(r1.Lower[i] < r1.Params[i] && r1.Params[i] < r1.Upper[i]) {
			t.Errorf("%s: estimate %v outside [%v, %v]", r1.Names[i], r1.Params[i], r1.Lower[i], r1.Upper[i])
		}
	}
}

// TestDegenerateData: all-zero frequency, one customer, T near 0 give a clear status, never NaN.
func TestDegenerateData(t *testing.T) {
	cases := map[string][]btyd.Row{
		"all zero":     {{X: 0, Tx: 0, T: 39, Weight: 1000}},
		"one customer": {{X: 3, Tx: 20, T: 39, Weight: 1}},
		"T near 0":     {{X: 0, T: 1e-9, Weight: 10}, {X: 1, Tx: 1e-9, T: 1e-9, Weight: 1}},
		"huge x":       {{X: 0, T: 39, Weight: 50}, {X: 4000, Tx: 38.9, T: 39, Weight: 2}, {X: 2, Tx: 10, T: 39, Weight: 20}},
	}
	for name, rows := range cases {
		for model, f := range map[string]func([]btyd.Row, *btyd.FitOptions) (*btyd.Result, error){
			"bgnbd": func(r []btyd.Row, o *btyd.FitOptions) (*btyd.Result, error) {
				_, res, err := btyd.FitBGNBD(r, o)
				return res, err
			},
			"mbgnbd": func(r []btyd.Row, o *btyd.FitOptions) (*btyd.Result, error) {
				_, res, err := btyd.FitMBGNBD(r, o)
				return res, err
			},
			"paretonbd": func(r []btyd.Row, o *btyd.FitOptions) (*btyd.Result, error) {
				_, res, err := btyd.FitParetoNBD(r, o)
				return res, err
			},
		} {
			res, err := f(rows, &btyd.FitOptions{MaxIterations: 300})
			if err != nil {
				continue // a clear error is acceptable
			}
			for _, v := range append(res.Params, res.LogLik) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s/%s: non-finite result %v LL %v", name, model, res.Params, res.LogLik)
				}
			}
			if !res.Converged && res.Reason == "" {
				t.Errorf("%s/%s: not converged without a reason", name, model)
			}
			t.Logf("%s/%s: converged=%v %s", name, model, res.Converged, res.Reason)
		}
	}
	if _, _, err := btyd.FitBGNBD(nil, nil); err == nil {
		t.Error("no rows: want an error")
	}
	if _, _, err := btyd.FitBGNBD([]btyd.Row{{X: 1.5, Tx: 1, T: 2, Weight: 1}}, nil); err == nil {
		t.Error("fractional frequency: want an error")
	}
}
