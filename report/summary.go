package report

import (
	"fmt"
	"strings"

	"fidelis/analysis"
	"fidelis/insight"
	"fidelis/metric"
)

// The executive summary opens the report: the five things to know and the five things to do,
// all computed from the analysis.
func init() {
	AddSection(Section{Order: 5, ID: "summary", Title: "Executive summary", HTML: locale.summaryHTML, Markdown: locale.summaryMD})
}

// Know returns up to five facts, most important first: retention and churn with their interval
// and last change, customer value, NPS, the biggest strength and weakness, and the share of
// customers the model expects to be still active.
func (lc locale) Know(a *analysis.Analysis) []string {
	var out []string
	if r, ok := a.Latest(); ok {
		s := lc.T("ID-based retention in %s was %s (95%% CI %s–%s), so churn was %s.", r.Period, lc.pct(r.IDBased.Value), lc.pct(r.IDBased.Low), lc.pct(r.IDBased.High), lc.pct(r.Churn.Value))
		if prev, ok := previous(a, r.Period); ok {
			_, pv := metric.TwoProportionZ(prev.IDBased, r.IDBased)
			verdict := lc.T("not a significant change")
			if pv < 0.05 {
				verdict = lc.T("a significant change")
			}
			s += " " + lc.T("Change from %s: %+.1f points (%s).", prev.Period, 100*(r.IDBased.Value-prev.IDBased.Value), verdict)
		}
		out = append(out, s)
	}
	m := analysis.Section[analysis.Models](a, "models")
	switch {
	case m != nil && m.Customers > 0 && m.Trusted():
		out = append(out, lc.T("The model expects %s of %d customers (%s) to be still active; predicted value over the next %d months %s, %s per customer.",
			lc.num(m.AliveCustomers, 0), m.Customers, lc.pct(m.AliveCustomers/float64(m.Customers)), analysis.CLVMonths,
			lc.moneyEst(m.ExpectedValue, a.Currency), lc.moneyEst(m.ExpectedValue/float64(m.Customers), a.Currency)))
	case m != nil && m.Customers > 0:
		// The gate failed: say so, and give what the data show instead of the model's numbers.
		out = append(out, lc.T("No purchase model passed the holdout check, so there is no forecast of who is still a customer or what each is worth; by their last purchase %d of %d customers (%s) bought within the last %.0f days.",
			m.ActiveByWindow, m.Customers, lc.pct(float64(m.ActiveByWindow)/float64(m.Customers)), m.WindowDays))
	}
	out = append(out, lc.T("Customers spent %s each to date on average (median %s); %s of buyers bought more than once.",
		lc.moneyEst(a.Value.CLVMean, a.Currency), lc.moneyEst(metric.Median(a.Value.CLVQuantiles), a.Currency), lc.pct(a.Purchases.RepeatRate.Value)))
	if v := analysis.Section[analysis.VoC](a, "voc"); v != nil && v.NPS.N > 0 {
		out = append(out, lc.T("NPS is %+.1f (95%% CI %+.1f to %+.1f, %d answers): %s promoters, %s detractors.", v.NPS.Score.Value, v.NPS.Score.Low, v.NPS.Score.High, v.NPS.N,
			lc.pct(v.NPS.Promoters.Value), lc.pct(v.NPS.Detractors.Value)))
	}
	if r := analysis.Section[insight.Report](a, "insight"); r != nil {
		if len(r.Strengths) > 0 {
			out = append(out, lc.T("Biggest strength: %s", lc.evidence(r.Strengths[0])))
		}
		if len(r.Weaknesses) > 0 {
			out = append(out, lc.T("Biggest weakness: %s", lc.evidence(r.Weaknesses[0])))
		}
	}
	if len(out) > 5 {
		// Keep retention, the strength and the weakness; drop the least important in between.
		drop := 2 // historical value, when the model's forecast is there
		if m == nil {
			drop = len(out) - 1
		}
		out = append(out[:drop], out[drop+1:]...)
	}
	return out[:min(5, len(out))]
}

func previous(a *analysis.Analysis, period string) (metric.Retention, bool) {
	for i, r := range a.Retention {
		if r.Period == period && i > 0 {
			return a.Retention[i-1], true
		}
	}
	return metric.Retention{}, false
}

// Do returns the top five actions as sentences with their money at stake.
func (lc locale) Do(a *analysis.Analysis) []string {
	var out []string
	for _, x := range a.Actions[:min(5, len(a.Actions))] {
		title, _, who, _ := lc.actionText(x)
		out = append(out, lc.T("%s: expected gain %s (value at stake %s), %s — %s.", title, lc.moneyEst(x.Gain, a.Currency), lc.moneyEst(x.Exposed, a.Currency),
			lc.T("%d customer|%d customers", x.Customers), who))
	}
	return out
}

func (lc locale) summaryMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString("**" + lc.T("Five things to know") + "**\n\n")
	for i, s := range lc.Know(a) {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s)
	}
	b.WriteString("\n**" + lc.T(lc.doTitle(a)) + "**\n\n")
	for i, s := range lc.Do(a) {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s)
	}
	return b.String()
}
