package report

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"fidelis/analysis"
	"fidelis/insight"
)

// The insight section (analysis section "insight"): benchmarks, targets, strengths and weaknesses,
// composition warnings. Order 15 puts it right after the key figures.
func init() {
	AddSection(Section{Order: 15, ID: "insight", Title: "Benchmarks, targets, strengths and weaknesses",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[insight.Report](a, "insight") == nil },
		HTML:     locale.insightHTML,
		Markdown: locale.insightMD,
	})
}

func (lc locale) insVal(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if unit == "points" {
		return lc.sf("%+.1f", v)
	}
	return lc.sf("%.1f%%", v)
}

func (lc locale) insInterval(c insight.Comparison) string {
	s := lc.insVal(c.Value, c.Unit)
	if !math.IsNaN(c.Low) {
		s += lc.T(" (%s to %s)", lc.insVal(c.Low, c.Unit), lc.insVal(c.High, c.Unit))
	}
	if c.N > 0 {
		s += lc.sf(" n=%d", c.N)
	}
	return s
}

func (lc locale) positionText(c insight.Comparison) string {
	switch c.Better {
	case 1:
		return lc.T(c.Position) + " ✓"
	case -1:
		return lc.T(c.Position) + " ✗"
	}
	if c.Reason != "" && c.Position == "not comparable" {
		if c.ReasonMsg.Key != "" {
			return lc.T(c.Position) + ": " + lc.tm(c.ReasonMsg)
		}
		return lc.T(c.Position) + ": " + lc.T(c.Reason)
	}
	return lc.T(c.Position)
}

func (lc locale) insightHTML(a *analysis.Analysis) string {
	r := analysis.Section[insight.Report](a, "insight")
	var b strings.Builder
	fmt.Fprintf(&b, `<p class="muted small">%s</p>`, esc(lc.T("Benchmarks for %s. A figure is above or below a benchmark only when its whole 95%% interval is; otherwise it is in line. Vendor-survey figures are marked; each row names its source and year.", lc.industries(r.Industry))))
	// Strengths and weaknesses first: what the reader came for.
	b.WriteString(`<div class="cards" style="grid-template-columns:1fr 1fr">`)
	for _, side := range []struct {
		title string
		fs    []insight.Finding
		color string
	}{{"Strengths", r.Strengths, "#16a34a"}, {"Weaknesses", r.Weaknesses, "#dc2626"}} {
		fmt.Fprintf(&b, `<div class="card"><h3 style="margin:0 0 6px;color:%s">%s</h3>`, side.color, esc(lc.T(side.title)))
		if len(side.fs) == 0 {
			b.WriteString(`<p class="muted small">` + esc(lc.T("None the evidence supports.")) + `</p>`)
		} else {
			b.WriteString(`<ol class="small" style="padding-left:18px;margin:0">`)
			for _, f := range side.fs {
				fmt.Fprintf(&b, `<li>%s <span class="muted">[%s]</span></li>`, esc(lc.evidence(f)), esc(lc.T(f.Kind)))
			}
			b.WriteString(`</ol>`)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
	if len(r.InLine) > 0 {
		fmt.Fprintf(&b, `<details open><summary class="small">%s</summary><ul class="small">`, esc(lc.T("In line or not significant (%d)", len(r.InLine))))
		for _, f := range r.InLine {
			fmt.Fprintf(&b, `<li>%s</li>`, esc(lc.evidence(f)))
		}
		b.WriteString(`</ul></details>`)
	}
	for i := range r.Notes {
		fmt.Fprintf(&b, `<p class="flag small">⚠ %s</p>`, esc(lc.noteText(r, i)))
	}
	if len(r.Comparisons) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Against benchmarks")) + `</h3>`)
		b.WriteString(lc.benchmarkChart(r.Comparisons))
		b.WriteString(`<table>` + lc.th("metric", "ours (95% CI)", "benchmark", "industry", "position", "source"))
		for _, c := range r.Comparisons {
			src := esc(lc.tm(c.Benchmark.CitationMsg()))
			if c.Benchmark.URL != "" {
				src = fmt.Sprintf(`<a href="%s">%s</a>`, esc(c.Benchmark.URL), src)
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td style="text-align:left">%s<br><span class="muted">%s</span></td></tr>`,
				esc(lc.T(c.Name)), esc(lc.insInterval(c)), esc(lc.benchText(c)), esc(lc.T(c.Benchmark.Industry)), esc(lc.positionText(c)), src, esc(c.Benchmark.Population))
		}
		b.WriteString(`</table>`)
	}
	if len(r.Targets) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Targets")) + `</h3><table>` + lc.th("target", "now (95% CI)", "progress", "projected at date", "status", "gap: customers", "gap: revenue / year"))
		for _, t := range r.Targets {
			goal := lc.goalText(t)
			now := lc.insVal(t.Current, t.Unit)
			if !math.IsNaN(t.Low) {
				now += lc.T(" (%s to %s)", lc.insVal(t.Low, t.Unit), lc.insVal(t.High, t.Unit))
			}
			color := "#16a34a"
			if t.Status == "off track" {
				color = "#dc2626"
			} else if t.Status != "met" && t.Status != "met, significantly" {
				color = "#ca8a04"
			}
			bar := fmt.Sprintf(`<svg width="120" height="12" role="img"><rect width="120" height="12" fill="#e5e7eb" rx="2"/><rect width="%.0f" height="12" fill="%s" rx="2"/></svg> %s`,
				120*math.Max(0, math.Min(1, t.Progress)), color, lc.pct(t.Progress))
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td style="color:%s">%s</td><td>%s</td><td>%s</td></tr>`,
				esc(goal), esc(now), bar, esc(lc.insVal(t.Projected, t.Unit)), color, esc(lc.T(t.Status)), esc(lc.num(t.GapCustomers, 0)), esc(lc.money(t.GapRevenue)))
		}
		b.WriteString(`</table><p class="muted small">` + esc(lc.T("Projection: ordinary least squares on the last 6 complete periods, evaluated at the target date. Gap in customers: gap ÷ 100 × the customers the rate applies to (NPS: detractors who would have to become promoters); revenue: × yearly revenue per active customer.")) + `</p>`)
	}
	if len(r.Mix) > 0 {
		b.WriteString(`<h3>` + esc(lc.T("Composition check")) + `</h3><table>` + lc.th("change", "pooled", "total", "within segments", "segment mix"))
		for _, m := range r.Mix {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s → %s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
				esc(lc.T("%s by %s, %s → %s", lc.T(m.Metric), m.By, m.From, m.To)), lc.pct(m.PooledBefore), lc.pct(m.PooledAfter), esc(lc.T("%+.1f pts", 100*m.Change)), esc(lc.T("%+.1f pts", 100*m.RateEffect)), esc(lc.T("%+.1f pts", 100*m.MixEffect)))
		}
		b.WriteString(`</table><p class="muted small">` + esc(lc.T("Kitagawa (1955) decomposition: within-segment effect Σ w̄(r₁ − r₀), mix effect Σ r̄(w₁ − w₀); they add up to the pooled change.")) + `</p>`)
	}
	return b.String()
}

// benchmarkChart draws, per comparable comparison, our value with its interval and the
// benchmark's range (a grey band or tick), each on its own scale row (percent or points).
func (lc locale) benchmarkChart(cs []insight.Comparison) string {
	var rows []insight.Comparison
	for _, c := range cs {
		if c.Position != "not comparable" {
			rows = append(rows, c)
		}
	}
	if len(rows) == 0 {
		return ""
	}
	const rowH, labelW, w = 30, 320, 760
	h := rowH*len(rows) + 8
	var bld strings.Builder
	fmt.Fprintf(&bld, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, w, h)
	for i, c := range rows {
		lo, hi := c.Benchmark.Range()
		min, max := 0.0, 100.0
		if c.Unit == "points" {
			min, max = -100, 100
		} else {
			top := math.Max(hi, c.Value)
			if !math.IsNaN(c.High) {
				top = math.Max(top, c.High)
			}
			max = math.Min(100, math.Max(10, math.Ceil(top*1.2/10)*10))
		}
		x := func(v float64) float64 { return labelW + (v-min)/(max-min)*float64(w-labelW-70) }
		y := float64(i*rowH + 8)
		fmt.Fprintf(&bld, `<text x="%d" y="%.1f" class="tick" text-anchor="end">%s (%s)</text>`, labelW-8, y+14, esc(lc.T(c.Name)), esc(lc.T(c.Benchmark.Industry)))
		fmt.Fprintf(&bld, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/>`, x(min), x(max), y+10, y+10)
		bw := math.Max(3, x(hi)-x(lo))
		fmt.Fprintf(&bld, `<rect x="%.1f" y="%.1f" width="%.1f" height="20" fill="#9ca3af" fill-opacity="0.5"><title>%s</title></rect>`, x(lo)-(bw-(x(hi)-x(lo)))/2, y, bw, esc(lc.benchText(c)))
		col := palette[0]
		if c.Better == 1 {
			col = "#16a34a"
		} else if c.Better == -1 {
			col = "#dc2626"
		}
		if !math.IsNaN(c.Low) {
			fmt.Fprintf(&bld, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, x(c.Low), x(c.High), y+10, y+10, col)
		}
		fmt.Fprintf(&bld, `<circle cx="%.1f" cy="%.1f" r="5" fill="%s"/>`, x(c.Value), y+10, col)
		fmt.Fprintf(&bld, `<text x="%.1f" y="%.1f" class="tick">%s</text>`, x(max)+6, y+14, esc(lc.insVal(c.Value, c.Unit)))
	}
	bld.WriteString(`</svg>`)
	bld.WriteString(`<p class="muted small">` + esc(lc.T("● ours, 95% interval · grey: benchmark · scale 0–100% (NPS −100…100)")) + `</p>`)
	return bld.String()
}

func (lc locale) insightMD(a *analysis.Analysis) string {
	r := analysis.Section[insight.Report](a, "insight")
	var b strings.Builder
	b.WriteString(lc.T("Benchmarks for %s; above/below only when the whole 95%% interval is, otherwise in line.", lc.industries(r.Industry)) + "\n\n")
	for _, side := range []struct {
		t  string
		fs []insight.Finding
	}{{"Strengths", r.Strengths}, {"Weaknesses", r.Weaknesses}} {
		fmt.Fprintf(&b, "**%s**\n\n", lc.T(side.t))
		if len(side.fs) == 0 {
			b.WriteString("- " + lc.T("None the evidence supports.") + "\n")
		}
		for i, f := range side.fs {
			fmt.Fprintf(&b, "%d. %s\n", i+1, lc.evidence(f))
		}
		b.WriteString("\n")
	}
	for i := range r.Notes {
		fmt.Fprintf(&b, "> ⚠ %s\n\n", lc.noteText(r, i))
	}
	if len(r.Comparisons) > 0 {
		b.WriteString(lc.mdHead("|---|---|---|---|---|---|", "metric", "ours (95% CI)", "benchmark", "industry", "position", "source"))
		for _, c := range r.Comparisons {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(lc.T(c.Name)), mdCell(lc.insInterval(c)), mdCell(lc.benchText(c)), mdCell(lc.T(c.Benchmark.Industry)), mdCell(lc.positionText(c)), mdCell(lc.tm(c.Benchmark.CitationMsg())))
		}
		b.WriteString("\n")
	}
	if len(r.Targets) > 0 {
		b.WriteString(lc.mdHead("|---|---|---|---|---|---|", "target", "status", "progress", "projected", "gap customers", "gap revenue/year"))
		for _, t := range r.Targets {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(lc.goalText(t)), lc.T(t.Status), lc.pct(t.Progress), lc.insVal(t.Projected, t.Unit), lc.num(t.GapCustomers, 0), lc.money(t.GapRevenue))
		}
		b.WriteString("\n")
	}
	if len(r.Mix) > 0 {
		b.WriteString(lc.mdHead("|---|---|---|---|---|", "composition", "pooled", "total", "within segments", "segment mix"))
		for _, m := range r.Mix {
			fmt.Fprintf(&b, "| %s | %s → %s | %s | %s | %s |\n", mdCell(lc.T("%s by %s, %s → %s", lc.T(m.Metric), m.By, m.From, m.To)),
				lc.pct(m.PooledBefore), lc.pct(m.PooledAfter), lc.T("%+.1f pts", 100*m.Change), lc.T("%+.1f pts", 100*m.RateEffect), lc.T("%+.1f pts", 100*m.MixEffect))
		}
	}
	return b.String()
}

// evidence is a finding's sentence in the report's language, first letter capitalised.
func (lc locale) evidence(f insight.Finding) string {
	if f.Msg.Key == "" {
		return lc.T(f.Evidence)
	}
	return upperFirst(lc.tm(f.Msg))
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// industries names the benchmark industries ("ecommerce,retail"), translated.
func (lc locale) industries(s string) string {
	if s == "" {
		return lc.T("no industry declared (industry-independent figures only)")
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = lc.T(strings.TrimSpace(p))
	}
	return strings.Join(parts, ", ")
}

// benchText is a benchmark's value in its unit ("32%", "25–35%", "28.4 points").
func (lc locale) benchText(c insight.Comparison) string {
	lo, hi := c.Benchmark.Range()
	switch {
	case c.Unit == "points" && lo != hi:
		return lc.T("%+.0f to %+.0f", lo, hi)
	case c.Unit == "points":
		return lc.T("%.1f points", lo)
	case lo != hi:
		return lc.T("%.0f–%.0f%%", lo, hi)
	}
	return lc.sf("%g%%", lo)
}

func (lc locale) goalText(t insight.Target) string {
	goal := lc.T(t.Name) + " " + map[string]string{">=": "≥", "<=": "≤"}[t.Goal.Op] + " " + lc.insVal(t.Goal.Value, t.Unit)
	if !t.Goal.By.IsZero() {
		goal = lc.T("%s by %s", goal, t.Goal.By)
	}
	return goal
}

// noteText is note i in the report's language: its message when it has one, else its text.
func (lc locale) noteText(r *insight.Report, i int) string {
	if i < len(r.NoteMsgs) && r.NoteMsgs[i].Key != "" {
		return lc.tm(r.NoteMsgs[i])
	}
	return lc.T(r.Notes[i])
}

var _ = add(
	"the pooled rate rose by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: every segment's rate fell (Simpson's paradox), so the change is one of composition, not behaviour",
	"łączny wskaźnik wzrósł o %+.1f pkt, ale wskaźniki segmentów dają %+.1f pkt, a zmiana struktury segmentów %+.1f: wskaźnik każdego segmentu spadł (paradoks Simpsona), więc zmiana wynika ze struktury, nie z zachowań",
	"rata agregată a crescut cu %+.1f puncte, dar ratele segmentelor explică %+.1f puncte, iar schimbarea mixului de segmente %+.1f: rata fiecărui segment a scăzut (paradoxul lui Simpson), deci schimbarea ține de compoziție, nu de comportament",
	"kopējais rādītājs pieauga par %+.1f punktiem, bet segmentu rādītāji veido %+.1f punktus un segmentu struktūras maiņa %+.1f: katra segmenta rādītājs kritās (Simpsona paradokss), tātad izmaiņa ir struktūras, nevis uzvedības dēļ",
	"the pooled rate fell by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: every segment's rate rose (Simpson's paradox), so the change is one of composition, not behaviour",
	"łączny wskaźnik spadł o %+.1f pkt, ale wskaźniki segmentów dają %+.1f pkt, a zmiana struktury segmentów %+.1f: wskaźnik każdego segmentu wzrósł (paradoks Simpsona), więc zmiana wynika ze struktury, nie z zachowań",
	"rata agregată a scăzut cu %+.1f puncte, dar ratele segmentelor explică %+.1f puncte, iar schimbarea mixului de segmente %+.1f: rata fiecărui segment a crescut (paradoxul lui Simpson), deci schimbarea ține de compoziție, nu de comportament",
	"kopējais rādītājs kritās par %+.1f punktiem, bet segmentu rādītāji veido %+.1f punktus un segmentu struktūras maiņa %+.1f: katra segmenta rādītājs pieauga (Simpsona paradokss), tātad izmaiņa ir struktūras, nevis uzvedības dēļ",
	"the pooled rate rose by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: the change is mostly one of composition, not behaviour",
	"łączny wskaźnik wzrósł o %+.1f pkt, ale wskaźniki segmentów dają %+.1f pkt, a zmiana struktury segmentów %+.1f: zmiana wynika głównie ze struktury, nie z zachowań",
	"rata agregată a crescut cu %+.1f puncte, dar ratele segmentelor explică %+.1f puncte, iar schimbarea mixului de segmente %+.1f: schimbarea ține mai ales de compoziție, nu de comportament",
	"kopējais rādītājs pieauga par %+.1f punktiem, bet segmentu rādītāji veido %+.1f punktus un segmentu struktūras maiņa %+.1f: izmaiņa galvenokārt ir struktūras, nevis uzvedības dēļ",
	"the pooled rate fell by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: the change is mostly one of composition, not behaviour",
	"łączny wskaźnik spadł o %+.1f pkt, ale wskaźniki segmentów dają %+.1f pkt, a zmiana struktury segmentów %+.1f: zmiana wynika głównie ze struktury, nie z zachowań",
	"rata agregată a scăzut cu %+.1f puncte, dar ratele segmentelor explică %+.1f puncte, iar schimbarea mixului de segmente %+.1f: schimbarea ține mai ales de compoziție, nu de comportament",
	"kopējais rādītājs kritās par %+.1f punktiem, bet segmentu rādītāji veido %+.1f punktus un segmentu struktūras maiņa %+.1f: izmaiņa galvenokārt ir struktūras, nevis uzvedības dēļ",
	"Composition (%s by %s, %s → %s): %s.",
	"Struktura (%s wg %s, %s → %s): %s.",
	"Compoziție (%s după %s, %s → %s): %s.",
	"Struktūra (%s pēc %s, %s → %s): %s.",
	"units differ (%s vs %s)",
	"różne jednostki (%s i %s)",
	"unități diferite (%s față de %s)",
	"atšķirīgas mērvienības (%s un %s)",
	"definitions differ: the benchmark counts %s, this figure %s",
	"różne definicje: benchmark liczy %s, ten wskaźnik %s",
	"definiții diferite: reperul numără %s, acest indicator %s",
	"atšķirīgas definīcijas: etalons skaita %s, šis rādītājs %s",
	"a second purchase within 12 months of the first",
	"drugi zakup w ciągu 12 miesięcy od pierwszego",
	"a doua achiziție în 12 luni de la prima",
	"otro pirkumu 12 mēnešu laikā pēc pirmā",
	"a second order anywhere in the analysis window",
	"drugie zamówienie w dowolnym momencie okresu analizy",
	"a doua comandă oriunde în perioada analizată",
	"otro pasūtījumu jebkurā analīzes perioda brīdī",
	"another window",
	"inny okres",
	"altă perioadă",
	"citu periodu",
	"the benchmark's period: %s; this figure's period: %s",
	"okres benchmarku: %s; okres tego wskaźnika: %s",
	"perioada reperului: %s; perioada acestui indicator: %s",
	"etalona periods: %s; šī rādītāja periods: %s",
)

var _ = add(
	"No breakdown was asked for: run with --by ATTR (region, segment, ...) for segments that lead or lag and for the composition check.",
	"Nie wybrano podziału: uruchom z --by ATRYBUT (region, segment, ...), aby zobaczyć segmenty, które prowadzą lub odstają, oraz kontrolę struktury.",
	"Nu s-a cerut nicio defalcare: rulați cu --by ATRIBUT (regiune, segment, ...) pentru segmentele care conduc sau rămân în urmă și pentru verificarea compoziției.",
	"Sadalījums netika prasīts: palaidiet ar --by ATRIBŪTS (reģions, segments, ...), lai redzētu segmentus, kas apsteidz vai atpaliek, un struktūras pārbaudi.",
	"CSAT was answered on %d scales; targets and findings use the %s scale only (scales are never mixed).",
	"CSAT oceniano w %d skalach; cele i wnioski używają tylko skali %s (skal nigdy się nie miesza).",
	"CSAT a fost evaluat pe %d scale; țintele și concluziile folosesc doar scala %s (scalele nu se amestecă niciodată).",
	"CSAT tika vērtēts %d skalās; mērķi un secinājumi izmanto tikai skalu %s (skalas nekad netiek jauktas).",
	"No industry declared: figures are compared only with industry-independent benchmarks. Declare the store's industry with fidelis settings set industry NAME (fidelis benchmarks lists them), or pass --industry.",
	"Nie zadeklarowano branży: wskaźniki porównano tylko z benchmarkami niezależnymi od branży. Branżę sklepu zadeklaruj poleceniem fidelis settings set industry NAZWA (listę podaje fidelis benchmarks) albo podaj --industry.",
	"Nu s-a declarat nicio industrie: indicatorii se compară doar cu reperele independente de industrie. Declarați industria magazinului cu fidelis settings set industry NUME (lista o dă fidelis benchmarks) sau folosiți --industry.",
	"Nozare nav deklarēta: rādītāji salīdzināti tikai ar no nozares neatkarīgiem etaloniem. Deklarējiet veikala nozari ar fidelis settings set industry NOSAUKUMS (sarakstu sniedz fidelis benchmarks) vai norādiet --industry.",
	"percent",
	"procent",
	"procent",
	"procenti",
	"points",
	"punkty",
	"puncte",
	"punkti",
)
