package report

import (
	"fmt"
	"math"
	"strings"

	"fidelis/analysis"
	"fidelis/insight"
)

// The insight section (analysis section "insight"): benchmarks, targets, strengths and weaknesses,
// composition warnings. Order 15 puts it right after the key figures.
func init() {
	AddSection(Section{Order: 15, ID: "insight", Title: "Benchmarks, targets, strengths and weaknesses",
		Skip:     func(a *analysis.Analysis) bool { return analysis.Section[insight.Report](a, "insight") == nil },
		HTML:     insightHTML,
		Markdown: insightMD,
	})
}

func insVal(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if unit == "points" {
		return fmt.Sprintf("%+.1f", v)
	}
	return fmt.Sprintf("%.1f%%", v)
}

func insInterval(c insight.Comparison) string {
	s := insVal(c.Value, c.Unit)
	if !math.IsNaN(c.Low) {
		s += fmt.Sprintf(" (%s to %s)", insVal(c.Low, c.Unit), insVal(c.High, c.Unit))
	}
	if c.N > 0 {
		s += fmt.Sprintf(" n=%d", c.N)
	}
	return s
}

func positionText(c insight.Comparison) string {
	switch c.Better {
	case 1:
		return c.Position + " ✓"
	case -1:
		return c.Position + " ✗"
	}
	if c.Reason != "" && c.Position == "not comparable" {
		return c.Position + ": " + c.Reason
	}
	return c.Position
}

func insightHTML(a *analysis.Analysis) string {
	r := analysis.Section[insight.Report](a, "insight")
	var b strings.Builder
	ind := r.Industry
	if ind == "" {
		ind = "all industries"
	}
	fmt.Fprintf(&b, `<p class="muted small">Benchmarks for %s. A figure is above or below a benchmark only when its whole 95%% interval is; otherwise it is in line. Vendor-survey figures are marked; each row names its source and year.</p>`, esc(ind))
	// Strengths and weaknesses first: what the reader came for.
	b.WriteString(`<div class="cards" style="grid-template-columns:1fr 1fr">`)
	for _, side := range []struct {
		title string
		fs    []insight.Finding
		color string
	}{{"Strengths", r.Strengths, "#16a34a"}, {"Weaknesses", r.Weaknesses, "#dc2626"}} {
		fmt.Fprintf(&b, `<div class="card"><h3 style="margin:0 0 6px;color:%s">%s</h3>`, side.color, side.title)
		if len(side.fs) == 0 {
			b.WriteString(`<p class="muted small">None the evidence supports.</p>`)
		} else {
			b.WriteString(`<ol class="small" style="padding-left:18px;margin:0">`)
			for _, f := range side.fs {
				fmt.Fprintf(&b, `<li>%s <span class="muted">[%s]</span></li>`, esc(f.Evidence), esc(f.Kind))
			}
			b.WriteString(`</ol>`)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
	if len(r.InLine) > 0 {
		b.WriteString(`<details><summary class="small">In line or not significant (`)
		fmt.Fprintf(&b, "%d", len(r.InLine))
		b.WriteString(`)</summary><ul class="small">`)
		for _, f := range r.InLine {
			fmt.Fprintf(&b, `<li>%s</li>`, esc(f.Evidence))
		}
		b.WriteString(`</ul></details>`)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, `<p class="flag small">⚠ %s</p>`, esc(n))
	}
	if len(r.Comparisons) > 0 {
		b.WriteString(`<h3>Against benchmarks</h3>`)
		b.WriteString(benchmarkChart(r.Comparisons))
		b.WriteString(`<table><tr><th>metric</th><th>ours (95% CI)</th><th>benchmark</th><th>industry</th><th>position</th><th>source</th></tr>`)
		for _, c := range r.Comparisons {
			src := esc(c.Benchmark.Citation())
			if c.Benchmark.URL != "" {
				src = fmt.Sprintf(`<a href="%s">%s</a>`, esc(c.Benchmark.URL), src)
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td style="text-align:left">%s<br><span class="muted">%s</span></td></tr>`,
				esc(c.Name), esc(insInterval(c)), esc(c.Benchmark.Text()), esc(c.Benchmark.Industry), esc(positionText(c)), src, esc(c.Benchmark.Population))
		}
		b.WriteString(`</table>`)
	}
	if len(r.Targets) > 0 {
		b.WriteString(`<h3>Targets</h3><table><tr><th>target</th><th>now (95% CI)</th><th>progress</th><th>projected at date</th><th>status</th><th>gap: customers</th><th>gap: revenue / year</th></tr>`)
		for _, t := range r.Targets {
			goal := fmt.Sprintf("%s %s %s", t.Name, map[string]string{">=": "≥", "<=": "≤"}[t.Goal.Op], insVal(t.Goal.Value, t.Unit))
			if !t.Goal.By.IsZero() {
				goal += " by " + date(t.Goal.By)
			}
			now := insVal(t.Current, t.Unit)
			if !math.IsNaN(t.Low) {
				now += fmt.Sprintf(" (%s to %s)", insVal(t.Low, t.Unit), insVal(t.High, t.Unit))
			}
			color := "#16a34a"
			if t.Status == "off track" {
				color = "#dc2626"
			} else if t.Status != "met" && t.Status != "met, significantly" {
				color = "#ca8a04"
			}
			bar := fmt.Sprintf(`<svg width="120" height="12" role="img"><rect width="120" height="12" fill="#e5e7eb" rx="2"/><rect width="%.0f" height="12" fill="%s" rx="2"/></svg> %s`,
				120*math.Max(0, math.Min(1, t.Progress)), color, pct(t.Progress))
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td style="color:%s">%s</td><td>%s</td><td>%s</td></tr>`,
				esc(goal), esc(now), bar, esc(insVal(t.Projected, t.Unit)), color, esc(t.Status), esc(num(t.GapCustomers, 0)), esc(money(t.GapRevenue)))
		}
		b.WriteString(`</table><p class="muted small">Projection: ordinary least squares on the last 6 complete periods, evaluated at the target date. Gap in customers: gap ÷ 100 × the customers the rate applies to (NPS: detractors who would have to become promoters); revenue: × yearly revenue per active customer.</p>`)
	}
	if len(r.Mix) > 0 {
		b.WriteString(`<h3>Composition check</h3><table><tr><th>change</th><th>pooled</th><th>total</th><th>within segments</th><th>segment mix</th></tr>`)
		for _, m := range r.Mix {
			fmt.Fprintf(&b, `<tr><td>%s by %s, %s → %s</td><td>%s → %s</td><td>%+.1f pts</td><td>%+.1f pts</td><td>%+.1f pts</td></tr>`,
				esc(m.Metric), esc(m.By), esc(m.From), esc(m.To), pct(m.PooledBefore), pct(m.PooledAfter), 100*m.Change, 100*m.RateEffect, 100*m.MixEffect)
		}
		b.WriteString(`</table><p class="muted small">Kitagawa (1955) decomposition: within-segment effect Σ w̄(r₁ − r₀), mix effect Σ r̄(w₁ − w₀); they add up to the pooled change.</p>`)
	}
	return b.String()
}

// benchmarkChart draws, per comparable comparison, our value with its interval and the
// benchmark's range (a grey band or tick), each on its own scale row (percent or points).
func benchmarkChart(cs []insight.Comparison) string {
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
	h := rowH*len(rows) + 24
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
		fmt.Fprintf(&bld, `<text x="%d" y="%.1f" class="tick" text-anchor="end">%s (%s)</text>`, labelW-8, y+14, esc(c.Name), esc(c.Benchmark.Industry))
		fmt.Fprintf(&bld, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/>`, x(min), x(max), y+10, y+10)
		bw := math.Max(3, x(hi)-x(lo))
		fmt.Fprintf(&bld, `<rect x="%.1f" y="%.1f" width="%.1f" height="20" fill="#9ca3af" fill-opacity="0.5"><title>benchmark %s</title></rect>`, x(lo)-(bw-(x(hi)-x(lo)))/2, y, bw, esc(c.Benchmark.Text()))
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
		fmt.Fprintf(&bld, `<text x="%.1f" y="%.1f" class="tick">%s</text>`, x(max)+6, y+14, esc(insVal(c.Value, c.Unit)))
	}
	fmt.Fprintf(&bld, `<text x="%d" y="%d" class="tick">● ours, 95%% interval · grey: benchmark · scale 0–100%% (NPS −100…100)</text>`, labelW, h-4)
	bld.WriteString(`</svg>`)
	return bld.String()
}

func insightMD(a *analysis.Analysis) string {
	r := analysis.Section[insight.Report](a, "insight")
	var b strings.Builder
	ind := r.Industry
	if ind == "" {
		ind = "all industries"
	}
	fmt.Fprintf(&b, "Benchmarks for %s; above/below only when the whole 95%% interval is, otherwise in line.\n\n", ind)
	for _, side := range []struct {
		t  string
		fs []insight.Finding
	}{{"Strengths", r.Strengths}, {"Weaknesses", r.Weaknesses}} {
		fmt.Fprintf(&b, "**%s**\n\n", side.t)
		if len(side.fs) == 0 {
			b.WriteString("- none the evidence supports\n")
		}
		for i, f := range side.fs {
			fmt.Fprintf(&b, "%d. %s\n", i+1, f.Evidence)
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "> ⚠ %s\n\n", n)
	}
	if len(r.Comparisons) > 0 {
		b.WriteString("| metric | ours (95% CI) | benchmark | industry | position | source |\n|---|---|---|---|---|---|\n")
		for _, c := range r.Comparisons {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(c.Name), mdCell(insInterval(c)), mdCell(c.Benchmark.Text()), mdCell(c.Benchmark.Industry), mdCell(positionText(c)), mdCell(c.Benchmark.Citation()))
		}
		b.WriteString("\n")
	}
	if len(r.Targets) > 0 {
		b.WriteString("| target | status | progress | projected | gap customers | gap revenue/year |\n|---|---|---|---|---|---|\n")
		for _, t := range r.Targets {
			fmt.Fprintf(&b, "| %s %s %s | %s | %s | %s | %s | %s |\n", mdCell(t.Name), map[string]string{">=": "≥", "<=": "≤"}[t.Goal.Op], insVal(t.Goal.Value, t.Unit), t.Status, pct(t.Progress), insVal(t.Projected, t.Unit), num(t.GapCustomers, 0), money(t.GapRevenue))
		}
		b.WriteString("\n")
	}
	if len(r.Mix) > 0 {
		b.WriteString("| composition | pooled | total | within segments | segment mix |\n|---|---|---|---|---|\n")
		for _, m := range r.Mix {
			fmt.Fprintf(&b, "| %s by %s, %s → %s | %s → %s | %+.1f pts | %+.1f pts | %+.1f pts |\n", mdCell(m.Metric), mdCell(m.By), m.From, m.To,
				pct(m.PooledBefore), pct(m.PooledAfter), 100*m.Change, 100*m.RateEffect, 100*m.MixEffect)
		}
	}
	return b.String()
}
