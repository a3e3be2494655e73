package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

// Conformance cases of the voice-of-the-customer capability (fidelis.SurveyStore). Stores that do
// not implement it skip them.
func init() {
	AddCase("SurveyScores", testSurveyScores)
	AddCase("SurveyComments", testSurveyComments)
	AddCase("SurveyItems", testSurveyItems)
	AddCase("ExitRecords", testExitRecords)
	AddCase("DefectorProfiles", testDefectorProfiles)
}

// Survey answers of the fixture (customers A–E of customersCSV). r4 is anonymous; A answers the
// NPS question twice (10 in January, 8 in March); r8 has no channel.
const surveysCSV = `response_id,customer_id,timestamp,kind,score,scale,comment,language,channel
r1,A,2024-01-10,nps,10,0-10,Fast delivery,en,email
r2,B,2024-01-20,nps,6,0-10,Late delivery again,en,web
r3,C,2024-02-05,nps,9,0-10,,en,email
r4,,2024-02-07,nps,3,0-10,rude support,en,web
r5,A,2024-02-10,csat,5,1-5,,en,email
r6,A,2024-03-01,nps,8,0-10,,en,email
r7,A,2024-01-05,trust,4,1-5,,,email
r8,B,2024-02-01,trust,2,1-5,,,
`

// Exits of the fixture: E leaves after its only order; D leaves on 18 April, after its orders of
// 10 (March) and 30 (15 April) but before its refund of 5 (20 April).
const exitsCSV = `exit_id,customer_id,timestamp,reason,comment
x1,E,2024-02-20,price,Too expensive
x2,C,2024-04-01,delivery,
x3,D,2024-04-18,price,
`

func loadSurveys(t *testing.T, st fidelis.Store) {
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Orders: ordersCSV,
		fidelis.Surveys: surveysCSV, fidelis.Exits: exitsCSV})
}

func testSurveyScores(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadSurveys(t, st)
	ctx := context.Background()
	got, err := st.SurveyScores(ctx, fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	// One cell per answer (no two answers share period, kind, scale, channel and score), sorted by
	// period, kind, scale, channel, score.
	want := []fidelis.ScoreCell{
		{Period: month(1), Kind: "nps", Scale: "0-10", Channel: "email", Score: 10, Count: 1},
		{Period: month(1), Kind: "nps", Scale: "0-10", Channel: "web", Score: 6, Count: 1},
		{Period: month(1), Kind: "trust", Scale: "1-5", Channel: "email", Score: 4, Count: 1},
		{Period: month(2), Kind: "csat", Scale: "1-5", Channel: "email", Score: 5, Count: 1},
		{Period: month(2), Kind: "nps", Scale: "0-10", Channel: "email", Score: 9, Count: 1},
		{Period: month(2), Kind: "nps", Scale: "0-10", Channel: "web", Score: 3, Count: 1},
		{Period: month(2), Kind: "trust", Scale: "1-5", Channel: "", Score: 2, Count: 1},
		{Period: month(3), Kind: "nps", Scale: "0-10", Channel: "email", Score: 8, Count: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scores:\n got %+v\nwant %+v", got, want)
	}
	// By quarter every NPS answer falls in 2024-Q1: scores 10, 9, 8 on email, 6, 3 on web.
	got, err = st.SurveyScores(ctx, fidelis.Query{Grain: fidelis.Quarter})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range got {
		if c.Kind == "nps" {
			n += c.Count
			if c.Period != fidelis.Quarter.Index(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("quarter cell %+v", c)
			}
		}
	}
	if n != 5 {
		t.Errorf("quarter: %d NPS answers, want 5", n)
	}
	// By region: North {A, B} 6 answers, South {C} 1, the anonymous r4 in (none).
	got, err = st.SurveyScores(ctx, fidelis.Query{Grain: fidelis.Month, By: "region"})
	if err != nil {
		t.Fatal(err)
	}
	segs := map[string]int64{}
	for _, c := range got {
		segs[c.Segment] += c.Count
	}
	if !reflect.DeepEqual(segs, map[string]int64{"North": 6, "South": 1, "(none)": 1}) {
		t.Errorf("by region %v", segs)
	}
	// The free attribute tier, bound as a value: A gold (r1 r5 r6 r7), B silver (r2 r8), C gold (r3).
	got, err = st.SurveyScores(ctx, fidelis.Query{Grain: fidelis.Month, By: "tier"})
	if err != nil {
		t.Fatal(err)
	}
	segs = map[string]int64{}
	for _, c := range got {
		segs[c.Segment] += c.Count
	}
	if !reflect.DeepEqual(segs, map[string]int64{"gold": 5, "silver": 2, "(none)": 1}) {
		t.Errorf("by tier %v", segs)
	}
	// The window [Feb 1, Mar 1) keeps r3, r4, r5, r8.
	got, err = st.SurveyScores(ctx, fidelis.Query{Grain: fidelis.Month,
		From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Errorf("February: %d cells, want 4: %+v", len(got), got)
	}
	if _, err := st.SurveyScores(ctx, fidelis.Query{Grain: fidelis.Month, By: "x; DROP TABLE surveys"}); fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("unknown dimension: %v", err)
	}
}

func testSurveyComments(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadSurveys(t, st)
	// Comments r1, r2, r4, newest first; a limit of 2 keeps r4 and r2.
	got, err := st.SurveyComments(context.Background(), fidelis.Query{Grain: fidelis.Month, By: "segment"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.SurveyComment{
		{ID: "r4", Segment: "(none)", Time: time.Date(2024, 2, 7, 0, 0, 0, 0, time.UTC), Kind: "nps", Scale: "0-10", Score: 3,
			Language: "en", Channel: "web", Text: "rude support"},
		{ID: "r2", Customer: "B", Segment: "business", Time: time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC), Kind: "nps", Scale: "0-10",
			Score: 6, Language: "en", Channel: "web", Text: "Late delivery again"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("comments:\n got %+v\nwant %+v", got, want)
	}
	all, err := st.SurveyComments(context.Background(), fidelis.Query{Grain: fidelis.Month}, 0)
	if err != nil || len(all) != 3 || all[2].ID != "r1" {
		t.Errorf("all comments %+v (%v)", all, err)
	}
}

func testSurveyItems(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadSurveys(t, st)
	ctx := context.Background()
	// Latest answers: A nps 8 (1 March, not 10) and trust 4; B nps 6 and trust 2; C nps 9. The
	// anonymous r4 and A's csat (not asked for) are left out.
	got, err := st.SurveyItems(ctx, fidelis.Query{Grain: fidelis.Month}, []string{"nps", "trust"})
	if err != nil {
		t.Fatal(err)
	}
	pats := map[string]int64{}
	for _, p := range got {
		pats[fmt.Sprint(p.Segment, p.Answers)] += p.Customers
	}
	want := map[string]int64{
		"[{nps 0-10 8} {trust 1-5 4}]": 1,
		"[{nps 0-10 6} {trust 1-5 2}]": 1,
		"[{nps 0-10 9}]":               1,
	}
	if !reflect.DeepEqual(pats, want) {
		t.Errorf("patterns %v, want %v", pats, want)
	}
	// From 1 February: A nps 8 only (trust was in January), B trust 2 only, C nps 9; by segment.
	got, err = st.SurveyItems(ctx, fidelis.Query{Grain: fidelis.Month, By: "segment", From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}, []string{"nps", "trust"})
	if err != nil {
		t.Fatal(err)
	}
	pats = map[string]int64{}
	for _, p := range got {
		pats[fmt.Sprint(p.Segment, p.Answers)] += p.Customers
	}
	want = map[string]int64{"business[{trust 1-5 2}]": 1, "consumer[{nps 0-10 8}]": 1, "consumer[{nps 0-10 9}]": 1}
	if !reflect.DeepEqual(pats, want) {
		t.Errorf("patterns from February %v, want %v", pats, want)
	}
}

func testExitRecords(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadSurveys(t, st)
	// Revenue to the exit: E 10 (one order); C 10 (one order, 15 February); D 10 + 30 = 40, its
	// refund of 5 on 20 April coming after the exit of 18 April.
	got, err := st.ExitRecords(context.Background(), fidelis.Query{Grain: fidelis.Month, By: "segment"})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.ExitRecord{
		{ID: "x1", Customer: "E", Time: time.Date(2024, 2, 20, 0, 0, 0, 0, time.UTC), Reason: "price", Comment: "Too expensive", Segment: "business", Revenue: 10, Orders: 1},
		{ID: "x2", Customer: "C", Time: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), Reason: "delivery", Segment: "consumer", Revenue: 10, Orders: 1},
		{ID: "x3", Customer: "D", Time: time.Date(2024, 4, 18, 0, 0, 0, 0, time.UTC), Reason: "price", Segment: "consumer", Revenue: 40, Orders: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exits:\n got %+v\nwant %+v", got, want)
	}
	got, err = st.ExitRecords(context.Background(), fidelis.Query{Grain: fidelis.Month, From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(got) != 2 || got[0].ID != "x2" || got[0].Segment != "" {
		t.Errorf("exits from March %+v (%v)", got, err)
	}
}

func testDefectorProfiles(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadSurveys(t, st)
	// AsOf = last order (20 April) + 1 s; a window of 2 months = 60.875 days reaches back to
	// 19 February. Defectors: C, D, E (exits). Loyal: A and B (last orders 15 March, no exit).
	got, err := st.DefectorProfiles(context.Background(), fidelis.Query{Grain: fidelis.Month, Window: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got.Defectors != 3 || got.Loyal != 2 || !got.AsOf.Equal(time.Date(2024, 4, 20, 0, 0, 1, 0, time.UTC)) {
		t.Fatalf("profiles: %d defectors, %d loyal, as of %v; want 3, 2, 2024-04-20T00:00:01Z", got.Defectors, got.Loyal, got.AsOf)
	}
	cells := map[string]int64{}
	for _, c := range got.Cells {
		g := "loyal"
		if c.Defector {
			g = "defector"
		}
		cells[c.Attribute+"="+c.Value+"/"+g] = c.Customers
	}
	// region: C, D South, E North; A, B North. segment: C, D consumer, E business; A consumer, B
	// business. tier: C gold, E silver, D none; A gold, B silver. orders before AsOf (refunds
	// excluded): A 3, B 2, C 1, D 2, E 1. Nobody subscribes, enrols or contacts support.
	wantB := []fidelis.BehaviourCell{{Orders: 2, Customers: 1}, {Orders: 3, Customers: 1},
		{Defector: true, Orders: 1, Customers: 2}, {Defector: true, Orders: 2, Customers: 1}}
	if !reflect.DeepEqual(got.Behaviours, wantB) {
		t.Errorf("behaviours:\n got %+v\nwant %+v", got.Behaviours, wantB)
	}
	want := map[string]int64{
		"region=North/defector": 1, "region=South/defector": 2, "region=North/loyal": 2,
		"segment=consumer/defector": 2, "segment=business/defector": 1, "segment=consumer/loyal": 1, "segment=business/loyal": 1,
		"tier=gold/defector": 1, "tier=silver/defector": 1, "tier=gold/loyal": 1, "tier=silver/loyal": 1,
	}
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("profile cells:\n got %v\nwant %v", cells, want)
	}
	// With q.To = 1 April, exits before then: E only; loyal as of 1 April (window back to
	// 31 January): A (15 March) and B (15 March); D bought in March but has an exit record.
	got, err = st.DefectorProfiles(context.Background(), fidelis.Query{Grain: fidelis.Month, Window: 2, To: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || got.Defectors != 1 || got.Loyal != 2 {
		t.Errorf("profiles to April: %+v (%v)", got, err)
	}
}
