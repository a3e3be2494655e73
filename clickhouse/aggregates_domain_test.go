//go:build cgo

package clickhouse_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/clickhouse"
	"fidelis/duckdb"
	"fidelis/storetest"
)

// The referral, engagement and survey aggregates written once in package sqlstore give the same
// results on DuckDB, a ClickHouse server and the two-shard cluster, on a seeded fixture with the
// cases the shapes must get right: refunds, ties in time (broken by id), customers without a
// segment, anonymous answers, answers and purchases outside the window. Counts must be equal and
// sums of doubles equal to 1e-9 relative (engines add in different orders).

// domainAggregates are the shapes compared here.
type domainAggregates interface {
	ReferralRevenue(ctx context.Context, q fidelis.Query) ([]fidelis.ReferralRevenueCell, error)
	EngagementRetention(ctx context.Context, q fidelis.Query) ([]fidelis.EngagementRetentionCell, error)
	SurveyItems(ctx context.Context, q fidelis.Query, kinds []string) ([]fidelis.ItemPattern, error)
	DefectorProfiles(ctx context.Context, q fidelis.Query) (fidelis.ProfileCounts, error)
	AdvocacyFeatures(ctx context.Context, f fidelis.FeatureQuery, fn func(fidelis.CustomerFeatures) error) error
}

// importer lets ingest.Import write into a ClickHouse store: it uses only Begin, Erasures and
// Quality, which *clickhouse.Store has (the embedded nil Store is never called).
type importer struct {
	fidelis.Store
	ch *clickhouse.Store
}

func (i importer) Begin(ctx context.Context, kind fidelis.Kind, source string, mode fidelis.ImportMode) (fidelis.Writer, error) {
	return i.ch.Begin(ctx, kind, source, mode)
}
func (i importer) Erasures(ctx context.Context) (fidelis.ErasureLog, error) {
	return i.ch.Erasures(ctx)
}
func (i importer) Quality(ctx context.Context) (fidelis.Quality, error) { return i.ch.Quality(ctx) }

// domainFixture writes a seeded small company as CSV files, one per kind.
func domainFixture(t *testing.T) map[fidelis.Kind]string {
	r := rand.New(rand.NewPCG(12, 7))
	day0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(maxDays int) time.Time {
		return day0.Add(time.Duration(r.IntN(maxDays*24)) * time.Hour)
	}
	ts := func(tm time.Time) string { return tm.Format("2006-01-02T15:04:05Z") }
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	const n = 40
	id := func(i int) string { return fmt.Sprintf("c%02d", i) }
	var b [9]strings.Builder
	cust, ord, ref, sur, prog, inter, soc, exit, sub := &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8]
	cust.WriteString("customer_id,region,segment,tier\n")
	ord.WriteString("order_id,customer_id,timestamp,amount\n")
	ref.WriteString("referral_id,referrer_id,invited_at,converted_at,converted_customer_id,first_order_revenue\n")
	sur.WriteString("response_id,customer_id,timestamp,kind,score,scale\n")
	prog.WriteString("event_id,customer_id,timestamp,type,points\n")
	inter.WriteString("interaction_id,customer_id,timestamp,channel\n")
	soc.WriteString("mention_id,timestamp,platform,customer_id,shares,sentiment\n")
	exit.WriteString("exit_id,customer_id,timestamp,reason\n")
	sub.WriteString("subscription_id,customer_id,started_at,mrr\n")
	var seq int
	next := func(p string) string { seq++; return fmt.Sprintf("%s%04d", p, seq) }
	for i := 0; i < n; i++ {
		c := id(i)
		fmt.Fprintf(cust, "%s,%s,%s,%s\n", c, pick("North", "South", ""), pick("consumer", "business"), pick("gold", "silver", ""))
		first := at(150)
		for k := r.IntN(7); k >= 0; k-- {
			tm := first.Add(time.Duration(r.IntN(90*24)) * time.Hour)
			if k == 0 {
				tm = first
			}
			amt := fmt.Sprintf("%d.%02d", 5+r.IntN(60), r.IntN(100))
			if r.IntN(8) == 0 {
				amt = "-" + amt
			}
			fmt.Fprintf(ord, "%s,%s,%s,%s\n", next("o"), c, ts(tm), amt)
		}
		if i%5 == 0 { // a second order at the very time of the first: the tie goes to the smaller id
			fmt.Fprintf(ord, "%s,%s,%s,7.25\n", next("o"), c, ts(first))
		}
		for k := r.IntN(4); k > 0; k-- {
			tm := at(180)
			kind, scale, top := "nps", "0-10", 11
			switch r.IntN(3) {
			case 1:
				kind, scale, top = "csat", "1-5", 5
			case 2:
				kind, scale, top = "trust", "1-7", 7
			}
			score := r.IntN(top)
			if kind != "nps" {
				score++
			}
			fmt.Fprintf(sur, "%s,%s,%s,%s,%d,%s\n", next("s"), c, ts(tm), kind, score, scale)
			if r.IntN(4) == 0 { // the same customer, kind and time: the greater response id is the latest
				fmt.Fprintf(sur, "%s,%s,%s,%s,%d,%s\n", next("s"), c, ts(tm), kind, max(score-1, 1), scale)
			}
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(prog, "%s,%s,%s,enroll,\n", next("p"), c, ts(at(60)))
			fmt.Fprintf(prog, "%s,%s,%s,earn,%d\n", next("p"), c, ts(at(180)), 10*r.IntN(30))
		}
		for k := r.IntN(12); k > 0; k-- {
			fmt.Fprintf(inter, "%s,%s,%s,%s\n", next("i"), c, ts(at(180)), pick("email", "web", "app", "support"))
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(soc, "%s,%s,%s,%s,%d,%s\n", next("m"), ts(at(180)), pick("x", "instagram"), c, r.IntN(40), pick("positive", "negative", ""))
		}
		if i%4 == 0 { // a mention soon after the first order, so that cut-offs see some
			fmt.Fprintf(soc, "%s,%s,x,%s,%d,%s\n", next("m"), ts(first.Add(time.Hour)), c, r.IntN(40), pick("positive", "Positive", "negative"))
		}
		if r.IntN(6) == 0 {
			fmt.Fprintf(exit, "%s,%s,%s,%s\n", next("x"), c, ts(at(180)), pick("price", "service"))
		}
		if r.IntN(5) == 0 {
			fmt.Fprintf(sub, "%s,%s,%s,%d\n", next("b"), c, ts(at(180)), 5+r.IntN(20))
		}
	}
	for k := 0; k < 25; k++ {
		inv := at(150)
		if r.IntN(2) == 0 {
			fmt.Fprintf(ref, "%s,%s,%s,,,\n", next("r"), id(r.IntN(n)), ts(inv))
			continue
		}
		fmt.Fprintf(ref, "%s,%s,%s,%s,%s,%d\n", next("r"), id(r.IntN(n)), ts(inv), ts(inv.Add(72*time.Hour)), id(r.IntN(n)), 10+r.IntN(30))
	}
	// Anonymous answers and mentions, which the per-customer shapes leave out.
	fmt.Fprintf(sur, "%s,,%s,nps,10,0-10\n", next("s"), ts(at(180)))
	fmt.Fprintf(soc, "%s,%s,x,,5,positive\n", next("m"), ts(at(180)))
	return map[fidelis.Kind]string{fidelis.Customers: cust.String(), fidelis.Orders: ord.String(), fidelis.Referrals: ref.String(),
		fidelis.Surveys: sur.String(), fidelis.Program: prog.String(), fidelis.Interactions: inter.String(),
		fidelis.Social: soc.String(), fidelis.Exits: exit.String(), fidelis.Subscriptions: sub.String()}
}

func TestDomainAggregatesParity(t *testing.T) {
	files := domainFixture(t)
	ctx := context.Background()
	ref, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	storetest.Load(t, ref, files)
	mar := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	may := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	queries := []fidelis.Query{
		{Grain: fidelis.Month},
		{Grain: fidelis.Month, Window: 1, By: "region"},
		{Grain: fidelis.Week, By: "tier", From: mar},
		{Grain: fidelis.Month, Window: 2, From: mar, To: may, By: "segment"},
	}
	calls := func(t *testing.T, st domainAggregates) map[string]any {
		out := map[string]any{}
		for i, q := range queries {
			var err error
			if out[fmt.Sprint("ReferralRevenue ", i)], err = st.ReferralRevenue(ctx, q); err != nil {
				t.Fatalf("referral revenue %+v: %v", q, err)
			}
			if out[fmt.Sprint("EngagementRetention ", i)], err = st.EngagementRetention(ctx, q); err != nil {
				t.Fatalf("engagement retention %+v: %v", q, err)
			}
			if out[fmt.Sprint("SurveyItems ", i)], err = st.SurveyItems(ctx, q, []string{"csat", "nps", "trust"}); err != nil {
				t.Fatalf("survey items %+v: %v", q, err)
			}
			pc, err := st.DefectorProfiles(ctx, q)
			if err != nil {
				t.Fatalf("defector profiles %+v: %v", q, err)
			}
			out[fmt.Sprint("DefectorProfiles ", i)] = []fidelis.ProfileCounts{pc}
		}
		for i, asOf := range []time.Time{mar, may} {
			var rows []fidelis.CustomerFeatures
			f := fidelis.FeatureQuery{AsOf: asOf, Until: asOf.AddDate(0, 2, 0), Recent: time.Duration(30*(i+1)) * 24 * time.Hour}
			if err := st.AdvocacyFeatures(ctx, f, func(c fidelis.CustomerFeatures) error { rows = append(rows, c); return nil }); err != nil {
				t.Fatalf("advocacy features %+v: %v", f, err)
			}
			// The store streams them in no particular order (the analysis sorts them).
			slices.SortFunc(rows, func(a, b fidelis.CustomerFeatures) int { return strings.Compare(a.Customer, b.Customer) })
			out[fmt.Sprint("AdvocacyFeatures ", i)] = rows
		}
		return out
	}
	want := calls(t, ref)
	// The fixture must reach the cases it is for, or equal empty results would pass.
	for i := range queries {
		pc := want[fmt.Sprint("DefectorProfiles ", i)].([]fidelis.ProfileCounts)[0]
		if i == 0 && (pc.Defectors == 0 || pc.Loyal == 0 || len(pc.Cells) == 0 || len(pc.Behaviours) < 4) {
			t.Fatalf("defector profiles, query %d: too little to compare: %+v", i, pc)
		}
		for _, f := range []string{"ReferralRevenue", "EngagementRetention", "SurveyItems", "AdvocacyFeatures"} {
			if f == "AdvocacyFeatures" && i >= 2 {
				continue
			}
			if reflect.ValueOf(want[fmt.Sprint(f, " ", i)]).Len() == 0 {
				t.Fatalf("%s, query %d: empty reference result", f, i)
			}
		}
	}
	var seen [6]bool // a row with an NPS, a survey mean, membership, recent interactions, positive mentions, a future referral
	for _, c := range append(want["AdvocacyFeatures 0"].([]fidelis.CustomerFeatures), want["AdvocacyFeatures 1"].([]fidelis.CustomerFeatures)...) {
		for j, ok := range []bool{!math.IsNaN(c.NPS), !math.IsNaN(c.SurveyMean), c.Member, c.Interactions > 0, c.Positive > 0, c.Future > 0} {
			seen[j] = seen[j] || ok
		}
	}
	if seen != [6]bool{true, true, true, true, true, true} {
		t.Fatalf("advocacy features: the fixture leaves a feature unexercised: %v", seen)
	}
	modes(t, func(t *testing.T, st *clickhouse.Store) {
		storetest.Load(t, importer{ch: st}, files)
		got := calls(t, st)
		for k, w := range want {
			if d := sameValues(k, reflect.ValueOf(got[k]), reflect.ValueOf(w)); d != "" {
				t.Errorf("%s", d)
			}
		}
	})
}

// sameValues compares two values field by field: floats to 1e-9 relative (NaN equals NaN),
// times by instant, everything else exactly. It returns the first difference, "" when none.
func sameValues(path string, g, w reflect.Value) string {
	if g.Kind() != w.Kind() {
		return fmt.Sprintf("%s: kind %s, want %s", path, g.Kind(), w.Kind())
	}
	switch g.Kind() {
	case reflect.Float64, reflect.Float32:
		a, b := g.Float(), w.Float()
		if math.IsNaN(a) && math.IsNaN(b) || a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) {
			return ""
		}
		return fmt.Sprintf("%s: %v, want %v", path, a, b)
	case reflect.Slice:
		if g.Len() != w.Len() {
			return fmt.Sprintf("%s: %d elements, want %d:\n got %+v\nwant %+v", path, g.Len(), w.Len(), g.Interface(), w.Interface())
		}
		for i := 0; i < g.Len(); i++ {
			if d := sameValues(fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Struct:
		if tg, ok := g.Interface().(time.Time); ok {
			if tw := w.Interface().(time.Time); !tg.Equal(tw) {
				return fmt.Sprintf("%s: %v, want %v", path, tg, tw)
			}
			return ""
		}
		for i := 0; i < g.NumField(); i++ {
			if d := sameValues(path+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(g.Interface(), w.Interface()) {
		return fmt.Sprintf("%s: %v, want %v", path, g.Interface(), w.Interface())
	}
	return ""
}
