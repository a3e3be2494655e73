package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReportLanguages writes the demo's report in Polish, Romanian and Latvian and checks that no
// English section title or table header is left, that <html lang> is set, and that the executive
// summary has five things to know and five to do.
func TestReportLanguages(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := cli(t, "demo", "--customers", "3000", "--dir", dir, "--lang", "pl"); code != 0 {
		t.Fatalf("demo exit %d: %s %s", code, out, errs)
	}
	db := filepath.Join(dir, "fidelis-demo.duckdb")
	english := []string{"Executive summary", "Five things to know", "Five things to do", "Key figures", "What to do first",
		"Benchmarks, targets, strengths and weaknesses", "Retention over time", "Cohort retention",
		"Customer value and tenure", "<h2>Segments<", "Who is still a customer", "Voice of the customer", "Referrals and advocates",
		"Loyalty programme", "Channel engagement", "Social mentions", "Definitions", "Strengths", "Weaknesses",
		"Against benchmarks", "Composition check", "NPS over time", "Score distributions", "Why customers leave",
		"<th>Period</th>", "<th>Revenue</th>", "<th>Orders</th>", "<th>Buyers</th>", "<th>Customers</th>", "<th>Customer</th>",
		"<th>metric</th>", "<th>source</th>", "<th>reason</th>", "<th>Referrals</th>", "<th>Members</th>", "<th>Mentions</th>",
		"Active at start", "Weighted mean", "expected gain", "Assumptions:", "customers expected to be still active",
		"repeat purchase rate", "orders per customer", "is better than", "is worse than", "leads the rest", "lags the rest",
		"Retention contact", "Win-back campaign", "not significant", "significant deterioration"}
	li, act := regexp.MustCompile(`<li>`), regexp.MustCompile(`<tr><td class="t">`)
	for _, lang := range []string{"pl", "ro", "lv"} {
		path := filepath.Join(dir, "fidelis-demo-report.html")
		if lang != "pl" {
			path = filepath.Join(dir, lang+".html")
			if code, _, errs := cli(t, "report", "--db", db, "--by", "region", "--industry", "ecommerce,retail", "--lang", lang, "--out", path); code != 0 {
				t.Fatalf("report --lang %s: %s", lang, errs)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		html := string(b)
		if !strings.Contains(html, `<html lang="`+lang+`">`) {
			t.Errorf("%s: no html lang", lang)
		}
		for _, e := range english {
			if strings.Contains(html, e) {
				t.Errorf("%s: English %q left in the report", lang, e)
			}
		}
		i, j := strings.Index(html, `<section id="summary" class="first">`), strings.Index(html, `<section id="overview">`)
		if i < 0 || j < i || strings.Contains(html[:i], "<section") {
			t.Fatalf("%s: the executive summary must come first", lang)
		}
		if n, m := len(li.FindAllString(html[i:j], -1)), len(act.FindAllString(html[i:j], -1)); n != 5 || m != 5 {
			t.Errorf("%s: executive summary has %d things to know and %d to do, want 5 and 5", lang, n, m)
		}
	}
	if code, _, errs := cli(t, "report", "--db", db, "--lang", "de"); code == 0 || !strings.Contains(errs, "Try: --lang en|pl|ro|lv") {
		t.Errorf("unknown language: exit %d, %s", code, errs)
	}
}
