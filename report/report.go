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
//
// The HTML report opens with the first screen (the section with Order below 10: key figures,
// what to know, what to do); every later section is a collapsed <details> a reader opens when
// she wants the evidence, and the long period-by-period tables sit in an appendix at the end.
type Section struct {
	// Order places the section: the first screen uses 5, core sections 10–60 and definitions
	// 1000; later capabilities pick a number in between.
	Order     int
	ID, Title string
	Skip      func(a *analysis.Analysis) bool
	HTML      func(lc locale, a *analysis.Analysis) string
	Markdown  func(lc locale, a *analysis.Analysis) string
	// Appendix, when set, renders the section's period-by-period tables for the HTML report's
	// appendix (Markdown keeps them in the section).
	Appendix func(lc locale, a *analysis.Analysis) string
}

// firstScreen is the Order below which a section is always open.
const firstScreen = 10

// sections lists the report's parts, kept sorted by Order.
var sections = []Section{
	{Order: 10, ID: "overview", Title: "Key figures", HTML: locale.overviewHTML, Markdown: locale.overviewMD},
	{Order: 20, ID: "retention", Title: "Retention over time", HTML: locale.retentionHTML, Markdown: locale.retentionMD, Appendix: locale.retentionTable},
	{Order: 30, ID: "cohorts", Title: "Cohort retention", Skip: func(a *analysis.Analysis) bool { return a.Cohorts == nil }, HTML: locale.cohortsHTML, Markdown: locale.cohortsMD},
	{Order: 40, ID: "segments", Title: "Segments", Skip: func(a *analysis.Analysis) bool { return a.By == "" }, HTML: locale.segmentsHTML, Markdown: locale.segmentsMD},
	{Order: 50, ID: "value", Title: "Customer value and tenure", HTML: locale.valueHTML, Markdown: locale.valueMD},
	{Order: 60, ID: "subscriptions", Title: "Subscriptions", Skip: func(a *analysis.Analysis) bool { return len(a.Subscriptions) == 0 }, HTML: locale.subscriptionsHTML, Markdown: locale.subscriptionsMD, Appendix: locale.subscriptionsTable},
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
	fmt.Fprintf(&b, `<header><h1>%s</h1><p class="muted">%s</p></header>`, esc(lc.T("Customer loyalty report")), esc(lc.subtitle(a)))
	var shown []Section
	for _, s := range sections {
		if s.Skip == nil || !s.Skip(a) {
			shown = append(shown, s)
		}
	}
	var appendix strings.Builder
	navDone := false
	for _, s := range shown {
		if s.Order < firstScreen {
			fmt.Fprintf(&b, `<section id="%s" class="first"><h2>%s</h2>%s</section>`, s.ID, esc(lc.T(s.Title)), s.HTML(lc, a))
			continue
		}
		if !navDone {
			// The table of contents sits after the first screen: it leads to the evidence.
			b.WriteString(`<nav><b>` + esc(lc.T("Details")) + `</b> `)
			for _, t := range shown {
				if t.Order >= firstScreen {
					fmt.Fprintf(&b, "<a href=\"#%s\">%s</a>\n", t.ID, esc(lc.T(t.Title)))
				}
			}
			b.WriteString(`<a href="#appendix">` + esc(lc.T("Appendix: period by period")) + `</a></nav>`)
			navDone = true
		}
		fmt.Fprintf(&b, `<section id="%s"><details><summary><h2>%s</h2></summary>%s</details></section>`, s.ID, esc(lc.T(s.Title)), s.HTML(lc, a))
		if s.Appendix != nil {
			if body := s.Appendix(lc, a); body != "" {
				fmt.Fprintf(&appendix, `<h3 id="appendix-%s">%s</h3>%s`, s.ID, esc(lc.T(s.Title)), body)
			}
		}
	}
	if appendix.Len() > 0 {
		fmt.Fprintf(&b, `<section id="appendix"><details><summary><h2>%s</h2></summary>%s</details></section>`, esc(lc.T("Appendix: period by period")), appendix.String())
	}
	b.WriteString(`</main><script>` + script + `</script></body></html>` + "\n")
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

// script opens a collapsed section when a link leads to it and every section before printing,
// so a printed report is complete. It is the page's only script and fetches nothing.
const script = `function openTo(h){var t=h&&document.getElementById(decodeURIComponent(h.slice(1)));if(!t)return;for(var e=t;e;e=e.parentElement){if(e.tagName==='DETAILS')e.open=true}var d=t.querySelector('details');if(d)d.open=true}
addEventListener('hashchange',function(){openTo(location.hash)});openTo(location.hash);
addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});`

const css = `body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;background:#f9fafb;margin:0}
main{max-width:1040px;margin:0 auto;padding:20px 24px}
header h1{margin:0 0 2px;font-size:26px}header p{margin:0 0 10px}
nav{font-size:14px;margin:14px 0 4px;line-height:1.9}nav a{margin-right:14px;color:#2563eb;text-decoration:none;white-space:nowrap}nav b{margin-right:10px}
h2{margin:0;font-size:20px}h3{font-size:16px;margin:18px 0 6px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:14px 20px;margin:12px 0}
section.first{padding:16px 20px}section.first>h2{border-bottom:1px solid #e5e7eb;padding-bottom:6px;margin-bottom:12px}
details>summary{cursor:pointer;list-style:none;display:flex;align-items:baseline;gap:10px}
details>summary::-webkit-details-marker{display:none}
details>summary::before{content:"▸";color:#6b7280;font-size:14px}details[open]>summary::before{content:"▾"}
details[open]>summary{border-bottom:1px solid #e5e7eb;padding-bottom:6px;margin-bottom:10px}
.muted{color:#6b7280}.small{font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px}
.card{border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;min-width:0;overflow-wrap:anywhere}
.card b{display:block;font-size:24px;line-height:1.2;white-space:normal}.card b.long{font-size:18px}
.card span{display:block;font-size:13px;color:#6b7280}
.tiles{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px}
.tile{border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;min-width:0;overflow-wrap:anywhere;position:relative}
.tile .v{display:block;font-size:26px;font-weight:700;line-height:1.15}.tile .v.long{font-size:19px}
.tile .l{display:block;font-size:13px;font-weight:600;margin-top:2px}.tile .s{display:block;font-size:12px;color:#4b5563;margin-top:3px}
.tile svg{position:absolute;right:10px;top:12px}
.tile.good{border-left:4px solid #16a34a}.tile.bad{border-left:4px solid #dc2626}.tile.warn{border-left:4px solid #ca8a04}
.up{color:#16a34a}.down{color:#dc2626}
.two{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,6fr);gap:16px;margin-top:14px}
.two h3{margin:0 0 6px}.two ol{padding-left:18px;margin:0}.two li{margin-bottom:5px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:10px 0}
th,td{padding:4px 8px;border-bottom:1px solid #f3f4f6;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f9fafb;font-weight:600}td.t{text-align:left}.acts td:not(.t){white-space:nowrap}
.chart{width:100%;height:auto}.grid{stroke:#e5e7eb}.tick{font-size:11px;fill:#4b5563}
.legend span{margin-right:16px;font-size:13px}.legend i{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px}
table.heat{table-layout:fixed;font-size:10px}.heat th,.heat td{text-align:center;padding:3px 0;border:1px solid #fff;white-space:nowrap;overflow:hidden}
.heat th:first-child,.heat td:first-child{width:84px;text-align:left;padding-left:3px}.heat th:nth-child(2),.heat td:nth-child(2){width:44px}
.heat td.inc{box-shadow:inset 0 0 0 2px #f59e0b}
.flag{color:#b45309}a.plain{color:inherit;text-decoration:none}a.plain:hover{text-decoration:underline}
@media (max-width:800px){.tiles{grid-template-columns:repeat(2,minmax(0,1fr))}.two{grid-template-columns:1fr}}
@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}nav,details>summary::before{display:none}
section{border:none;padding:0;margin:10px 0;break-inside:auto}h2,h3{break-after:avoid}tr,.tile,svg{break-inside:avoid}
.tiles{grid-template-columns:repeat(4,minmax(0,1fr))}table.heat{font-size:7px}.heat th:first-child,.heat td:first-child{width:44px}.heat th:nth-child(2),.heat td:nth-child(2){width:30px}}
`
