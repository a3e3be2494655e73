package metric

import (
	"math"

	"fidelis"
)

// Retention is one period's retention figures for one segment.
type Retention struct {
	Segment string `json:"segment"`
	Period  string `json:"period"`
	Index   int64  `json:"-"`
	// S, E and N of the classic formula: customers active at the start (in the previous period),
	// at the end (in this period), and new in this period.
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	EndList string `json:"end_list,omitempty"`
	New     int64  `json:"new"`
	NewList string `json:"new_list,omitempty"`
	// Lost = S − retained: the customers active in the previous period and not in this one
	// (churn's k), those the ID-based rate loses.
	Lost     int64  `json:"lost"`
	LostList string `json:"lost_list,omitempty"`
	// Classic is the textbook customer retention rate, ((E − N) / S) × 100 (Reichheld & Sasser
	// 1990, HBR; the usual CRR formula). It counts reactivated customers as retained and ignores
	// new customers who lapse within the period, so it can exceed the ID-based rate and even 100.
	// NaN when S = 0.
	Classic float64 `json:"classic_pct"`
	// IDBased is the share of customers active at the start who are still active at the end:
	// |active(i−1) ∩ active(i)| ÷ |active(i−1)|. It follows the same people, so it is the one to
	// use for churn (METRICS.md, "Period retention, ID-based").
	IDBased Proportion `json:"id_based"`
	// Churn = 1 − IDBased (same n and interval mirrored).
	Churn Proportion `json:"churn"`
	// WinBack is the share of lapsed customers (bought before, not active at the start) who became
	// active again in this period (METRICS.md, "Win-back / reactivation").
	WinBack   Proportion `json:"win_back"`
	Returning int64      `json:"returning"`
	// The *List fields name the customer lists behind the counts, set by the analysis
	// (analysis.PeriodList); empty elsewhere.
	ReturningList string  `json:"returning_list,omitempty"`
	Buyers        int64   `json:"buyers"`
	Orders        int64   `json:"orders"`
	Revenue       float64 `json:"revenue"`
}

// Retentions turns activity counts into retention figures, one per cell, keeping the cells' order.
// Activity is a purchase within the query's window (stated by callers next to every rate).
func Retentions(cells []fidelis.ActivityCell, g fidelis.Grain) []Retention {
	out := make([]Retention, len(cells))
	for i, c := range cells {
		r := Retention{Segment: c.Segment, Period: g.Label(c.Period), Index: c.Period,
			Start: c.PrevActive, End: c.Active, New: c.New, Classic: math.NaN(),
			Returning: c.Returning, Buyers: c.Buyers, Orders: c.Orders, Revenue: c.Revenue}
		if c.PrevActive > 0 {
			r.Classic = float64(c.Active-c.New) / float64(c.PrevActive) * 100
		}
		r.IDBased = NewProportion(c.Retained, c.PrevActive)
		r.Churn = r.IDBased.Complement()
		r.Lost = r.Churn.K
		r.WinBack = NewProportion(c.Returning, c.Acquired-c.PrevActive)
		out[i] = r
	}
	return out
}

// Complement returns 1 − p with the same n (the Wilson interval is symmetric under k → n − k).
func (p Proportion) Complement() Proportion {
	return NewProportion(p.N-p.K, p.N)
}

// Pool adds up the counts of several periods or segments into one ID-based retention over all of
// them (a customer-weighted mean, not a mean of rates: METRICS.md on averaging across cohorts).
func Pool(rs []Retention) Proportion {
	var k, n int64
	for _, r := range rs {
		k += r.IDBased.K
		n += r.IDBased.N
	}
	return NewProportion(k, n)
}

// TwoProportionZ tests whether two proportions differ: z = (p₁ − p₂) / sqrt(p̄(1 − p̄)(1/n₁ + 1/n₂))
// with the pooled p̄ (the standard two-sample z-test; Agresti 2013, Categorical Data Analysis §3.1).
// It returns z and the two-sided p-value; NaN when either n is zero or p̄ is 0 or 1.
func TwoProportionZ(a, b Proportion) (z, p float64) {
	if a.N == 0 || b.N == 0 {
		return math.NaN(), math.NaN()
	}
	pool := float64(a.K+b.K) / float64(a.N+b.N)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(a.N) + 1/float64(b.N)))
	if se == 0 {
		return math.NaN(), math.NaN()
	}
	z = (a.Value - b.Value) / se
	return z, math.Erfc(math.Abs(z) / math.Sqrt2)
}
