package report

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"fidelis/analysis"
)

func init() {
	AddSection(Section{Order: 55, ID: "models", Title: "Who is still a customer, and what each is worth",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[analysis.Models](a, "models") == nil },
		HTML:     modelsHTML,
		Markdown: modelsMD})
}

func paramText(f analysis.FitSummary) string {
	names := make([]string, 0, len(f.Params))
	for n := range f.Params {
		names = append(names, n)
	}
	order := map[string]int{"r": 0, "alpha": 1, "a": 2, "b": 3, "p": 4, "q": 5, "gamma": 6}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	var parts []string
	for _, n := range names {
		s := fmt.Sprintf("%s = %.4g", n, f.Params[n])
		if se, ok := f.StdErrors[n]; ok {
			s += fmt.Sprintf(" (SE %.2g)", se)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func modelsHTML(a *analysis.Analysis) string {
	m := analysis.Section[analysis.Models](a, "models")
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	card(&b, num(m.AliveCustomers, 0), fmt.Sprintf("customers expected to be still active (Σ P(alive), of %s)", count(int64(m.Customers))))
	card(&b, num(m.ExpectedPurchases, 0), fmt.Sprintf("expected purchase days in the next %d months", analysis.CLVMonths))
	card(&b, money(m.ExpectedValue), fmt.Sprintf("predicted customer value, next %d months %s", analysis.CLVMonths, a.Currency))
	if m.Customers > 0 {
		card(&b, money(m.ExpectedValue/float64(m.Customers)), "predicted CLV per customer")
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<p class="muted small">%s.</p>`, html.EscapeString(m.Assumptions))

	b.WriteString(`<h3>P(alive) today</h3>`)
	labels := make([]string, 10)
	vals := make([]float64, 10)
	for i, c := range m.PAliveHistogram {
		labels[i] = fmt.Sprintf("%d–%d%%", i*10, (i+1)*10)
		vals[i] = float64(c)
	}
	b.WriteString(barChart(labels, vals, nil, nil, func(v float64) string { return num(v, 0) }))

	h := m.Holdout
	fmt.Fprintf(&b, `<h3>Does the model predict? Calibration until %s, holdout of %.0f weeks</h3>`, date(m.CalibrationEnd), m.HoldoutWeeks)
	fmt.Fprintf(&b, `<p>Fitted on the purchases before the holdout, the model expected <b>%s</b> purchase days in the holdout; customers made <b>%s</b> (%+.1f%%). Mean absolute error per customer %.2f.</p>`,
		num(h.Predicted, 0), num(h.Actual, 0), (h.Predicted/h.Actual-1)*100, h.MAE)
	var glabels []string
	var gp, ga []float64
	b.WriteString(`<table><tr><th>Repeat purchase days in calibration</th><th>Customers</th><th>Predicted per customer</th><th>Actual per customer</th></tr>`)
	for _, g := range h.Groups {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%.2f</td><td>%.2f</td></tr>`, g.Label, count(int64(g.Customers)), g.Predicted, g.Actual)
		glabels = append(glabels, g.Label)
		gp = append(gp, g.Predicted)
		ga = append(ga, g.Actual)
	}
	b.WriteString(`</table>`)
	b.WriteString(lineChart(glabels, []series{{Name: "predicted", Values: gp, Dashed: true}, {Name: "actual", Values: ga}}, func(v float64) string { return fmt.Sprintf("%.1f", v) }))
	if len(m.Tracking) > 0 {
		b.WriteString(`<h3>Cumulative purchase days in the holdout, week by week</h3>`)
		var tl []string
		te, ta := make([]float64, len(m.Tracking)), make([]float64, len(m.Tracking))
		for i, t := range m.Tracking {
			tl = append(tl, fmt.Sprintf("w%d", t.Week))
			te[i], ta[i] = t.Expected, t.Actual
		}
		b.WriteString(lineChart(tl, []series{{Name: "expected", Values: te, Dashed: true}, {Name: "actual", Values: ta}}, func(v float64) string { return num(v, 0) }))
	}
	if len(m.BySegment) > 0 {
		fmt.Fprintf(&b, `<h3>Predicted value by %s</h3><table><tr><th>%s</th><th>Customers</th><th>Mean P(alive)</th><th>Predicted CLV, mean</th><th>total</th></tr>`, html.EscapeString(a.By), html.EscapeString(a.By))
		for _, s := range m.BySegment {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, html.EscapeString(s.Segment), count(int64(s.Customers)), pct(s.PAlive), money(s.CLVMean), money(s.CLVTotal))
		}
		b.WriteString(`</table>`)
	}
	fmt.Fprintf(&b, `<p class="muted small">BG/NBD on the calibration period: %s; log-likelihood %.1f over %s customers (%d distinct histories), converged: %v. Refitted on all history: %s.`,
		paramText(m.Calibration), m.Calibration.LogLik, num(m.Calibration.Customers, 0), m.Calibration.Rows, m.Calibration.Converged, paramText(m.Current))
	if m.Spend != nil {
		fmt.Fprintf(&b, ` Gamma-Gamma spend model: %s.`, paramText(*m.Spend))
	}
	b.WriteString(`</p>`)
	return b.String()
}

func modelsMD(a *analysis.Analysis) string {
	m := analysis.Section[analysis.Models](a, "models")
	var b strings.Builder
	fmt.Fprintf(&b, "- Customers expected to be still active: %s of %d (Σ P(alive))\n", num(m.AliveCustomers, 0), m.Customers)
	fmt.Fprintf(&b, "- Expected purchase days in the next %d months: %s; predicted value %s\n", analysis.CLVMonths, num(m.ExpectedPurchases, 0), money(m.ExpectedValue))
	fmt.Fprintf(&b, "- %s\n", m.Assumptions)
	h := m.Holdout
	fmt.Fprintf(&b, "\nHoldout check (%.0f weeks after %s): predicted %s purchase days, actual %s.\n\n| Calibration repeat days | Customers | Predicted | Actual |\n|---|--:|--:|--:|\n",
		m.HoldoutWeeks, date(m.CalibrationEnd), num(h.Predicted, 0), num(h.Actual, 0))
	for _, g := range h.Groups {
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f |\n", g.Label, g.Customers, g.Predicted, g.Actual)
	}
	fmt.Fprintf(&b, "\nBG/NBD (calibration): %s. Refitted: %s.\n", paramText(m.Calibration), paramText(m.Current))
	return b.String()
}
