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

// CustomerStore is implemented by stores that can export customer records.
type CustomerStore interface {
	// CustomerRecords calls fn once for each of ids, in that order, with what the store holds
	// about the customer (an id it does not know gets a record with its id alone).
	CustomerRecords(ctx context.Context, ids []string, fn func(CustomerRecord) error) error
}
