// Package report renders an Analysis as one self-contained HTML page (styles and SVG charts
// inline, nothing fetched), as Markdown, or as JSON. A report is a list of sections; a new
// capability adds a section value to the sections slice and nothing else changes.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"fidelis"
	"fidelis/analysis"
)

// Section is one part of the report. Skip, when set, hides a section with nothing to show.
type Section struct {
	// Order places the section: core sections use 10–60 and definitions 1000; later capabilities
	// pick a number in between.
	Order     int
	ID, Title string
	Skip      func(a *analysis.Analysis) bool
	HTML      func(lc locale, a *analysis.Analysis) string
	Markdown  func(lc locale, a *analysis.Analysis) string
}

// sections lists the report's parts, kept sorted by Order.
var sections = []Section{
	{Order: 10, ID: "overview", Title: "Key figures", HTML: locale.overviewHTML, Markdown: locale.overviewMD},
	{Order: 20, ID: "retention", Title: "Retention over time", HTML: locale.retentionHTML, Markdown: locale.retentionMD},
	{Order: 30, ID: "cohorts", Title: "Cohort retention", Skip: func(a *analysis.Analysis) bool { return a.Cohorts == nil }, HTML: locale.cohortsHTML, Markdown: locale.cohortsMD},
	{Order: 40, ID: "segments", Title: "Segments", Skip: func(a *analysis.Analysis) bool { return a.By == "" }, HTML: locale.segmentsHTML, Markdown: locale.segmentsMD},
	{Order: 50, ID: "value", Title: "Customer value and tenure", HTML: locale.valueHTML, Markdown: locale.valueMD},
	{Order: 60, ID: "subscriptions", Title: "Subscriptions", Skip: func(a *analysis.Analysis) bool { return len(a.Subscriptions) == 0 }, HTML: locale.subscriptionsHTML, Markdown: locale.subscriptionsMD},
	{Order: 1000, ID: "definitions", Title: "Definitions", HTML: locale.definitionsHTML, Markdown: locale.definitionsMD},
}

// AddSection adds a section to every report; later capabilities call it from an init function in
// their own file. A section whose analysis part is missing should set Skip.
func AddSection(s Section) {
	sections = append(sections, s)
	sort.SliceStable(sections, func(i, j int) bool { return sections[i].Order < sections[j].Order })
}

// Options choose how a report is written. Everything a render needs is here or in the Analysis,
// so any number of reports render at once.
type Options struct {
	Format string // "html" (the default), "md" or "json"
	Lang   string // one of Languages; "" is English. JSON is language-neutral.
	// Missing, when set, is told every message key the catalogue lacks (for tests: no English
	// sentence may reach a translated report; data such as segment names pass through it too).
	Missing func(key string)
}

// Render writes a as o asks.
func Render(w io.Writer, a *analysis.Analysis, o Options) error {
	l, err := ParseLang(o.Lang)
	if err != nil {
		return err
	}
	lc := locales[l]
	lc.missing = o.Missing
	switch o.Format {
	case "json":
		return JSON(w, a)
	case "md", "markdown":
		return lc.writeMD(w, a)
	case "html", "":
		return lc.writeHTML(w, a)
	}
	return fidelis.Errorf(fidelis.EInvalid, "unknown report format %q", o.Format).WithHint("--format html|md|json")
}

// Write renders a in the given format: "html", "md" or "json", in English.
func Write(w io.Writer, a *analysis.Analysis, format string) error {
	return Render(w, a, Options{Format: format})
}

// WriteLang renders a in the given format and language (one of Languages).
func WriteLang(w io.Writer, a *analysis.Analysis, format, lang string) error {
	return Render(w, a, Options{Format: format, Lang: lang})
}

func (lc locale) writeHTML(w io.Writer, a *analysis.Analysis) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`, lc.lang)
	b.WriteString(`<title>` + esc(lc.T("Fidelis loyalty report")) + `</title><style>` + css + `</style></head><body><main>`)
	fmt.Fprintf(&b, `<header><h1>%s</h1><p class="muted">%s</p><nav>`, esc(lc.T("Customer loyalty report")), esc(lc.subtitle(a)))
	for _, s := range sections {
		if s.Skip == nil || !s.Skip(a) {
			fmt.Fprintf(&b, `<a href="#%s">%s</a>`, s.ID, esc(lc.T(s.Title)))
		}
	}
	b.WriteString(`</nav></header>`)
	for _, s := range sections {
		if s.Skip != nil && s.Skip(a) {
			continue
		}
		fmt.Fprintf(&b, `<section id="%s"><h2>%s</h2>%s</section>`, s.ID, esc(lc.T(s.Title)), s.HTML(lc, a))
	}
	b.WriteString(`</main></body></html>` + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (lc locale) writeMD(w io.Writer, a *analysis.Analysis) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n", lc.T("Customer loyalty report"), lc.subtitle(a))
	for _, s := range sections {
		if s.Skip != nil && s.Skip(a) {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", lc.T(s.Title), s.Markdown(lc, a))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (lc locale) subtitle(a *analysis.Analysis) string {
	return lc.T("%s customers · %s orders · %s to %s · generated %s by Fidelis", lc.count(a.Counts[fidelis.Customers]), lc.count(a.Counts[fidelis.Orders]),
		lc.date(a.First), lc.date(a.Last), a.Generated.Format(lc.dateTime))
}

const css = `body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;background:#f9fafb;margin:0}
main{max-width:1000px;margin:0 auto;padding:24px}
header nav a{margin-right:14px;font-size:14px;color:#2563eb;text-decoration:none}
h1{margin:0 0 4px}h2{margin-top:0;border-bottom:1px solid #e5e7eb;padding-bottom:6px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:18px 20px;margin:18px 0}
.muted{color:#6b7280}.small{font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px}
.card{border:1px solid #e5e7eb;border-radius:8px;padding:12px}.card b{display:block;font-size:24px}
.card span{font-size:13px;color:#6b7280}
table{border-collapse:collapse;width:100%;font-size:13px;margin:10px 0}
th,td{padding:4px 8px;border-bottom:1px solid #f3f4f6;text-align:right}th:first-child,td:first-child{text-align:left;white-space:nowrap}
th{background:#f9fafb;font-weight:600}
.chart{width:100%;height:auto}.grid{stroke:#e5e7eb}.tick{font-size:11px;fill:#4b5563}
.legend span{margin-right:16px;font-size:13px}.legend i{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px}
.heat td{text-align:center;font-size:11px;padding:3px 2px;border:1px solid #fff}
.flag{color:#b45309}
`
