// Package storetest is the conformance suite every fidelis.Store runs: the same small fixtures,
// imported through package ingest, and the aggregates each query must return, worked by hand in
// the comments. A new engine passes it before any metric may rely on it.
package storetest

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/ingest"
)

// Opener returns a new, empty store for one test.
type Opener func(t *testing.T) fidelis.Store

// Case is one conformance test: it gets a new, empty store and closes it.
type Case struct {
	Name string
	Test func(t *testing.T, st fidelis.Store)
}

// cases is the suite; later capabilities add theirs with AddCase from their own files.
var cases = []Case{
	{"Import", testImport},
	{"Activity", testActivity},
	{"Cohorts", testCohorts},
	{"Purchases", testPurchases},
	{"Values", testValues},
	{"Subscriptions", testSubscriptions},
	{"Breakdown", testBreakdown},
}

// AddCase adds a test to the suite (call it from an init function).
func AddCase(name string, test func(t *testing.T, st fidelis.Store)) {
	cases = append(cases, Case{name, test})
}

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { c.Test(t, open(t)) })
	}
}

// Customers of the fixture; tier is a free attribute.
const customersCSV = `customer_id,region,segment,tier
A,North,consumer,gold
B,North,business,silver
C,South,consumer,gold
D,South,consumer,
E,North,business,silver
`

// Orders of the fixture (2024): A buys in Jan, Feb, Mar; B in Jan and Mar; C in Feb; D in Mar and
// Apr, with a refund of 5 in Apr; E in Jan. Every order is 10 but D's April order (30).
const ordersCSV = `order_id,customer_id,date,amount
o1,A,2024-01-15,10
o2,A,2024-02-15,10
o3,A,2024-03-15,10
o4,B,2024-01-15,10
o5,B,2024-03-15,10
o6,C,2024-02-15,10
o7,D,2024-03-15,10
o8,D,2024-04-15,30
o9,D,2024-04-20,-5
o10,E,2024-01-15,10
`

// Load writes the named fixtures to a temporary folder and imports them into st.
func Load(t *testing.T, st fidelis.Store, files map[fidelis.Kind]string) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range fidelis.Kinds {
		body, ok := files[k]
		if !ok {
			continue
		}
		p := filepath.Join(dir, string(k)+".csv")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := ingest.Import(context.Background(), st, k, p, ingest.Options{Rejects: filepath.Join(dir, "rejects.csv")})
		if err != nil {
			t.Fatalf("import %s: %v", k, err)
		}
		if sum.Rejected != 0 {
			t.Fatalf("import %s: %d rejected: %v", k, sum.Rejected, sum.Reasons)
		}
	}
}

func loadOrders(t *testing.T, st fidelis.Store) {
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Orders: ordersCSV})
}

// month is the period index of a 2024 month (1 = January).
func month(m int) int64 {
	return fidelis.Month.Index(time.Date(2024, time.Month(m), 1, 0, 0, 0, 0, time.UTC))
}

func testImport(t *testing.T, st fidelis.Store) {
	defer st.Close()
	ctx := context.Background()
	loadOrders(t, st)
	n, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n[fidelis.Customers] != 5 || n[fidelis.Orders] != 10 {
		t.Fatalf("counts %v, want 5 customers and 10 orders", n)
	}
	// The same file again adds nothing; a file repeating an id with other values has the later row
	// rejected (see testRepeatedIDs).
	dir := t.TempDir()
	p := filepath.Join(dir, "orders.csv")
	os.WriteFile(p, []byte(ordersCSV+"o11,E,2024-04-01,10\no11,E,2024-04-02,10\n"), 0o644)
	// Rejects go to the test's folder, not the current directory (the package's source folder).
	rejects := filepath.Join(dir, "rejects.csv")
	sum, err := ingest.Import(ctx, st, fidelis.Orders, p, ingest.Options{Rejects: rejects})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 12 || sum.Stored != 1 || sum.Duplicates != 10 || sum.Rejected != 1 {
		t.Fatalf("re-import: %+v", sum)
	}
	if b, err := os.ReadFile(rejects); err != nil || !strings.Contains(string(b), ",13,1,order_id,o11,same id as line 12") {
		t.Errorf("rejects file: %q, %v; want line 13 column 1 naming o11", b, err)
	}
	// A rolled-back import leaves the store as it was.
	w, err := st.Begin(ctx, fidelis.Orders, "rollback.csv", fidelis.Insert)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(ctx, []fidelis.Row{{Line: 2, Values: []any{"zz", "A", time.Now(), 1.0, nil, nil, nil}}})
	if err := w.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Counts(ctx); n[fidelis.Orders] != 11 {
		t.Fatalf("after rollback %d orders, want 11", n[fidelis.Orders])
	}
	dims, err := st.Dimensions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"region", "segment", "tier"}; !reflect.DeepEqual(dims, want) {
		t.Errorf("dimensions %v, want %v", dims, want)
	}
	first, last, err := st.Span(ctx)
	if err != nil || !first.Equal(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)) || !last.Equal(time.Date(2024, 4, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("span %v – %v (%v)", first, last, err)
	}
}

func testActivity(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	ctx := context.Background()
	// Window 1 month: active = bought that month.
	//   Jan {A,B,E}  Feb {A,C}  Mar {A,B,D}  Apr {D}
	//   retained: Feb {A}, Mar {A}, Apr {D}; new: Jan 3, Feb C, Mar D; B returns in Mar.
	//   acquired before: Jan 0, Feb 3, Mar 4, Apr 5.
	w1 := []fidelis.ActivityCell{
		{Period: month(1), Active: 3, PrevActive: 0, Acquired: 0, Retained: 0, New: 3, Buyers: 3, Orders: 3, Revenue: 30},
		{Period: month(2), Active: 2, PrevActive: 3, Acquired: 3, Retained: 1, New: 1, Buyers: 2, Orders: 2, Revenue: 20},
		{Period: month(3), Active: 3, PrevActive: 2, Acquired: 4, Retained: 1, New: 1, Returning: 1, Buyers: 3, Orders: 3, Revenue: 30},
		{Period: month(4), Active: 1, PrevActive: 3, Acquired: 5, Retained: 1, New: 0, Buyers: 1, Orders: 1, Revenue: 25},
	}
	got, err := st.Activity(ctx, fidelis.Query{Grain: fidelis.Month, Window: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w1) {
		t.Errorf("window 1:\n got %+v\nwant %+v", got, w1)
	}
	// Window 2 months: spells A [Jan,Apr], B [Jan,Apr] (the Feb gap is inside the window),
	// C [Feb,Mar], D [Mar,May], E [Jan,Feb].
	//   active Jan 3, Feb 4, Mar 4, Apr 3; retained Feb {A,B,E}, Mar {A,B,C}, Apr {A,B,D}.
	got, err = st.Activity(ctx, fidelis.Query{Grain: fidelis.Month, Window: 2, From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	w2 := []struct{ active, prev, retained, returning int64 }{{4, 3, 3, 0}, {4, 4, 3, 0}, {3, 4, 3, 0}}
	if len(got) != len(w2) {
		t.Fatalf("window 2 from Feb: %d periods, want 3: %+v", len(got), got)
	}
	for i, w := range w2 {
		g := got[i]
		if g.Period != month(i+2) || g.Active != w.active || g.PrevActive != w.prev || g.Retained != w.retained || g.Returning != w.returning {
			t.Errorf("window 2, month %d: got %+v, want %+v", i+2, g, w)
		}
	}
}

func testCohorts(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	// Cohort Jan {A,B,E}: bought in Jan 3, Feb {A} 1, Mar {A,B} 2; last purchase E Jan, A and B Mar.
	// Cohort Feb {C}: 1 at offset 0, last there. Cohort Mar {D}: offsets 0 and 1, last at 1.
	want := []fidelis.CohortCell{
		{Cohort: month(1), Offset: 0, Returned: 3, LastAt: 1},
		{Cohort: month(1), Offset: 1, Returned: 1},
		{Cohort: month(1), Offset: 2, Returned: 2, LastAt: 2},
		{Cohort: month(2), Offset: 0, Returned: 1, LastAt: 1},
		{Cohort: month(3), Offset: 0, Returned: 1},
		{Cohort: month(3), Offset: 1, Returned: 1, LastAt: 1},
	}
	got, err := st.Cohorts(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cohorts:\n got %+v\nwant %+v", got, want)
	}
}

func testPurchases(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	// All history: buyers 5; repeaters A(3) B(2) D(2); orders 9; gross 8·10 + 30 = 110; one refund of 5.
	got, err := st.Purchases(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.PurchaseCell{{Buyers: 5, Repeaters: 3, Orders: 9, Gross: 110, Refunds: 5, Refunded: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("purchases %+v, want %+v", got, want)
	}
	// March to April only: A, B (1 each), D (Mar 10, Apr 30, refund): buyers 3, repeaters D.
	got, err = st.Purchases(context.Background(), fidelis.Query{Grain: fidelis.Month,
		From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want = []fidelis.PurchaseCell{{Buyers: 3, Repeaters: 1, Orders: 4, Gross: 60, Refunds: 5, Refunded: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("purchases Mar–Apr %+v, want %+v", got, want)
	}
}

func testValues(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	// Net revenue per customer: A 30, B 20, C 10, D 10 + 30 − 5 = 35, E 10; mean 21; sorted
	// 10 10 20 30 35: median 20, 0.25-quantile 10, 0.75-quantile 30 (linear interpolation).
	// Lifespan (first to last order): A 60, B 60, C 0, D 36, E 0 days → mean 31.2.
	got, err := st.Values(context.Background(), fidelis.Query{Grain: fidelis.Month}, []float64{0.25, 0.5, 0.75})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("values %+v", got)
	}
	v := got[0]
	if v.Customers != 5 || !near(v.NetMean, 21) || !near(v.NetQuantiles[0], 10) || !near(v.NetQuantiles[1], 20) ||
		!near(v.NetQuantiles[2], 30) || !near(v.LifespanMean, 31.2) {
		t.Errorf("values %+v", v)
	}
	// Tenure to the last order (2024-04-20): A, B, E 96 days, C 65, D 36 → mean 77.8.
	if !near(v.TenureMean, 77.8) {
		t.Errorf("tenure mean %v, want 77.8", v.TenureMean)
	}
}

func testSubscriptions(t *testing.T, st fidelis.Store) {
	defer st.Close()
	// A pays 10 from Jan 10 to Mar 5; B 20 from Jan 20 and 5 more from Feb 15; C joins and leaves
	// within February (never live at a period boundary); D pays 15 until Feb 10, then 8.
	// MRR at the start of Feb: A 10, B 20, D 15 = 45; Mar: A 10, B 25, D 8 = 43; Apr: B 25, D 8 = 33.
	Load(t, st, map[fidelis.Kind]string{fidelis.Customers: customersCSV, fidelis.Subscriptions: `subscription_id,customer_id,plan,started_at,ended_at,mrr
s1,A,basic,2024-01-10,2024-03-05,10
s2,B,plus,2024-01-20,,20
s3,B,addon,2024-02-15,,5
s4,C,basic,2024-02-01,2024-02-20,7
s5,D,plus,2024-01-05,2024-02-10,15
s6,D,basic,2024-02-10,,8
`})
	got, err := st.SubscriptionMovements(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	want := []fidelis.SubscriptionCell{
		{Period: month(1), NewLogos: 3, NewMRR: 45, EndMRR: 45},
		{Period: month(2), StartLogos: 3, StartMRR: 45, Contraction: 7, Expansion: 5, EndMRR: 43},
		{Period: month(3), StartLogos: 3, LostLogos: 1, StartMRR: 43, ChurnedMRR: 10, EndMRR: 33},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subscriptions:\n got %+v\nwant %+v", got, want)
	}
	// By region: North {A, B}, South {C, D}. C's subscription is never live at a period start,
	// so it makes no row; the periods after the last event (March) are cut.
	got, err = st.SubscriptionMovements(context.Background(), fidelis.Query{Grain: fidelis.Month, By: "region"})
	if err != nil {
		t.Fatal(err)
	}
	want = []fidelis.SubscriptionCell{
		{Segment: "North", Period: month(1), NewLogos: 2, NewMRR: 30, EndMRR: 30},
		{Segment: "North", Period: month(2), StartLogos: 2, StartMRR: 30, Expansion: 5, EndMRR: 35},
		{Segment: "North", Period: month(3), StartLogos: 2, LostLogos: 1, StartMRR: 35, ChurnedMRR: 10, EndMRR: 25},
		{Segment: "South", Period: month(1), NewLogos: 1, NewMRR: 15, EndMRR: 15},
		{Segment: "South", Period: month(2), StartLogos: 1, StartMRR: 15, Contraction: 7, EndMRR: 8},
		{Segment: "South", Period: month(3), StartLogos: 1, StartMRR: 8, EndMRR: 8},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subscriptions by region:\n got %+v\nwant %+v", got, want)
	}
	// From March only.
	got, err = st.SubscriptionMovements(context.Background(), fidelis.Query{Grain: fidelis.Month, By: "region",
		From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != want[2] || got[1] != want[5] {
		t.Errorf("subscriptions by region from March:\n got %+v\nwant %+v and %+v", got, want[2], want[5])
	}
}

func testBreakdown(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	ctx := context.Background()
	// By region: North {A,B,E} buyers 3, repeaters A,B; South {C,D} buyers 2, repeaters D.
	got, err := st.Purchases(ctx, fidelis.Query{Grain: fidelis.Month, By: "region"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Segment != "North" || got[0].Repeaters != 2 || got[1].Segment != "South" || got[1].Buyers != 2 {
		t.Errorf("by region %+v", got)
	}
	// By the free attribute tier: D has none.
	got, err = st.Purchases(ctx, fidelis.Query{Grain: fidelis.Month, By: "tier"})
	if err != nil {
		t.Fatal(err)
	}
	segs := map[string]int64{}
	for _, c := range got {
		segs[c.Segment] = c.Buyers
	}
	if !reflect.DeepEqual(segs, map[string]int64{"(none)": 1, "gold": 2, "silver": 2}) {
		t.Errorf("by tier %v", segs)
	}
	if _, err := st.Purchases(ctx, fidelis.Query{Grain: fidelis.Month, By: "x; DROP TABLE orders"}); fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("unknown dimension: %v", err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }
