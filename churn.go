package fidelis

import (
	"context"
	"time"
)

// ChurnStore is the part of Store behind the supervised churn model: one row per customer with
// everything recorded about them before a cut-off, and what they bought after it.
type ChurnStore interface {
	// ChurnRows streams, ordered by customer id, one row per customer with a purchase day before
	// asOf: behaviour before asOf and purchase days in [asOf, until) (see ChurnRow).
	ChurnRows(ctx context.Context, asOf, until time.Time, fn func(ChurnRow) error) error
	// ChurnSeries prepares reading the rows at several cut-offs: its Rows(k) streams what
	// ChurnRows streams for cuts[k]. The purchase days of every cut-off come from one pass over
	// the orders, held in memory until the series is dropped (about 30 bytes per customer and
	// cut-off), so that a backtest reads the orders once instead of once per cut-off.
	ChurnSeries(ctx context.Context, cuts []ChurnCut) (ChurnSeries, error)
}

// ChurnCut is one cut-off of a ChurnSeries: rows as of AsOf, purchase days counted in [AsOf, Until).
type ChurnCut struct{ AsOf, Until time.Time }

// ChurnSeries reads the rows of the cut-offs it was made for (see ChurnStore.ChurnSeries).
type ChurnSeries interface {
	// Rows returns the rows of the k-th cut-off, ordered by customer id.
	Rows(ctx context.Context, k int) ([]ChurnRow, error)
}

// ChurnRow is one customer's history as of a cut-off (asOf). Everything but the Future fields is
// measured strictly before the cut-off, so a model trained on these rows never sees the outcome it
// predicts. Times are in days; a purchase day is a calendar day whose orders total ≥ 0 (as in
// CustomerSummary). Scores and ages are NaN where nothing was recorded; counts are zero.
type ChurnRow struct {
	Customer string
	// Region, Country, Segment and Channel (acquisition channel) are the customer's fixed
	// attributes, "" when absent.
	Region, Country, Segment, Channel string

	// X, Tx and T summarise purchase days as for the customer-base models: repeat purchase days,
	// days from the first purchase day to the last, days from the first to the cut-off.
	X, Tx, T float64
	// GapSD is the sample standard deviation of the days between consecutive purchase days (NaN
	// with fewer than two gaps).
	GapSD float64
	// Orders counts orders (refunds excluded); Refunds the refund rows.
	Orders, Refunds int64
	// Revenue is net revenue to date (refunds deducted); Revenue90, RevenuePrev90 and Revenue365
	// the net revenue of the 90 days before the cut-off, of the 90 days before those, and of the
	// year before the cut-off.
	Revenue, Revenue90, RevenuePrev90, Revenue365 float64

	// NPS, CSAT and CES are the latest answers of those kinds as given (scales may differ); Surveys
	// counts all answers, SurveyAge is the days since the latest one.
	NPS, CSAT, CES float64
	Surveys        int64
	SurveyAge      float64
	// Member: has a programme event. Earned and Redeemed are programme points (absolute values),
	// ProgramEvents90 the events in the 90 days before the cut-off, ProgramAge the days since the last.
	Member           bool
	Earned, Redeemed float64
	ProgramEvents90  int64
	ProgramAge       float64
	// Interactions90 counts interactions in the 90 days before the cut-off, ByChannel90 the same
	// per channel (nil when none); InteractionAge is the days since the last interaction.
	Interactions90 int64
	ByChannel90    map[string]int64
	InteractionAge float64
	// Referrals counts referrals sent; Exits the exit records, ExitAge the days since the last.
	Referrals int64
	Exits     int64
	ExitAge   float64
	// Subscribed: a subscription started before the cut-off and not ended by it.
	Subscribed bool

	// Future counts purchase days in [asOf, until), FutureRevenue their net revenue: the outcome.
	// Purchase days are whole days: for them, asOf and until are taken at the start of their UTC
	// day (the cut-offs of a backtest are midnights).
	Future        int64
	FutureRevenue float64
}
