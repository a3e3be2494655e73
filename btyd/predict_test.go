package btyd_test

import (
	"math"
	"testing"

	"fidelis/btyd"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

var (
	bgCDNOW = btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	pnCDNOW = btyd.ParetoNBD{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}
	mbgTest = btyd.MBGNBD{R: 0.5, Alpha: 6, A: 1.3, B: 4}
)

// TestExpectedCumulativeSimulation checks E[X(t)] against the mean of simulated customers, and
// the conditional expectation against the law of total expectation:
// mean over customers of E[Y(t) | x, t_x, T] = E[X(T+t)] − E[X(T)].
func TestExpectedCumulativeSimulation(t *testing.T) {
	const n, T, h = 100000, 39.0, 39.0
	for _, c := range []struct {
		name string
		m    interface {
			btyd.Transactor
			btyd.Simulator
		}
	}{{"bgnbd", bgCDNOW}, {"paretonbd", pnCDNOW}, {"mbgnbd", mbgTest}} {
		cs := btyd.SimulateCustomers(c.m, n, T, 11)
		var sx, sx2, se float64
		for _, cu := range cs {
			sx += cu.Frequency
			sx2 += cu.Frequency * cu.Frequency
			se += c.m.ExpectedPurchases(h, cu.Frequency, cu.Recency, cu.T)
		}
		mean := sx / n
		sd := math.Sqrt(sx2/n - mean*mean)
		want := c.m.ExpectedCumulative(T)
		if math.Abs(mean-want) > 4*sd/math.Sqrt(n) {
			t.Errorf("%s: simulated mean x %.4f, E[X(%v)] = %.4f (se %.4f)", c.name, mean, T, want, sd/math.Sqrt(n))
		}
		// The identity holds in expectation over the model's population; its Monte Carlo error is
		// about that of the simulated mean of X(T+h) − X(T), bounded by sd of x here.
		inc := c.m.ExpectedCumulative(T+h) - c.m.ExpectedCumulative(T)
		if math.Abs(se/n-inc) > 4*sd/math.Sqrt(n) {
			t.Errorf("%s: mean E[Y(%v)|…] %.4f, E[X(T+t)]−E[X(T)] = %.4f", c.name, h, se/n, inc)
		}
	}
}

// TestBGNBDPNumPurchases checks the unconditional distribution: it sums to 1 and its mean is E[X(t)].
func TestBGNBDPNumPurchases(t *testing.T) {
	for _, tt := range []float64{1, 39, 78} {
		var s, mean float64
		for k := 0; k < 2000; k++ {
			p := bgCDNOW.PNumPurchases(k, tt)
			s += p
			mean += float64(k) * p
		}
		if math.Abs(s-1) > 1e-9 || math.Abs(mean-bgCDNOW.ExpectedCumulative(tt)) > 1e-6 {
			t.Errorf("t=%v: ΣP = %.12f, mean %.8f, E[X(t)] %.8f", tt, s, mean, bgCDNOW.ExpectedCumulative(tt))
		}
	}
	// Fader, Hardie & Lee 2005, figure 2 (CDNOW, 39 weeks): about 1,411 of 2,357 customers make no
	// repeat purchase; the model predicts P(X(39)=0) close to 0.6 for a new customer.
	if p0 := bgCDNOW.PNumPurchases(0, 39); p0 < 0.55 || p0 > 0.65 {
		t.Errorf("P(X(39)=0) = %.4f", p0)
	}
}

// TestParetoExpectedCumulativeIntegral checks E[X(t)] = E[λ · E[min(τ, t)]] by numerical
// integration over the lifetime-rate distribution: E[min(τ,t) | μ] = (1 − e^(−μt))/μ.
func TestParetoExpectedCumulativeIntegral(t *testing.T) {
	m := pnCDNOW
	for _, tt := range []float64{5, 39, 200} {
		// μ ~ Gamma(s, β): density β^s μ^(s−1) e^(−βμ)/Γ(s). Substitute μ = u/(1−u).
		lg, _ := math.Lgamma(m.S)
		f := func(u float64) float64 {
			if u <= 0 || u >= 1 {
				return 0
			}
			mu := u / (1 - u)
			dens := math.Exp(m.S*math.Log(m.Beta) + (m.S-1)*math.Log(mu) - m.Beta*mu - lg)
			return dens * (-math.Expm1(-mu*tt) / mu) / ((1 - u) * (1 - u))
		}
		got := 0.0
		edges := []float64{0, 1e-6, 1e-4, 1e-3, 1e-2, 0.1, 0.5, 0.9, 0.99, 1}
		for i := 0; i+1 < len(edges); i++ {
			got += quad.Fixed(f, edges[i], edges[i+1], 400, nil, 0)
		}
		got *= m.R / m.Alpha
		if want := m.ExpectedCumulative(tt); math.Abs(got-want) > 1e-5*want {
			t.Errorf("E[X(%v)]: integral %.8f, closed form %.8f", tt, got, want)
		}
	}
}

// TestBGNBDConditionalHypergeo checks the Euler-transformed evaluation against the paper's formula
// with gonum's 2F1 directly, where the latter is well-conditioned.
func TestBGNBDConditionalHypergeo(t *testing.T) {
	m := bgCDNOW
	for _, c := range [][4]float64{{39, 2, 30.43, 38.86}, {10, 0, 0, 39}, {52, 7, 35, 39}, {5, 1, 2, 3}} {
		tt, x, tx, T := c[0], c[1], c[2], c[3]
		z := tt / (m.Alpha + T + tt)
		br := 1 - math.Pow((m.Alpha+T)/(m.Alpha+T+tt), m.R+x)*mathext.Hypergeo(m.R+x, m.B+x, m.A+m.B+x-1, z)
		want := (m.A + m.B + x - 1) / (m.A - 1) * br * m.PAlive(x, tx, T)
		if got := m.ExpectedPurchases(tt, x, tx, T); math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("E[Y(%v)|%v,%v,%v] = %.10f, direct formula %.10f", tt, x, tx, T, got, want)
		}
	}
}

// TestExtremeInputs: large frequencies, T near 0, a = 1, alpha = beta: finite predictions.
func TestExtremeInputs(t *testing.T) {
	models := map[string]btyd.Transactor{
		"bgnbd": bgCDNOW, "mbgnbd": mbgTest, "paretonbd": pnCDNOW,
		"bgnbd a=1":          btyd.BGNBD{R: 0.3, Alpha: 4, A: 1, B: 2},
		"pareto alpha=beta":  btyd.ParetoNBD{R: 0.5, Alpha: 7, S: 0.8, Beta: 7},
		"pareto s=1":         btyd.ParetoNBD{R: 0.5, Alpha: 7, S: 1, Beta: 3},
		"pareto alpha>>beta": btyd.ParetoNBD{R: 0.5, Alpha: 1e5, S: 0.8, Beta: 0.01},
	}
	rows := [][3]float64{{0, 0, 39}, {0, 0, 1e-9}, {3000, 38.9, 39}, {5000, 1, 39}, {1, 1e-6, 1e-6}, {100, 3, 1e4}}
	for name, m := range models {
		for _, r := range rows {
			pa := m.PAlive(r[0], r[1], r[2])
			e := m.ExpectedPurchases(39, r[0], r[1], r[2])
			c := btyd.CLV(m, r[0], r[1], r[2], 20, btyd.CLVOptions{Periods: 12, PeriodLength: 4.35, Discount: 0.01, Margin: 0.3})
			for _, v := range []float64{pa, e, c, m.ExpectedCumulative(r[2])} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Errorf("%s %v: P(alive)=%v E=%v CLV=%v", name, r, pa, e, c)
				}
			}
			if pa > 1 {
				t.Errorf("%s %v: P(alive)=%v > 1", name, r, pa)
			}
		}
	}
}

func TestCLV(t *testing.T) {
	m := bgCDNOW
	// With no discount CLV is E[Y(K·L)] × spend × margin.
	o := btyd.CLVOptions{Periods: 10, PeriodLength: 3.9, Margin: 0.25}
	got := btyd.CLV(m, 2, 30.43, 38.86, 40, o)
	want := m.ExpectedPurchases(39, 2, 30.43, 38.86) * 40 * 0.25
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("undiscounted CLV %v, want %v", got, want)
	}
	o.Discount = 0.02
	if d := btyd.CLV(m, 2, 30.43, 38.86, 40, o); d >= got || d < got/math.Pow(1.02, 10) {
		t.Errorf("discounted CLV %v not within (%v, %v)", d, got/math.Pow(1.02, 10), got)
	}
	gg := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs := []btyd.Customer{{ID: "a", Frequency: 2, Recency: 30.43, T: 38.86, Monetary: 40}, {ID: "b", T: 38.86}}
	ps := btyd.Predict(m, &gg, cs, o)
	if ps[0].ID != "a" || math.Abs(ps[0].Spend-gg.ExpectedSpend(2, 40)) > 1e-12 ||
		math.Abs(ps[0].CLV-btyd.CLV(m, 2, 30.43, 38.86, ps[0].Spend, o)) > 1e-9 || ps[1].PAlive != 1 {
		t.Errorf("Predict: %+v", ps)
	}
}
