package report

import (
	"fmt"
	"math"
	"strings"

	"fidelis/analysis"
	"fidelis/metric"
)

func init() {
	AddSection(Section{Order: 52, ID: "lifetime", Title: "How long customers stay",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[analysis.Lifetime](a, "lifetime") == nil },
		HTML:     locale.lifetimeHTML,
		Markdown: locale.lifetimeMD})
}

var _ = add(
	"How long customers stay",
	"Jak długo zostają klienci",
	"Cât timp rămân clienții",
	"Cik ilgi klienti paliek",
	"Share of customers still active a given number of days after their first purchase (Kaplan-Meier survival of the first active spell). A customer lapses after %d days without a purchase; customers still active are counted only for as long as they were observed, which a plain average of lifetimes would not do.",
	"Odsetek klientów wciąż aktywnych po danej liczbie dni od pierwszego zakupu (krzywa przeżycia Kaplana-Meiera pierwszego okresu aktywności). Klient odchodzi po %d dniach bez zakupu; klienci wciąż aktywni liczą się tylko przez czas, w którym byli obserwowani, czego zwykła średnia czasu życia nie robi.",
	"Ponderea clienților încă activi la un anumit număr de zile după prima achiziție (supraviețuire Kaplan-Meier a primei perioade de activitate). Un client pleacă după %d zile fără achiziție; clienții încă activi contează doar cât timp au fost observați, ceea ce o simplă medie a duratelor nu face.",
	"Klientu daļa, kas joprojām aktīvi noteiktu dienu skaitu pēc pirmā pirkuma (pirmā aktivitātes posma Kaplana-Meiera izdzīvošana). Klients aiziet pēc %d dienām bez pirkuma; joprojām aktīvie klienti tiek skaitīti tikai tik ilgi, cik ilgi tie novēroti, ko vienkāršs mūža vidējais nedara.",
	"Median lifetime: %s days (95%% CI %s–%s), %d of %d customers lapsed so far.",
	"Mediana czasu życia: %s dni (95%% CI %s–%s); odeszło dotąd %d z %d klientów.",
	"Durata de viață mediană: %s zile (IÎ 95%% %s–%s); până acum au plecat %d din %d clienți.",
	"Mediānais klienta mūžs: %s dienas (95%% TI %s–%s); līdz šim aizgājuši %d no %d klientiem.",
	"not reached",
	"nieosiągnięta",
	"neatinsă",
	"nav sasniegts",
	"not estimable (followed up to day %d)",
	"nie do oszacowania (obserwacja do dnia %d)",
	"nu se poate estima (urmărire până în ziua %d)",
	"nav novērtējams (novērots līdz %d. dienai)",
	"all customers",
	"wszyscy klienci",
	"toți clienții",
	"visi klienti",
	"Lapsed",
	"Odeszli",
	"Plecați",
	"Aizgājuši",
	"Median days (95% CI)",
	"Mediana dni (95% CI)",
	"Zile, mediana (IÎ 95%)",
	"Mediāna, dienas (95% TI)",
	"Active after %d days (95%% CI)",
	"Aktywni po %d dniach (95%% CI)",
	"Activi după %d zile (IÎ 95%%)",
	"Aktīvi pēc %d dienām (95%% TI)",
	"day %d",
	"dzień %d",
	"ziua %d",
	"%d. diena",
)

func (lc locale) daysText(v float64) string {
	if math.IsNaN(v) {
		return lc.T("not reached")
	}
	return lc.num(v, 0)
}

// survivalText is S(t) with its interval, or "not estimable" past the longest follow-up.
func (lc locale) survivalText(c metric.Survival, t int64) string {
	v, lo, hi := c.At(t)
	if math.IsNaN(v) {
		return lc.T("not estimable (followed up to day %d)", c.FollowUp())
	}
	return lc.sf("%s (%s–%s)", lc.pct(v), lc.pct(lo), lc.pct(hi))
}

// curveAt samples a survival curve every step days up to last.
func curveAt(s metric.Survival, step, last int64) []float64 {
	var out []float64
	for t := int64(0); t <= last; t += step {
		v, _, _ := s.At(t)
		out = append(out, v)
	}
	return out
}

func (lc locale) lifetimeCurves(l *analysis.Lifetime) []metric.Survival {
	all := l.Overall
	all.Segment = lc.T("all customers")
	return append([]metric.Survival{all}, l.BySegment...)
}

func (lc locale) lifetimeHTML(a *analysis.Analysis) string {
	l := analysis.Section[analysis.Lifetime](a, "lifetime")
	var b strings.Builder
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("Share of customers still active a given number of days after their first purchase (Kaplan-Meier survival of the first active spell). A customer lapses after %d days without a purchase; customers still active are counted only for as long as they were observed, which a plain average of lifetimes would not do.", l.WindowDays)))
	o := l.Overall
	fmt.Fprintf(&b, `<p>%s</p>`, esc(lc.T("Median lifetime: %s days (95%% CI %s–%s), %d of %d customers lapsed so far.", lc.daysText(o.Median), lc.daysText(o.MedianLow), lc.daysText(o.MedianHigh), o.Lapsed, o.Customers)))
	var last int64
	if n := len(o.Points); n > 0 {
		last = o.Points[n-1].Days
	}
	step := max(int64(30), last/24/30*30)
	var labels []string
	for t := int64(0); t <= last; t += step {
		labels = append(labels, lc.T("day %d", t))
	}
	var ss []series
	for i, c := range lc.lifetimeCurves(l) {
		s := series{Name: c.Segment, Values: curveAt(c, step, last)}
		if i == 0 {
			s.Low, s.High = make([]float64, len(s.Values)), make([]float64, len(s.Values))
			for k := range s.Values {
				_, s.Low[k], s.High[k] = c.At(int64(k) * step)
			}
		}
		ss = append(ss, s)
	}
	b.WriteString(lineChart(labels, ss, func(v float64) string { return lc.pct(v) }))
	b.WriteString(`<table><tr><th>` + esc(lc.T("Segment")) + `</th><th>` + esc(lc.T("Customers")) + `</th><th>` + esc(lc.T("Lapsed")) + `</th><th>` + esc(lc.T("Median days (95% CI)")) + `</th>`)
	for _, m := range l.Milestones {
		b.WriteString(`<th>` + esc(lc.T("Active after %d days (95%% CI)", m)) + `</th>`)
	}
	b.WriteString(`</tr>`)
	for _, c := range lc.lifetimeCurves(l) {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s (%s–%s)</td>`, esc(c.Segment), lc.count(c.Customers), lc.count(c.Lapsed),
			lc.daysText(c.Median), lc.daysText(c.MedianLow), lc.daysText(c.MedianHigh))
		for _, m := range l.Milestones {
			fmt.Fprintf(&b, `<td>%s</td>`, esc(lc.survivalText(c, m)))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</table>`)
	return b.String()
}

func (lc locale) lifetimeMD(a *analysis.Analysis) string {
	l := analysis.Section[analysis.Lifetime](a, "lifetime")
	var b strings.Builder
	o := l.Overall
	b.WriteString(lc.T("Median lifetime: %s days (95%% CI %s–%s), %d of %d customers lapsed so far.", lc.daysText(o.Median), lc.daysText(o.MedianLow), lc.daysText(o.MedianHigh), o.Lapsed, o.Customers) + "\n\n")
	b.WriteString("| " + lc.T("Segment") + " | " + lc.T("Customers") + " | " + lc.T("Median days (95% CI)") + " |")
	for _, m := range l.Milestones {
		b.WriteString(" " + lc.T("Active after %d days (95%% CI)", m) + " |")
	}
	b.WriteString("\n|---|--:|--:|" + strings.Repeat("--:|", len(l.Milestones)) + "\n")
	for _, c := range lc.lifetimeCurves(l) {
		fmt.Fprintf(&b, "| %s | %s | %s (%s–%s) |", c.Segment, lc.count(c.Customers), lc.daysText(c.Median), lc.daysText(c.MedianLow), lc.daysText(c.MedianHigh))
		for _, m := range l.Milestones {
			fmt.Fprintf(&b, " %s |", lc.survivalText(c, m))
		}
		b.WriteString("\n")
	}
	return b.String()
}
