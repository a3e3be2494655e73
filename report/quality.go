package report

import (
	"strings"

	"fidelis/analysis"
)

// The data-quality section (before the summary, whose figures it qualifies): a few sentences on what in the store could mislead the figures, and
// the orders per currency when they mix currencies. It stands alone so the layout can place it.
func init() {
	AddSection(Section{Order: 4, ID: "data-quality", Title: "Data quality", Skip: func(a *analysis.Analysis) bool {
		return a.Quality == nil || len(a.Quality.Messages) == 0
	}, HTML: locale.qualityHTML, Markdown: locale.qualityMD})
}

func (lc locale) currencyName(code string) string {
	if code == "" {
		return lc.T("(none)")
	}
	return code
}

func (lc locale) qualityHTML(a *analysis.Analysis) string {
	var b strings.Builder
	for _, m := range a.Quality.Messages {
		b.WriteString(`<p>` + esc(lc.tm(m)) + `</p>`)
	}
	if a.Quality.Mixed {
		b.WriteString(`<table>` + lc.th("currency", "orders in it", "net revenue in it"))
		for _, c := range a.Quality.Currencies {
			b.WriteString(`<tr><td>` + esc(lc.currencyName(c.Code)) + `</td><td>` + lc.count(c.Orders) + `</td><td>` + esc(lc.money(c.Revenue)) + `</td></tr>`)
		}
		b.WriteString(`</table>`)
	}
	return b.String()
}

func (lc locale) qualityMD(a *analysis.Analysis) string {
	var b strings.Builder
	for _, m := range a.Quality.Messages {
		b.WriteString(lc.tm(m) + "\n\n")
	}
	if a.Quality.Mixed {
		b.WriteString(lc.mdHead("|---|---:|---:|", "currency", "orders in it", "net revenue in it"))
		for _, c := range a.Quality.Currencies {
			b.WriteString("| " + mdCell(lc.currencyName(c.Code)) + " | " + lc.count(c.Orders) + " | " + lc.money(c.Revenue) + " |\n")
		}
	}
	return b.String()
}
