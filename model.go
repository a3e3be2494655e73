package fidelis

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// CustomerSummary is one customer's purchase history condensed for the customer-base models
// (Fader, Hardie & Lee 2005): purchases are counted in distinct days, as the BTYD literature and
// the lifetimes library do, and times are in days.
type CustomerSummary struct {
	Customer string
	Segment  string
	// First is the day of the first purchase.
	First time.Time
	// X is the number of repeat purchase days before the calibration end; Tx the days from the first
	// purchase to the last of them (0 when X = 0); T the days from the first purchase to the
	// calibration end.
	X, Tx, T float64
	// Monetary is the mean value of the repeat purchase days (0 when X = 0), for Gamma-Gamma.
	Monetary float64
	// Holdout counts purchase days in [calibration end, observation end); HoldoutSpend their value.
	Holdout      float64
	HoldoutSpend float64
	// Net is net revenue to date (refunds deducted) before the observation end.
	Net float64
}

// ModelStore is the part of Store that condenses orders for the customer-base models.
type ModelStore interface {
	// Summaries calls fn for every customer whose first purchase is before calEnd, with purchases
	// before calEnd in the calibration summary and those in [calEnd, obsEnd) as holdout. q.By names
	// the segment dimension ("" for none).
	Summaries(ctx context.Context, q Query, calEnd, obsEnd time.Time, fn func(CustomerSummary) error) error
	// HoldoutDays returns, for customers whose first purchase is before calEnd, the number of
	// purchase days in each step-day interval of [calEnd, obsEnd): the actual side of a tracking plot.
	// Of q only Segment is used.
	HoldoutDays(ctx context.Context, q Query, calEnd, obsEnd time.Time, stepDays int) ([]int64, error)
}

// SummaryRow is a distinct (X, Tx, T) calibration summary, in days, with the number of customers
// who share it and the total of their repeat-purchase means (for a Gamma-Gamma input, X > 0).
type SummaryRow struct {
	X, Tx, T  float64
	Customers int64
}

// SpendRow is a distinct (X, mean repeat-purchase value rounded to the cent) with its customers.
type SpendRow struct {
	X, Mean   float64
	Customers int64
}

// CompressedModelStore is an optional optimisation, found by type assertion: a store that
// implements it compresses the model inputs itself, so that a fit on a hundred million customers
// moves only the distinct summaries out of the store. Without it the same rows come from
// Summaries, compressed in Go (slower, same numbers); storetest checks the two agree.
type CompressedModelStore interface {
	// CompressedSummaries returns the distinct calibration summaries as of calEnd (see Summaries)
	// and the distinct Gamma-Gamma inputs.
	CompressedSummaries(ctx context.Context, calEnd time.Time) ([]SummaryRow, []SpendRow, error)
}

// CompressSummaries returns the distinct calibration summaries as of calEnd and the distinct
// Gamma-Gamma inputs, sorted by (X, Tx, T) and (X, Mean): from the store itself where it
// implements CompressedModelStore, otherwise by compressing Summaries in Go (every customer's row
// leaves the store; same numbers). The mean repeat-purchase value is rounded to the cent, after
// rounding the repeat total to 1e-6 so that the last bits of a sum, which depend on the order an
// engine adds in, cannot decide the cent.
func CompressSummaries(ctx context.Context, st Store, calEnd time.Time) ([]SummaryRow, []SpendRow, error) {
	if cs, ok := st.(CompressedModelStore); ok {
		return cs.CompressedSummaries(ctx, calEnd)
	}
	type rowKey struct{ x, tx, t float64 }
	type spendKey struct{ x, m float64 }
	rows, spend := map[rowKey]int64{}, map[spendKey]int64{}
	err := st.Summaries(ctx, Query{}, calEnd, calEnd, func(c CustomerSummary) error {
		rows[rowKey{c.X, c.Tx, c.T}]++
		if c.X > 0 {
			total := math.Round(c.Monetary*c.X*1e6) / 1e6
			spend[spendKey{c.X, math.Round(total/c.X*100) / 100}]++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	outR := make([]SummaryRow, 0, len(rows))
	for k, n := range rows {
		outR = append(outR, SummaryRow{X: k.x, Tx: k.tx, T: k.t, Customers: n})
	}
	slices.SortFunc(outR, func(a, b SummaryRow) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.T, b.T))
	})
	outS := make([]SpendRow, 0, len(spend))
	for k, n := range spend {
		outS = append(outS, SpendRow{X: k.x, Mean: k.m, Customers: n})
	}
	slices.SortFunc(outS, func(a, b SpendRow) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Mean, b.Mean)) })
	return outR, outS, nil
}
