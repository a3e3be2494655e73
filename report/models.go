package report

import (
	"fmt"
	"sort"
	"strings"

	"fidelis/analysis"
)

func init() {
	AddSection(Section{Order: 55, ID: "models", Title: "Who is still a customer, and what each is worth",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[analysis.Models](a, "models") == nil },
		HTML:     locale.modelsHTML,
		Markdown: locale.modelsMD})
}

func (lc locale) paramText(f analysis.FitSummary) string {
	names := make([]string, 0, len(f.Params))
	for n := range f.Params {
		names = append(names, n)
	}
	order := map[string]int{"r": 0, "alpha": 1, "a": 2, "b": 3, "p": 4, "q": 5, "gamma": 6}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	var parts []string
	for _, n := range names {
		s := lc.sf("%s = %.4g", n, f.Params[n])
		if se, ok := f.StdErrors[n]; ok {
			s += lc.sf(" (SE %.2g)", se)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func (lc locale) modelsHTML(a *analysis.Analysis) string {
	m := analysis.Section[analysis.Models](a, "models")
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	card(&b, lc.num(m.AliveCustomers, 0), lc.T("customers expected to be still active (Σ P(alive), of %d)", m.Customers))
	card(&b, lc.num(m.ExpectedPurchases, 0), lc.T("expected purchase days in the next %d months", analysis.CLVMonths))
	card(&b, lc.moneyC(m.ExpectedValue, a.Currency), lc.T("predicted customer value, next %d months", analysis.CLVMonths))
	if m.Customers > 0 {
		card(&b, lc.moneyC(m.ExpectedValue/float64(m.Customers), a.Currency), lc.T("predicted CLV per customer"))
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<p class="muted small">%s.</p>`, esc(lc.modelAssumptions(m)))

	b.WriteString(`<h3>` + esc(lc.T("P(alive) today")) + `</h3>`)
	labels := make([]string, 10)
	vals := make([]float64, 10)
	for i, c := range m.PAliveHistogram {
		labels[i] = lc.sf("%d–%d%%", i*10, (i+1)*10)
		vals[i] = float64(c)
	}
	b.WriteString(barChart(labels, vals, nil, nil, func(v float64) string { return lc.num(v, 0) }))

	h := m.Holdout
	fmt.Fprintf(&b, `<h3>%s</h3>`, esc(lc.T("Does the model predict? Calibration until %s, holdout of %.0f weeks", lc.date(m.CalibrationEnd), m.HoldoutWeeks)))
	fmt.Fprintf(&b, `<p>%s</p>`, esc(lc.T("Fitted on the purchases before the holdout, the model expected %.0f purchase days in the holdout; customers made %.0f (%+.1f%%). Mean absolute error per customer %.2f.",
		h.Predicted, h.Actual, (h.Predicted/h.Actual-1)*100, h.MAE)))
	var glabels []string
	var gp, ga []float64
	b.WriteString(`<table>` + lc.th("Repeat purchase days in calibration", "Customers", "Predicted per customer", "Actual per customer"))
	for _, g := range h.Groups {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, g.Label, lc.count(int64(g.Customers)), lc.num(g.Predicted, 2), lc.num(g.Actual, 2))
		glabels = append(glabels, g.Label)
		gp = append(gp, g.Predicted)
		ga = append(ga, g.Actual)
	}
	b.WriteString(`</table>`)
	b.WriteString(lineChart(glabels, []series{{Name: lc.T("predicted"), Values: gp, Dashed: true}, {Name: lc.T("actual"), Values: ga}}, func(v float64) string { return lc.num(v, 1) }))
	if len(m.Tracking) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Cumulative purchase days in the holdout, week by week")) + `</h3>`)
		var tl []string
		te, ta := make([]float64, len(m.Tracking)), make([]float64, len(m.Tracking))
		for i, t := range m.Tracking {
			tl = append(tl, lc.T("w%d", t.Week))
			te[i], ta[i] = t.Expected, t.Actual
		}
		b.WriteString(lineChart(tl, []series{{Name: lc.T("expected"), Values: te, Dashed: true}, {Name: lc.T("actual"), Values: ta}}, func(v float64) string { return lc.num(v, 0) }))
	}
	if len(m.BySegment) > 0 {
		fmt.Fprintf(&b, `<h3>%s</h3><table>%s`, esc(lc.T("Predicted value by %s", a.By)), lc.th(a.By, "Customers", "Mean P(alive)", "Predicted CLV, mean", "total"))
		for _, s := range m.BySegment {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(s.Segment), lc.count(int64(s.Customers)), lc.pct(s.PAlive), lc.money(s.CLVMean), lc.money(s.CLVTotal))
		}
		b.WriteString(`</table>`)
	}
	fmt.Fprintf(&b, `<p class="muted small">%s`, esc(lc.T("BG/NBD on the calibration period: %s; log-likelihood %.1f over %.0f customers (%d distinct histories), converged: %s. Refitted on all history: %s.",
		lc.paramText(m.Calibration), m.Calibration.LogLik, m.Calibration.Customers, m.Calibration.Rows, lc.T(map[bool]string{true: "yes", false: "no"}[m.Calibration.Converged]), lc.paramText(m.Current))))
	if m.Spend != nil {
		b.WriteString(" " + esc(lc.T("Gamma-Gamma spend model: %s.", lc.paramText(*m.Spend))))
	}
	b.WriteString(`</p>`)
	return b.String()
}

func (lc locale) modelsMD(a *analysis.Analysis) string {
	m := analysis.Section[analysis.Models](a, "models")
	var b strings.Builder
	b.WriteString("- " + lc.T("Customers expected to be still active: %.0f of %d (Σ P(alive))", m.AliveCustomers, m.Customers) + "\n")
	b.WriteString("- " + lc.T("Expected purchase days in the next %d months: %.0f; predicted value %s", analysis.CLVMonths, m.ExpectedPurchases, lc.moneyC(m.ExpectedValue, a.Currency)) + "\n")
	b.WriteString("- " + lc.modelAssumptions(m) + "\n")
	h := m.Holdout
	b.WriteString("\n" + lc.T("Holdout check (%.0f weeks after %s): predicted %.0f purchase days, actual %.0f.", m.HoldoutWeeks, lc.date(m.CalibrationEnd), h.Predicted, h.Actual) + "\n\n" +
		lc.mdHead("|---|--:|--:|--:|", "Calibration repeat days", "Customers", "Predicted", "Actual"))
	for _, g := range h.Groups {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", g.Label, lc.count(int64(g.Customers)), lc.num(g.Predicted, 2), lc.num(g.Actual, 2))
	}
	b.WriteString("\n" + lc.T("BG/NBD (calibration): %s. Refitted: %s.", lc.paramText(m.Calibration), lc.paramText(m.Current)) + "\n")
	return b.String()
}

func (lc locale) modelAssumptions(m *analysis.Models) string {
	if m.AssumptionsMsg.Key != "" {
		return lc.tm(m.AssumptionsMsg)
	}
	return lc.T(m.Assumptions)
}
