package fidelis

import (
	"context"
	"time"
)

// Store is where imported records live. Every method but Begin returns small aggregates computed
// close to the data (plain GROUP BY queries); all mathematics on top of them is plain Go, so each
// metric is written once and runs on any engine. storetest holds the conformance suite every
// implementation must pass.
type Store interface {
	// Begin starts the atomic import of one file of the given kind. Nothing is visible until
	// Commit; Rollback (or a crash) leaves the store as it was.
	Begin(ctx context.Context, kind Kind, source string) (Writer, error)
	// Counts returns the number of stored records of each kind.
	Counts(ctx context.Context) (map[Kind]int64, error)
	// Span returns the first and last order timestamps (zero times when there are no orders).
	Span(ctx context.Context) (first, last time.Time, err error)
	// Dimensions lists the customer attributes a breakdown can use: the fixed columns with any
	// non-empty value, then the free attributes.
	Dimensions(ctx context.Context) ([]string, error)
	// Activity returns, per segment and period, the activity counts behind the retention metrics.
	Activity(ctx context.Context, q Query) ([]ActivityCell, error)
	// Cohorts returns, per segment, first-purchase cohort and periods since, the counts behind the
	// cohort retention matrix.
	Cohorts(ctx context.Context, q Query) ([]CohortCell, error)
	// Purchases returns per segment the order and customer counts of the window [q.From, q.To).
	Purchases(ctx context.Context, q Query) ([]PurchaseCell, error)
	// Values returns per segment the distribution of per-customer net revenue to date, of tenure
	// and of lifespan, up to q.To, at the given probabilities.
	Values(ctx context.Context, q Query, probs []float64) ([]ValueCell, error)
	// SubscriptionMovements returns, per segment and period, the logo and MRR movements between the
	// start and the end of each period (see SubscriptionCell).
	SubscriptionMovements(ctx context.Context, q Query) ([]SubscriptionCell, error)
	// Quality reports records naming unknown customers and the currencies of the orders.
	Quality(ctx context.Context) (Quality, error)
	Close() error
}

// Writer receives the validated rows of one import. Rows carry values aligned with the kind's
// schema and a non-empty id (ingest derives one where the file has none).
type Writer interface {
	Write(ctx context.Context, rows []Row) error
	// Commit stores the rows whose id is neither stored already nor repeated earlier in this
	// import, atomically, and reports how many were stored and how many were duplicates.
	Commit(ctx context.Context, rejected int64) (stored, duplicates int64, err error)
	Rollback() error
}

// Query selects what an aggregate covers.
type Query struct {
	Grain Grain
	// From and To bound the window [From, To); zero values leave it open. Activity and cohort
	// queries use all history for customers' state and report only periods inside the window.
	From, To time.Time
	// By names the customer attribute to break down by ("" for the whole base). Stores accept only
	// names listed by Dimensions; values are bound, never spliced into SQL.
	By string
	// Window is the activity window in periods: a customer is active in period i when they bought
	// in any of periods i−Window+1 … i. Zero means Grain.DefaultWindow().
	Window int
}

// ActivityWindow returns the window in periods, with the default applied.
func (q Query) ActivityWindow() int {
	if q.Window > 0 {
		return q.Window
	}
	return q.Grain.DefaultWindow()
}

// ActivityCell holds one segment's counts for one period i.
type ActivityCell struct {
	Segment string
	Period  int64
	Active  int64 // customers active in period i (bought within the window ending with i)
	// PrevActive counts customers active in period i−1: the start-of-period base S.
	PrevActive int64
	// Acquired counts customers whose first purchase came before period i.
	Acquired int64
	// Retained counts customers active in both period i−1 and period i.
	Retained int64
	New      int64 // customers whose first purchase is in period i
	// Returning counts customers who became active in period i again after having lapsed: they had
	// bought before, but were not active in period i−1 (win-backs).
	Returning int64
	Buyers    int64   // distinct customers who bought in period i
	Orders    int64   // orders in period i (refunds excluded)
	Revenue   float64 // net revenue in period i (refunds deducted)
}

// CohortCell counts, for customers whose first purchase is in period Cohort, those who bought in
// period Cohort+Offset (Returned) and those whose last purchase so far is in it (LastAt).
type CohortCell struct {
	Segment  string
	Cohort   int64
	Offset   int64
	Returned int64
	LastAt   int64
}

// PurchaseCell holds one segment's purchase counts within the query window.
type PurchaseCell struct {
	Segment   string
	Buyers    int64 // customers with ≥ 1 order in the window
	Repeaters int64 // customers with ≥ 2 orders in the window
	Orders    int64 // orders (refunds excluded)
	Gross     float64
	Refunds   float64 // sum of refund amounts, as a positive number
	Refunded  int64   // number of refund rows
}

// ValueCell holds one segment's per-customer distributions (quantiles at the requested
// probabilities) up to the end of the window.
type ValueCell struct {
	Segment   string
	Customers int64
	// NetRevenue: revenue to date minus refunds, per customer (historical CLV).
	NetMean      float64
	NetQuantiles []float64
	// Tenure: days from a customer's first purchase to the end of the window (or the last order).
	TenureMean      float64
	TenureQuantiles []float64
	// Lifespan: days from first to last purchase.
	LifespanMean float64
}

// SubscriptionCell holds one segment's subscription movements over period i, comparing each
// customer's MRR at the start of the period with their MRR at its end.
type SubscriptionCell struct {
	Segment     string
	Period      int64
	StartLogos  int64   // customers with MRR > 0 at the start
	LostLogos   int64   // of those, customers with no MRR at the end
	NewLogos    int64   // customers with MRR > 0 at the end and none at the start
	StartMRR    float64 // MRR at the start
	ChurnedMRR  float64 // MRR of customers lost
	Contraction float64 // MRR lost by customers who stayed but pay less
	Expansion   float64 // MRR gained by customers who stayed and pay more
	NewMRR      float64 // MRR of new logos (new and reactivated)
	EndMRR      float64
}
