package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"fidelis/analysis"
	"fidelis/metric"
)

func interval(p metric.Proportion) string {
	if math.IsNaN(p.Value) {
		return "–"
	}
	s := sf("%s (%s–%s)", pct(p.Value), pct(p.Low), pct(p.High))
	if p.Small {
		s += " ⚑"
	}
	return s
}

// th is a table header row of translated column names.
func th(cols ...string) string {
	var b strings.Builder
	b.WriteString("<tr>")
	for _, c := range cols {
		b.WriteString("<th>" + esc(T(c)) + "</th>")
	}
	b.WriteString("</tr>")
	return b.String()
}

// mdHead is a Markdown table header of translated column names; align is the separator row.
func mdHead(align string, cols ...string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = mdCell(T(c))
	}
	return "| " + strings.Join(out, " | ") + " |\n" + align + "\n"
}

func card(b *strings.Builder, value, label string) {
	fmt.Fprintf(b, `<div class="card"><b>%s</b><span>%s</span></div>`, html.EscapeString(value), html.EscapeString(label))
}

type figure struct{ value, label string }

func keyFigures(a *analysis.Analysis) []figure {
	var f []figure
	if r, ok := a.Latest(); ok {
		f = append(f,
			figure{pct(r.IDBased.Value), T("ID-based retention, %s (95%% CI %s–%s, n=%d)", r.Period, pct(r.IDBased.Low), pct(r.IDBased.High), r.IDBased.N)},
			figure{pct(r.Churn.Value), T("churn rate, %s (100%% − ID-based retention)", r.Period)},
			figure{pctPoints(r.Classic), T("classic retention (E−N)/S, %s", r.Period)},
			figure{count(r.End), T("active customers, %s", r.Period)})
	}
	p := a.Purchases
	f = append(f,
		figure{pct(p.RepeatRate.Value), T("repeat purchase rate (%d of %d buyers)", p.RepeatRate.K, p.RepeatRate.N)},
		figure{num(p.Frequency, 2), T("orders per customer")},
		figure{moneyC(p.AOV, a.Currency), T("average order value")},
		figure{moneyC(a.Value.CLVMean, a.Currency), T("historical CLV, mean (median %s)", money(metric.Median(a.Value.CLVQuantiles)))},
		figure{pct(a.Overall.Value), T("ID-based retention pooled over all periods")},
	)
	return f
}

func overviewHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	for _, f := range keyFigures(a) {
		card(&b, f.value, f.label)
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<p class="muted small">%s`, esc(T("Active = a purchase within %s. Periods: %s. ⚑ marks n < %d.", analysis.GrainCount(a.Window, a.Grain), T(string(a.Grain)), metric.SmallSample)))
	if !a.LastComplete {
		b.WriteString(" " + esc(T("The last period of the data is not complete; the key figures use the last complete one.")))
	}
	b.WriteString(`</p>`)
	return b.String()
}

func overviewMD(a *analysis.Analysis) string {
	var b strings.Builder
	for _, f := range keyFigures(a) {
		fmt.Fprintf(&b, "- **%s** %s\n", f.value, f.label)
	}
	return b.String()
}

func retentionSeries(rs []metric.Retention) (labels []string, ss []series) {
	id, lo, hi, cl := make([]float64, len(rs)), make([]float64, len(rs)), make([]float64, len(rs)), make([]float64, len(rs))
	for i, r := range rs {
		labels = append(labels, r.Period)
		id[i], lo[i], hi[i], cl[i] = r.IDBased.Value, r.IDBased.Low, r.IDBased.High, r.Classic/100
	}
	return labels, []series{{Name: T("ID-based retention (95% interval band)"), Values: id, Low: lo, High: hi},
		{Name: T("Classic (E−N)/S"), Values: cl, Dashed: true}}
}

func retentionHTML(a *analysis.Analysis) string {
	var b strings.Builder
	labels, ss := retentionSeries(a.Retention)
	b.WriteString(lineChart(labels, ss, percentAxis))
	b.WriteString(`<table>` + th("Period", "Active at start (S)", "Active at end (E)", "New (N)", "Classic %", "ID-based % (95% CI)", "Churn %", "Win-back %", "Orders", "Revenue"))
	for i, r := range a.Retention {
		flag := ""
		if i == len(a.Retention)-1 && !a.LastComplete {
			flag = ` <span class="flag">` + esc(T("(incomplete)")) + `</span>`
		}
		fmt.Fprintf(&b, `<tr><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			r.Period, flag, count(r.Start), count(r.End), count(r.New), pctPoints(r.Classic), interval(r.IDBased), pct(r.Churn.Value), pct(r.WinBack.Value), count(r.Orders), money(r.Revenue))
	}
	b.WriteString(`</table>`)
	return b.String()
}

func retentionMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(mdHead("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|", "Period", "S", "E", "N", "Classic %", "ID-based % (95% CI)", "Churn %", "Win-back %", "Orders", "Revenue"))
	for _, r := range a.Retention {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Period, count(r.Start), count(r.End), count(r.New), pctPoints(r.Classic), interval(r.IDBased), pct(r.Churn.Value), pct(r.WinBack.Value), count(r.Orders), money(r.Revenue))
	}
	return b.String()
}

func cohortsHTML(a *analysis.Analysis) string {
	m := a.Cohorts
	var b strings.Builder
	b.WriteString(`<p class="muted small">` + esc(T("Share of each first-purchase cohort that bought again k periods later (bounded). Cells in an unfinished period are outlined in orange. The weighted mean row weights cohorts by size.")) + `</p>`)
	width := 0
	for _, r := range m.Rows {
		width = max(width, len(r.Bounded))
	}
	show := min(width, 25)
	b.WriteString(`<div style="overflow-x:auto"><table class="heat"><tr><th>` + esc(T("Cohort")) + `</th><th>` + esc(T("Size")) + `</th>`)
	for k := 0; k < show; k++ {
		fmt.Fprintf(&b, `<th>%d</th>`, k)
	}
	b.WriteString(`</tr>`)
	for _, r := range m.Rows {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td>`, r.Cohort, count(r.Size))
		for k := 0; k < show; k++ {
			if k >= len(r.Bounded) {
				b.WriteString(`<td></td>`)
				continue
			}
			v := r.Bounded[k].Value
			style := "background:" + heatColor(v)
			if v > 0.55 {
				style += ";color:#fff"
			}
			if r.Incomplete[k] {
				style += ";outline:2px solid #f59e0b"
			}
			fmt.Fprintf(&b, `<td style="%s">%.0f</td>`, style, v*100)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`<tr><th>` + esc(T("Weighted mean")) + `</th><th></th>`)
	for k := 0; k < show; k++ {
		if k < len(m.Mean) {
			fmt.Fprintf(&b, `<th>%s</th>`, num(m.Mean[k].Value*100, 1))
		}
	}
	b.WriteString(`</tr></table></div>`)
	var labels []string
	bounded, unbounded := make([]float64, 0, len(m.Mean)), make([]float64, 0, len(m.Mean))
	for k := range m.Mean {
		if k == 0 {
			continue
		}
		labels = append(labels, fmt.Sprintf("+%d", k))
		bounded = append(bounded, m.Mean[k].Value)
		unbounded = append(unbounded, m.MeanUnbounded[k].Value)
	}
	b.WriteString(`<h3>` + esc(T("Retention curve (weighted mean over cohorts)")) + `</h3>`)
	b.WriteString(lineChart(labels, []series{{Name: T("bought in period c+k (bounded)"), Values: bounded},
		{Name: T("bought in c+k or later (unbounded)"), Values: unbounded, Dashed: true}}, percentAxis))
	return b.String()
}

func cohortsMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(T("Bounded cohort retention, % of the cohort buying k periods after its first purchase (* = unfinished period).") + "\n\n| " + T("Cohort") + " | " + T("Size") + " |")
	width := 0
	for _, r := range a.Cohorts.Rows {
		width = max(width, len(r.Bounded))
	}
	width = min(width, 13)
	for k := 0; k < width; k++ {
		fmt.Fprintf(&b, " %d |", k)
	}
	b.WriteString("\n|---|--:|" + strings.Repeat("--:|", width) + "\n")
	for _, r := range a.Cohorts.Rows {
		fmt.Fprintf(&b, "| %s | %s |", r.Cohort, count(r.Size))
		for k := 0; k < width; k++ {
			if k < len(r.Bounded) {
				star := ""
				if r.Incomplete[k] {
					star = "*"
				}
				fmt.Fprintf(&b, " %.0f%s |", r.Bounded[k].Value*100, star)
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| **" + T("Weighted mean") + "** | |")
	for k := 0; k < width && k < len(a.Cohorts.Mean); k++ {
		fmt.Fprintf(&b, " %s |", num(a.Cohorts.Mean[k].Value*100, 1))
	}
	b.WriteString("\n")
	return b.String()
}

func segmentRows(a *analysis.Analysis) (names []string, pooled []metric.Proportion) {
	segs, rows := a.RetentionBySegment()
	for _, s := range segs {
		names = append(names, s)
		pooled = append(pooled, metric.Pool(rows[s]))
	}
	return
}

func segmentsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	names, pooled := segmentRows(a)
	vals, lo, hi := make([]float64, len(pooled)), make([]float64, len(pooled)), make([]float64, len(pooled))
	for i, p := range pooled {
		vals[i], lo[i], hi[i] = p.Value, p.Low, p.High
	}
	fmt.Fprintf(&b, `<p>%s</p>`, esc(T("ID-based retention by %s, pooled over all periods, with 95%% intervals; the whole base: %s.", a.By, interval(a.Overall))))
	b.WriteString(barChart(names, vals, lo, hi, pct))
	b.WriteString(`<table>` + th(a.By, "Buyers", "Repeat rate (95% CI)", "Orders/customer", "AOV", "Net revenue", "Historical CLV mean", "median"))
	for i, p := range a.PurchasesBy {
		v := metric.Value{CLVMean: math.NaN()}
		if i < len(a.ValueBy) && a.ValueBy[i].Segment == p.Segment {
			v = a.ValueBy[i]
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			html.EscapeString(p.Segment), count(p.Buyers), interval(p.RepeatRate), num(p.Frequency, 2), money(p.AOV), money(p.NetRevenue), money(v.CLVMean), money(metric.Median(v.CLVQuantiles)))
	}
	b.WriteString(`</table>`)
	return b.String()
}

func segmentsMD(a *analysis.Analysis) string {
	var b strings.Builder
	names, pooled := segmentRows(a)
	b.WriteString(mdHead("|---|--:|", a.By, "ID-based retention (pooled, 95% CI)"))
	for i, n := range names {
		fmt.Fprintf(&b, "| %s | %s |\n", n, interval(pooled[i]))
	}
	b.WriteString("\n" + mdHead("|---|--:|--:|--:|--:|--:|", a.By, "Buyers", "Repeat rate", "Orders/customer", "AOV", "Net revenue"))
	for _, p := range a.PurchasesBy {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", p.Segment, count(p.Buyers), interval(p.RepeatRate), num(p.Frequency, 2), money(p.AOV), money(p.NetRevenue))
	}
	return b.String()
}

func quantileRow(q []float64, f func(float64) string) string {
	var parts []string
	for i := range metric.ValueProbs {
		if i < len(q) {
			parts = append(parts, fmt.Sprintf("<td>%s</td>", f(q[i])))
		}
	}
	return strings.Join(parts, "")
}

func valueHTML(a *analysis.Analysis) string {
	var b strings.Builder
	v := a.Value
	b.WriteString(`<table><tr><th>` + esc(T("Per customer")) + `</th><th>` + esc(T("Mean")) + `</th>`)
	for _, p := range metric.ValueProbs {
		fmt.Fprintf(&b, `<th>p%.0f</th>`, p*100)
	}
	b.WriteString(`</tr>`)
	fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td>%s</tr>`, esc(T("Historical CLV (net revenue to date)")), money(v.CLVMean), quantileRow(v.CLVQuantiles, money))
	fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td>%s</tr>`, esc(T("Tenure, days since first purchase")), num(v.TenureMean, 0), quantileRow(v.TenureQuantiles, func(x float64) string { return num(x, 0) }))
	fmt.Fprintf(&b, `</table><p class="muted small">%s</p>`, esc(T("%d customers; mean lifespan (first to last purchase) %.0f days. Net revenue %s, of which refunds %s.",
		v.Customers, v.LifespanMean, moneyC(a.Purchases.NetRevenue, a.Currency), pct(a.Purchases.RefundShare))))
	var labels []string
	for _, p := range metric.ValueProbs {
		labels = append(labels, fmt.Sprintf("p%.0f", p*100))
	}
	b.WriteString(barChart(labels, v.CLVQuantiles, nil, nil, money))
	return b.String()
}

func valueMD(a *analysis.Analysis) string {
	v := a.Value
	var b strings.Builder
	b.WriteString("- " + T("Historical CLV (net revenue to date): mean %s, median %s over %d customers", money(v.CLVMean), money(metric.Median(v.CLVQuantiles)), v.Customers) + "\n")
	b.WriteString("- " + T("Tenure: mean %.0f days since first purchase; lifespan (first to last purchase) %.0f days", v.TenureMean, v.LifespanMean) + "\n")
	b.WriteString("- " + T("Orders per customer %.2f, AOV %s, refunds %s of gross revenue", a.Purchases.Frequency, money(a.Purchases.AOV), pct(a.Purchases.RefundShare)) + "\n")
	return b.String()
}

func subscriptionsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	var labels []string
	logo, nrr, grr := make([]float64, len(a.Subscriptions)), make([]float64, len(a.Subscriptions)), make([]float64, len(a.Subscriptions))
	for i, s := range a.Subscriptions {
		labels = append(labels, s.Period)
		logo[i], nrr[i], grr[i] = s.LogoChurn.Value, s.NRR, s.GRR
	}
	b.WriteString(lineChart(labels, []series{{Name: T("net revenue retention"), Values: nrr}, {Name: T("gross revenue retention"), Values: grr, Dashed: true}, {Name: T("logo churn"), Values: logo}},
		percentAxis))
	b.WriteString(`<table>` + th("Period", "MRR at start", "Logo churn (95% CI)", "Gross MRR churn", "Net MRR churn", "GRR", "NRR", "New MRR", "MRR at end"))
	for _, s := range a.Subscriptions {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			s.Period, money(s.StartMRR), interval(s.LogoChurn), pct(s.GrossMRRChurn), pct(s.NetMRRChurn), pct(s.GRR), pct(s.NRR), money(s.NewMRR), money(s.EndMRR))
	}
	b.WriteString(`</table><p class="muted small">` + esc(T("MRR is compared at the start and end of each period per customer: customers who join and leave within a period are not counted as churned, reactivations count as new MRR.")) + `</p>`)
	return b.String()
}

func subscriptionsMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(mdHead("|---|--:|--:|--:|--:|--:|", "Period", "MRR at start", "Logo churn", "Gross MRR churn", "Net MRR churn", "NRR"))
	for _, s := range a.Subscriptions {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", s.Period, money(s.StartMRR), interval(s.LogoChurn), pct(s.GrossMRRChurn), pct(s.NetMRRChurn), pct(s.NRR))
	}
	return b.String()
}

func definitionsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<dl>`)
	for _, d := range a.Definitions {
		fmt.Fprintf(&b, `<dt><b>%s</b></dt><dd>%s</dd>`, esc(T(d.Name)), esc(defText(d)))
	}
	b.WriteString(`</dl>`)
	return b.String()
}

func definitionsMD(a *analysis.Analysis) string {
	var b strings.Builder
	for _, d := range a.Definitions {
		fmt.Fprintf(&b, "- **%s**: %s\n", T(d.Name), defText(d))
	}
	return b.String()
}

func defText(d analysis.Definition) string {
	if d.Msg.Key != "" {
		return tm(d.Msg)
	}
	return T(d.Text)
}
