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
		HTML:     vocHTML,
		Markdown: vocMD,
	})
}

func esc(s string) string { return html.EscapeString(s) }

// mdCell makes data text safe inside a Markdown table cell.
func mdCell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

func npsText(r voc.NPSResult) string {
	if r.N == 0 {
		return "–"
	}
	s := T("%+.1f (%+.1f to %+.1f, n=%d)", r.Score.Value, r.Score.Low, r.Score.High, r.N)
	if r.Small {
		s += " ⚑"
	}
	return s
}

func shareText(s voc.Share) string {
	if math.IsNaN(s.Value) {
		return "–"
	}
	out := sf("%s (%s–%s)", pct(s.Value), pct(s.Low), pct(s.High))
	if s.Small {
		out += " ⚑"
	}
	return out
}

func estText(e voc.Estimate, dec int) string {
	if math.IsNaN(e.Value) {
		return "–"
	}
	s := num(e.Value, dec)
	if !math.IsNaN(e.Low) {
		s += sf(" (%s–%s)", num(e.Low, dec), num(e.High, dec))
	}
	if e.Small {
		s += " ⚑"
	}
	return s
}

func diffShort(d voc.NPSDiff) string {
	if math.IsNaN(d.Z) {
		return "–"
	}
	sig := "not significant"
	if d.Significant {
		sig = "significant"
	}
	return T("%+.1f points (%+.1f to %+.1f), p = %.3f, %s", d.Diff, d.Low, d.High, d.P, T(sig))
}

func vocFigures(v *analysis.VoC) []figure {
	var f []figure
	if v.NPS.N > 0 {
		f = append(f, figure{sf("%+.1f", v.NPS.Score.Value), T("NPS, all answers (95%% CI %+.1f to %+.1f, n=%d)", v.NPS.Score.Low, v.NPS.Score.High, v.NPS.N)})
	}
	if c := v.NPSChange; c != nil {
		f = append(f, figure{sf("%+.1f", c.Diff.Diff), T("NPS change %s → %s: %s", c.From, c.To, diffShort(c.Diff))})
	}
	for _, r := range v.CSAT {
		f = append(f, figure{pct(r.Share.Value), T("CSAT on %s, top box %s (n=%d)", r.Scale.String(), boxLabel(r.TopBox), r.N)})
	}
	for _, r := range v.CES {
		f = append(f, figure{num(r.Mean.Value, 2), T("CES 2.0 mean on %s; %s answer easy (n=%d)", r.Scale.String(), pct(r.Share.Value), r.N)})
	}
	for _, ix := range v.Indices {
		if ix.Included > 0 {
			f = append(f, figure{num(ix.Mean.Value, 1), T("%s, 0–100 (95%% CI %s–%s, %d customers)", T(ix.Name), num(ix.Mean.Low, 1), num(ix.Mean.High, 1), ix.Included)})
		}
	}
	if v.Exits != nil {
		f = append(f, figure{count(v.Exits.All.N), T("exits recorded; revenue to date lost %s", money(v.Exits.All.Revenue))})
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

func vocHTML(a *analysis.Analysis) string {
	v := analysis.Section[analysis.VoC](a, "voc")
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	for _, f := range vocFigures(v) {
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
				labels[i] += " " + T("(incomplete)")
			}
		}
		b.WriteString(`<h3>` + esc(T("NPS over time")) + `</h3>`)
		b.WriteString(lineChart(labels, []series{{Name: T("NPS (95% adjusted-Wald band)"), Values: val, Low: lo, High: hi}},
			func(x float64) string { return sf("%+.0f", x) }))
		fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(T("Band: 95%% adjusted-Wald interval (Rocks 2016). ⚑ marks n < %d; a ±10-point interval needs about %d answers.", v.MinSample, v.NPSMargin10)))
		b.WriteString(`<table>` + th("period", "n", "promoters", "passives", "detractors", "NPS (95% CI)"))
		for _, p := range v.NPSPeriods {
			name := p.Period
			if !p.Complete {
				name += " " + T("(incomplete)")
			}
			r := p.NPS
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(name), count(r.N),
				pct(r.Promoters.Value), pct(r.Passives.Value), pct(r.Detractors.Value), esc(npsText(r)))
		}
		b.WriteString(`</table>`)
		for _, g := range []struct {
			title string
			gs    []analysis.NPSGroup
		}{{T("NPS by %s", v.By), v.NPSSegments}, {T("NPS by channel"), v.NPSChannels}} {
			if len(g.gs) == 0 {
				continue
			}
			fmt.Fprintf(&b, `<h3>%s</h3><table>%s`, esc(g.title), th("group", "NPS (95% CI)", "difference from all other respondents"))
			for _, x := range g.gs {
				fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(T(x.Name)), esc(npsText(x.NPS)), esc(diffShort(x.VsRest)))
			}
			b.WriteString(`</table>`)
		}
	}
	b.WriteString(scoreDistributions(v))
	if len(v.Indices) > 0 {
		b.WriteString(`<h3>` + esc(T("Composite indices")) + `</h3><table>` + th("index", "mean, 0–100 (95% CI)", "customers", "excluded", "definition"))
		for _, ix := range v.Indices {
			def := T(ix.Definition)
			if ix.Note != "" {
				def += ". " + T(ix.Note)
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td class="small" style="text-align:left">%s</td></tr>`,
				esc(T(ix.Name)), esc(estText(ix.Mean, 1)), ix.Included, ix.Excluded, esc(def))
		}
		b.WriteString(`</table>`)
	}
	if v.Drivers != nil {
		fmt.Fprintf(&b, `<h3>%s</h3><p class="muted small">%s</p>`, esc(T("What detractors and promoters say")), esc(T("%d comments; %s. z > 1.96 is conventionally significant.", v.Comments, T(v.Drivers.Method))))
		b.WriteString(driversHTML(*v.Drivers))
		for _, l := range v.DriversByLanguage {
			fmt.Fprintf(&b, `<h4>%s</h4>`, esc(T("Language: %s", l.Language)))
			b.WriteString(driversHTML(l.Drivers))
		}
	}
	if len(v.Themes) > 0 {
		b.WriteString(`<h3>` + esc(T("Themes")) + `</h3><table>` + th("theme", "mentions", "share of comments (95% CI)", "sentiment: NPS of those comments", "recent periods"))
		for _, t := range v.Themes {
			var last []string
			for _, p := range t.Periods[max(0, len(t.Periods)-6):] {
				last = append(last, sf("%s: %d", p.Period, p.Mentions))
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="small">%s</td></tr>`, esc(T(t.Name)), count(int64(t.Mentions)),
				esc(shareText(t.Share)), esc(npsText(t.Sentiment)), esc(strings.Join(last, ", ")))
		}
		b.WriteString(`</table>`)
	}
	if v.Exits != nil && v.Exits.All.N > 0 {
		all := v.Exits.All
		b.WriteString(`<h3>` + esc(T("Why customers leave")) + `</h3>`)
		labels := make([]string, len(all.ByCount))
		vals, lo, hi := make([]float64, len(labels)), make([]float64, len(labels)), make([]float64, len(labels))
		for i, r := range all.ByCount {
			labels[i], vals[i], lo[i], hi[i] = r.Reason, r.Share.Value, r.Share.Low, r.Share.High
		}
		b.WriteString(barChart(labels, vals, lo, hi, pct))
		b.WriteString(`<table>` + th("reason", "exits", "share (95% CI)", T("revenue to date lost %s", a.Currency), "share of revenue lost", "CLV lost"))
		for _, r := range all.ByCount {
			clv := T("n/a")
			if all.ByCLV != nil && r.CLVKnown > 0 {
				clv = money(r.CLV)
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(T(r.Reason)), count(int64(r.Count)), esc(shareText(r.Share)), money(r.Revenue), pct(r.RevenueShare), esc(clv))
		}
		b.WriteString(`</table>`)
		fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(T("CLV lost: %s", T(v.CLV))))
		for _, s := range v.Exits.Segments {
			if len(s.Table.ByCount) > 0 {
				top := s.Table.ByCount[0]
				fmt.Fprintf(&b, `<p class="small">%s</p>`, esc(T("%s = %s: %d exits, most often %s (%s)", v.By, s.Key, s.Table.N, T(top.Reason), shareText(top.Share))))
			}
		}
	}
	if d := v.Defection; d != nil {
		fmt.Fprintf(&b, `<h3>%s</h3><p class="muted small">%s</p>`, esc(T("Defectors against loyal customers")), esc(T("%d defectors (an exit record) and %d loyal customers (no exit record, a purchase within the activity window) as of %s; q = Benjamini–Hochberg adjusted p-value.",
			d.Defectors, d.Loyal, date(d.AsOf))))
		b.WriteString(`<table>` + th("attribute = value", "defectors", "loyal", "difference", "test", "q") + ``)
		for i, x := range d.Effects {
			if i == 12 {
				break
			}
			q := sf("%.3g", x.Q)
			if x.Significant {
				q = "<b>" + q + "</b>"
			}
			fmt.Fprintf(&b, `<tr><td>%s = %s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(x.Attribute), esc(x.Value),
				esc(shareText(x.Defectors)), esc(shareText(x.Loyal)), esc(T("%+.1f pp", x.Diff)), esc(T(x.Test)), q)
		}
		b.WriteString(`</table>`)
	}
	if len(v.Warnings) > 0 {
		b.WriteString(`<ul class="small flag">`)
		for _, w := range vocWarnings(v) {
			fmt.Fprintf(&b, `<li>%s</li>`, esc(w))
		}
		b.WriteString(`</ul>`)
	}
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(T("Response rate: %s.", T(v.ResponseRate))))
	return b.String()
}

// scoreDistributions draws the answer counts of NPS and of every CSAT and CES scale.
func scoreDistributions(v *analysis.VoC) string {
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
		fmt.Fprintf(&b, `<h4>%s</h4>`, esc(sf("%s (n=%d)", title, n)))
		b.WriteString(barChart(labels, vals, nil, nil, pct))
	}
	if v.NPS.N > 0 || len(v.CSAT)+len(v.CES) > 0 {
		b.WriteString(`<h3>` + esc(T("Score distributions")) + `</h3>`)
	}
	if v.NPS.N > 0 {
		draw(T("NPS question, 0–10"), 0, v.NPS.Counts[:])
	}
	for _, r := range v.CSAT {
		draw(T("CSAT, %s", r.Scale.String()), r.Scale.Min, r.Counts)
	}
	for _, r := range v.CES {
		draw(T("CES 2.0, %s", r.Scale.String()), r.Scale.Min, r.Counts)
	}
	return b.String()
}

func driversHTML(r voc.DriversResult) string {
	var b strings.Builder
	for _, side := range []voc.DriverSide{r.A, r.B} {
		fmt.Fprintf(&b, `<p><b>%s</b> (%s)</p><table>%s`, esc(T(side.Label)), esc(T("%d comment|%d comments", side.Comments)), th("word or phrase", "z", "here", "other side", "example comment"))
		for i, t := range side.Terms {
			if i == 8 {
				break
			}
			ex := ""
			if len(t.Examples) > 0 {
				ex = t.Examples[0]
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td style="text-align:left">%s</td></tr>`, esc(t.Term), num(t.Z, 1), count(int64(t.Count)), count(int64(t.OtherCount)), esc(ex))
		}
		b.WriteString(`</table>`)
	}
	return b.String()
}

func vocMD(a *analysis.Analysis) string {
	v := analysis.Section[analysis.VoC](a, "voc")
	var b strings.Builder
	for _, f := range vocFigures(v) {
		fmt.Fprintf(&b, "- **%s** %s\n", f.value, f.label)
	}
	if len(v.NPSPeriods) > 0 {
		b.WriteString("\n" + mdHead("|---|---:|---|", "period", "n", "NPS (95% adjusted-Wald CI)"))
		for _, p := range v.NPSPeriods {
			name := p.Period
			if !p.Complete {
				name += " " + T("(incomplete)")
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", name, count(p.NPS.N), npsText(p.NPS))
		}
	}
	if v.Drivers != nil {
		for _, side := range []voc.DriverSide{v.Drivers.A, v.Drivers.B} {
			var terms []string
			for i, t := range side.Terms {
				if i == 8 {
					break
				}
				terms = append(terms, sf("%s (z %.1f)", t.Term, t.Z))
			}
			b.WriteString("\n" + T("**%s** say: %s", T(side.Label), strings.Join(terms, ", ")) + "\n")
		}
	}
	if len(v.Themes) > 0 {
		b.WriteString("\n" + mdHead("|---|---:|---|---|", "theme", "mentions", "share", "sentiment (NPS)"))
		for _, t := range v.Themes {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(T(t.Name)), count(int64(t.Mentions)), shareText(t.Share), npsText(t.Sentiment))
		}
	}
	if v.Exits != nil && v.Exits.All.N > 0 {
		b.WriteString("\n" + mdHead("|---|---:|---|---:|---|", "exit reason", "exits", "share", "revenue to date lost", "CLV lost"))
		for _, r := range v.Exits.All.ByCount {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCell(T(r.Reason)), count(int64(r.Count)), shareText(r.Share), money(r.Revenue), T("n/a"))
		}
	}
	for _, w := range vocWarnings(v) {
		fmt.Fprintf(&b, "\n⚑ %s\n", w)
	}
	return b.String()
}

func vocWarnings(v *analysis.VoC) []string {
	if len(v.WarningMsgs) == len(v.Warnings) {
		out := make([]string, len(v.WarningMsgs))
		for i, m := range v.WarningMsgs {
			out[i] = tm(m)
		}
		return out
	}
	out := make([]string, len(v.Warnings))
	for i, w := range v.Warnings {
		out[i] = T(w)
	}
	return out
}

var _ = add(
	"the predicted value had they stayed: BG/NBD + Gamma-Gamma CLV over the next 12 months divided by P(alive), from each customer's purchases up to the end of the data",
	"przewidywana wartość, gdyby zostali: CLV z modeli BG/NBD i Gamma-Gamma na najbliższe 12 miesięcy podzielone przez P(alive), z zakupów każdego klienta do końca danych",
	"valoarea prezisă dacă ar fi rămas: CLV din modelele BG/NBD și Gamma-Gamma pe următoarele 12 luni împărțit la P(alive), din achizițiile fiecărui client până la sfârșitul datelor",
	"prognozētā vērtība, ja viņi būtu palikuši: BG/NBD un Gamma-Gamma CLV nākamajiem 12 mēnešiem, dalīts ar P(alive), no katra klienta pirkumiem līdz datu beigām",
)
