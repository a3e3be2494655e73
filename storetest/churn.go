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
