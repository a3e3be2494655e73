package fidelis

import (
	"context"
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

// ModelStore is implemented by stores that can condense orders for the customer-base models.
type ModelStore interface {
	// Summaries calls fn for every customer whose first purchase is before calEnd, with purchases
	// before calEnd in the calibration summary and those in [calEnd, obsEnd) as holdout. q.By names
	// the segment dimension ("" for none).
	Summaries(ctx context.Context, q Query, calEnd, obsEnd time.Time, fn func(CustomerSummary) error) error
	// HoldoutDays returns, for customers whose first purchase is before calEnd, the number of
	// purchase days in each step-day interval of [calEnd, obsEnd): the actual side of a tracking plot.
	HoldoutDays(ctx context.Context, calEnd, obsEnd time.Time, stepDays int) ([]int64, error)
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

// CompressedModelStore is implemented by stores that compress the model inputs themselves, so that
// a fit on a hundred million customers moves only the distinct summaries out of the store.
type CompressedModelStore interface {
	// CompressedSummaries returns the distinct calibration summaries as of calEnd (see Summaries)
	// and the distinct Gamma-Gamma inputs.
	CompressedSummaries(ctx context.Context, calEnd time.Time) ([]SummaryRow, []SpendRow, error)
}
