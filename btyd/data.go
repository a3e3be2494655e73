package btyd

import (
	"fmt"
	"math"
	"slices"
)

// Customer is one customer's RFM summary in a calibration period.
//
// Frequency (x) is the number of repeat purchases (purchases after the first, counted in distinct
// time units); Recency (t_x) is the time from the first purchase to the last repeat purchase (0 when
// x = 0); T is the time from the first purchase to the end of the calibration period; Monetary is
// the mean value of the repeat purchases (0 when x = 0). All times are in one unit (days, weeks...).
type Customer struct {
	ID        string
	Frequency float64
	Recency   float64
	T         float64
	Monetary  float64
}

// Row is a distinct (x, t_x, T) summary with the number of customers (Weight) who share it. A
// model's log-likelihood over rows is Σ Weight × LL(x, t_x, T).
type Row struct {
	X, Tx, T float64
	Weight   float64
}

// SpendRow is a distinct (x, mean spend) pair with its weight, the input of the Gamma-Gamma model.
type SpendRow struct {
	X, Mean float64
	Weight  float64
}

// Validate checks that a summary is usable by the transaction models: finite, x a whole number ≥ 0,
// 0 ≤ t_x ≤ T, and t_x == 0 when x == 0 is not required (t_x is ignored then). A repeat buyer with
// t_x = 0 (x ≥ 1, recency 0: a summary rounded to whole periods, or repeat purchases on the first
// day) is accepted, as lifetimes, BTYD and CLVTools accept it: every model's likelihood is defined
// and finite there ((α+t_x)^−(r+x) = α^−(r+x)); [Summaries.ZeroRecency] counts such customers.
func (r Row) Validate() error {
	switch {
	case !finite(r.X) || !finite(r.Tx) || !finite(r.T) || !finite(r.Weight):
		return fmt.Errorf("non-finite value in (x=%v, t_x=%v, T=%v, weight=%v)", r.X, r.Tx, r.T, r.Weight)
	case r.X < 0 || r.X != math.Trunc(r.X):
		return fmt.Errorf("frequency %v is not a whole number ≥ 0", r.X)
	case r.T < 0:
		return fmt.Errorf("T %v is negative", r.T)
	case r.X > 0 && (r.Tx < 0 || r.Tx > r.T*(1+1e-9)):
		return fmt.Errorf("recency %v is not in [0, T=%v] for frequency %v", r.Tx, r.T, r.X)
	case r.Weight < 0:
		return fmt.Errorf("weight %v is negative", r.Weight)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

type rowKey struct{ x, tx, t float64 }

// Compress collapses per-customer summaries into distinct (x, t_x, T) rows with integer weights
// (customer counts), sorted by x, then T, then t_x. t_x is set to 0 for x == 0.
func Compress(cs []Customer) []Row {
	m := make(map[rowKey]int, 1024)
	rows := make([]Row, 0, 1024)
	for _, c := range cs {
		k := rowKey{c.Frequency, c.Recency, c.T}
		if k.x == 0 {
			k.tx = 0
		}
		if i, ok := m[k]; ok {
			rows[i].Weight++
			continue
		}
		m[k] = len(rows)
		rows = append(rows, Row{X: k.x, Tx: k.tx, T: k.t, Weight: 1})
	}
	SortRows(rows)
	return rows
}

// CompressRows merges rows with equal (x, t_x, T), summing weights, and sorts them like [Compress].
func CompressRows(in []Row) []Row {
	m := make(map[rowKey]int, len(in))
	rows := make([]Row, 0, len(in))
	for _, r := range in {
		k := rowKey{r.X, r.Tx, r.T}
		if k.x == 0 {
			k.tx = 0
		}
		if i, ok := m[k]; ok {
			rows[i].Weight += r.Weight
			continue
		}
		m[k] = len(rows)
		rows = append(rows, Row{X: k.x, Tx: k.tx, T: k.t, Weight: r.Weight})
	}
	SortRows(rows)
	return rows
}

// SortRows sorts rows by x, then T, then t_x.
func SortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		switch {
		case a.X != b.X:
			return cmpf(a.X, b.X)
		case a.T != b.T:
			return cmpf(a.T, b.T)
		}
		return cmpf(a.Tx, b.Tx)
	})
}

func cmpf(a, b float64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// CompressSpend collapses the customers with x > 0 and a positive mean spend into distinct
// (x, mean spend) rows for the Gamma-Gamma model.
func CompressSpend(cs []Customer) []SpendRow {
	type k struct{ x, m float64 }
	idx := make(map[k]int)
	var rows []SpendRow
	for _, c := range cs {
		if c.Frequency <= 0 || c.Monetary <= 0 {
			continue
		}
		key := k{c.Frequency, c.Monetary}
		if i, ok := idx[key]; ok {
			rows[i].Weight++
			continue
		}
		idx[key] = len(rows)
		rows = append(rows, SpendRow{X: c.Frequency, Mean: c.Monetary, Weight: 1})
	}
	return rows
}

// Rows converts customers to one row each (weight 1), without merging; see [Compress].
func Rows(cs []Customer) []Row {
	rows := make([]Row, len(cs))
	for i, c := range cs {
		rows[i] = Row{X: c.Frequency, Tx: c.Recency, T: c.T, Weight: 1}
	}
	return rows
}

// totalWeight returns Σ weights.
func totalWeight(rows []Row) float64 {
	var n float64
	for _, r := range rows {
		n += r.Weight
	}
	return n
}

func validateRows(rows []Row) error {
	if len(rows) == 0 {
		return fmt.Errorf("btyd: no customers")
	}
	var n, sx float64
	for i, r := range rows {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("btyd: row %d: %w", i, err)
		}
		n += r.Weight
		sx += r.Weight * r.X
	}
	if n <= 0 {
		return fmt.Errorf("btyd: total weight is zero")
	}
	if sx == 0 {
		return fmt.Errorf("btyd: no customer made a repeat purchase: the purchase and dropout processes are not identified")
	}
	return nil
}
