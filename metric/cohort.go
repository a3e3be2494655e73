package metric

import (
	"fidelis"
)

// CohortMatrix is the cohort retention table of one segment: rows are first-purchase cohorts,
// columns periods since the first purchase.
type CohortMatrix struct {
	Segment string      `json:"segment"`
	Rows    []CohortRow `json:"rows"`
	// Mean is the cohort-size-weighted mean of each column over the cohorts that have reached it
	// (Σ returned ÷ Σ size), the default of Amplitude, Mixpanel and PostHog; a simple mean of
	// percentages can differ several-fold when cohort sizes differ (METRICS.md).
	Mean          []Proportion `json:"weighted_mean"`
	MeanUnbounded []Proportion `json:"weighted_mean_unbounded"`
}

// CohortRow is one cohort.
type CohortRow struct {
	Cohort string `json:"cohort"`
	Size   int64  `json:"size"`
	// Bounded[k] is the share of the cohort that bought in period c + k ("return on" retention).
	Bounded []Proportion `json:"bounded"`
	// Unbounded[k] is the share that bought in period c + k or later ("return on or after"); the
	// curve never rises.
	Unbounded []Proportion `json:"unbounded"`
	// Incomplete[k] marks cells in the last, possibly unfinished, period of the data.
	Incomplete []bool `json:"incomplete"`
}

// Cohorts builds one matrix per segment from cohort cells. last is the index of the latest period
// with data: cells beyond it do not exist yet, and cells in it are flagged incomplete unless
// lastComplete says the period is over. Only customers whose cohort has reached offset k enter the
// denominators of column k.
func Cohorts(cells []fidelis.CohortCell, g fidelis.Grain, last int64, lastComplete bool) []CohortMatrix {
	type agg struct {
		size            int64
		returned, after map[int64]int64
	}
	bySeg := map[string]map[int64]*agg{}
	var segs []string
	for _, c := range cells {
		m := bySeg[c.Segment]
		if m == nil {
			m = map[int64]*agg{}
			bySeg[c.Segment] = m
			segs = append(segs, c.Segment)
		}
		a := m[c.Cohort]
		if a == nil {
			a = &agg{returned: map[int64]int64{}, after: map[int64]int64{}}
			m[c.Cohort] = a
		}
		a.returned[c.Offset] += c.Returned
		a.after[c.Offset] += c.LastAt
		if c.Offset == 0 {
			a.size += c.Returned
		}
	}
	var out []CohortMatrix
	for _, s := range segs {
		m := bySeg[s]
		lo, hi := int64(1<<62), int64(-1<<62)
		for c := range m {
			lo, hi = min(lo, c), max(hi, c)
		}
		width := last - lo + 1
		sumK, sumN, sumU := make([]int64, width), make([]int64, width), make([]int64, width)
		mx := CohortMatrix{Segment: s}
		for c := lo; c <= hi; c++ {
			a := m[c]
			if a == nil {
				continue
			}
			n := last - c + 1
			row := CohortRow{Cohort: g.Label(c), Size: a.size, Bounded: make([]Proportion, n),
				Unbounded: make([]Proportion, n), Incomplete: make([]bool, n)}
			// Customers whose last purchase is at offset j or later, accumulated from the end.
			var tail int64
			unb := make([]int64, n)
			for k := n - 1; k >= 0; k-- {
				tail += a.after[k]
				unb[k] = tail
			}
			for k := int64(0); k < n; k++ {
				row.Bounded[k] = NewProportion(a.returned[k], a.size)
				row.Unbounded[k] = NewProportion(unb[k], a.size)
				row.Incomplete[k] = c+k == last && !lastComplete
				sumK[k] += a.returned[k]
				sumU[k] += unb[k]
				sumN[k] += a.size
			}
			mx.Rows = append(mx.Rows, row)
		}
		for k := range sumN {
			if sumN[k] == 0 {
				break
			}
			mx.Mean = append(mx.Mean, NewProportion(sumK[k], sumN[k]))
			mx.MeanUnbounded = append(mx.MeanUnbounded, NewProportion(sumU[k], sumN[k]))
		}
		out = append(out, mx)
	}
	return out
}
