package report

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"

	"fidelis/analysis"
	"fidelis/metric"
)

func (lc locale) interval(p metric.Proportion) string {
	if math.IsNaN(p.Value) {
		return "–"
	}
	s := lc.sf("%s (%s–%s)", lc.pct(p.Value), lc.pct(p.Low), lc.pct(p.High))
	if p.Small {
		s += " ⚑"
	}
	return s
}

// th is a table header row of translated column names.
func (lc locale) th(cols ...string) string {
	var b strings.Builder
	b.WriteString("<tr>")
	for _, c := range cols {
		b.WriteString("<th>" + esc(lc.T(c)) + "</th>")
	}
	b.WriteString("</tr>")
	return b.String()
}

// mdHead is a Markdown table header of translated column names; align is the separator row.
func (lc locale) mdHead(align string, cols ...string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = mdCell(lc.T(c))
	}
	return "| " + strings.Join(out, " | ") + " |\n" + align + "\n"
}

// card is a figure with its label. A long value ("4.8 million EUR") gets a smaller font, and the
// card wraps rather than spill into its neighbour (the grid cell may not grow past its track).
func card(b *strings.Builder, value, label string) {
	cls := ""
	if len([]rune(value)) > 10 {
		cls = ` class="long"`
	}
	fmt.Fprintf(b, `<div class="card"><b%s>%s</b><span>%s</span></div>`, cls, html.EscapeString(value), html.EscapeString(label))
}

type figure struct{ value, label string }

func (lc locale) keyFigures(a *analysis.Analysis) []figure {
	var f []figure
	if r, ok := a.Latest(); ok {
		f = append(f,
			figure{lc.pct(r.IDBased.Value), lc.T("ID-based retention, %s (95%% CI %s–%s, n=%d)", r.Period, lc.pct(r.IDBased.Low), lc.pct(r.IDBased.High), r.IDBased.N)},
			figure{lc.pct(r.Churn.Value), lc.T("churn rate, %s (100%% − ID-based retention)", r.Period)},
			figure{lc.pctPoints(r.Classic), lc.T("classic retention (E−N)/S, %s", r.Period)},
			figure{lc.count(r.End), lc.T("active customers, %s", r.Period)})
	}
	p := a.Purchases
	f = append(f,
		figure{lc.pct(p.RepeatRate.Value), lc.T("repeat purchase rate (%d of %d buyers)", p.RepeatRate.K, p.RepeatRate.N)},
		figure{lc.num(p.Frequency, 2), lc.T("orders per customer")},
		figure{lc.moneyC(p.AOV, a.Currency), lc.T("average order value")},
		figure{lc.moneyC(a.Value.CLVMean, a.Currency), lc.T("historical CLV, mean (median %s)", lc.money(metric.Median(a.Value.CLVQuantiles)))},
		figure{lc.pct(a.Overall.Value), lc.T("ID-based retention pooled over all periods")},
	)
	return f
}

func (lc locale) overviewHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<div class="cards">`)
	for _, f := range lc.keyFigures(a) {
		card(&b, f.value, f.label)
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<p class="muted small">%s`, esc(lc.T("Active = a purchase within %s. Periods: %s. ⚑ marks n < %d.", analysis.GrainCount(a.Window, a.Grain), lc.T(string(a.Grain)), metric.SmallSample)))
	if !a.LastComplete {
		b.WriteString(" " + esc(lc.T("The last period of the data is not complete; the key figures use the last complete one.")))
	}
	b.WriteString(`</p>`)
	return b.String()
}

func (lc locale) overviewMD(a *analysis.Analysis) string {
	var b strings.Builder
	for _, f := range lc.keyFigures(a) {
		fmt.Fprintf(&b, "- **%s** %s\n", f.value, f.label)
	}
	return b.String()
}

func (lc locale) retentionSeries(rs []metric.Retention) (labels []string, ss []series) {
	id, lo, hi, cl := make([]float64, len(rs)), make([]float64, len(rs)), make([]float64, len(rs)), make([]float64, len(rs))
	for i, r := range rs {
		labels = append(labels, r.Period)
		id[i], lo[i], hi[i], cl[i] = r.IDBased.Value, r.IDBased.Low, r.IDBased.High, r.Classic/100
	}
	return labels, []series{{Name: lc.T("ID-based retention (95% interval band)"), Values: id, Low: lo, High: hi},
		{Name: lc.T("Classic (E−N)/S"), Values: cl, Dashed: true}}
}

func (lc locale) retentionHTML(a *analysis.Analysis) string {
	labels, ss := lc.retentionSeries(a.Retention)
	if n := len(ss[0].Values); n > 0 && !a.LastComplete {
		labels[n-1] += " " + lc.T("(incomplete)")
		ss[0].Pending, ss[1].Pending = 1, 1
	}
	return lineChart(labels, ss, lc.percentAxis) + `<p class="muted small">` + esc(lc.T("Period by period (customers, new, win-back, orders, revenue): see the appendix.")) + `</p>`
}

// retentionTable is the period-by-period retention table, for the appendix.
func (lc locale) retentionTable(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<table>` + lc.th("Period", "Active at start (S)", "Active at end (E)", "New (N)", "Classic %", "ID-based % (95% CI)", "Churn %", "Win-back %", "Orders", "Revenue"))
	for i, r := range a.Retention {
		flag := ""
		if i == len(a.Retention)-1 && !a.LastComplete {
			flag = ` <span class="flag">` + esc(lc.T("(incomplete)")) + `</span>`
		}
		fmt.Fprintf(&b, `<tr><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			r.Period, flag, lc.count(r.Start), lc.count(r.End), lc.count(r.New), lc.pctPoints(r.Classic), lc.interval(r.IDBased), lc.pct(r.Churn.Value), lc.pct(r.WinBack.Value), lc.count(r.Orders), lc.money(r.Revenue))
	}
	b.WriteString(`</table>`)
	return b.String()
}

func (lc locale) retentionMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(lc.mdHead("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|", "Period", "S", "E", "N", "Classic %", "ID-based % (95% CI)", "Churn %", "Win-back %", "Orders", "Revenue"))
	for _, r := range a.Retention {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Period, lc.count(r.Start), lc.count(r.End), lc.count(r.New), lc.pctPoints(r.Classic), lc.interval(r.IDBased), lc.pct(r.Churn.Value), lc.pct(r.WinBack.Value), lc.count(r.Orders), lc.money(r.Revenue))
	}
	return b.String()
}

func (lc locale) cohortsHTML(a *analysis.Analysis) string {
	m := a.Cohorts
	var b strings.Builder
	note := lc.T("Share of each first-purchase cohort that bought again k periods later (bounded). The weighted mean row weights cohorts by size.")
	for _, r := range m.Rows {
		if slices.Contains(r.Incomplete, true) {
			note += " " + lc.T("Cells in the unfinished last period have an orange frame: their share will still rise.")
			break
		}
	}
	b.WriteString(`<p class="muted small">` + esc(note) + `</p>`)
	width := 0
	for _, r := range m.Rows {
		width = max(width, len(r.Bounded))
	}
	show := min(width, 25)
	// A fixed layout fits every column on the page (on screen and in print): no sideways scroll.
	b.WriteString(`<table class="heat"><tr><th>` + esc(lc.T("Cohort")) + `</th><th>` + esc(lc.T("Size")) + `</th>`)
	for k := 0; k < show; k++ {
		fmt.Fprintf(&b, `<th>%d</th>`, k)
	}
	b.WriteString(`</tr>`)
	for _, r := range m.Rows {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td>`, r.Cohort, lc.count(r.Size))
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
			cls := ""
			if r.Incomplete[k] {
				cls = ` class="inc"` // an inset ring: a cell outline is painted over by its neighbours
			}
			fmt.Fprintf(&b, `<td%s style="%s">%.0f</td>`, cls, style, v*100)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`<tr><th>` + esc(lc.T("Weighted mean")) + `</th><th></th>`)
	for k := 0; k < show; k++ {
		if k < len(m.Mean) {
			fmt.Fprintf(&b, `<th>%s</th>`, lc.num(m.Mean[k].Value*100, 1))
		}
	}
	b.WriteString(`</tr></table>`)
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
	b.WriteString(`<h3>` + esc(lc.T("Retention curve (weighted mean over cohorts)")) + `</h3>`)
	b.WriteString(lineChart(labels, []series{{Name: lc.T("bought in period c+k (bounded)"), Values: bounded},
		{Name: lc.T("bought in c+k or later (unbounded)"), Values: unbounded, Dashed: true}}, lc.percentAxis))
	return b.String()
}

func (lc locale) cohortsMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(lc.T("Bounded cohort retention, % of the cohort buying k periods after its first purchase (* = unfinished period).") + "\n\n| " + lc.T("Cohort") + " | " + lc.T("Size") + " |")
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
		fmt.Fprintf(&b, "| %s | %s |", r.Cohort, lc.count(r.Size))
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
	b.WriteString("| **" + lc.T("Weighted mean") + "** | |")
	for k := 0; k < width && k < len(a.Cohorts.Mean); k++ {
		fmt.Fprintf(&b, " %s |", lc.num(a.Cohorts.Mean[k].Value*100, 1))
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

func (lc locale) segmentsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	names, pooled := segmentRows(a)
	vals, lo, hi := make([]float64, len(pooled)), make([]float64, len(pooled)), make([]float64, len(pooled))
	for i, p := range pooled {
		vals[i], lo[i], hi[i] = p.Value, p.Low, p.High
	}
	fmt.Fprintf(&b, `<p>%s</p>`, esc(lc.T("ID-based retention by %s, pooled over all periods, with 95%% intervals; the whole base: %s.", a.By, lc.interval(a.Overall))))
	b.WriteString(barChart(names, vals, lo, hi, lc.pct))
	b.WriteString(`<table>` + lc.th(a.By, "Buyers", "Repeat rate (95% CI)", "Orders/customer", "AOV", "Net revenue", "Historical CLV mean", "median"))
	for i, p := range a.PurchasesBy {
		v := metric.Value{CLVMean: math.NaN()}
		if i < len(a.ValueBy) && a.ValueBy[i].Segment == p.Segment {
			v = a.ValueBy[i]
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			html.EscapeString(p.Segment), lc.count(p.Buyers), lc.interval(p.RepeatRate), lc.num(p.Frequency, 2), lc.money(p.AOV), lc.money(p.NetRevenue), lc.money(v.CLVMean), lc.money(metric.Median(v.CLVQuantiles)))
	}
	b.WriteString(`</table>`)
	return b.String()
}

func (lc locale) segmentsMD(a *analysis.Analysis) string {
	var b strings.Builder
	names, pooled := segmentRows(a)
	b.WriteString(lc.mdHead("|---|--:|", a.By, "ID-based retention (pooled, 95% CI)"))
	for i, n := range names {
		fmt.Fprintf(&b, "| %s | %s |\n", n, lc.interval(pooled[i]))
	}
	b.WriteString("\n" + lc.mdHead("|---|--:|--:|--:|--:|--:|", a.By, "Buyers", "Repeat rate", "Orders/customer", "AOV", "Net revenue"))
	for _, p := range a.PurchasesBy {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", p.Segment, lc.count(p.Buyers), lc.interval(p.RepeatRate), lc.num(p.Frequency, 2), lc.money(p.AOV), lc.money(p.NetRevenue))
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

func (lc locale) valueHTML(a *analysis.Analysis) string {
	var b strings.Builder
	v := a.Value
	b.WriteString(`<table><tr><th>` + esc(lc.T("Per customer")) + `</th><th>` + esc(lc.T("Mean")) + `</th>`)
	for _, p := range metric.ValueProbs {
		fmt.Fprintf(&b, `<th>p%.0f</th>`, p*100)
	}
	b.WriteString(`</tr>`)
	fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td>%s</tr>`, esc(lc.T("Historical CLV (net revenue to date)")), lc.money(v.CLVMean), quantileRow(v.CLVQuantiles, lc.money))
	fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td>%s</tr>`, esc(lc.T("Tenure, days since first purchase")), lc.num(v.TenureMean, 0), quantileRow(v.TenureQuantiles, func(x float64) string { return lc.num(x, 0) }))
	fmt.Fprintf(&b, `</table><p class="muted small">%s</p>`, esc(lc.T("%d customers; mean lifespan (first to last purchase) %.0f days. Net revenue %s, of which refunds %s.",
		v.Customers, v.LifespanMean, lc.moneyC(a.Purchases.NetRevenue, a.Currency), lc.pct(a.Purchases.RefundShare))))
	var labels []string
	for _, p := range metric.ValueProbs {
		labels = append(labels, fmt.Sprintf("p%.0f", p*100))
	}
	b.WriteString(barChart(labels, v.CLVQuantiles, nil, nil, lc.money))
	return b.String()
}

func (lc locale) valueMD(a *analysis.Analysis) string {
	v := a.Value
	var b strings.Builder
	b.WriteString("- " + lc.T("Historical CLV (net revenue to date): mean %s, median %s over %d customers", lc.money(v.CLVMean), lc.money(metric.Median(v.CLVQuantiles)), v.Customers) + "\n")
	b.WriteString("- " + lc.T("Tenure: mean %.0f days since first purchase; lifespan (first to last purchase) %.0f days", v.TenureMean, v.LifespanMean) + "\n")
	b.WriteString("- " + lc.T("Orders per customer %.2f, AOV %s, refunds %s of gross revenue", a.Purchases.Frequency, lc.money(a.Purchases.AOV), lc.pct(a.Purchases.RefundShare)) + "\n")
	return b.String()
}

func (lc locale) subscriptionsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	var labels []string
	logo, nrr, grr := make([]float64, len(a.Subscriptions)), make([]float64, len(a.Subscriptions)), make([]float64, len(a.Subscriptions))
	for i, s := range a.Subscriptions {
		labels = append(labels, s.Period)
		logo[i], nrr[i], grr[i] = s.LogoChurn.Value, s.NRR, s.GRR
	}
	b.WriteString(lineChart(labels, []series{{Name: lc.T("net revenue retention"), Values: nrr}, {Name: lc.T("gross revenue retention"), Values: grr, Dashed: true}, {Name: lc.T("logo churn"), Values: logo}},
		lc.percentAxis))
	b.WriteString(`<p class="muted small">` + esc(lc.T("MRR is compared at the start and end of each period per customer: customers who join and leave within a period are not counted as churned, reactivations count as new MRR.")) + `</p>`)
	return b.String()
}

// subscriptionsTable is the period-by-period MRR table, for the appendix.
func (lc locale) subscriptionsTable(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<table>` + lc.th("Period", "MRR at start", "Logo churn (95% CI)", "Gross MRR churn", "Net MRR churn", "GRR", "NRR", "New MRR", "MRR at end"))
	for _, s := range a.Subscriptions {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			s.Period, lc.money(s.StartMRR), lc.interval(s.LogoChurn), lc.pct(s.GrossMRRChurn), lc.pct(s.NetMRRChurn), lc.pct(s.GRR), lc.pct(s.NRR), lc.money(s.NewMRR), lc.money(s.EndMRR))
	}
	b.WriteString(`</table>`)
	return b.String()
}

func (lc locale) subscriptionsMD(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(lc.mdHead("|---|--:|--:|--:|--:|--:|", "Period", "MRR at start", "Logo churn", "Gross MRR churn", "Net MRR churn", "NRR"))
	for _, s := range a.Subscriptions {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", s.Period, lc.money(s.StartMRR), lc.interval(s.LogoChurn), lc.pct(s.GrossMRRChurn), lc.pct(s.NetMRRChurn), lc.pct(s.NRR))
	}
	return b.String()
}

func (lc locale) definitionsHTML(a *analysis.Analysis) string {
	var b strings.Builder
	b.WriteString(`<dl>`)
	for _, d := range a.Definitions {
		fmt.Fprintf(&b, `<dt><b>%s</b></dt><dd>%s</dd>`, esc(lc.T(d.Name)), esc(lc.defText(d)))
	}
	b.WriteString(`</dl>`)
	return b.String()
}

func (lc locale) definitionsMD(a *analysis.Analysis) string {
	var b strings.Builder
	for _, d := range a.Definitions {
		fmt.Fprintf(&b, "- **%s**: %s\n", lc.T(d.Name), lc.defText(d))
	}
	return b.String()
}

func (lc locale) defText(d analysis.Definition) string {
	if d.Msg.Key != "" {
		return lc.tm(d.Msg)
	}
	return lc.T(d.Text)
}
