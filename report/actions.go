package report

import (
	"fmt"
	"html"
	"strings"

	"fidelis/analysis"
)

func init() {
	AddSection(Section{Order: 13, ID: "actions", Title: "What to do first",
		Skip: func(a *analysis.Analysis) bool { return len(a.Actions) == 0 }, HTML: actionsHTML, Markdown: actionsMD})
}

func actionsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<p class="muted small">Ranked by expected gain: the value the models put at stake times an assumed effect of the action. The assumptions are planning figures to replace with your own test results.</p>`)
	labels := make([]string, len(a.Actions))
	gains := make([]float64, len(a.Actions))
	for i, x := range a.Actions {
		labels[i] = x.ID
		gains[i] = x.Gain
	}
	b.WriteString(barChart(labels, gains, nil, nil, money))
	b.WriteString(`<ol>`)
	for _, x := range a.Actions {
		fmt.Fprintf(&b, `<li><b>%s</b> — expected gain <b>%s</b> %s (value exposed %s; %s customers)<br>%s<br><span class="muted small">For: %s.`,
			html.EscapeString(x.Title), money(x.Gain), html.EscapeString(a.Currency), money(x.Exposed), count(x.Customers), html.EscapeString(x.Why), html.EscapeString(x.Who))
		if x.Command != "" {
			fmt.Fprintf(&b, ` The list: <code>%s</code>.`, html.EscapeString(x.Command))
		}
		if len(x.List) > 0 {
			fmt.Fprintf(&b, ` First: %s.`, html.EscapeString(strings.Join(x.List, ", ")))
		}
		b.WriteString(` Assumptions: `)
		b.WriteString(html.EscapeString(strings.Join(x.Assumptions, "; ")))
		b.WriteString(`.</span></li>`)
	}
	b.WriteString(`</ol>`)
	return b.String()
}

func actionsMD(a *analysis.Analysis) string {
	var b strings.Builder
	for i, x := range a.Actions {
		fmt.Fprintf(&b, "%d. **%s**: expected gain %s (value exposed %s, %d customers). %s Assumptions: %s.\n",
			i+1, x.Title, money(x.Gain), money(x.Exposed), x.Customers, x.Why, strings.Join(x.Assumptions, "; "))
	}
	return b.String()
}
