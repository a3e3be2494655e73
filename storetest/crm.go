package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() {
	AddCase("CustomerRecords", testCustomerRecords)
	AddCase("CustomerIDs", testCustomerIDs)
}

// testCustomerIDs on the order fixture: the January cohort is A, B, E; A bought again in
// February, A and B in March; D's April order counts (its refund does not). Segments follow the
// breakdown's rule: a missing value is "(none)".
func testCustomerIDs(t *testing.T, st fidelis.Store) {
	defer st.Close()
	cs, ok := st.(fidelis.CustomerStore)
	if !ok {
		t.Fatal("store does not implement CustomerStore")
	}
	loadOrders(t, st)
	for _, c := range []struct {
		name string
		sel  fidelis.CustomerSelection
		want []string
	}{
		{"all", fidelis.CustomerSelection{}, []string{"A", "B", "C", "D", "E"}},
		{"region North", fidelis.CustomerSelection{By: "region", Segment: "North"}, []string{"A", "B", "E"}},
		{"tier (free attribute) gold", fidelis.CustomerSelection{By: "tier", Segment: "gold"}, []string{"A", "C"}},
		{"tier none", fidelis.CustomerSelection{By: "tier", Segment: "(none)"}, []string{"D"}},
		{"Jan cohort, offset 0", fidelis.CustomerSelection{InCohort: true, Grain: fidelis.Month, Cohort: month(1)}, []string{"A", "B", "E"}},
		{"Jan cohort, offset 1", fidelis.CustomerSelection{InCohort: true, Grain: fidelis.Month, Cohort: month(1), Offset: 1}, []string{"A"}},
		{"Jan cohort, offset 2", fidelis.CustomerSelection{InCohort: true, Grain: fidelis.Month, Cohort: month(1), Offset: 2}, []string{"A", "B"}},
		{"Jan cohort, offset 2, business", fidelis.CustomerSelection{By: "segment", Segment: "business", InCohort: true, Grain: fidelis.Month, Cohort: month(1), Offset: 2}, []string{"B"}},
		{"Mar cohort, offset 1", fidelis.CustomerSelection{InCohort: true, Grain: fidelis.Month, Cohort: month(3), Offset: 1}, []string{"D"}},
		{"Feb cohort, offset 1", fidelis.CustomerSelection{InCohort: true, Grain: fidelis.Month, Cohort: month(2), Offset: 1}, nil},
	} {
		got, err := cs.CustomerIDs(context.Background(), c.sel)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if _, err := cs.CustomerIDs(context.Background(), fidelis.CustomerSelection{By: "shoe_size", Segment: "9"}); err == nil {
		t.Error("an unknown attribute was accepted")
	}
}

// testCustomerRecords on the order fixture: D has a refund of 5 (not an order, deducted from
// revenue) and no tier; A is gold; "Z" is unknown to the store and comes back with its id alone.
func testCustomerRecords(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	var got []fidelis.CustomerRecord
	err := st.CustomerRecords(context.Background(), []string{"D", "Z", "A"}, func(r fidelis.CustomerRecord) error {
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
