package btyd

import (
	"math"
	"slices"
)

// Transactor is a continuous-time transaction model: [BGNBD], [MBGNBD] or [ParetoNBD].
type Transactor interface {
	// PAlive is the probability that a customer with history (x, t_x, T) is still active at T.
	PAlive(x, tx, T float64) float64
	// ExpectedPurchases is E[Y(t) | x, t_x, T], the expected purchases in (T, T+t].
	ExpectedPurchases(t, x, tx, T float64) float64
	// ExpectedCumulative is E[X(t)], a new customer's expected repeat purchases in (0, t].
	ExpectedCumulative(t float64) float64
}

// CLVOptions sets the horizon and economics of [CLV].
type CLVOptions struct {
	// Periods is the number of future periods summed (default 12).
	Periods int
	// PeriodLength is one period in the model's time units (default 1; e.g. 4.348 weeks per month).
	PeriodLength float64
	// Discount is the discount rate per period d (0.01 = 1% per period).
	Discount float64
	// Margin is the profit margin applied to spend (default 1: CLV in revenue).
	Margin float64
}

func (o CLVOptions) withDefaults() CLVOptions {
	if o.Periods <= 0 {
		o.Periods = 12
	}
	if !(o.PeriodLength > 0) {
		o.PeriodLength = 1
	}
	if o.Margin == 0 {
		o.Margin = 1
	}
	return o
}

// CLV is a customer's discounted expected residual value over a finite horizon (Fader, Hardie & Lee
// 2005, JMR 42(4), section "CLV"; here discretised):
//
//	CLV = Σ_{k=1}^{K} (E[Y(kL) | x, t_x, T] − E[Y((k−1)L) | x, t_x, T]) · spend · margin / (1+d)^k,
//
// the incremental expected purchases in period k (length L) times the expected spend per purchase
// (e.g. [GammaGamma.ExpectedSpend]), the margin, and the discount factor of period k.
func CLV(m Transactor, x, tx, T, spend float64, o CLVOptions) float64 {
	return spend * clvFactor(m, x, tx, T, o.withDefaults())
}

// clvFactor is Σ_k ΔE[Y] · margin / (1+d)^k: CLV per unit of spend.
func clvFactor(m Transactor, x, tx, T float64, o CLVOptions) float64 {
	return clvFactorOf(func(t float64) float64 { return m.ExpectedPurchases(t, x, tx, T) }, o)
}

// clvFactorOf is clvFactor for the expected purchases e(t) by horizon t.
func clvFactorOf(e func(t float64) float64, o CLVOptions) float64 {
	prev, sum := 0.0, 0.0
	disc := 1.0
	for k := 1; k <= o.Periods; k++ {
		e := e(float64(k) * o.PeriodLength)
		disc /= 1 + o.Discount
		sum += (e - prev) * disc
		prev = e
	}
	return sum * o.Margin
}

// Prediction is one customer's forecast.
type Prediction struct {
	ID string
	// PAlive is P(alive) at the end of calibration.
	PAlive float64
	// Expected is the expected number of purchases in the horizon (Periods × PeriodLength).
	Expected float64
	// Spend is the expected value per purchase (the Gamma-Gamma conditional mean, or the customer's
	// own mean when no spend model is given).
	Spend float64
	// CLV is the discounted margin over the horizon (see [CLV]).
	CLV float64
}

// Predict forecasts every customer: P(alive), expected purchases over the CLV horizon, expected
// spend (from gg when not nil) and CLV. Work is done once per distinct (x, t_x, T) (the expectations
// of an active customer once per distinct (x, T)) and spread over GOMAXPROCS goroutines.
func Predict(m Transactor, gg *GammaGamma, cs []Customer, o CLVOptions) []Prediction {
	out := make([]Prediction, len(cs))
	PredictEach(m, gg, cs, Compress(cs), o, func(i int, p Prediction) { out[i] = p })
	return out
}

// PredictEach is Predict for customers whose rows the caller has already compressed (rows =
// Compress(cs)), handing each customer's forecast to each with its index in cs instead of
// returning them all: a caller that fitted on those rows and keeps its own per-customer records
// neither compresses twice nor holds a second copy of every forecast.
func PredictEach(m Transactor, gg *GammaGamma, cs []Customer, rows []Row, o CLVOptions, each func(i int, p Prediction)) {
	o = o.withDefaults()
	pa, exp, fac := predictRows(m, rows, o)
	for i, c := range cs {
		tx := c.Recency
		if c.Frequency == 0 {
			tx = 0
		}
		j, _ := slices.BinarySearchFunc(rows, Row{X: c.Frequency, Tx: tx, T: c.T}, func(a, b Row) int {
			switch {
			case a.X != b.X:
				return cmpf(a.X, b.X)
			case a.T != b.T:
				return cmpf(a.T, b.T)
			}
			return cmpf(a.Tx, b.Tx)
		})
		spend := c.Monetary
		if gg != nil {
			spend = gg.ExpectedSpend(c.Frequency, c.Monetary)
		}
		p := Prediction{ID: c.ID, PAlive: pa[j], Expected: exp[j], Spend: spend, CLV: spend * fac[j]}
		if math.IsNaN(p.CLV) {
			p.CLV = 0
		}
		each(i, p)
	}
}
