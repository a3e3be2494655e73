package voc_test

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"fidelis"
	"fidelis/voc"
)

func day(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }

func TestThemes(t *testing.T) {
	// Delivery = {deliver*, courier, dostaw*}; Staff = {staff, friendly staff}.
	//   Jan: c1 "The delivery was late" (3, delivery), c2 "Friendly staff..." (10, staff)
	//   Feb: c3 "Courier lost it; staff rude" (0, both), c4 "Dostawa spóźniona" (5, delivery),
	//        c5 "Great prices" (no score, neither)
	// Delivery: Jan 1/2, Feb 2/3, all 3/5; scores 3, 0, 5 → 3 detractors → NPS −100.
	// Staff: Jan 1/2, Feb 1/3, all 2/5; scores 10, 0 → P = 1, D = 1 → NPS 0.
	// Detractor customers: Delivery's three detractor comments are by k1, k2 and k1 again → {k1,
	// k2}; Staff's by k2 → {k2} (k3's 10 is a promoter's).
	s := func(x float64) *float64 { return &x }
	cs := []voc.Comment{
		{Customer: "k1", Text: "The delivery was late", Score: s(3), Time: day(1, 5)},
		{Customer: "k3", Text: "Friendly staff, quick checkout", Score: s(10), Time: day(1, 20)},
		{Customer: "k2", Text: "Courier lost it; staff rude", Score: s(0), Time: day(2, 2)},
		{Customer: "k1", Text: "Dostawa spóźniona", Lang: voc.Polish, Score: s(5), Time: day(2, 10)},
		{Text: "Great prices", Time: day(2, 11)},
	}
	th := []voc.Theme{{"Delivery", []string{"deliver*", "courier", "dostaw*"}}, {"Staff", []string{"staff", "friendly staff"}}}
	r, err := voc.Themes(cs, th, voc.Month)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		total, jan, feb int64
		nps             float64
		detractors      []string
	}{{3, 1, 2, -100, []string{"k1", "k2"}}, {2, 1, 1, 0, []string{"k2"}}}
	for i, w := range want {
		g := r[i]
		if g.DetractorCustomers != int64(len(w.detractors)) || !slices.Equal(g.Detractors, w.detractors) {
			t.Errorf("%s: detractor customers %d %v, want %v", g.Name, g.DetractorCustomers, g.Detractors, w.detractors)
		}
		if g.Mentions != w.total || g.Share.N != 5 || len(g.Periods) != 2 || g.Periods[0].Period != "2025-01" ||
			g.Periods[0].Mentions != w.jan || g.Periods[1].Mentions != w.feb || g.Periods[1].Share.N != 3 {
			t.Errorf("%s: %+v", g.Name, g)
		}
		near(t, g.Name+" NPS", g.Sentiment.Score.Value, w.nps, 1e-12)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
	if _, err := voc.Themes(cs, []voc.Theme{{"bad", []string{"123"}}}, nil); err == nil {
		t.Error("numeric theme term accepted")
	}
}

func TestExitReasons(t *testing.T) {
	// Price: a 100/50, b 300/20 ("price " spelt differently), e 50/NaN → 3 exits, revenue 450,
	// CLV 70 (2 known). Service: c 1000/400. Empty reason: d NaN/10 → "(unspecified)".
	// Totals: revenue 1450, CLV 480. Price revenue share 450/1450 = 0.310345, CLV 70/480 = 0.145833.
	ex := []voc.Exit{
		{Customer: "a", Time: day(1, 3), Reason: "Price", Segment: "web", Revenue: 100, CLV: 50},
		{Customer: "b", Time: day(1, 9), Reason: "price ", Segment: "store", Revenue: 300, CLV: 20},
		{Customer: "c", Time: day(2, 1), Reason: "Service", Segment: "web", Revenue: 1000, CLV: 400},
		{Customer: "d", Time: day(2, 4), Reason: "", Revenue: math.NaN(), CLV: 10},
		{Customer: "e", Time: day(2, 5), Reason: "Price", Segment: "web", Revenue: 50, CLV: math.NaN()},
	}
	r, err := voc.ExitReasons(ex, voc.Month)
	if err != nil {
		t.Fatal(err)
	}
	order := func(rows []voc.ReasonStat) (s []string) {
		for _, x := range rows {
			s = append(s, x.Reason)
		}
		return s
	}
	a := r.All
	if got := order(a.ByCount); got[0] != "Price" || got[1] != voc.Unspecified || got[2] != "Service" {
		t.Errorf("by count %q", got)
	}
	if got := order(a.ByRevenue); got[0] != "Service" || got[1] != "Price" {
		t.Errorf("by revenue %q", got)
	}
	if got := order(a.ByCLV); got[0] != "Service" || got[1] != "Price" || got[2] != voc.Unspecified {
		t.Errorf("by CLV %q", got)
	}
	p := a.ByCount[0]
	if p.Count != 3 || p.Customers != 3 || p.Revenue != 450 || p.CLV != 70 || p.CLVKnown != 2 || a.Revenue != 1450 || a.CLV != 480 {
		t.Errorf("price %+v, totals %v %v", p, a.Revenue, a.CLV)
	}
	near(t, "price revenue share", p.RevenueShare, 0.310345, 1e-6)
	near(t, "price CLV share", p.CLVShare, 0.145833, 1e-6)
	near(t, "price share", p.Share.Value, 0.6, 1e-12)
	if len(r.Segments) != 3 || r.Segments[0].Key != voc.Unspecified || r.Segments[2].Key != "web" || r.Segments[2].Table.N != 3 {
		t.Errorf("segments %+v", r.Segments)
	}
	if len(r.Periods) != 2 || r.Periods[0].Key != "2025-01" || r.Periods[0].Table.ByCount[0].Count != 2 {
		t.Errorf("periods %+v", r.Periods)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}

func TestBenjaminiHochberg(t *testing.T) {
	// The 15 p-values of Benjamini & Hochberg (1995, JRSS B 57(1), §4). At FDR 0.05 the method
	// rejects the four smallest (Bonferroni only three). By hand, q_(i) = min_{j≥i} 15·p_(j)/j:
	//  q1 = 0.0015, q2 = 0.003, q3 = 0.0095, q4 = 15·0.0095/4 = 0.035625,
	//  q5 = min(0.0603, q7…) = 0.0603, q6 = min(0.0695, q7 = 15·0.0298/7 = 0.0638571) = 0.0638571,
	//  q7 = 0.0638571, q8 = 0.0645, q9 = 0.0765, q10 = 0.486, q11 = 0.581182, q12 = 0.714875,
	//  q13 = 0.753231, q14 = 0.813214, q15 = 1.
	p := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
		0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	want := []float64{0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571, 0.0638571, 0.0645, 0.0765,
		0.486, 0.581182, 0.714875, 0.753231, 0.813214, 1}
	// Shuffle the input order: q must follow each p.
	idx := []int{14, 3, 0, 9, 7, 1, 12, 5, 2, 11, 4, 13, 6, 10, 8}
	in := make([]float64, len(p))
	for i, j := range idx {
		in[i] = p[j]
	}
	q := voc.BenjaminiHochberg(in)
	rejected := 0
	for i, j := range idx {
		near(t, "q", q[i], want[j], 1e-6)
		if q[i] <= 0.05 {
			rejected++
		}
	}
	if rejected != 4 {
		t.Errorf("rejected %d, want 4", rejected)
	}
	if q := voc.BenjaminiHochberg([]float64{0.01, math.NaN()}); q[0] != 0.01 || !math.IsNaN(q[1]) {
		t.Errorf("NaN handling: %v", q)
	}
}

func TestTestsByHand(t *testing.T) {
	// Fisher's lady tasting tea: [[3, 1], [1, 3]]; hypergeometric probabilities of a = 0..4 are
	// 1, 16, 36, 16, 1 over 70; two-sided p = (1 + 16 + 16 + 1)/70 = 0.485714.
	p, err := voc.FisherExact(3, 1, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Fisher tea", p, 34.0/70, 1e-12)
	// 30/100 vs 20/100: pooled 0.25, SE = sqrt(0.25·0.75·0.02) = 0.0612372, z = 1.632993,
	// p = 2·(1 − Φ(1.632993)) = 0.102470.
	z, p := voc.TwoProportionZ(30, 100, 20, 100)
	near(t, "z", z, 1.632993, 1e-6)
	near(t, "p", p, 0.102470, 1e-6)
}

func TestCompareProfiles(t *testing.T) {
	// 100 defectors, 100 loyal.
	// channel: defectors web 70 / store 30, loyal web 40 / store 60 → pooled 0.55,
	//   SE = sqrt(0.55·0.45·0.02) = 0.0703562, z = 0.3/0.0703562 = 4.264014, p = 2.0079e-5.
	// plan: premium 3 of defectors, 5 of loyal → expected premium cells 4 < 5 → Fisher;
	//   [[3, 97], [5, 95]] two-sided p = 0.720939 (summing hypergeometric terms).
	// region: given only for some; the rest are "(missing)".
	var ps []voc.Profile
	for i := 0; i < 200; i++ {
		def := i < 100
		j := i % 100
		ch := "store"
		if def && j < 70 || !def && j < 40 {
			ch = "web"
		}
		plan := "basic"
		if def && j < 3 || !def && j < 5 {
			plan = "premium"
		}
		at := map[string]string{"channel": ch, "plan": plan, "constant": "x"}
		if j%2 == 0 {
			at["region"] = "north"
		}
		ps = append(ps, voc.Profile{Customer: string(rune('a' + i)), Defector: def, Attrs: at})
	}
	r, err := voc.CompareProfiles(ps, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]voc.AttrEffect{}
	for _, e := range r {
		got[e.Attribute+"="+e.Value] = e
	}
	if len(r) != 6 { // channel×2, plan×2, region×2 (north, missing); "constant" skipped
		t.Errorf("%d effects, want 6", len(r))
	}
	w := got["channel=web"]
	near(t, "web z", w.Z, 4.264014, 1e-6)
	near(t, "web p", w.P, 2.007866e-5, 1e-10)
	near(t, "web diff", w.Diff, 30, 1e-9)
	near(t, "web risk ratio", w.RiskRatio, 1.75, 1e-12)
	if w.Test != "z" || w.Direction != "over" || !w.Significant || r[0].Attribute != "channel" {
		t.Errorf("web: %+v", w)
	}
	// BH over 6 tests: the two channel p-values are equal (complementary tables) and smallest;
	// q = 6·p/2 = 6.0236e-5.
	near(t, "web q", w.Q, 6*2.007866e-5/2, 1e-9)
	if s := got["channel=store"]; s.Direction != "under" {
		t.Errorf("store: %+v", s)
	}
	pr := got["plan=premium"]
	if pr.Test != "fisher" || pr.Significant {
		t.Errorf("premium: %+v", pr)
	}
	near(t, "premium p", pr.P, 0.720939, 1e-6)
	if m := got["region=(missing)"]; m.Defectors.K != 50 || m.Loyal.K != 50 {
		t.Errorf("missing region: %+v", m)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
	if _, err := voc.CompareProfiles(ps[:100], 0.05); err == nil {
		t.Error("no loyal customers accepted")
	}
}

func TestBehaviourCells(t *testing.T) {
	// Exact counts from a store: loyal customers with 0, 3 and 12 orders (one also subscribed,
	// with 2 support contacts); defectors with 1 order and 4 support contacts.
	bs := []fidelis.BehaviourCell{
		{Orders: 0, Customers: 2}, {Subscriptions: 1, Orders: 3, Support: 2, Customers: 1}, {Enrolments: 2, Orders: 12, Customers: 3},
		{Defector: true, Orders: 1, Support: 4, Customers: 5},
	}
	cells := func(cs []fidelis.ProfileCell) map[string]int64 {
		m := map[string]int64{}
		for _, c := range cs {
			g := "loyal"
			if c.Defector {
				g = "defector"
			}
			m[c.Attribute+"="+c.Value+"/"+g] += c.Customers
		}
		return m
	}
	want := map[string]int64{
		"orders=0/loyal": 2, "orders=2-3/loyal": 1, "orders=10+/loyal": 3, "orders=1/defector": 5,
		"subscriber=no/loyal": 5, "subscriber=yes/loyal": 1, "subscriber=no/defector": 5,
		"programme_member=no/loyal": 3, "programme_member=yes/loyal": 3, "programme_member=no/defector": 5,
		"support_contacts=0/loyal": 5, "support_contacts=1-2/loyal": 1, "support_contacts=3+/defector": 5,
	}
	if got := cells(voc.BehaviourCells(bs)); !reflect.DeepEqual(got, want) {
		t.Errorf("default bands:\n got %v\nwant %v", got, want)
	}
	// Other bands change the cells: orders 0-4 / 5+, support none / any.
	orders := fidelis.Buckets{{Min: 0, Name: "0-4"}, {Min: 5, Name: "5+"}}
	support := fidelis.Buckets{{Min: 0, Name: "none"}, {Min: 1, Name: "any"}}
	got := cells(voc.BandCells(bs, orders, support))
	for k, w := range map[string]int64{"orders=0-4/loyal": 3, "orders=5+/loyal": 3, "orders=0-4/defector": 5,
		"support_contacts=none/loyal": 5, "support_contacts=any/loyal": 1, "support_contacts=any/defector": 5} {
		if got[k] != w {
			t.Errorf("other bands: %s = %d, want %d (%v)", k, got[k], w, got)
		}
	}
}
