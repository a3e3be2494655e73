package insight_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"fidelis/insight"
)

func TestShippedBenchmarksHaveSources(t *testing.T) {
	bs := insight.Shipped()
	if len(bs) == 0 {
		t.Fatal("no shipped benchmarks")
	}
	for i, b := range bs {
		if strings.TrimSpace(b.Source) == "" || b.Year < 1990 || b.Year > time.Now().Year() {
			t.Errorf("row %d (%s, %s): source %q, year %d", i, b.Metric, b.Industry, b.Source, b.Year)
		}
		if b.Kind != "survey" && b.Kind != "study" {
			t.Errorf("row %d: kind %q", i, b.Kind)
		}
		if strings.TrimSpace(b.Population) == "" {
			t.Errorf("row %d: no population/definition note", i)
		}
		if _, ok := insight.Info(b.Metric); !ok {
			t.Errorf("row %d: unknown metric %q", i, b.Metric)
		}
		lo, hi := b.Range()
		if math.IsNaN(lo) || math.IsNaN(hi) {
			t.Errorf("row %d: no value", i)
		}
		// The ACSI is an index, never a top-box CSAT share.
		if strings.Contains(strings.ToUpper(b.Source), "ACSI") && !b.NotComparable {
			t.Errorf("row %d: ACSI figure not marked not_comparable", i)
		}
	}
}

func TestParseBenchmarksRejectsUnsourced(t *testing.T) {
	_, err := insight.ParseBenchmarks(strings.NewReader(`[{"metric":"nps","industry":"x","value":30,"unit":"points","year":2024,"kind":"survey","population":"p"}]`))
	if err == nil || !strings.Contains(err.Error(), "source") {
		t.Fatalf("want a missing-source error, got %v", err)
	}
	_, err = insight.ParseBenchmarks(strings.NewReader(`[{"metric":"nps","industry":"x","value":30,"unit":"points","source":"s","kind":"survey"}]`))
	if err == nil || !strings.Contains(err.Error(), "year") {
		t.Fatalf("want a missing-year error, got %v", err)
	}
}

func TestMergeBenchmarks(t *testing.T) {
	user, err := insight.ParseBenchmarks(strings.NewReader(`[
	 {"metric":"nps","industry":"retail","value":45,"unit":"points","population":"our panel","source":"Our research team, Retail NPS panel","year":2025,"kind":"study"},
	 {"metric":"nps","industry":"pharmacy","low":30,"high":40,"unit":"points","population":"p","source":"Trade body, Pharmacy report","year":2024,"kind":"survey"}]`))
	if err != nil {
		t.Fatal(err)
	}
	base := insight.Shipped()
	m := insight.MergeBenchmarks(base, user)
	var retail, pharmacy, telecom int
	for _, b := range m {
		switch {
		case b.Metric == "nps" && b.Industry == "retail":
			retail++
			if !b.User || *b.Value != 45 {
				t.Errorf("retail NPS row not the user's: %+v", b)
			}
		case b.Metric == "nps" && b.Industry == "pharmacy":
			pharmacy++
		case b.Metric == "nps" && b.Industry == "telecom":
			telecom++
		}
	}
	if retail != 1 || pharmacy != 1 || telecom != 1 {
		t.Errorf("retail %d (want 1: the user's replaces both shipped), pharmacy %d, telecom %d (kept)", retail, pharmacy, telecom)
	}
	if len(m) != len(base)-2+2 {
		t.Errorf("merged %d rows, want %d", len(m), len(base))
	}
	all := len(insight.ForIndustry(m, "")) // the industry-independent rows (breakage, programme membership)
	if got := insight.ForIndustry(m, "pharmacy"); len(got) != 1+all {
		t.Errorf("pharmacy rows %d, want 1 + %d industry-independent", len(got), all)
	}
	if err := insight.CheckIndustry(m, "nosuch"); err == nil {
		t.Error("unknown industry accepted")
	}
}

func TestParseGoals(t *testing.T) {
	gs, err := insight.ParseGoals(strings.NewReader("# targets\nretention: 85% by 2026-12-31\nnps: >= 40\nchurn: 10\nredemption_rate: ≥ 20,5 by 2026-06-30\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 4 {
		t.Fatalf("%d goals", len(gs))
	}
	if gs[0].Metric != "retention" || gs[0].Value != 85 || gs[0].Op != ">=" || gs[0].By.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("goal 0: %+v", gs[0])
	}
	if gs[2].Op != "<=" { // churn: lower is better
		t.Errorf("churn op %q", gs[2].Op)
	}
	if gs[3].Value != 20.5 || gs[3].Line != 5 {
		t.Errorf("goal 3: %+v", gs[3])
	}
	js, err := insight.ParseGoals(strings.NewReader(`[{"metric":"nps","value":40,"by":"2026-12-31"}]`))
	if err != nil || js[0].Op != ">=" || js[0].By.Year() != 2026 {
		t.Fatalf("json goals %+v %v", js, err)
	}
	for _, bad := range []string{"foo: 3", "nps 40", "nps: forty", "nps: 40 by 31.12.2026"} {
		if _, err := insight.ParseGoals(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func day(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }

// The projection on a fixture equals the hand calculation: points 70, 72, 74 ten days apart lie
// on the line 70 + 0.2·days exactly, so the projection 40 days after the first point is 78.
func TestTargetProjection(t *testing.T) {
	o := &insight.Observation{Metric: "retention", Name: "ID-based retention", Unit: "percent",
		Value: 74, Low: 72, High: 76, N: 1000, Period: "p3", Base: 1000, PerCustomer: 50,
		Series: []insight.Point{{"p1", day("2025-01-01"), 70}, {"p2", day("2025-01-11"), 72}, {"p3", day("2025-01-21"), 74}}}
	f, ok := insight.FitTrend(o.Series, 6)
	if !ok || math.Abs(f.Slope-0.2) > 1e-12 || math.Abs(f.Intercept-70) > 1e-12 {
		t.Fatalf("fit %+v", f)
	}
	tg := insight.EvaluateTarget(insight.Goal{Metric: "retention", Op: ">=", Value: 80, By: day("2025-02-10")}, o)
	if math.Abs(tg.Projected-78) > 1e-9 || tg.Status != "off track" {
		t.Errorf("projected %v status %q, want 78 off track", tg.Projected, tg.Status)
	}
	// gap 80 − 74 = 6 points of 1000 customers = 60 customers × 50 a year = 3000.
	if tg.Gap != 6 || tg.GapCustomers != 60 || tg.GapRevenue != 3000 {
		t.Errorf("gap %v, %v customers, %v revenue", tg.Gap, tg.GapCustomers, tg.GapRevenue)
	}
	if math.Abs(tg.Progress-74.0/80) > 1e-12 {
		t.Errorf("progress %v", tg.Progress)
	}
	tg = insight.EvaluateTarget(insight.Goal{Metric: "retention", Op: ">=", Value: 78, By: day("2025-02-10")}, o)
	if tg.Status != "on track" {
		t.Errorf("status %q, want on track", tg.Status)
	}
	tg = insight.EvaluateTarget(insight.Goal{Metric: "retention", Op: ">=", Value: 71}, o)
	if tg.Status != "met, significantly" || tg.GapCustomers != 0 {
		t.Errorf("status %q gap %v", tg.Status, tg.GapCustomers)
	}
	tg = insight.EvaluateTarget(insight.Goal{Metric: "retention", Op: ">=", Value: 73}, o)
	if tg.Status != "met" { // 74 ≥ 73, but the interval reaches 72
		t.Errorf("status %q, want met", tg.Status)
	}
	// NPS gap: 10 points among 400 respondents = 10·400/200 = 20 detractors to convert.
	n := &insight.Observation{Metric: "nps", Unit: "points", Value: 30, Low: 25, High: 35, N: 400, Base: 400}
	tg = insight.EvaluateTarget(insight.Goal{Metric: "nps", Op: ">=", Value: 40}, n)
	if tg.GapCustomers != 20 || tg.Status != "no trend" {
		t.Errorf("nps gap %v status %q", tg.GapCustomers, tg.Status)
	}
	if tg := insight.EvaluateTarget(insight.Goal{Metric: "csat", Op: ">=", Value: 80}, nil); tg.Status != "no data" {
		t.Errorf("status %q", tg.Status)
	}
}

// Hand-made Simpson's paradox: both segments' retention rises, the pooled rate falls, because
// the base moves to the low-retention segment.
//
//	before: A 90/100 = 0.90, B 20/100 = 0.20, pooled 110/200 = 0.55, shares 0.5/0.5
//	after:  A 19/20 = 0.95,  B 45/180 = 0.25, pooled 64/200 = 0.32,  shares 0.1/0.9
//	rate effect = 0.3·0.05 + 0.7·0.05 = 0.05
//	mix effect  = 0.925·(0.1 − 0.5) + 0.225·(0.9 − 0.5) = −0.37 + 0.09 = −0.28
//	change      = 0.05 − 0.28 = −0.23 = 0.32 − 0.55
func TestDecomposeSimpson(t *testing.T) {
	m := insight.Decompose(
		[]insight.Cell{{"A", 90, 100}, {"B", 20, 100}},
		[]insight.Cell{{"A", 19, 20}, {"B", 45, 180}})
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if !near(m.PooledBefore, 0.55) || !near(m.PooledAfter, 0.32) || !near(m.Change, -0.23) {
		t.Errorf("pooled %v → %v (%v)", m.PooledBefore, m.PooledAfter, m.Change)
	}
	if !near(m.RateEffect, 0.05) || !near(m.MixEffect, -0.28) || !near(m.RateEffect+m.MixEffect, m.Change) {
		t.Errorf("rate %v mix %v", m.RateEffect, m.MixEffect)
	}
	if !m.Paradox || !m.MixExplains || !strings.Contains(m.Warning, "Simpson") {
		t.Errorf("no paradox warning: %+v", m)
	}
	// No mix shift: no warning.
	m = insight.Decompose([]insight.Cell{{"A", 50, 100}, {"B", 20, 100}}, []insight.Cell{{"A", 40, 100}, {"B", 10, 100}})
	if m.Warning != "" || !near(m.MixEffect, 0) || !near(m.RateEffect, -0.1) {
		t.Errorf("unexpected %+v", m)
	}
}

func bm(metric, ind string, v float64, unit string) insight.Benchmark {
	return insight.Benchmark{Metric: metric, Industry: ind, Value: &v, Unit: unit, Source: "S", Year: 2024, Kind: "survey"}
}

func TestClassification(t *testing.T) {
	obs := []insight.Observation{
		// retention 80 (78–82): benchmark 81 overlaps → in line, never a weakness.
		{Metric: "retention_annual", Name: "annual ID-based retention", Unit: "percent", Value: 80, Low: 78, High: 82, N: 1500, Grain: "year"},
		// churn 10 (8–12) against 15: below, and lower is better → strength.
		{Metric: "subscription_churn_monthly", Name: "monthly subscriber (logo) churn", Unit: "percent", Value: 10, Low: 8, High: 12, N: 900, Grain: "month"},
		// NPS 20 (15–25) against 40: below → weakness; z = (20 − 40)/(10/1.96).
		{Metric: "nps", Name: "NPS", Unit: "points", Value: 20, Low: 15, High: 25, N: 300,
			Change:  &insight.Change{From: "a", To: "b", Diff: -8, Low: -14, High: -2, Z: -2.6, P: 0.009, Significant: true, Method: "t"},
			GroupBy: "region", Groups: []insight.Group{{Name: "north", Value: 35, Low: 28, High: 42, N: 100, Rest: 12, Z: 3.1, P: 0.002, Significant: true},
				{Name: "south", Value: 18, Low: 10, High: 26, N: 100, Rest: 21, Z: -0.5, P: 0.6}}},
		// repeat rate 50 without interval against 32: above → strength.
		{Metric: "repeat_purchase_rate", Name: "repeat purchase rate", Unit: "percent", Value: 50, Low: math.NaN(), High: math.NaN()},
	}
	bs := []insight.Benchmark{bm("retention_annual", "x", 81, "percent"), bm("subscription_churn_monthly", "x", 15, "percent"),
		bm("nps", "x", 40, "points"), bm("repeat_purchase_rate", "x", 32, "percent"),
		bm("subscription_churn_monthly", "y", 5, "percent")}
	bs[4].Period = "year" // a per-year figure is not comparable with a monthly rate
	r := insight.Assess(obs, bs, nil, nil)
	pos := map[string]string{}
	for _, c := range r.Comparisons {
		pos[c.Metric+"/"+c.Benchmark.Industry] = c.Position
	}
	want := map[string]string{"retention_annual/x": "in line", "subscription_churn_monthly/x": "below", "nps/x": "below",
		"repeat_purchase_rate/x": "above", "subscription_churn_monthly/y": "not comparable"}
	for k, v := range want {
		if pos[k] != v {
			t.Errorf("%s: %q, want %q", k, pos[k], v)
		}
	}
	kinds := func(fs []insight.Finding) (out []string) {
		for _, f := range fs {
			out = append(out, f.Metric+"/"+f.Kind)
		}
		return out
	}
	s, w, l := strings.Join(kinds(r.Strengths), ","), strings.Join(kinds(r.Weaknesses), ","), strings.Join(kinds(r.InLine), ",")
	for _, x := range []string{"subscription_churn_monthly/benchmark", "repeat_purchase_rate/benchmark", "nps/segment"} {
		if !strings.Contains(s, x) {
			t.Errorf("strengths %s lack %s", s, x)
		}
	}
	for _, x := range []string{"nps/benchmark", "nps/trend"} {
		if !strings.Contains(w, x) {
			t.Errorf("weaknesses %s lack %s", w, x)
		}
	}
	if !strings.Contains(l, "retention_annual/benchmark") || strings.Contains(w, "retention_annual") || strings.Contains(s, "retention_annual") {
		t.Errorf("retention should be in line only: strengths %s weaknesses %s in line %s", s, w, l)
	}
	if strings.Contains(s+w, "south") {
		t.Error("a non-significant segment was called a strength or weakness")
	}
	// Ranking: NPS 20 points below its benchmark with SE = (25 − 15)/(2·1.96) is 7.8 SE away and
	// ranks above its 2.6-z decline.
	if r.Weaknesses[0].Kind != "benchmark" || math.Abs(r.Weaknesses[0].Score-20/(10/(2*1.959963984540054))) > 1e-9 {
		t.Errorf("first weakness %+v", r.Weaknesses[0])
	}
	for _, f := range append(r.Strengths, r.Weaknesses...) {
		if f.Evidence == "" {
			t.Errorf("no evidence: %+v", f)
		}
	}
}

func TestIndustryLists(t *testing.T) {
	bs := []insight.Benchmark{{Metric: "nps", Industry: "retail"}, {Metric: "repeat_purchase_rate", Industry: "ecommerce"}, {Metric: "breakage", Industry: "all"}, {Metric: "nps", Industry: "telecom"}}
	got := insight.ForIndustry(bs, "ecommerce, Retail")
	if len(got) != 3 {
		t.Errorf("ecommerce,retail: %+v", got)
	}
	if err := insight.CheckIndustry(bs, "ecommerce,retail"); err != nil {
		t.Error(err)
	}
	if err := insight.CheckIndustry(bs, "retail,shipping"); err == nil || !strings.Contains(err.Error(), "shipping") {
		t.Errorf("unknown industry in a list: %v", err)
	}
}
