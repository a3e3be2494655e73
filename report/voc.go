package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"fidelis/analysis"
	"fidelis/voc"
)

// The voice-of-the-customer section (analysis section "voc").
func init() {
	AddSection(Section{Order: 70, ID: "voc", Title: "Voice of the customer",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[analysis.VoC](a, "voc") == nil },
		HTML:     locale.vocHTML,
		Markdown: locale.vocMD,
		Appendix: locale.npsPeriodTable,
	})
}

func esc(s string) string { return html.EscapeString(s) }

// mdCell makes data text safe inside a Markdown table cell.
func mdCell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

func (lc locale) npsText(r voc.NPSResult) string {
	if r.N == 0 {
		return "–"
	}
	s := lc.T("%+.1f (%+.1f to %+.1f, n=%d)", r.Score.Value, r.Score.Low, r.Score.High, r.N)
	if r.Small {
		s += " ⚑"
	}
	return s
}

func (lc locale) shareText(s voc.Share) string {
	if math.IsNaN(s.Value) {
		return "–"
	}
	out := lc.sf("%s (%s–%s)", lc.pct(s.Value), lc.pct(s.Low), lc.pct(s.High))
	if s.Small {
		out += " ⚑"
	}
	return out
}

func (lc locale) estText(e voc.Estimate, dec int) string {
	if math.IsNaN(e.Value) {
		return "–"
	}
	s := lc.num(e.Value, dec)
	if !math.IsNaN(e.Low) {
		s += lc.sf(" (%s–%s)", lc.num(e.Low, dec), lc.num(e.High, dec))
	}
	if e.Small {
		s += " ⚑"
	}
	return s
}

func (lc locale) diffShort(d voc.NPSDiff) string {
	if math.IsNaN(d.Z) {
		return "–"
	}
	sig := "not significant"
	if d.Significant {
		sig = "significant"
	}
	return lc.T("%+.1f points (%+.1f to %+.1f), p = %.3f, %s", d.Diff, d.Low, d.High, d.P, lc.T(sig))
}

func (lc locale) vocFigures(v *analysis.VoC) []figure {
	var f []figure
	if v.NPS.N > 0 {
		f = append(f, figure{lc.sf("%+.1f", v.NPS.Score.Value), lc.T("NPS, all answers (95%% CI %+.1f to %+.1f, n=%d)", v.NPS.Score.Low, v.NPS.Score.High, v.NPS.N)})
	}
	if c := v.NPSChange; c != nil {
		f = append(f, figure{lc.sf("%+.1f", c.Diff.Diff), lc.T("NPS change %s → %s: %s", c.From, c.To, lc.diffShort(c.Diff))})
	}
	for _, r := range v.CSAT {
		f = append(f, figure{lc.pct(r.Share.Value), lc.T("CSAT on %s, top box %s (n=%d)", r.Scale.String(), boxLabel(r.TopBox), r.N)})
	}
	for _, r := range v.CES {
		f = append(f, figure{lc.num(r.Mean.Value, 2), lc.T("CES 2.0 mean on %s; %s answer easy (n=%d)", r.Scale.String(), lc.pct(r.Share.Value), r.N)})
	}
	for _, ix := range v.Indices {
		if ix.Included > 0 {
			f = append(f, figure{lc.num(ix.Mean.Value, 1), lc.T("%s, 0–100 (95%% CI %s–%s, %d customers)", lc.T(ix.Name), lc.num(ix.Mean.Low, 1), lc.num(ix.Mean.High, 1), ix.Included)})
		}
	}
	if v.Exits != nil {
		f = append(f, figure{lc.count(v.Exits.All.N), lc.T("exits recorded; revenue to date lost %s", lc.money(v.Exits.All.Revenue))})
	}
	return f
}

func boxLabel(b []int) string {
	if len(b) == 0 {
		return "–"
	}
	if b[0] == b[len(b)-1] {
		return fmt.Sprint(b[0])
	}
	return fmt.Sprintf("%d–%d", b[0], b[len(b)-1])
}

func (lc locale) vocHTML(a *analysis.Analysis) string {
	v := analysis.Section[analysis.VoC](a, "voc")
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	for _, f := range lc.vocFigures(v) {
		card(&b, f.value, f.label)
	}
	b.WriteString(`</div>`)
	if len(v.NPSPeriods) > 0 {
		labels := make([]string, len(v.NPSPeriods))
		val, lo, hi := make([]float64, len(labels)), make([]float64, len(labels)), make([]float64, len(labels))
		for i, p := range v.NPSPeriods {
			labels[i] = p.Period
			val[i], lo[i], hi[i] = p.NPS.Score.Value, p.NPS.Score.Low, p.NPS.Score.High
			if !p.Complete {
				labels[i] += " " + lc.T("(incomplete)")
			}
		}
		b.WriteString(`<h3>` + esc(lc.T("NPS over time")) + `</h3>`)
		b.WriteString(lineChart(labels, []series{{Name: lc.T("NPS (95% adjusted-Wald band)"), Values: val, Low: lo, High: hi}},
			func(x float64) string { return lc.sf("%+.0f", x) }))
		fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("Band: 95%% adjusted-Wald interval (Rocks 2016). ⚑ marks n < %d; a ±10-point interval needs about %d answers.", v.MinSample, v.NPSMargin10)))
		for _, g := range []struct {
			title string
			gs    []analysis.NPSGroup
		}{{lc.T("NPS by %s", v.By), v.NPSSegments}, {lc.T("NPS by channel"), v.NPSChannels}} {
			gs := answeredGroups(g.gs)
			if len(gs) < 2 {
				continue // one group (or none) has no "rest" to differ from
			}
			fmt.Fprintf(&b, `<h3>%s</h3><table>%s`, esc(g.title), lc.th("group", "NPS (95% CI)", "difference from all other respondents"))
			for _, x := range gs {
				fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(lc.T(x.Name)), esc(lc.npsText(x.NPS)), esc(lc.diffShort(x.VsRest)))
			}
			b.WriteString(`</table>`)
		}
	}
	b.WriteString(lc.scoreDistributions(v))
	if len(v.Indices) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Composite indices")) + `</h3><table>` + lc.th("index", "mean, 0–100 (95% CI)", "customers", "excluded", "definition"))
		for _, ix := range v.Indices {
			def := lc.T(ix.Definition)
			if ix.Note != "" {
				def += ". " + lc.T(ix.Note)
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td class="small" style="text-align:left">%s</td></tr>`,
				esc(lc.T(ix.Name)), esc(lc.estText(ix.Mean, 1)), ix.Included, ix.Excluded, esc(def))
		}
		b.WriteString(`</table>`)
	}
	if v.Drivers != nil {
		fmt.Fprintf(&b, `<h3>%s</h3><p class="muted small">%s</p>`, esc(lc.T("What detractors and promoters say")), esc(lc.T("%d comments; %s. z > 1.96 is conventionally significant.", v.Comments, lc.T(v.Drivers.Method))))
		b.WriteString(lc.driversHTML(*v.Drivers))
		for _, l := range v.DriversByLanguage {
			fmt.Fprintf(&b, `<h4>%s</h4>`, esc(lc.T("Language: %s", l.Language)))
			b.WriteString(lc.driversHTML(l.Drivers))
		}
	}
	if len(v.Themes) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Themes")) + `</h3><table>` + lc.th("theme", "mentions", "share of comments (95% CI)", "sentiment: NPS of those comments", "recent periods"))
		for _, t := range v.Themes {
			var last []string
			for _, p := range t.Periods[max(0, len(t.Periods)-6):] {
				last = append(last, lc.sf("%s: %d", p.Period, p.Mentions))
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="small">%s</td></tr>`, esc(lc.T(t.Name)), lc.count(int64(t.Mentions)),
				esc(lc.shareText(t.Share)), esc(lc.npsText(t.Sentiment)), esc(strings.Join(last, ", ")))
		}
		b.WriteString(`</table>`)
	}
	if v.Exits != nil && v.Exits.All.N > 0 {
		all := v.Exits.All
		b.WriteString(`<h3>` + esc(lc.T("Why customers leave")) + `</h3>`)
		labels := make([]string, len(all.ByCount))
		vals, lo, hi := make([]float64, len(labels)), make([]float64, len(labels)), make([]float64, len(labels))
		for i, r := range all.ByCount {
			labels[i], vals[i], lo[i], hi[i] = r.Reason, r.Share.Value, r.Share.Low, r.Share.High
		}
		b.WriteString(barChart(labels, vals, lo, hi, lc.pct))
		b.WriteString(`<table>` + lc.th("reason", "exits", "share (95% CI)", lc.T("revenue to date lost %s", a.Currency), "share of revenue lost", "CLV lost"))
		for _, r := range all.ByCount {
			clv := lc.T("n/a")
			if all.ByCLV != nil && r.CLVKnown > 0 {
				clv = lc.money(r.CLV)
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(lc.T(r.Reason)), lc.count(int64(r.Count)), esc(lc.shareText(r.Share)), lc.money(r.Revenue), lc.pct(r.RevenueShare), esc(clv))
		}
		b.WriteString(`</table>`)
		fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("CLV lost: %s", lc.T(v.CLV))))
		for _, s := range v.Exits.Segments {
			if len(s.Table.ByCount) > 0 {
				top := s.Table.ByCount[0]
				fmt.Fprintf(&b, `<p class="small">%s</p>`, esc(lc.T("%s = %s: %d exits, most often %s (%s)", v.By, s.Key, s.Table.N, lc.T(top.Reason), lc.shareText(top.Share))))
			}
		}
	}
	if d := v.Defection; d != nil {
		fmt.Fprintf(&b, `<h3>%s</h3><p class="muted small">%s</p>`, esc(lc.T("Defectors against loyal customers")), esc(lc.T("%d defectors (an exit record) and %d loyal customers (no exit record, a purchase within the activity window) as of %s; q = Benjamini–Hochberg adjusted p-value.",
			d.Defectors, d.Loyal, lc.date(d.AsOf))))
		b.WriteString(`<table>` + lc.th("attribute = value", "defectors", "loyal", "difference", "test", "q") + ``)
		for i, x := range d.Effects {
			if i == 12 {
				break
			}
			q := lc.sf("%.3g", x.Q)
			if x.Significant {
				q = "<b>" + q + "</b>"
			}
			fmt.Fprintf(&b, `<tr><td>%s = %s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(x.Attribute), esc(x.Value),
				esc(lc.shareText(x.Defectors)), esc(lc.shareText(x.Loyal)), esc(lc.T("%+.1f pp", x.Diff)), esc(lc.T(x.Test)), q)
		}
		b.WriteString(`</table>`)
	}
	if len(v.Warnings) > 0 {
		b.WriteString(`<ul class="small flag">`)
		for _, w := range lc.vocWarnings(v) {
			fmt.Fprintf(&b, `<li>%s</li>`, esc(w))
		}
		b.WriteString(`</ul>`)
	}
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("Response rate: %s.", lc.T(v.ResponseRate))))
	return b.String()
}

// answeredGroups keeps the groups with answers and a name: a missing attribute ("(none)") is no
// group a reader can act on, and a group without answers has no NPS.
func answeredGroups(gs []analysis.NPSGroup) []analysis.NPSGroup {
	var out []analysis.NPSGroup
	for _, g := range gs {
		if g.NPS.N > 0 && g.Name != "" && g.Name != "(none)" {
			out = append(out, g)
		}
	}
	return out
}

// npsPeriodTable is the period-by-period NPS table, for the appendix.
func (lc locale) npsPeriodTable(a *analysis.Analysis) string {
	v := analysis.Section[analysis.VoC](a, "voc")
	if len(v.NPSPeriods) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<table>` + lc.th("period", "n", "promoters", "passives", "detractors", "NPS (95% CI)"))
	for _, p := range v.NPSPeriods {
		name := p.Period
		if !p.Complete {
			name += " " + lc.T("(incomplete)")
		}
		r := p.NPS
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(name), lc.count(r.N),
			lc.pct(r.Promoters.Value), lc.pct(r.Passives.Value), lc.pct(r.Detractors.Value), esc(lc.npsText(r)))
	}
	b.WriteString(`</table>`)
	return b.String()
}

// scoreDistributions draws the answer counts of NPS and of every CSAT and CES scale.
func (lc locale) scoreDistributions(v *analysis.VoC) string {
	var b strings.Builder
	draw := func(title string, lo int, counts []int64) {
		var n int64
		for _, c := range counts {
			n += c
		}
		if n == 0 {
			return
		}
		labels := make([]string, len(counts))
		vals := make([]float64, len(counts))
		for i, c := range counts {
			labels[i] = fmt.Sprint(lo + i)
			vals[i] = float64(c) / float64(n)
		}
		fmt.Fprintf(&b, `<h4>%s</h4>`, esc(lc.sf("%s (n=%d)", title, n)))
		b.WriteString(barChart(labels, vals, nil, nil, lc.pct))
	}
	if v.NPS.N > 0 || len(v.CSAT)+len(v.CES) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Score distributions")) + `</h3>`)
	}
	if v.NPS.N > 0 {
		draw(lc.T("NPS question, 0–10"), 0, v.NPS.Counts[:])
	}
	for _, r := range v.CSAT {
		draw(lc.T("CSAT, %s", r.Scale.String()), r.Scale.Min, r.Counts)
	}
	for _, r := range v.CES {
		draw(lc.T("CES 2.0, %s", r.Scale.String()), r.Scale.Min, r.Counts)
	}
	return b.String()
}

func (lc locale) driversHTML(r voc.DriversResult) string {
	var b strings.Builder
	for _, side := range []voc.DriverSide{r.A, r.B} {
		fmt.Fprintf(&b, `<p><b>%s</b> (%s)</p><table>%s`, esc(lc.T(side.Label)), esc(lc.T("%d comment|%d comments", side.Comments)), lc.th("word or phrase", "z", "here", "other side", "example comment"))
		for i, t := range side.Terms {
			if i == 8 {
				break
			}
			ex := ""
			if len(t.Examples) > 0 {
				ex = t.Examples[0]
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td style="text-align:left">%s</td></tr>`, esc(t.Term), lc.num(t.Z, 1), lc.count(int64(t.Count)), lc.count(int64(t.OtherCount)), esc(ex))
		}
		b.WriteString(`</table>`)
	}
	return b.String()
}

func (lc locale) vocMD(a *analysis.Analysis) string {
	v := analysis.Section[analysis.VoC](a, "voc")
	var b strings.Builder
	for _, f := range lc.vocFigures(v) {
		fmt.Fprintf(&b, "- **%s** %s\n", f.value, f.label)
	}
	if len(v.NPSPeriods) > 0 {
		b.WriteString("\n" + lc.mdHead("|---|---:|---|", "period", "n", "NPS (95% adjusted-Wald CI)"))
		for _, p := range v.NPSPeriods {
			name := p.Period
			if !p.Complete {
				name += " " + lc.T("(incomplete)")
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", name, lc.count(p.NPS.N), lc.npsText(p.NPS))
		}
	}
	if v.Drivers != nil {
		for _, side := range []voc.DriverSide{v.Drivers.A, v.Drivers.B} {
			var terms []string
			for i, t := range side.Terms {
				if i == 8 {
					break
				}
				terms = append(terms, lc.sf("%s (z %.1f)", t.Term, t.Z))
			}
			b.WriteString("\n" + lc.T("**%s** say: %s", lc.T(side.Label), strings.Join(terms, ", ")) + "\n")
		}
	}
	if len(v.Themes) > 0 {
		b.WriteString("\n" + lc.mdHead("|---|---:|---|---|", "theme", "mentions", "share", "sentiment (NPS)"))
		for _, t := range v.Themes {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(lc.T(t.Name)), lc.count(int64(t.Mentions)), lc.shareText(t.Share), lc.npsText(t.Sentiment))
		}
	}
	if v.Exits != nil && v.Exits.All.N > 0 {
		b.WriteString("\n" + lc.mdHead("|---|---:|---|---:|---|", "exit reason", "exits", "share", "revenue to date lost", "CLV lost"))
		for _, r := range v.Exits.All.ByCount {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCell(lc.T(r.Reason)), lc.count(int64(r.Count)), lc.shareText(r.Share), lc.money(r.Revenue), lc.T("n/a"))
		}
	}
	for _, w := range lc.vocWarnings(v) {
		fmt.Fprintf(&b, "\n⚑ %s\n", w)
	}
	return b.String()
}

func (lc locale) vocWarnings(v *analysis.VoC) []string {
	if len(v.WarningMsgs) == len(v.Warnings) {
		out := make([]string, len(v.WarningMsgs))
		for i, m := range v.WarningMsgs {
			out[i] = lc.tm(m)
		}
		return out
	}
	out := make([]string, len(v.Warnings))
	for i, w := range v.Warnings {
		out[i] = lc.T(w)
	}
	return out
}

var _ = add(
	"the predicted value had they stayed: the selected purchase model's (BG/NBD, MBG/NBD or Pareto/NBD) and Gamma-Gamma CLV over the next 12 months divided by P(alive), from each customer's purchases up to the end of the data",
	"przewidywana wartość, gdyby zostali: CLV z wybranego modelu zakupów (BG/NBD, MBG/NBD lub Pareto/NBD) i modelu Gamma-Gamma na najbliższe 12 miesięcy podzielone przez P(alive), z zakupów każdego klienta do końca danych",
	"valoarea prezisă dacă ar fi rămas: CLV din modelul de achiziții ales (BG/NBD, MBG/NBD sau Pareto/NBD) și modelul Gamma-Gamma pe următoarele 12 luni împărțit la P(alive), din achizițiile fiecărui client până la sfârșitul datelor",
	"prognozētā vērtība, ja viņi būtu palikuši: izvēlētā pirkumu modeļa (BG/NBD, MBG/NBD vai Pareto/NBD) un Gamma-Gamma CLV nākamajiem 12 mēnešiem, dalīts ar P(alive), no katra klienta pirkumiem līdz datu beigām",
	"no purchase model passed the holdout check, so exits are priced by history: each customer's revenue per year since their first purchase, for 12 months",
	"żaden model zakupów nie przeszedł testu na okresie kontrolnym, więc odejścia wyceniono na podstawie historii: przychód klienta na rok od pierwszego zakupu, za 12 miesięcy",
	"niciun model de achiziții nu a trecut verificarea pe perioada de test, așa că plecările sunt evaluate după istoric: venitul pe an al fiecărui client de la prima achiziție, pe 12 luni",
	"neviens pirkumu modelis neizturēja pārbaudi kontroles periodā, tāpēc aiziešanas novērtētas pēc vēstures: katra klienta ieņēmumi gadā kopš pirmā pirkuma, par 12 mēnešiem",
)
