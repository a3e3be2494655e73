//go:build cgo

// The fixture runs on the DuckDB store, which needs cgo.

package analysis_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"fidelis"
	"fidelis/analysis"
	"fidelis/duckdb"
	"fidelis/storetest"
)

// vocFixture: 22 customers. NPS in January 2024 from c1–c10: five 10s, three 8s, two 3s; in
// February from c11–c20: two 10s, three 8s, five 3s. CSAT on 1-5 from c1–c4 (5, 4, 2, 1) and on
// 1-7 from c21, c22 (7, 3); trust (1-5) from c1 (5) and c2 (1). Promoters comment "fast delivery",
// detractors "late delivery". Exits: c9 and c10 for price, c16 for delivery. Orders run to
// 30 April, so January to April are complete months.
func vocFixture(t *testing.T) fidelis.Store {
	st, err := duckdb.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	var cust, surv strings.Builder
	cust.WriteString("customer_id,region\n")
	surv.WriteString("response_id,customer_id,timestamp,kind,score,scale,comment,language,channel\n")
	for i := 1; i <= 22; i++ {
		region := "North"
		if i%2 == 0 {
			region = "South"
		}
		fmt.Fprintf(&cust, "c%d,%s\n", i, region)
	}
	nps := func(i, month, score int) {
		comment := ""
		switch {
		case score >= 9:
			comment = "fast delivery"
		case score <= 6:
			comment = "late delivery"
		}
		fmt.Fprintf(&surv, "n%d,c%d,2024-%02d-10,nps,%d,0-10,%s,en,email\n", i, i, month, score, comment)
	}
	for i := 1; i <= 10; i++ {
		nps(i, 1, map[bool]int{true: 10, false: 8}[i <= 5]-map[bool]int{true: 5, false: 0}[i >= 9])
	}
	for i := 11; i <= 20; i++ {
		nps(i, 2, map[bool]int{true: 10, false: 8}[i <= 12]-map[bool]int{true: 5, false: 0}[i >= 16])
	}
	for i, s := range []int{5, 4, 2, 1} {
		fmt.Fprintf(&surv, "s%d,c%d,2024-01-12,csat,%d,1-5,,en,web\n", i+1, i+1, s)
	}
	surv.WriteString("s21,c21,2024-01-12,csat,7,1-7,,en,web\ns22,c22,2024-01-12,csat,3,1-7,,en,web\n")
	surv.WriteString("t1,c1,2024-01-13,trust,5,1-5,,en,web\nt2,c2,2024-01-13,trust,1,1-5,,en,web\n")
	storetest.Load(t, st, map[fidelis.Kind]string{
		fidelis.Customers: cust.String(),
		fidelis.Orders:    "order_id,customer_id,date,amount\no1,c9,2024-01-05,20\no2,c10,2024-01-05,30\no3,c16,2024-01-05,50\no4,c1,2024-04-30,10\n",
		fidelis.Surveys:   surv.String(),
		fidelis.Exits:     "exit_id,customer_id,timestamp,reason,comment\nx1,c9,2024-02-15,price,\nx2,c10,2024-02-16,Price,\nx3,c16,2024-03-01,delivery,\n",
	})
	return st
}

// adjWald is Rocks' (2016) adjusted-Wald NPS interval written out: n' = n + 3, p' = (P + ¾)/n',
// d' = (D + ¾)/n', NPS' = p' − d', SE = √((p' + d' − NPS'²)/n'); returns NPS'·100 and SE·100.
func adjWald(p, d, n float64) (adj, se float64) {
	nn := n + 3
	pp, dd := (p+0.75)/nn, (d+0.75)/nn
	return 100 * (pp - dd), 100 * math.Sqrt((pp+dd-(pp-dd)*(pp-dd))/nn)
}

func TestVoiceOfCustomer(t *testing.T) {
	st := vocFixture(t)
	defer st.Close()
	v, err := analysis.VoiceOfCustomer(context.Background(), st, analysis.Options{Grain: fidelis.Month, By: "region", Window: 3}, analysis.DefaultVoCOptions())
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9 // every expected number below is closed-form; only rounding separates them
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.12g, want %.12g", name, got, want)
		}
	}
	// NPS: January (5 − 2)/10 = +30, February (2 − 5)/10 = −30, pooled (7 − 7)/20 = 0.
	if len(v.NPSPeriods) != 2 {
		t.Fatalf("NPS periods %+v", v.NPSPeriods)
	}
	jan, feb := v.NPSPeriods[0].NPS, v.NPSPeriods[1].NPS
	near("NPS Jan", jan.Score.Value, 30)
	near("NPS Feb", feb.Score.Value, -30)
	near("NPS all", v.NPS.Score.Value, 0)
	adj, se := adjWald(5, 2, 10)
	z := 1.959963984540054
	near("Jan low", jan.Score.Low, adj-z*se)
	near("Jan high", jan.Score.High, adj+z*se)
	// Change January → February: z = (NPS'_Feb − NPS'_Jan)/√(SE² + SE²), both SE equal by symmetry
	// (≈ −1.518, p ≈ 0.129: not significant).
	c := v.NPSChange
	if c == nil || c.From != "2024-01" || c.To != "2024-02" {
		t.Fatalf("change %+v", c)
	}
	near("change z", c.Diff.Z, -2*adj/math.Sqrt(2*se*se))
	near("change p", c.Diff.P, math.Erfc(math.Abs(c.Diff.Z)/math.Sqrt2))
	if c.Diff.Significant || !jan.Small {
		t.Errorf("change significant %v, January small %v", c.Diff.Significant, jan.Small)
	}
	// By region (odd North, even South): North c1 c3 c5 (10) c7 (8) c9 (3) c11 (10) c13 c15 (8)
	// c17 c19 (3): P 4, D 3, n 10 → +10; South: P 3, D 4 → −10.
	if len(v.NPSSegments) != 2 || v.NPSSegments[0].Name != "North" {
		t.Fatalf("segments %+v", v.NPSSegments)
	}
	near("NPS North", v.NPSSegments[0].NPS.Score.Value, 10)
	// Every NPS answer came by e-mail: a breakdown by channel has one group, no rest to compare
	// with, and is left out.
	if v.NPSChannels != nil {
		t.Errorf("one-channel breakdown shown: %+v", v.NPSChannels)
	}
	near("NPS South", v.NPSSegments[1].NPS.Score.Value, -10)
	// CSAT, one result per scale: 1-5 top box {5, 4} = 2/4, mean 3; 1-7 top box 5–7 = 1/2, mean 5.
	if len(v.CSAT) != 2 {
		t.Fatalf("CSAT %+v", v.CSAT)
	}
	near("CSAT 1-5", v.CSAT[0].Share.Value, 0.5)
	near("CSAT 1-5 mean", v.CSAT[0].Mean.Value, 3)
	near("CSAT 1-7", v.CSAT[1].Share.Value, 0.5)
	near("CSAT 1-7 mean", v.CSAT[1].Mean.Value, 5)
	// Advocacy (trust 1-5, satisfaction ← csat 1-5, recommend ← nps 0-10, equal weights, 2 of 3
	// needed): c1 (100, 100, 100) = 100; c2 (0, 75, 100) = 58.33; c3 (–, 25, 100) = 62.5;
	// c4 (–, 0, 100) = 50 → mean 67.708. Excluded: c5–c20 (NPS only) and c21, c22 (CSAT on 1-7,
	// the wrong scale for the item, counted as mismatches).
	ix := v.Indices[0]
	near("advocacy", ix.Mean.Value, (100+175.0/3+62.5+50)/4)
	if ix.Included != 4 || ix.Excluded != 18 || ix.ScaleMismatch != 2 {
		t.Errorf("advocacy included %d excluded %d mismatched %d, want 4, 18, 2", ix.Included, ix.Excluded, ix.ScaleMismatch)
	}
	if e := v.Indices[1]; e.Included != 0 || e.Note == "" {
		t.Errorf("emotional index %+v", e)
	}
	// Drivers: "late" is the detractors' word, "fast" the promoters'.
	if v.Drivers == nil || len(v.Drivers.A.Terms) == 0 || len(v.Drivers.B.Terms) == 0 ||
		!strings.HasPrefix(v.Drivers.A.Terms[0].Term, "late") || !strings.HasPrefix(v.Drivers.B.Terms[0].Term, "fast") {
		t.Errorf("drivers %+v", v.Drivers)
	}
	// Theme delivery: all 14 comments, sentiment (7 − 7)/14 = 0.
	if th := v.Themes[0]; th.Name != "delivery" || th.Mentions != 14 || th.Sentiment.Score.Value != 0 {
		t.Errorf("delivery theme %+v", th)
	}
	// Exits: price 2 (c9 20 + c10 30 = 50, "Price" grouped with "price"), delivery 1 (c16 50).
	all := v.Exits.All
	if all.N != 3 || all.ByCount[0].Reason != "price" || all.ByCount[0].Count != 2 || all.ByCount[0].Revenue != 50 ||
		all.ByCount[1].Revenue != 50 || all.ByCLV != nil {
		t.Errorf("exits %+v", all)
	}
	near("price revenue share", all.ByCount[0].RevenueShare, 0.5)
	// Defectors c9, c10, c16; loyal: c1 only (ordered 30 April, no exit).
	if d := v.Defection; d == nil || d.Defectors != 3 || d.Loyal != 1 {
		t.Errorf("defection %+v", v.Defection)
	}
}

// TestVoiceOfCustomerSurveysOnly: a store of survey answers without orders. Answers run from
// January to 29 February 2024 (the last day of February), so both months are complete by the
// answers' own span and the period-to-period NPS test is shown: January 10 answers (5 promoters,
// 2 detractors), February the same fixture's 10 (2 promoters, 5 detractors).
func TestVoiceOfCustomerSurveysOnly(t *testing.T) {
	st, err := duckdb.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var surv strings.Builder
	surv.WriteString("response_id,customer_id,timestamp,kind,score\n")
	for i, sc := range []int{10, 10, 10, 10, 10, 8, 8, 8, 3, 3} {
		fmt.Fprintf(&surv, "j%d,c%d,2024-01-10,nps,%d\n", i, i, sc)
	}
	for i, sc := range []int{10, 10, 8, 8, 8, 3, 3, 3, 3, 3} {
		fmt.Fprintf(&surv, "f%d,d%d,2024-02-29,nps,%d\n", i, i, sc)
	}
	storetest.Load(t, st, map[fidelis.Kind]string{fidelis.Surveys: surv.String()})
	v, err := analysis.VoiceOfCustomer(context.Background(), st, analysis.Options{Grain: fidelis.Month}, analysis.DefaultVoCOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.NPSPeriods) != 2 || !v.NPSPeriods[0].Complete || !v.NPSPeriods[1].Complete {
		t.Errorf("periods %+v: both months are complete by the answers' span", v.NPSPeriods)
	}
	if c := v.NPSChange; c == nil || c.From != "2024-01" || c.To != "2024-02" || math.Abs(c.Diff.Diff-(-60)) > 1e-9 {
		t.Errorf("change %+v, want 2024-01 → 2024-02, −60 points", c)
	}
}

func TestVoiceOfCustomerEmpty(t *testing.T) {
	st, err := duckdb.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := analysis.VoiceOfCustomer(context.Background(), st, analysis.Options{Grain: fidelis.Month}, analysis.DefaultVoCOptions())
	if err != nil || v != nil {
		t.Errorf("empty store: %+v, %v; want nil, nil", v, err)
	}
}
