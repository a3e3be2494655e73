package storetest

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fidelis"
)

func init() {
	AddCase("Referrals", testReferrals)
	AddCase("ReferralRevenue", testReferralRevenue)
	AddCase("AdvocacyFeatures", testAdvocacyFeatures)
}

// Referrals of the fixture: A invites twice in January (p1 becomes customer E five days later),
// B invites in February (p3 becomes C after 14 days), A and C invite in March (p5 becomes D after
// 10 days). Every converted referral's first order is 10.
const referralsCSV = `referral_id,referrer_id,prospect,invited_at,converted_at,converted_customer_id,first_order_revenue
r1,A,p1,2024-01-10,2024-01-15,E,10
r2,A,p2,2024-01-20,,,
r3,B,p3,2024-02-01,2024-02-15,C,10
r4,A,p4,2024-03-01,,,
r5,C,p5,2024-03-05,2024-03-15,D,10
`

// Survey answers for the feature rows: csat scores 2 and 4 rescale to 0 and 1; s7's 5, after the
// 2024-03-01 cut-off, must not widen the range (it would turn B's 4 into 2/3).
const advocacySurveysCSV = `response_id,customer_id,timestamp,kind,score,scale
s1,A,2024-01-20,nps,9,0-10
s2,A,2024-02-20,nps,10,0-10
s3,B,2024-02-01,nps,5,0-10
s4,B,2024-02-02,csat,4,1-5
s5,C,2024-02-20,csat,2,1-5
s6,C,2024-03-10,nps,3,0-10
s7,E,2024-03-20,csat,5,1-5
`

func loadAdvocacy(t *testing.T, st fidelis.Store) {
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Orders: ordersCSV,
		fidelis.Referrals: referralsCSV, fidelis.Surveys: advocacySurveysCSV, fidelis.Program: programCSV,
		fidelis.Interactions: interactionsCSV, fidelis.Social: socialCSV})
}

func testReferrals(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	ctx := context.Background()
	// Jan: r1, r2 by A (1 referrer), r1 converted in 5 days. Feb: r3 by B, 14 days. Mar: r4 by A,
	// r5 by C (2 referrers), r5 converted in 10 days.
	want := []fidelis.ReferralCell{
		{Period: month(1), Invites: 2, Referrers: 1, Converted: 1, ConvertDays: 5, ConvertTimed: 1, FirstOrderRevenue: 10},
		{Period: month(2), Invites: 1, Referrers: 1, Converted: 1, ConvertDays: 14, ConvertTimed: 1, FirstOrderRevenue: 10},
		{Period: month(3), Invites: 2, Referrers: 2, Converted: 1, ConvertDays: 10, ConvertTimed: 1, FirstOrderRevenue: 10},
	}
	got, err := st.Referrals(ctx, fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].Segment = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referrals:\n got %+v\nwant %+v", got, want)
	}
	// By the referrer's region (A, B North; C South), March only.
	got, err = st.Referrals(ctx, fidelis.Query{Grain: fidelis.Month, By: "region", From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want = []fidelis.ReferralCell{
		{Segment: "North", Period: month(3), Invites: 1, Referrers: 1},
		{Segment: "South", Period: month(3), Invites: 1, Referrers: 1, Converted: 1, ConvertDays: 10, ConvertTimed: 1, FirstOrderRevenue: 10},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referrals by region in March:\n got %+v\nwant %+v", got, want)
	}
}

func testReferralRevenue(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	// Referred customers C (10), D (10 + 30 − 5 = 35), E (10): 55 of all 105; their first orders
	// o6, o7, o10: 30. By region: North E; South C and D (North revenue A 30 + B 20 + E 10).
	got, err := st.ReferralRevenue(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.ReferralRevenueCell{{Referred: 3, ReferredRevenue: 55, ReferredFirst: 30, Customers: 5, Revenue: 105}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referral revenue %+v, want %+v", got, want)
	}
	got, err = st.ReferralRevenue(context.Background(), fidelis.Query{Grain: fidelis.Month, By: "region"})
	if err != nil {
		t.Fatal(err)
	}
	want = []fidelis.ReferralRevenueCell{
		{Segment: "North", Referred: 1, ReferredRevenue: 10, ReferredFirst: 10, Customers: 3, Revenue: 60},
		{Segment: "South", Referred: 2, ReferredRevenue: 45, ReferredFirst: 20, Customers: 2, Revenue: 45},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referral revenue by region %+v, want %+v", got, want)
	}
}

func testAdvocacyFeatures(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	nan := math.NaN()
	// Cut-off 2024-03-01 (2024 is a leap year: 15 days from Feb 15, 46 from Jan 15); D's first
	// order is later. Interactions count from 2023-12-02. r4 (A, 2024-03-01) and r5 (C) fall in
	// the label window [Mar 1, Apr 1).
	want := []fidelis.CustomerFeatures{
		{Customer: "A", RecencyDays: 15, TenureDays: 46, Orders: 2, Revenue: 20, NPS: 10, SurveyMean: nan, Member: true, Points: 200,
			Interactions: 4, Channels: 2, Mentions: 2, Positive: 2, Shares: 3, Referrals: 2, Converted: 1, Future: 1},
		{Customer: "B", RecencyDays: 46, TenureDays: 46, Orders: 1, Revenue: 10, NPS: 5, SurveyMean: 1, Member: true,
			Interactions: 1, Channels: 1, Mentions: 1, Referrals: 1, Converted: 1},
		{Customer: "C", RecencyDays: 15, TenureDays: 15, Orders: 1, Revenue: 10, NPS: nan, SurveyMean: 0,
			Interactions: 1, Channels: 1, Mentions: 1, Future: 1},
		{Customer: "E", RecencyDays: 46, TenureDays: 46, Orders: 1, Revenue: 10, NPS: nan, SurveyMean: nan},
	}
	f := fidelis.FeatureQuery{AsOf: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC),
		Recent: 90 * 24 * time.Hour}
	features := func(f fidelis.FeatureQuery) []fidelis.CustomerFeatures {
		var got []fidelis.CustomerFeatures
		if err := st.AdvocacyFeatures(context.Background(), f, func(c fidelis.CustomerFeatures) error { got = append(got, c); return nil }); err != nil {
			t.Fatal(err)
		}
		// The rows come in no particular order; compared in customer order.
		slices.SortFunc(got, func(a, b fidelis.CustomerFeatures) int { return strings.Compare(a.Customer, b.Customer) })
		return got
	}
	got := features(f)
	if len(got) != len(want) {
		t.Fatalf("features: %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !sameNaN(g.NPS, w.NPS) || !sameNaN(g.SurveyMean, w.SurveyMean) {
			t.Errorf("features %s: NPS %v survey %v, want %v %v", w.Customer, g.NPS, g.SurveyMean, w.NPS, w.SurveyMean)
		}
		g.NPS, g.SurveyMean, w.NPS, w.SurveyMean = 0, 0, 0, 0
		if !reflect.DeepEqual(g, w) {
			t.Errorf("features:\n got %+v\nwant %+v", g, w)
		}
	}
	// The look-back is the caller's: 30 days (from 31 January) leave A's February visit and C's
	// app session; A's January interactions and B's fall out.
	f.Recent = 30 * 24 * time.Hour
	var recent []int64
	for _, c := range features(f) {
		recent = append(recent, c.Interactions)
	}
	if want := []int64{1, 0, 1, 0}; !reflect.DeepEqual(recent, want) {
		t.Errorf("interactions in the 30 days before the cut-off: %v, want %v", recent, want)
	}
}

func sameNaN(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return near(a, b)
}
