package btyd_test

import (
	"math"
	"testing"

	"fidelis/btyd"
)

// factorModels are fitted-looking parameter sets of every model whose forecasts Predict and
// ExpectedTotals batch, including Pareto/NBD at the bound of issue #14 (β ≫ α, quadrature).
var factorModels = []struct {
	name string
	m    btyd.Transactor
}{
	{"bgnbd", btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
	{"mbgnbd", btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}},
	{"paretonbd", btyd.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67}},
	{"paretonbd at bound", btyd.ParetoNBD{R: 0.56, Alpha: 10.58, S: 1e4, Beta: 2e5}},
}

// TestPredictMatchesDefinitions pins Predict (which shares work between customers) to the
// per-customer definitions PAlive, ExpectedPurchases and CLV on 3,000 CDNOW-like customers with
// varied T (so that customers share (x, T) but not t_x). Tolerance 1e-12 relative: only the order
// of multiplications may differ.
func TestPredictMatchesDefinitions(t *testing.T) {
	cs := btyd.SimulateCustomers(btyd.ParetoNBD{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}, 3000, 39, 9)
	for i := range cs {
		cs[i].T = 30 + float64(i%7)
		cs[i].Recency = math.Min(math.Round(cs[i].Recency), cs[i].T)
		cs[i].Monetary = 20 + float64(i%13)
	}
	o := btyd.CLVOptions{Periods: 12, PeriodLength: 4.348, Discount: 0.01, Margin: 0.3}
	for _, md := range factorModels {
		got := btyd.Predict(md.m, nil, cs, o)
		for i, c := range cs {
			tx := c.Recency
			if c.Frequency == 0 {
				tx = 0
			}
			want := []float64{md.m.PAlive(c.Frequency, tx, c.T), md.m.ExpectedPurchases(12*4.348, c.Frequency, tx, c.T),
				btyd.CLV(md.m, c.Frequency, tx, c.T, c.Monetary, o)}
			for k, v := range []float64{got[i].PAlive, got[i].Expected, got[i].CLV} {
				if math.Abs(v-want[k]) > 1e-12*math.Max(1e-300, math.Abs(want[k])) {
					t.Fatalf("%s customer %d %+v: output %d = %.17g, definition %.17g", md.name, i, c, k, v, want[k])
				}
			}
		}
	}
}

// TestExpectedTotalsMatchesDefinition: the tracking plot's expected curve, Σ weight ×
// E[Y(t) | x, t_x, T] over compressed rows for each week, equals the sum of the definition to
// 1e-12 relative.
func TestExpectedTotalsMatchesDefinition(t *testing.T) {
	cs := btyd.SimulateCustomers(btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, 3000, 39, 4)
	for i := range cs {
		cs[i].T = 30 + float64(i%5)
		cs[i].Recency = math.Min(math.Round(cs[i].Recency*10)/10, cs[i].T)
	}
	rows := btyd.Compress(cs)
	ts := []float64{1, 2, 5, 13, 52}
	for _, md := range factorModels {
		got := btyd.ExpectedTotals(md.m, rows, ts)
		for k, h := range ts {
			want := 0.0
			for _, r := range rows {
				want += r.Weight * md.m.ExpectedPurchases(h, r.X, r.Tx, r.T)
			}
			if math.Abs(got[k]-want) > 1e-12*want {
				t.Errorf("%s t=%v: %.17g, definition %.17g", md.name, h, got[k], want)
			}
		}
	}
}

// TestForecastMatchesDefinitions: Forecast gives exactly PAlive and ExpectedPurchases of every
// customer (the same operations, only shared between customers of one (x, T)), for horizons 0
// (no purchases), 13 weeks and a year.
func TestForecastMatchesDefinitions(t *testing.T) {
	cs := btyd.SimulateCustomers(btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, 3000, 39, 5)
	for i := range cs {
		cs[i].T = 30 + float64(i%7)
		cs[i].Recency = math.Min(math.Round(cs[i].Recency), cs[i].T)
		if cs[i].Frequency == 0 {
			cs[i].Recency = 0
		}
	}
	for _, md := range factorModels {
		for _, h := range []float64{0, 13, 52} {
			pa, ex := btyd.Forecast(md.m, cs, h)
			for i, c := range cs {
				if p, e := md.m.PAlive(c.Frequency, c.Recency, c.T), md.m.ExpectedPurchases(h, c.Frequency, c.Recency, c.T); pa[i] != p || ex[i] != e {
					t.Fatalf("%s t=%v customer %d %+v: Forecast %.17g, %.17g; definitions %.17g, %.17g", md.name, h, i, c, pa[i], ex[i], p, e)
				}
			}
		}
	}
}
