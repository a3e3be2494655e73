package btyd

import (
	"runtime"
	"sync"
)

// activeExpecter is a model whose conditional expectation factors as
//
//	E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) · E[Y(t) | active at T, x, T],
//
// true of BG/NBD, MBG/NBD and Pareto/NBD: once active at T, a customer's future depends on the
// history only through x and T (the posterior of λ is Gamma(r+x, α+T), that of p Beta(a, b+x),
// that of μ Gamma(s, β+T)). Batch forecasts use it to compute P(alive) once per customer and the
// second factor, the costly one for BG/NBD (a hypergeometric series), once per distinct (x, T)
// and horizon.
type activeExpecter interface {
	Transactor
	activeExpected(t, x, T float64) float64
}

// expectedPurchases is ExpectedPurchases of a factoring model: the one definition of the product.
func expectedPurchases(m activeExpecter, t, x, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	return m.activeExpected(t, x, T) * m.PAlive(x, tx, T)
}

// xT is a distinct (x, T) of a row set.
type xT struct{ x, T float64 }

// groupXT returns the distinct (x, T) of rows and each row's index among them.
func groupXT(rows []Row) ([]xT, []int32) {
	return distinct(len(rows), func(i int) xT { return xT{rows[i].X, rows[i].T} })
}

// distinct returns the distinct key(i), i in [0, n), in order of appearance, and each i's index
// among them.
func distinct[K comparable](n int, key func(i int) K) ([]K, []int32) {
	var keys []K
	of := make([]int32, n)
	m := map[K]int32{}
	for i := range n {
		k := key(i)
		j, ok := m[k]
		if !ok {
			j = int32(len(keys))
			m[k] = j
			keys = append(keys, k)
		}
		of[i] = j
	}
	return keys, of
}

// forEach runs f(i) for i in [0, n) on GOMAXPROCS goroutines.
func forEach(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/64))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// ExpectedTotals returns, for each horizon t in ts, Σ weight × E[Y(t) | x, t_x, T] over the rows:
// the expected purchases of the whole customer base in (T, T+t], e.g. the expected curve of a
// holdout tracking plot. For the factoring models the P(alive)-weighted counts are summed per
// distinct (x, T) first, so each horizon costs one active expectation per (x, T), not per row.
func ExpectedTotals(m Transactor, rows []Row, ts []float64) []float64 {
	out := make([]float64, len(ts))
	am, ok := m.(activeExpecter)
	if !ok {
		for k, t := range ts {
			for _, r := range rows {
				out[k] += r.Weight * m.ExpectedPurchases(t, r.X, r.Tx, r.T)
			}
		}
		return out
	}
	keys, of := groupXT(rows)
	pa := make([]float64, len(rows))
	forEach(len(rows), func(i int) { pa[i] = rows[i].Weight * m.PAlive(rows[i].X, rows[i].Tx, rows[i].T) })
	alive := make([]float64, len(keys)) // Σ weight × P(alive) per (x, T)
	for i, j := range of {
		alive[j] += pa[i]
	}
	per := make([][]float64, len(keys)) // per (x, T): the active expectation at each horizon
	forEach(len(keys), func(j int) {
		v := make([]float64, len(ts))
		for k, t := range ts {
			if t > 0 {
				v[k] = am.activeExpected(t, keys[j].x, keys[j].T)
			}
		}
		per[j] = v
	})
	for j, v := range per {
		for k := range ts {
			out[k] += alive[j] * v[k]
		}
	}
	return out
}

// predictRows returns P(alive), the expected purchases over the CLV horizon and the CLV factor
// (see clvFactor) of every row, sharing the active expectations per distinct (x, T) when m
// factors.
func predictRows(m Transactor, rows []Row, o CLVOptions) (pa, exp, fac []float64) {
	n := len(rows)
	pa, exp, fac = make([]float64, n), make([]float64, n), make([]float64, n)
	horizon := float64(o.Periods) * o.PeriodLength
	am, ok := m.(activeExpecter)
	if !ok {
		forEach(n, func(i int) {
			r := rows[i]
			pa[i] = m.PAlive(r.X, r.Tx, r.T)
			exp[i] = m.ExpectedPurchases(horizon, r.X, r.Tx, r.T)
			fac[i] = clvFactor(m, r.X, r.Tx, r.T, o)
		})
		return
	}
	keys, of := groupXT(rows)
	// Per (x, T): the active expectation over the horizon and the CLV factor of an active
	// customer; both are linear in E[Y], so a row's are P(alive) times these.
	type active struct{ exp, fac float64 }
	per := make([]active, len(keys))
	forEach(len(keys), func(j int) {
		x, T := keys[j].x, keys[j].T
		per[j] = active{am.activeExpected(horizon, x, T), clvFactorOf(func(t float64) float64 { return am.activeExpected(t, x, T) }, o)}
	})
	forEach(n, func(i int) {
		r := rows[i]
		pa[i] = m.PAlive(r.X, r.Tx, r.T)
		exp[i] = pa[i] * per[of[i]].exp
		fac[i] = pa[i] * per[of[i]].fac
	})
	return
}

// Forecast returns P(alive | x, t_x, T) and E[Y(t) | x, t_x, T] of every customer for one horizon
// t: the numbers PAlive and ExpectedPurchases give customer by customer, computed on all cores,
// and for the factoring models with the active expectation (a hypergeometric term for BG/NBD)
// once per distinct (x, T) instead of once per customer.
func Forecast(m Transactor, cs []Customer, t float64) (palive, expected []float64) {
	n := len(cs)
	palive, expected = make([]float64, n), make([]float64, n)
	am, ok := m.(activeExpecter)
	if !ok || t <= 0 {
		forEach(n, func(i int) {
			c := cs[i]
			palive[i] = m.PAlive(c.Frequency, c.Recency, c.T)
			expected[i] = m.ExpectedPurchases(t, c.Frequency, c.Recency, c.T)
		})
		return palive, expected
	}
	keys, of := distinct(n, func(i int) xT { return xT{cs[i].Frequency, cs[i].T} })
	per := make([]float64, len(keys))
	forEach(len(keys), func(j int) { per[j] = am.activeExpected(t, keys[j].x, keys[j].T) })
	forEach(n, func(i int) {
		c := cs[i]
		palive[i] = m.PAlive(c.Frequency, c.Recency, c.T)
		expected[i] = per[of[i]] * palive[i] // the product expectedPurchases forms
	})
	return palive, expected
}
