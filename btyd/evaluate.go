package btyd

import (
	"fmt"
	"math"
	"slices"
)

// Evaluation compares holdout predictions with what customers actually did.
type Evaluation struct {
	Horizon   float64 // holdout length in model time units
	Customers int
	// Predicted and Actual are total holdout purchases over all customers.
	Predicted, Actual float64
	// Groups break the comparison down by calibration frequency 0, 1, ..., 6 and 7+ (Fader, Hardie &
	// Lee 2005, figure 4): mean purchases per customer in each group.
	Groups []EvalGroup
	// MAE and RMSE are per-customer errors of predicted vs actual holdout purchases.
	MAE, RMSE float64
}

// EvalGroup is one calibration-frequency group of an [Evaluation].
type EvalGroup struct {
	Frequency int    // 0..7; 7 stands for 7 or more
	Label     string // "0", ..., "6", "7+"
	Customers int
	// Predicted and Actual are mean holdout purchases per customer in the group.
	Predicted, Actual float64
}

// EvaluateHoldout predicts each customer's purchases over the holdout (E[Y(horizon) | x, t_x, T])
// and compares them with actual[i], the holdout purchase count of customer i (see
// [Summary.Holdout]).
func EvaluateHoldout(m Transactor, cs []Customer, actual []float64, horizon float64) (*Evaluation, error) {
	if len(actual) != len(cs) {
		return nil, fmt.Errorf("btyd: %d customers but %d holdout counts", len(cs), len(actual))
	}
	ev := &Evaluation{Horizon: horizon, Customers: len(cs)}
	type acc struct{ n, p, a float64 }
	var g [8]acc
	cache := map[rowKey]float64{}
	var se, ae float64
	for i, c := range cs {
		k := rowKey{c.Frequency, c.Recency, c.T}
		if k.x == 0 {
			k.tx = 0
		}
		p, ok := cache[k]
		if !ok {
			p = m.ExpectedPurchases(horizon, k.x, k.tx, k.t)
			cache[k] = p
		}
		a := actual[i]
		ev.Predicted += p
		ev.Actual += a
		se += (p - a) * (p - a)
		ae += math.Abs(p - a)
		b := min(int(c.Frequency), 7)
		g[b].n++
		g[b].p += p
		g[b].a += a
	}
	if n := float64(len(cs)); n > 0 {
		ev.MAE, ev.RMSE = ae/n, math.Sqrt(se/n)
	}
	for b, v := range g {
		if v.n == 0 {
			continue
		}
		lab := fmt.Sprint(b)
		if b == 7 {
			lab = "7+"
		}
		ev.Groups = append(ev.Groups, EvalGroup{Frequency: b, Label: lab, Customers: int(v.n), Predicted: v.p / v.n, Actual: v.a / v.n})
	}
	return ev, nil
}

// TrackPoint is one period of a cumulative tracking plot.
type TrackPoint struct {
	Period int     // 1, 2, ...: the period ending Period time units after the cohort's earliest first purchase
	Time   float64 // end of the period in model time units
	// Expected and Actual are cumulative repeat purchases of the whole cohort by the period's end.
	Expected, Actual float64
}

// Track builds the cumulative repeat-purchase tracking curve of a cohort (Fader, Hardie & Lee 2005,
// figure 3): for periods k = 1..periods of length step (model time units, after o.Divide), the
// expected cumulative repeat purchases Σ_i E[X(t_k − s_i)] (s_i = customer i's first purchase time)
// against the actual count of repeat purchase periods up to t_k. Repeat purchases are defined as in
// [Summarize] (distinct purchase periods after the first), over the whole log, so the curve runs
// through calibration and holdout.
func Track(m Transactor, txs []Transaction, o SummaryOptions, step float64, periods int) ([]TrackPoint, error) {
	if !(step > 0) || periods <= 0 {
		return nil, fmt.Errorf("btyd: tracking needs a positive step and number of periods")
	}
	div := o.Divide
	if div <= 0 {
		div = 1
	}
	calP := o.Unit.period(o.CalibrationEnd)
	by := map[string][]int64{}
	for _, t := range txs {
		by[t.Customer] = append(by[t.Customer], o.Unit.period(t.Time))
	}
	type cust struct {
		first   int64
		repeats []int64
	}
	var cs []cust
	minFirst := int64(math.MaxInt64)
	for _, ps := range by {
		slices.Sort(ps)
		ps = slices.Compact(ps)
		if ps[0] > calP {
			continue
		}
		cs = append(cs, cust{ps[0], ps[1:]})
		minFirst = min(minFirst, ps[0])
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("btyd: no customer in the cohort")
	}
	starts := map[float64]float64{} // first-purchase time → customers
	actual := make([]float64, periods+1)
	for _, c := range cs {
		starts[float64(c.first-minFirst)/div]++
		for _, p := range c.repeats {
			tt := float64(p-minFirst) / div
			k := int(math.Ceil(tt/step - 1e-9))
			if k < 1 {
				k = 1
			}
			if k <= periods {
				actual[k]++
			}
		}
	}
	pts := make([]TrackPoint, periods)
	cum := 0.0
	for k := 1; k <= periods; k++ {
		tk := float64(k) * step
		e := 0.0
		for s, n := range starts {
			if tk > s {
				e += n * m.ExpectedCumulative(tk-s)
			}
		}
		cum += actual[k]
		pts[k-1] = TrackPoint{Period: k, Time: tk, Expected: e, Actual: cum}
	}
	return pts, nil
}
