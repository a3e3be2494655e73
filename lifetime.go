package fidelis

import "context"

// LifetimeCell counts customers whose first active spell lasted Days days: Events lapsed (no
// purchase for the activity window; the lapse is dated at the last purchase plus the window),
// Censored were still active when the data ends (their Days run to the end of the data).
type LifetimeCell struct {
	Segment  string
	Days     int64
	Events   int64
	Censored int64
}

// LifetimeStore is the part of Store that measures customer lifetimes for survival curves.
type LifetimeStore interface {
	// Lifetimes returns customer lifetimes with a lapse after windowDays without a purchase, the
	// data ending on the day after the last order (or q.To when earlier). q.By breaks them down.
	Lifetimes(ctx context.Context, q Query, windowDays int) ([]LifetimeCell, error)
}
