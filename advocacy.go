package fidelis

import (
	"context"
	"time"
)

// AdvocacyStore is the referral part of Store: referrals and the revenue of referred customers
// reduced to per-period counts, and per-customer feature rows for the likely-advocate model.
type AdvocacyStore interface {
	// Referrals counts, per segment of the referrer and period of invitation, the referrals sent
	// in [q.From, q.To) and what became of them (see ReferralCell).
	Referrals(ctx context.Context, q Query) ([]ReferralCell, error)
	// ReferralRevenue returns, per segment of the referred customer, the net revenue in
	// [q.From, q.To) of customers acquired through a converted referral and of all customers.
	ReferralRevenue(ctx context.Context, q Query) ([]ReferralRevenueCell, error)
	// AdvocacyFeatures streams, in no particular order, one row per customer with an order (other
	// than a refund) before f.AsOf: behaviour observed before f.AsOf, interactions in the f.Recent
	// before it, and the number of referrals the customer sent in [f.AsOf, f.Until).
	AdvocacyFeatures(ctx context.Context, f FeatureQuery, fn func(CustomerFeatures) error) error
}

// FeatureQuery says what AdvocacyFeatures reads. The caller owns the definitions: Recent is the
// likely-advocate model's look-back for interactions (advocacy.RecentInteractions), not a
// constant of the store.
type FeatureQuery struct {
	AsOf   time.Time     // the cut-off: features are measured before it
	Until  time.Time     // the end of the label window [AsOf, Until)
	Recent time.Duration // interactions count from AsOf − Recent (inclusive) to AsOf
}

// ReferralCell counts the referrals whose invitation falls in period Period, sent by customers
// of segment Segment. A referral is converted when it has a conversion time or a converted
// customer id.
type ReferralCell struct {
	Segment   string
	Period    int64
	Invites   int64 // referrals sent
	Referrers int64 // distinct customers who sent them
	Converted int64 // of those referrals, converted ones
	// ConvertDays is the total and ConvertTimed the number of converted referrals with both
	// times, for the mean time to convert (days from invitation to conversion).
	ConvertDays  float64
	ConvertTimed int64
	// FirstOrderRevenue sums the first_order_revenue of the converted referrals.
	FirstOrderRevenue float64
}

// ReferralRevenueCell holds one segment's revenue from referred customers: customers named as
// converted_customer_id of a referral.
type ReferralRevenueCell struct {
	Segment         string
	Referred        int64   // referred customers with an order in the window
	ReferredRevenue float64 // their net revenue in the window (refunds deducted)
	ReferredFirst   float64 // the net amount of their first orders, where that falls in the window
	Customers       int64   // all customers with an order in the window
	Revenue         float64 // all net revenue in the window
}

// CustomerFeatures is one customer's behaviour before a cut-off time (FeatureQuery.AsOf),
// the inputs of the advocacy score and the likely-advocate model. Counts are zero and scores NaN
// where nothing was recorded.
type CustomerFeatures struct {
	Customer    string
	RecencyDays float64 // days from the last order to the cut-off
	TenureDays  float64 // days from the first order to the cut-off
	Orders      int64   // orders (refunds excluded)
	Revenue     float64 // net revenue
	NPS         float64 // the latest NPS answer (0–10; ties in time: the greatest response id), NaN when none
	// SurveyMean is the mean of the customer's answers of other kinds, each rescaled to 0–1 by the
	// lowest and highest score of its kind among all customers' answers before the cut-off (a kind
	// whose answers are all equal is left out), NaN when none.
	SurveyMean   float64
	Member       bool    // has a programme event
	Points       float64 // programme points earned
	Interactions int64   // interactions in the FeatureQuery.Recent before the cut-off
	Channels     int64   // distinct interaction channels used before the cut-off
	Mentions     int64   // social mentions by the customer
	Positive     int64   // of those, labelled positive
	Shares       int64   // shares their mentions received
	Referrals    int64   // referrals sent
	Converted    int64   // of those, converted
	// Future counts the referrals sent in [asOf, until): the label of the model.
	Future int64
}
