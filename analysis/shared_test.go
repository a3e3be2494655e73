package analysis

import (
	"context"
	"testing"
	"time"

	"fidelis"
)

// activityCounter is a store whose Activity counts its calls and returns one cell naming the
// query's grain and window; every other method is absent (the test calls none).
type activityCounter struct {
	fidelis.Store
	calls int
}

func (c *activityCounter) Activity(_ context.Context, q fidelis.Query) ([]fidelis.ActivityCell, error) {
	c.calls++
	return []fidelis.ActivityCell{{Segment: string(q.Grain), Period: int64(q.ActivityWindow()), Active: int64(c.calls)}}, nil
}

// One analysis asks the store for the same Activity once: a second section asking alike (the
// same query, or one that differs only in how it spells the same window and instants) gets the
// remembered cells, its own copy of them; any other query is asked anew.
func TestSharedActivityOncePerQuery(t *testing.T) {
	ctx := context.Background()
	c := &activityCounter{}
	s := newShared(c)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	q := fidelis.Query{Grain: fidelis.Month, From: from, By: "region"}
	first, err := s.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	first[0].Active = 99 // a caller changing its copy changes nothing for the next
	same := q
	same.Window = fidelis.Month.DefaultWindow()
	same.From = from.In(time.FixedZone("CET", 3600))
	again, _ := s.Activity(ctx, same)
	if c.calls != 1 || again[0].Active != 1 {
		t.Fatalf("the same query again: %d store calls, Active %d; want 1 call and the first result (1)", c.calls, again[0].Active)
	}
	for _, other := range []fidelis.Query{
		{Grain: fidelis.Year, From: from, By: "region"},
		{Grain: fidelis.Month, From: from, By: "region", Window: 1},
		{Grain: fidelis.Month, By: "region"},
		{Grain: fidelis.Month, From: from},
		{Grain: fidelis.Month, From: from, By: "region", Segment: []fidelis.AttrValue{{Name: "tier", Value: "gold"}}},
	} {
		before := c.calls
		if _, err := s.Activity(ctx, other); err != nil {
			t.Fatal(err)
		}
		if c.calls != before+1 {
			t.Errorf("%+v: answered from the memo of another query", other)
		}
	}
	if newShared(s) != s {
		t.Error("wrapping the shared store again starts a second memo")
	}
}

// Per-customer slices are reserved for the whole store only when the analysis covers it: a
// segment of a million-customer store reserves nothing (120 MB of scores otherwise).
func TestCustomersHint(t *testing.T) {
	a := &Analysis{Counts: map[fidelis.Kind]int64{fidelis.Customers: 1000000}}
	if got := customersHint(a); got != 1000000 {
		t.Errorf("whole store: %d, want 1000000", got)
	}
	a.Segment = []fidelis.AttrValue{{Name: "region", Value: "North"}}
	if got := customersHint(a); got != 0 {
		t.Errorf("one segment: %d, want 0", got)
	}
}
