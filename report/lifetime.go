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
		HTML:     lifetimeHTML,
		Markdown: lifetimeMD})
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

func daysText(v float64) string {
	if math.IsNaN(v) {
		return T("not reached")
	}
	return num(v, 0)
}

// survivalText is S(t) with its interval, or "not estimable" past the longest follow-up.
func survivalText(c metric.Survival, t int64) string {
	v, lo, hi := c.At(t)
	if math.IsNaN(v) {
		return T("not estimable (followed up to day %d)", c.FollowUp())
	}
	return sf("%s (%s–%s)", pct(v), pct(lo), pct(hi))
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

func lifetimeCurves(l *analysis.Lifetime) []metric.Survival {
	all := l.Overall
	all.Segment = T("all customers")
	return append([]metric.Survival{all}, l.BySegment...)
}

func lifetimeHTML(a *analysis.Analysis) string {
	l := analysis.Section[analysis.Lifetime](a, "lifetime")
	var b strings.Builder
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(T("Share of customers still active a given number of days after their first purchase (Kaplan-Meier survival of the first active spell). A customer lapses after %d days without a purchase; customers still active are counted only for as long as they were observed, which a plain average of lifetimes would not do.", l.WindowDays)))
	o := l.Overall
	fmt.Fprintf(&b, `<p>%s</p>`, esc(T("Median lifetime: %s days (95%% CI %s–%s), %d of %d customers lapsed so far.", daysText(o.Median), daysText(o.MedianLow), daysText(o.MedianHigh), o.Lapsed, o.Customers)))
	var last int64
	if n := len(o.Points); n > 0 {
		last = o.Points[n-1].Days
	}
	step := max(int64(30), last/24/30*30)
	var labels []string
	for t := int64(0); t <= last; t += step {
		labels = append(labels, T("day %d", t))
	}
	var ss []series
	for i, c := range lifetimeCurves(l) {
		s := series{Name: c.Segment, Values: curveAt(c, step, last)}
		if i == 0 {
			s.Low, s.High = make([]float64, len(s.Values)), make([]float64, len(s.Values))
			for k := range s.Values {
				_, s.Low[k], s.High[k] = c.At(int64(k) * step)
			}
		}
		ss = append(ss, s)
	}
	b.WriteString(lineChart(labels, ss, func(v float64) string { return pct(v) }))
	b.WriteString(`<table><tr><th>` + esc(T("Segment")) + `</th><th>` + esc(T("Customers")) + `</th><th>` + esc(T("Lapsed")) + `</th><th>` + esc(T("Median days (95% CI)")) + `</th>`)
	for _, m := range l.Milestones {
		b.WriteString(`<th>` + esc(T("Active after %d days (95%% CI)", m)) + `</th>`)
	}
	b.WriteString(`</tr>`)
	for _, c := range lifetimeCurves(l) {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s (%s–%s)</td>`, esc(c.Segment), count(c.Customers), count(c.Lapsed),
			daysText(c.Median), daysText(c.MedianLow), daysText(c.MedianHigh))
		for _, m := range l.Milestones {
			fmt.Fprintf(&b, `<td>%s</td>`, esc(survivalText(c, m)))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</table>`)
	return b.String()
}

func lifetimeMD(a *analysis.Analysis) string {
	l := analysis.Section[analysis.Lifetime](a, "lifetime")
	var b strings.Builder
	o := l.Overall
	b.WriteString(T("Median lifetime: %s days (95%% CI %s–%s), %d of %d customers lapsed so far.", daysText(o.Median), daysText(o.MedianLow), daysText(o.MedianHigh), o.Lapsed, o.Customers) + "\n\n")
	b.WriteString("| " + T("Segment") + " | " + T("Customers") + " | " + T("Median days (95% CI)") + " |")
	for _, m := range l.Milestones {
		b.WriteString(" " + T("Active after %d days (95%% CI)", m) + " |")
	}
	b.WriteString("\n|---|--:|--:|" + strings.Repeat("--:|", len(l.Milestones)) + "\n")
	for _, c := range lifetimeCurves(l) {
		fmt.Fprintf(&b, "| %s | %s | %s (%s–%s) |", c.Segment, count(c.Customers), daysText(c.Median), daysText(c.MedianLow), daysText(c.MedianHigh))
		for _, m := range l.Milestones {
			fmt.Fprintf(&b, " %s |", survivalText(c, m))
		}
		b.WriteString("\n")
	}
	return b.String()
}
