package report

import (
	"fmt"
	"strings"

	"fidelis"
	"fidelis/analysis"
)

func init() {
	AddSection(Section{Order: 13, ID: "actions", Title: "What to do first",
		Skip: func(a *analysis.Analysis) bool { return len(a.Actions) == 0 }, HTML: locale.actionsHTML, Markdown: locale.actionsMD})
}

// actionText renders an action's title, why, who and assumptions in the report's language (the
// English texts when an action carries no messages).
func (lc locale) actionText(x analysis.Action) (title, why, who string, assumptions []string) {
	pick := func(m fidelis.Msg, s string) string {
		if m.Key != "" {
			return lc.tm(m)
		}
		return lc.T(s)
	}
	title, why, who = pick(x.TitleMsg, x.Title), pick(x.WhyMsg, x.Why), pick(x.WhoMsg, x.Who)
	for i, s := range x.Assumptions {
		if i < len(x.AssumptionMsgs) {
			assumptions = append(assumptions, lc.tm(x.AssumptionMsgs[i]))
		} else {
			assumptions = append(assumptions, lc.T(s))
		}
	}
	return
}

func (lc locale) actionsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<p class="muted small">` + esc(lc.T("Ranked by expected gain: the value the models put at stake times an assumed effect of the action. The assumptions are planning figures to replace with your own test results.")) + `</p>`)
	labels := make([]string, len(a.Actions))
	gains := make([]float64, len(a.Actions))
	for i, x := range a.Actions {
		labels[i] = lc.T(x.ID)
		gains[i] = x.Gain
	}
	b.WriteString(barChart(labels, gains, nil, nil, func(v float64) string { return lc.moneyEst(v, "") }))
	b.WriteString(`<ol>`)
	for _, x := range a.Actions {
		title, why, who, as := lc.actionText(x)
		fmt.Fprintf(&b, `<li><b>%s</b> — %s<br>%s<br><span class="muted small">%s`,
			esc(title), esc(lc.T("expected gain %s (value at stake %s; %s)", lc.moneyEst(x.Gain, a.Currency), lc.moneyEst(x.Exposed, a.Currency), lc.T("%d customer|%d customers", x.Customers))),
			esc(why), esc(lc.T("For: %s.", who)))
		if x.Command != "" {
			fmt.Fprintf(&b, ` %s <code>%s</code>.`, esc(lc.T("The list:")), esc(x.Command))
		}
		if len(x.List) > 0 {
			b.WriteString(" " + esc(lc.T("First: %s.", strings.Join(x.List, ", "))))
		}
		b.WriteString(" " + esc(lc.T("Assumptions: %s.", strings.Join(as, "; "))))
		b.WriteString(`</span></li>`)
	}
	b.WriteString(`</ol>`)
	return b.String()
}

func (lc locale) actionsMD(a *analysis.Analysis) string {
	var b strings.Builder
	for i, x := range a.Actions {
		title, why, _, as := lc.actionText(x)
		fmt.Fprintf(&b, "%d. **%s**: %s. %s %s\n", i+1, title,
			lc.T("expected gain %s (value at stake %s; %s)", lc.moneyEst(x.Gain, a.Currency), lc.moneyEst(x.Exposed, a.Currency), lc.T("%d customer|%d customers", x.Customers)),
			why, lc.T("Assumptions: %s.", strings.Join(as, "; ")))
	}
	return b.String()
}
