package storetest

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() { AddCase("ChurnRows", testChurnRows) }

// Exits and subscriptions for the churn rows: C left on Feb 25; E's exit comes after the cut-off.
// B's subscription runs, A's ended before the cut-off, C's starts after it.
const (
	churnExitsCSV = `exit_id,customer_id,timestamp,reason
x1,C,2024-02-25,price
x2,E,2024-03-10,moved
`
	churnSubscriptionsCSV = `subscription_id,customer_id,plan,started_at,ended_at,mrr
sub1,B,basic,2024-01-01,,20
sub2,A,basic,2024-01-01,2024-02-01,20
sub3,C,plus,2024-03-05,,30
`
)

func testChurnRows(t *testing.T, st fidelis.Store) {
	defer st.Close()
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Orders: ordersCSV,
		fidelis.Referrals: referralsCSV, fidelis.Surveys: advocacySurveysCSV, fidelis.Program: programCSV,
		fidelis.Interactions: interactionsCSV, fidelis.Exits: churnExitsCSV, fidelis.Subscriptions: churnSubscriptionsCSV})
	get := func(asOf, until time.Time) []fidelis.ChurnRow {
		var rows []fidelis.ChurnRow
		if err := st.ChurnRows(context.Background(), asOf, until, func(r fidelis.ChurnRow) error { rows = append(rows, r); return nil }); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	day := func(m, d int) time.Time { return time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	nan := math.NaN()
	// Cut-off 2024-03-01 (a leap year: Jan 15 is 46 days before, Feb 15 is 15). D's first order
	// is later, so D has no row. The 90-day window starts on 2023-12-02.
	want := []fidelis.ChurnRow{
		{Customer: "A", Region: "North", Segment: "consumer", X: 1, Tx: 31, T: 46, GapSD: nan, Orders: 2, Revenue: 20, Revenue90: 20, Revenue365: 20,
			NPS: 10, CSAT: nan, CES: nan, Surveys: 2, SurveyAge: 10, Member: true, Earned: 200, Redeemed: 50, ProgramEvents90: 4, ProgramAge: 10,
			Interactions90: 4, ByChannel90: map[string]int64{"email": 1, "web": 3}, InteractionAge: 20, Referrals: 2, ExitAge: nan,
			Future: 1, FutureRevenue: 10},
		{Customer: "B", Region: "North", Segment: "business", T: 46, GapSD: nan, Orders: 1, Revenue: 10, Revenue90: 10, Revenue365: 10,
			NPS: 5, CSAT: 4, CES: nan, Surveys: 2, SurveyAge: 28, Member: true, ProgramEvents90: 1, ProgramAge: 29,
			Interactions90: 1, ByChannel90: map[string]int64{"email": 1}, InteractionAge: 51, Referrals: 1, ExitAge: nan, Subscribed: true,
			Future: 1, FutureRevenue: 10},
		{Customer: "C", Region: "South", Segment: "consumer", T: 15, GapSD: nan, Orders: 1, Revenue: 10, Revenue90: 10, Revenue365: 10,
			NPS: nan, CSAT: 2, CES: nan, Surveys: 1, SurveyAge: 10, ProgramAge: nan,
			Interactions90: 1, ByChannel90: map[string]int64{"app": 1}, InteractionAge: 27, Exits: 1, ExitAge: 5},
		{Customer: "E", Region: "North", Segment: "business", T: 46, GapSD: nan, Orders: 1, Revenue: 10, Revenue90: 10, Revenue365: 10,
			NPS: nan, CSAT: nan, CES: nan, SurveyAge: nan, ProgramAge: nan, InteractionAge: nan, ExitAge: nan},
	}
	checkChurnRows(t, get(day(3, 1), day(4, 1)), want)

	// Cut-off 2024-05-01: A's gaps are 31 and 29 days (sd √2); the 90 days before start on Feb 1,
	// so Jan 15 falls in the 90 before those. D's refund of Apr 20 is a refund row, not a purchase day.
	rows := get(day(5, 1), day(6, 1))
	if len(rows) != 5 {
		t.Fatalf("%d rows as of May 1, want 5", len(rows))
	}
	a, d := rows[0], rows[3]
	if a.X != 2 || a.Tx != 60 || a.T != 107 || math.Abs(a.GapSD-math.Sqrt2) > 1e-9 || a.Revenue90 != 20 || a.RevenuePrev90 != 10 || a.Future != 0 {
		t.Errorf("A as of May 1: %+v", a)
	}
	if d.Customer != "D" || d.X != 1 || d.Tx != 31 || d.T != 47 || d.Orders != 2 || d.Refunds != 1 || d.Revenue != 35 {
		t.Errorf("D as of May 1: %+v", d)
	}
}

func checkChurnRows(t *testing.T, got, want []fidelis.ChurnRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("churn rows: %d, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		for _, f := range []struct {
			name string
			g, w *float64
		}{{"GapSD", &g.GapSD, &w.GapSD}, {"NPS", &g.NPS, &w.NPS}, {"CSAT", &g.CSAT, &w.CSAT}, {"CES", &g.CES, &w.CES},
			{"SurveyAge", &g.SurveyAge, &w.SurveyAge}, {"ProgramAge", &g.ProgramAge, &w.ProgramAge},
			{"InteractionAge", &g.InteractionAge, &w.InteractionAge}, {"ExitAge", &g.ExitAge, &w.ExitAge}} {
			if !sameNaN(*f.g, *f.w) {
				t.Errorf("churn row %s: %s = %v, want %v", w.Customer, f.name, *f.g, *f.w)
			}
			*f.g, *f.w = 0, 0
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("churn row:\n got %+v\nwant %+v", g, w)
		}
	}
}

func init() { AddCase("ChurnRowsPurchaseDays", testChurnRowsPurchaseDays) }

// testChurnRowsPurchaseDays: purchase days are the days with an order ≥ 0. F orders twice on Jan 1,
// has a refund-only day (Jan 13) between purchase days and a refund beside an order on Feb 10;
// after the cut-off, an order and a refund on Mar 5 and a refund-only day. G has only a refund
// before the cut-off (no row); H a refund before its first purchase day.
func testChurnRowsPurchaseDays(t *testing.T, st fidelis.Store) {
	defer st.Close()
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: "customer_id,region\nF,North\nG,North\nH,South\n",
		fidelis.Orders: `order_id,customer_id,date,amount
f1,F,2024-01-01,10
f2,F,2024-01-01,5
f3,F,2024-01-11,10
f4,F,2024-01-13,-4
f5,F,2024-01-31,10
f6,F,2024-02-10,-3
f7,F,2024-02-10,10
f8,F,2024-03-05,10
f9,F,2024-03-05,-2
f10,F,2024-03-20,-1
g1,G,2024-01-05,-5
g2,G,2024-03-10,10
h1,H,2024-01-05,-5
h2,H,2024-02-01,10
h3,H,2024-02-21,10
`})
	var rows []fidelis.ChurnRow
	asOf, until := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	if err := st.ChurnRows(context.Background(), asOf, until, func(r fidelis.ChurnRow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Customer != "F" || rows[1].Customer != "H" {
		t.Fatalf("churn rows %+v, want F and H", rows)
	}
	// F: days Jan 1, 11, 31 and Feb 10 (gaps 10, 20, 10: sd √(100/3)); 5 orders, 2 refunds.
	f, h := rows[0], rows[1]
	if f.X != 3 || f.Tx != 40 || f.T != 60 || math.Abs(f.GapSD-math.Sqrt(100.0/3)) > 1e-9 || f.Orders != 5 || f.Refunds != 2 ||
		f.Revenue != 38 || f.Revenue90 != 38 || f.Revenue365 != 38 || f.RevenuePrev90 != 0 || f.Future != 1 || f.FutureRevenue != 10 {
		t.Errorf("F: %+v", f)
	}
	if h.X != 1 || h.Tx != 20 || h.T != 29 || !math.IsNaN(h.GapSD) || h.Orders != 2 || h.Refunds != 1 || h.Revenue != 15 || h.Future != 0 {
		t.Errorf("H: %+v", h)
	}
}

func init() { AddCase("ChurnSeries", testChurnSeries) }

// testChurnSeries: a series of several cut-offs gives at each what ChurnRows gives alone (its
// purchase days come from one pass over the orders), in any order of the cut-offs, with windows
// that overlap or are empty, and a cut-off before every purchase (no rows).
func testChurnSeries(t *testing.T, st fidelis.Store) {
	defer st.Close()
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Orders: ordersCSV,
		fidelis.Referrals: referralsCSV, fidelis.Surveys: advocacySurveysCSV, fidelis.Program: programCSV,
		fidelis.Interactions: interactionsCSV, fidelis.Exits: churnExitsCSV, fidelis.Subscriptions: churnSubscriptionsCSV})
	ctx := context.Background()
	day := func(m, d int) time.Time { return time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	cuts := []fidelis.ChurnCut{{AsOf: day(5, 1), Until: day(6, 1)}, {AsOf: day(3, 1), Until: day(4, 1)}, {AsOf: day(2, 1), Until: day(5, 1)},
		{AsOf: day(1, 1), Until: day(3, 1)}, {AsOf: day(4, 1), Until: day(4, 1)}, {AsOf: day(3, 16), Until: day(8, 1)}}
	cs, err := st.ChurnSeries(ctx, cuts)
	if err != nil {
		t.Fatal(err)
	}
	for k := len(cuts) - 1; k >= 0; k-- {
		c := cuts[k]
		var alone []fidelis.ChurnRow
		if err := st.ChurnRows(ctx, c.AsOf, c.Until, func(r fidelis.ChurnRow) error { alone = append(alone, r); return nil }); err != nil {
			t.Fatal(err)
		}
		got, err := cs.Rows(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if c.AsOf.Equal(day(1, 1)) != (len(got) == 0) {
			t.Errorf("cut-off %s: %d rows", c.AsOf.Format(time.DateOnly), len(got))
		}
		checkChurnRows(t, got, alone)
	}
	// The single cut-off of March 1 as testChurnRows pins it, through the series.
	mar, err := cs.Rows(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(mar) != 4 || mar[0].Customer != "A" || mar[0].Future != 1 || mar[0].X != 1 || mar[3].Customer != "E" {
		t.Errorf("March 1 through the series: %+v", mar)
	}
}
