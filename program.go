package fidelis

import (
	"context"
	"time"
)

// ProgramStore is the loyalty-programme part of Store. Points follow the ledger
// convention or its absolute form: earn rows add their points, redeem and expire rows remove the
// absolute value of theirs (synthetic and many vendor files sign them negative, others positive),
// adjust rows add their signed points.
type ProgramStore interface {
	// ProgramActivity returns, per segment and period, the programme events and their points,
	// with running totals from the start of the data (see ProgramCell).
	ProgramActivity(ctx context.Context, q Query) ([]ProgramCell, error)
	// ProgramTiers returns, per segment and period, the tier changes (see TierMove).
	ProgramTiers(ctx context.Context, q Query) ([]TierMove, error)
	// ProgramCustomers streams every customer with an order up to q.To: enrolment time and the
	// orders, for comparisons of members with non-members.
	ProgramCustomers(ctx context.Context, q Query, fn func(ProgramCustomer) error) error
}

// ProgramCell holds one segment's programme figures for period Period. A customer is a member
// from their first programme event (normally "enroll").
type ProgramCell struct {
	Segment  string
	Period   int64
	Enrolled int64 // customers whose first programme event falls in the period
	Active   int64 // members with at least one programme event in the period
	Earned   float64
	Redeemed float64 // absolute points
	Expired  float64 // absolute points
	Adjusted float64 // signed points
	// ValuedPoints and Value sum |points| and |value| over the events carrying both, for the money
	// value of one point.
	ValuedPoints, Value float64
	// Running totals from the first period of the data to the end of this one.
	Members                                                     int64
	EarnedToDate, RedeemedToDate, ExpiredToDate, AdjustedToDate float64
}

// TierMove counts the customers whose tier changed from From ("" for their first tier) to To in
// period Period.
type TierMove struct {
	Segment   string
	Period    int64
	From, To  string
	Customers int64
}

// ProgramCustomer is one customer's programme membership and order history, the input of the
// member/non-member comparisons.
type ProgramCustomer struct {
	Customer string
	Segment  string // under Query.By
	// Profile is the customer's region and segment columns ("region|segment"), the exact-match
	// strata of the matched comparison.
	Profile  string
	Enrolled time.Time // first programme event; zero for non-members
	// LastEvent is the latest programme event (up to q.To); zero for non-members.
	LastEvent time.Time
	// Orders holds the times of the customer's orders (refunds excluded), ascending, and Amounts
	// their amounts; Refunds the total refunded, as a positive number.
	Orders  []time.Time
	Amounts []float64
	Refunds float64
}
