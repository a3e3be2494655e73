package storetest

import (
	"context"
	"reflect"
	"testing"

	"fidelis"
)

func init() { AddCase("Lifetimes", testLifetimes) }

// testLifetimes on the order fixture with a 40-day window; the data end on 2024-04-21 (the day
// after the last order, a refund on Apr 20):
//
//	A Jan 15, Feb 15, Mar 15: gaps 31 and 29 → last purchase Mar 15, 37 days before the end:
//	  still active, censored at Jan 15 → Apr 21 = 97 days
//	B Jan 15, Mar 15: gap 60 > 40 → lapsed after Jan 15: event at 0 + 40 = 40 days
//	C Feb 15 and E Jan 15: lapsed, 40 days each
//	D Mar 15, Apr 15: last purchase 6 days before the end: censored at Mar 15 → Apr 21 = 37 days
func testLifetimes(t *testing.T, st fidelis.Store) {
	defer st.Close()
	ls, ok := st.(fidelis.LifetimeStore)
	if !ok {
		t.Skip("store does not implement LifetimeStore")
	}
	loadOrders(t, st)
	got, err := ls.Lifetimes(context.Background(), fidelis.Query{}, 40)
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.LifetimeCell{{Days: 37, Censored: 1}, {Days: 40, Events: 3}, {Days: 97, Censored: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lifetimes %+v, want %+v", got, want)
	}
}
