package report_test

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fidelis/advocacy"
	"fidelis/analysis"
	"fidelis/insight"
	"fidelis/metric"
	"fidelis/report"
	"fidelis/voc"
)

func render(t *testing.T, a *analysis.Analysis, lang string) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Render(&b, a, report.Options{Lang: lang}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// sectionHTML is the HTML of the section with the given id.
func sectionHTML(t *testing.T, html, id string) string {
	t.Helper()
	i := strings.Index(html, `<section id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %q", id)
	}
	j := strings.Index(html[i+1:], "<section")
	if j < 0 {
		return html[i:]
	}
	return html[i : i+1+j]
}

func nps(p, pass, d int64) voc.NPSResult {
	var c voc.NPSCounts
	c[10], c[7], c[0] = p, pass, d
	r, _ := voc.NPS(c)
	return r
}

// full is small() with targets, the voice of the customer (no channels recorded), referrals and
// social mentions.
func full() *analysis.Analysis {
	a := small()
	a.Sections = map[string]any{
		"insight": &insight.Report{Targets: []insight.Target{{Goal: insight.Goal{Metric: "retention", Op: ">=", Value: 85}, Name: "ID-based retention", Unit: "percent",
			Current: 88, Low: 86, High: 90, Status: "met", Projected: math.NaN(), GapRevenue: math.NaN()}}},
		"voc": &analysis.VoC{NPS: nps(50, 30, 20), MinSample: 30, ResponseRate: "not known",
			NPSPeriods:  []analysis.NPSPeriod{{Period: "2026-02", Complete: true, NPS: nps(20, 10, 10)}, {Period: "2026-03", Complete: true, NPS: nps(30, 20, 10)}},
			NPSChannels: []analysis.NPSGroup{{Name: "(none)", NPS: nps(50, 30, 20), VsRest: voc.CompareNPS(voc.NPSCounts{}, voc.NPSCounts{})}}},
		"advocacy": &analysis.Advocacy{Referrals: []advocacy.ReferralPeriod{
			{Period: "2026-01", Invites: 40, Conversion: metric.NewProportion(20, 40), ReferrerShare: metric.NewProportion(30, 900)},
			{Period: "2026-02", Invites: 50, Conversion: metric.NewProportion(24, 50), ReferrerShare: metric.NewProportion(35, 950)},
			{Period: "2026-03", Invites: 45, Conversion: metric.NewProportion(9, 45), ReferrerShare: metric.NewProportion(33, 1000)}},
			Total: advocacy.ReferralPeriod{Period: "all", Invites: 135, Conversion: metric.NewProportion(53, 135), DaysToConvert: 21}},
		"social": &analysis.Social{Platforms: []advocacy.SocialPlatform{{Platform: "forum", Reach: 900}, {Platform: "instagram", Reach: 52000}, {Platform: "x", Reach: 7000}}},
	}
	return a
}

// TestFirstScreen: the report opens with the key figures (retention with its interval and
// target, churn, value, NPS, referrals) and the things to do; every later section is collapsed.
func TestFirstScreen(t *testing.T) {
	html := render(t, full(), "en")
	first := html[strings.Index(html, "<section"):]
	if !strings.HasPrefix(first, `<section id="summary" class="first">`) {
		t.Fatalf("the first section is not the summary: %.80s", first)
	}
	s := sectionHTML(t, html, "summary")
	for _, want := range []string{`id="tile-retention"`, "88.0%", "target ≥ 85.0%: met", `id="tile-churn"`, `id="tile-clv"`, `id="tile-nps"`,
		`id="tile-referrals"`, "Five things to know", "Things to do"} {
		if !strings.Contains(s, want) {
			t.Errorf("first screen lacks %q", want)
		}
	}
	if strings.Contains(s, "<details") {
		t.Error("the first screen must not be collapsed")
	}
	if n := strings.Count(html, `<details><summary><h2>`); n < 6 {
		t.Errorf("%d collapsed sections, want every detail section collapsed", n)
	}
	// The period-by-period tables are in the appendix, not in their sections.
	app := sectionHTML(t, html, "appendix")
	for _, want := range []string{"Active at start (S)", "Referrals by period", "<th>promoters</th>"} {
		if !strings.Contains(app, want) || strings.Count(html, want) != strings.Count(app, want) {
			t.Errorf("%q is not (only) in the appendix", want)
		}
	}
}

// TestNoNaN: a breakdown whose only group is "(none)" (no channels recorded) is left out, and no
// NaN reaches the page in any language.
func TestNoNaN(t *testing.T) {
	for _, lang := range []string{"en", "pl", "ro", "lv"} {
		html := render(t, full(), lang)
		if strings.Contains(html, "NaN") || strings.Contains(html, "Inf") {
			i := strings.Index(html, "NaN")
			t.Errorf("%s: NaN in the report: %s", lang, html[max(0, i-200):max(0, i)+20])
		}
		if strings.Contains(html, "(none)") {
			t.Errorf("%s: a (none) group is shown", lang)
		}
	}
	if strings.Contains(render(t, full(), "en"), "NPS by channel") {
		t.Error("NPS by channel shown with no channels recorded")
	}
}

// TestCardLongValue: a long value gets the small font and the card may not grow past its grid
// track, so "4,839,772.96 EUR" cannot run into the next card.
func TestCardLongValue(t *testing.T) {
	if got := report.Card("4,839,772.96 EUR", "predicted value"); !strings.Contains(got, `<b class="long">`) {
		t.Errorf("long value: %s", got)
	}
	if got := report.Card("88.2%", "retention"); strings.Contains(got, "long") {
		t.Errorf("short value: %s", got)
	}
	for _, rule := range []string{".card{", ".tile{"} {
		i := strings.Index(report.CSS, rule)
		if i < 0 {
			t.Fatalf("no %s rule", rule)
		}
		r := report.CSS[i : i+strings.Index(report.CSS[i:], "}")]
		if !strings.Contains(r, "min-width:0") || !strings.Contains(r, "overflow-wrap:anywhere") {
			t.Errorf("%s must shrink and wrap: %s", rule, r)
		}
	}
}

// TestBarLabelsFit: every bar label ends at the label column's edge and starts inside the chart
// ("naive: orders in the follow-up" was cut to "aive:").
func TestBarLabelsFit(t *testing.T) {
	labels := []string{"naive: orders in the follow-up", "matched: average order value in the follow-up", "x"}
	svg := report.BarChart(labels, []float64{131.7, 4, 1}, nil, nil, func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) })
	re := regexp.MustCompile(`<text x="([\d.]+)" y="[\d.]+" class="tick" text-anchor="end">([^<]*)</text>`)
	ms := re.FindAllStringSubmatch(svg, -1)
	if len(ms) != len(labels) {
		t.Fatalf("%d labels drawn, want %d", len(ms), len(labels))
	}
	for i, m := range ms {
		x, _ := strconv.ParseFloat(m[1], 64)
		if m[2] != labels[i] {
			t.Errorf("label %q drawn as %q", labels[i], m[2])
		}
		if x < report.TextWidth(m[2]) {
			t.Errorf("%q ends at x=%.0f but is %.0f wide: cut at the left edge", m[2], x, report.TextWidth(m[2]))
		}
	}
}

// TestCohortMatrix: every column fits the page (no sideways scroll), unfinished cells carry the
// framed class the note promises, and print styles keep the matrix whole.
func TestCohortMatrix(t *testing.T) {
	a := small()
	a.LastComplete = false
	html := render(t, a, "en")
	s := sectionHTML(t, html, "cohorts")
	if strings.Contains(s, "overflow") {
		t.Error("the cohort matrix scrolls sideways")
	}
	if n := strings.Count(s, `<td class="inc"`); n != 3 {
		t.Errorf("%d framed unfinished cells, want 3", n)
	}
	if !strings.Contains(s, "orange frame") {
		t.Error("the note does not explain the frame")
	}
	if !regexp.MustCompile(`\.heat td\.inc\{box-shadow:inset`).MatchString(report.CSS) {
		t.Error("no visible style for unfinished cells")
	}
	if !regexp.MustCompile(`@media print\{[^@]*table\.heat\{font-size`).MatchString(report.CSS) {
		t.Error("no print style for the cohort matrix")
	}
	if !strings.Contains(html, "beforeprint") {
		t.Error("collapsed sections are not opened for printing")
	}
	a.LastComplete = true
	for i := range a.Cohorts.Rows {
		a.Cohorts.Rows[i].Incomplete = make([]bool, len(a.Cohorts.Rows[i].Incomplete))
	}
	if s := sectionHTML(t, render(t, a, "en"), "cohorts"); strings.Contains(s, "orange frame") || strings.Contains(s, `class="inc"`) {
		t.Error("the note promises framed cells where there are none")
	}
}

// TestReferralsMaturing: the last period's conversion is flagged as still maturing (label and a
// hollow point), the earlier ones are not.
func TestReferralsMaturing(t *testing.T) {
	s := sectionHTML(t, render(t, full(), "en"), "advocacy")
	if !strings.Contains(s, "2026-03 (maturing)") || strings.Contains(s, "2026-02 (maturing)") {
		t.Error("the last referral period is not (only) flagged as maturing")
	}
	if n := strings.Count(s, `class="pending"`); n != 1 {
		t.Errorf("%d hollow points, want 1", n)
	}
}

// TestPlatformsByReach: reach by platform is drawn and tabled largest first.
func TestPlatformsByReach(t *testing.T) {
	s := sectionHTML(t, render(t, full(), "en"), "social")
	i, j, k := strings.Index(s, ">instagram<"), strings.Index(s, ">x<"), strings.Index(s, ">forum<")
	if i < 0 || !(i < j && j < k) {
		t.Errorf("platforms not sorted by reach: instagram %d, x %d, forum %d", i, j, k)
	}
}

// TestMoneyEstimates: planning and model money is rounded to two significant figures (three
// below 1000), with the locale's words and separators.
func TestMoneyEstimates(t *testing.T) {
	for _, c := range []struct {
		lang string
		v    float64
		want string
	}{
		{"en", 4839772.96, "≈4.8 million EUR"}, {"en", 301043.44, "≈300,000 EUR"}, {"en", 241.99, "≈242 EUR"}, {"en", 12500000, "≈13 million EUR"},
		{"pl", 4839772.96, "≈4,8 mln EUR"}, {"ro", 84961.41, "≈85.000 EUR"}, {"lv", 4839772.96, "≈4,8 milj. EUR"}, {"en", math.NaN(), "–"},
	} {
		if got := report.MoneyEst(c.lang, c.v); got != strings.ReplaceAll(c.want, " EUR", "\u00a0EUR") {
			t.Errorf("%s %v: %q, want %q", c.lang, c.v, got, c.want)
		}
	}
}
