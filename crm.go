package fidelis

import (
	"context"
	"time"
)

// CustomerRecord is what a CRM needs to recognise and reach one customer of an action's list:
// their attributes (the fixed columns that hold a value, then the free attributes, by name) and
// their order history in brief.
type CustomerRecord struct {
	Customer string
	Attrs    []Attr
	// First and Last are the first and last purchase (refunds are not purchases); zero when the
	// customer has none.
	First, Last time.Time
	Orders      int64   // orders, refunds excluded
	Revenue     float64 // net revenue to date, refunds deducted
}

// CustomerSelection names the customers behind one count of an analysis, for its drill-down list.
// The zero value selects every customer (the customers table and every customer named by an order).
type CustomerSelection struct {
	// By and Segment keep the customers whose attribute By has the value Segment; "(none)" selects
	// those without a value, as the breakdowns label them. By must be one of Store.Dimensions.
	By, Segment string
	// InCohort keeps the customers whose first purchase (refunds are not purchases) is in period
	// Cohort of Grain and who bought in period Cohort + Offset: exactly those CohortCell.Returned
	// counts for that cell.
	InCohort       bool
	Grain          Grain
	Cohort, Offset int64
}

// CustomerStore is the part of Store that exports customer records.
type CustomerStore interface {
	// CustomerIDs returns, sorted, the ids of the customers sel selects.
	CustomerIDs(ctx context.Context, sel CustomerSelection) ([]string, error)
	// CustomerRecords calls fn once for each of ids, in that order, with what the store holds
	// about the customer (an id it does not know gets a record with its id alone).
	CustomerRecords(ctx context.Context, ids []string, fn func(CustomerRecord) error) error
	// PeriodCustomers returns, sorted by id, the customers active in period p−1 or p of q.Grain
	// under the rules of Activity (q's activity window, breakdown By and Segment filter; From and
	// To do not matter): exactly the customers that period's ActivityCell counts.
	PeriodCustomers(ctx context.Context, q Query, p int64) ([]PeriodCustomer, error)
}

// PeriodCustomer is one customer behind the retention counts of a period i (ActivityCell):
// Prev counts them in PrevActive (S), Active in Active (E), New in New (first purchase in i).
type PeriodCustomer struct {
	Customer, Segment string
	Prev, Active, New bool
}

// Lost reports whether the customer was active in the previous period and is not in this one:
// one of the PrevActive − Retained customers the ID-based retention loses in the period.
func (c PeriodCustomer) Lost() bool { return c.Prev && !c.Active }

// Retained reports whether the customer is active in both periods (ActivityCell.Retained).
func (c PeriodCustomer) Retained() bool { return c.Prev && c.Active }

// Returning reports whether the customer is active again after a lapse (ActivityCell.Returning).
func (c PeriodCustomer) Returning() bool { return c.Active && !c.Prev && !c.New }
