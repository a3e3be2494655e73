package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"fidelis"
)

func init() { AddCase("PeriodCustomers", testPeriodCustomers) }

// testPeriodCustomers on the order fixture. Window 1 month, active = bought that month:
// Jan {A,B,E}, Feb {A,C}, Mar {A,B,D}, Apr {D} (D's refund is no purchase). Lost: Feb {B,E},
// Mar {C}, Apr {A,B}, May {D}. Window 2 (bought this month or the one before): active Feb
// {A,B,C,E}, Mar {A,B,C,D}, Apr {A,B,D}, so Mar loses E and Apr loses C. Then, for several
// queries, every period's customers must add up to the period's Activity cell, segment by segment.
func testPeriodCustomers(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	ctx := context.Background()
	lost := func(q fidelis.Query, m int) []string {
		t.Helper()
		cs, err := st.PeriodCustomers(ctx, q, month(m))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			if c.Lost() {
				out = append(out, c.Segment+c.Customer)
			}
		}
		return out
	}
	w1, w2 := fidelis.Query{Grain: fidelis.Month, Window: 1}, fidelis.Query{Grain: fidelis.Month, Window: 2}
	byRegion := fidelis.Query{Grain: fidelis.Month, Window: 1, By: "region"}
	south := fidelis.Query{Grain: fidelis.Month, Window: 1, Segment: []fidelis.AttrValue{{Name: "region", Value: "South"}}}
	for _, c := range []struct {
		name  string
		q     fidelis.Query
		month int
		want  []string
	}{
		{"window 1, Jan", w1, 1, nil},
		{"window 1, Feb", w1, 2, []string{"B", "E"}},
		{"window 1, Mar", w1, 3, []string{"C"}},
		{"window 1, Apr", w1, 4, []string{"A", "B"}},
		{"window 1, May (after the data)", w1, 5, []string{"D"}},
		{"window 2, Mar", w2, 3, []string{"E"}},
		{"window 2, Apr", w2, 4, []string{"C"}},
		{"by region, Apr", byRegion, 4, []string{"NorthA", "NorthB"}},
		{"region South only, Mar", south, 3, []string{"C"}},
		{"region South only, Apr", south, 4, nil},
	} {
		if got := lost(c.q, c.month); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: lost %v, want %v", c.name, got, c.want)
		}
	}
	cs, err := st.PeriodCustomers(ctx, w1, month(3))
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.PeriodCustomer{{Customer: "A", Prev: true, Active: true}, {Customer: "B", Active: true},
		{Customer: "C", Prev: true}, {Customer: "D", Active: true, New: true}}
	if !reflect.DeepEqual(cs, want) {
		t.Errorf("window 1, Mar:\n got %+v\nwant %+v", cs, want)
	}
	consumer := []fidelis.AttrValue{{Name: "segment", Value: "consumer"}}
	for _, q := range []fidelis.Query{w1, w2, byRegion, {Grain: fidelis.Month, Window: 2, By: "tier"},
		{Grain: fidelis.Week}, {Grain: fidelis.Day, Window: 40}, {Grain: fidelis.Month, Window: 1, By: "region", Segment: consumer}} {
		CheckPeriodCustomers(t, st, q)
	}
	if _, err := st.PeriodCustomers(ctx, fidelis.Query{Grain: fidelis.Month, By: "shoe_size"}, month(2)); fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("unknown dimension: %v", err)
	}
}

// CheckPeriodCustomers checks that, for every period of st's Activity under q, PeriodCustomers
// returns exactly the customers each cell counts, segment by segment: S, E, retained, lost, new
// and returning.
func CheckPeriodCustomers(t *testing.T, st fidelis.Store, q fidelis.Query) {
	t.Helper()
	ctx := context.Background()
	cells, err := st.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[int64][]fidelis.PeriodCustomer{}
	for _, c := range cells {
		cs, ok := lists[c.Period]
		if !ok {
			if cs, err = st.PeriodCustomers(ctx, q, c.Period); err != nil {
				t.Fatal(err)
			}
			lists[c.Period] = cs
		}
		var got fidelis.ActivityCell
		for _, pc := range cs {
			if pc.Segment != c.Segment {
				continue
			}
			got.PrevActive += b2i(pc.Prev)
			got.Active += b2i(pc.Active)
			got.Retained += b2i(pc.Retained())
			got.New += b2i(pc.New)
			got.Returning += b2i(pc.Returning())
		}
		w := fidelis.ActivityCell{PrevActive: c.PrevActive, Active: c.Active, Retained: c.Retained, New: c.New, Returning: c.Returning}
		if got != w {
			t.Errorf("%s %+v, period %d, segment %q: customers give %s, Activity %s", q.Grain, q, c.Period, c.Segment, counts(got), counts(w))
		}
	}
	if len(cells) == 0 {
		t.Errorf("%+v: no activity to check", q)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func counts(c fidelis.ActivityCell) string {
	return fmt.Sprintf("S=%d E=%d retained=%d lost=%d new=%d returning=%d", c.PrevActive, c.Active, c.Retained, c.PrevActive-c.Retained, c.New, c.Returning)
}
