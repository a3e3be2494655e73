package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() { AddCase("CustomerRecords", testCustomerRecords) }

// testCustomerRecords on the order fixture: D has a refund of 5 (not an order, deducted from
// revenue) and no tier; A is gold; "Z" is unknown to the store and comes back with its id alone.
func testCustomerRecords(t *testing.T, st fidelis.Store) {
	defer st.Close()
	cs, ok := st.(fidelis.CustomerStore)
	if !ok {
		t.Fatal("store does not implement CustomerStore")
	}
	loadOrders(t, st)
	var got []fidelis.CustomerRecord
	err := cs.CustomerRecords(context.Background(), []string{"D", "Z", "A"}, func(r fidelis.CustomerRecord) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	day := func(m, d int) time.Time { return time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	want := []fidelis.CustomerRecord{
		{Customer: "D", Attrs: []fidelis.Attr{{Name: "region", Value: "South"}, {Name: "segment", Value: "consumer"}},
			First: day(3, 15), Last: day(4, 15), Orders: 2, Revenue: 35},
		{Customer: "Z"},
		{Customer: "A", Attrs: []fidelis.Attr{{Name: "region", Value: "North"}, {Name: "segment", Value: "consumer"}, {Name: "tier", Value: "gold"}},
			First: day(1, 15), Last: day(3, 15), Orders: 3, Revenue: 30},
	}
	for i := range got {
		got[i].First, got[i].Last = got[i].First.UTC(), got[i].Last.UTC()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records\n%+v\nwant\n%+v", got, want)
	}
}
