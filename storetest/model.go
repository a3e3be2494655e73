package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() { AddCase("ModelSummaries", testModelSummaries) }

// testModelSummaries checks the customer-base model inputs on the order fixture, calibration
// ending 2024-03-01 and observation 2024-05-01 (2024 is a leap year):
//
//	A: Jan 15, Feb 15 | Mar 15  → x 1, t_x 31, T 46, mean repeat 10; holdout 1 (10); net 30
//	B: Jan 15         | Mar 15  → x 0, t_x 0,  T 46;                 holdout 1 (10); net 20
//	C: Feb 15                    → x 0,         T 15;                 holdout 0;      net 10
//	E: Jan 15                    → x 0,         T 46;                 holdout 0;      net 10
//	D first buys on Mar 15, after the calibration end, and is left out.
func testModelSummaries(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	ctx := context.Background()
	cal := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	obs := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	got := map[string]fidelis.CustomerSummary{}
	err := st.Summaries(ctx, fidelis.Query{By: "region"}, cal, obs, func(c fidelis.CustomerSummary) error {
		c.First = time.Time{}
		got[c.Customer] = c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]fidelis.CustomerSummary{
		"A": {Customer: "A", Segment: "North", X: 1, Tx: 31, T: 46, Monetary: 10, Holdout: 1, HoldoutSpend: 10, Net: 30},
		"B": {Customer: "B", Segment: "North", T: 46, Holdout: 1, HoldoutSpend: 10, Net: 20},
		"C": {Customer: "C", Segment: "South", T: 15, Net: 10},
		"E": {Customer: "E", Segment: "North", T: 46, Net: 10},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summaries:\n got %+v\nwant %+v", got, want)
	}
	// A and B buy on Mar 15, day 14 after the calibration end: the third week.
	days, err := st.HoldoutDays(ctx, fidelis.Query{}, cal, obs, 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 0, 2, 0, 0, 0, 0, 0, 0}; !reflect.DeepEqual(days, want) {
		t.Errorf("holdout days %v, want %v", days, want)
	}
}

func init() { AddCase("LatestAnswers", testLatestAnswers) }

// testLatestAnswers: A answered 3 then 9 (latest 9); B answered 6; C's csat answer is another kind.
func testLatestAnswers(t *testing.T, st fidelis.Store) {
	defer st.Close()
	Load(t, st, map[fidelis.Kind]string{fidelis.Surveys: `response_id,customer_id,date,kind,score,scale
r1,A,2024-01-01,nps,3,0-10
r2,A,2024-02-01,nps,9,0-10
r3,B,2024-01-15,nps,6,0-10
r4,C,2024-01-15,csat,5,1-5
`})
	got := map[string]float64{}
	err := st.LatestAnswers(context.Background(), "nps", func(c string, s float64, scale string) error {
		if scale != "0-10" {
			t.Errorf("%s: scale %q", c, scale)
		}
		got[c] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]float64{"A": 9, "B": 6}) {
		t.Errorf("latest answers %v", got)
	}
}

func init() { AddCase("CompressedSummaries", testCompressedSummaries) }

// testCompressedSummaries: calibration ending 2024-03-01 on the order fixture. A: x 1, t_x 31,
// T 46 (mean repeat 10); B and E: x 0, T 46 (two customers in one row); C: x 0, T 15. D's first
// purchase is after the calibration end. Both ways must give them: the store's own compression
// (CompressedModelStore, an optimisation a store may lack) and the Go fallback over Summaries.
func testCompressedSummaries(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	wantRows := []fidelis.SummaryRow{{X: 0, Tx: 0, T: 15, Customers: 1}, {X: 0, Tx: 0, T: 46, Customers: 2}, {X: 1, Tx: 31, T: 46, Customers: 1}}
	wantSpend := []fidelis.SpendRow{{X: 1, Mean: 10, Customers: 1}}
	for _, c := range []struct {
		name string
		st   fidelis.Store
	}{{"store", st}, {"fallback", withoutCompression{st}}} {
		rows, spend, err := fidelis.CompressSummaries(context.Background(), c.st, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows, wantRows) {
			t.Errorf("%s: rows %+v, want %+v", c.name, rows, wantRows)
		}
		if !reflect.DeepEqual(spend, wantSpend) {
			t.Errorf("%s: spend %+v, want %+v", c.name, spend, wantSpend)
		}
		// A cut-off inside a day: calibration is the days before the cut-off's day (as in
		// Summaries), so the orders of 2024-03-15 are not purchases yet and D, first seen that
		// day, is not a customer yet. A: x 1, t_x 31, T 60; B and E: x 0, T 60; C: x 0, T 29.
		rows, spend, err = fidelis.CompressSummaries(context.Background(), c.st, time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		midday := []fidelis.SummaryRow{{X: 0, Tx: 0, T: 29, Customers: 1}, {X: 0, Tx: 0, T: 60, Customers: 2}, {X: 1, Tx: 31, T: 60, Customers: 1}}
		if !reflect.DeepEqual(rows, midday) || !reflect.DeepEqual(spend, wantSpend) {
			t.Errorf("%s, cut-off at midday: rows %+v spend %+v, want %+v %+v", c.name, rows, spend, midday, wantSpend)
		}
	}
}

// withoutCompression hides a store's optional optimisations, so the Go fallback runs.
type withoutCompression struct{ fidelis.Store }

func init() { AddCase("HoldoutDaysEdges", testHoldoutDaysEdges) }

// testHoldoutDaysEdges: calibration ending at noon on 2024-03-01 (its day, not its instant, splits
// the data), observation ending 2024-03-15, weeks from Mar 1:
//
//	P: first on Feb 28; Mar 1 08:00 and 20:00 (one day, week 0), a refund on Mar 2 (not a
//	   purchase), Mar 8 (week 1), an order at the observation end (left out).
//	Q: a refund on Feb 20, first purchase Mar 1 09:00: not before the calibration day, left out.
//	R: first on Feb 29 23:59:59 (before the day), Mar 14 23:00 (week 1); in region South.
//	S: only refunds before the calibration day; Mar 3 (week 0) does not count.
//
// Under the segment filter region = North only P counts.
func testHoldoutDaysEdges(t *testing.T, st fidelis.Store) {
	defer st.Close()
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: "customer_id,region\nP,North\nQ,North\nR,South\nS,North\n",
		fidelis.Orders: `order_id,customer_id,timestamp,amount
p1,P,2024-02-28T10:00:00Z,10
p2,P,2024-03-01T08:00:00Z,10
p3,P,2024-03-01T20:00:00Z,10
p4,P,2024-03-02T10:00:00Z,-5
p5,P,2024-03-08T10:00:00Z,10
p6,P,2024-03-15T00:00:00Z,10
q1,Q,2024-02-20T10:00:00Z,-5
q2,Q,2024-03-01T09:00:00Z,10
q3,Q,2024-03-05T09:00:00Z,10
r1,R,2024-02-29T23:59:59Z,10
r2,R,2024-03-14T23:00:00Z,10
s1,S,2024-02-10T10:00:00Z,-10
s2,S,2024-03-03T10:00:00Z,10
`})
	ctx := context.Background()
	cal := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	obs := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	days, err := st.HoldoutDays(ctx, fidelis.Query{}, cal, obs, 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2}; !reflect.DeepEqual(days, want) {
		t.Errorf("holdout days %v, want %v", days, want)
	}
	north := fidelis.Query{Segment: []fidelis.AttrValue{{Name: "region", Value: "North"}}}
	if days, err = st.HoldoutDays(ctx, north, cal, obs, 7); err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 1}; !reflect.DeepEqual(days, want) {
		t.Errorf("holdout days of North %v, want %v", days, want)
	}
}
