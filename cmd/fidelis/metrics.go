package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"fidelis/analysis"
	"fidelis/metric"
	"fidelis/report"
)

func init() {
	register("metrics", "retention (classic and ID-based), churn, win-back, repeat rate, frequency, AOV, CLV, tenure", runMetrics)
}

func runMetrics(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "metrics", "metrics [--db PATH] [--grain month] [--from DATE] [--to DATE] [--by ATTR] [--window N] [--json]")
	f.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := runAnalysis(ctx, e, &f, "lifetime")
	if err != nil {
		return err
	}
	if f.json {
		a.Cohorts = nil // fidelis cohorts prints those
		return report.JSON(e.stdout, a)
	}
	printMetrics(e.stdout, a)
	return nil
}

func pctS(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f", v*100)
}

func ci(p metric.Proportion) string {
	if math.IsNaN(p.Value) {
		return "–"
	}
	s := fmt.Sprintf("%.1f [%.1f–%.1f]", p.Value*100, p.Low*100, p.High*100)
	if p.Small {
		s += " small n"
	}
	return s
}

func printRetention(w io.Writer, rs []metric.Retention, lastComplete bool) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tS\tE\tN\tclassic %\tID-based % [95% CI]\tchurn %\twin-back %\torders\trevenue\t")
	for i, r := range rs {
		p := r.Period
		if i == len(rs)-1 && !lastComplete {
			p += " (incomplete)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%.2f\t\n", p, r.Start, r.End, r.New, pctS(r.Classic/100), ci(r.IDBased), pctS(r.Churn.Value), pctS(r.WinBack.Value), r.Orders, r.Revenue)
	}
	tw.Flush()
}

func printMetrics(w io.Writer, a *analysis.Analysis) {
	printQuality(w, a)
	fmt.Fprintf(w, "Retention by %s. Active = a purchase within %d %s(s). S active in the previous period, E in this one, N new.\n", a.Grain, a.Window, a.Grain)
	fmt.Fprintln(w, "classic = (E−N)/S×100; ID-based = customers active in both ÷ S (churn = 100 − ID-based); 95% Wilson intervals.")
	fmt.Fprintln(w)
	printRetention(w, a.Retention, a.LastComplete)
	fmt.Fprintf(w, "\npooled ID-based retention over all periods: %s %%\n", ci(a.Overall))
	if a.By != "" {
		segs, rows := a.RetentionBySegment()
		for _, s := range segs {
			fmt.Fprintf(w, "\n%s = %s (pooled ID-based retention %s %%)\n", a.By, s, ci(metric.Pool(rows[s])))
			printRetention(w, rows[s], a.LastComplete)
		}
	}
	fmt.Fprintln(w, "\nPurchases in the window")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "segment\tbuyers\torders\trepeat rate % [95% CI]\torders/customer\tAOV\tnet revenue\trevenue/customer\trefunds %\t")
	rows := append([]metric.Purchases{a.Purchases}, a.PurchasesBy...)
	rows[0].Segment = "all"
	for _, p := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t\n", p.Segment, p.Buyers, p.Orders, ci(p.RepeatRate), p.Frequency, p.AOV, p.NetRevenue, p.RevenuePerCustomer, pctS(p.RefundShare))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nCustomer value (historical CLV = net revenue to date) and tenure")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "segment\tcustomers\tCLV mean\tCLV median\tCLV p90\ttenure days mean\tlifespan days mean\t")
	vals := append([]metric.Value{a.Value}, a.ValueBy...)
	vals[0].Segment = "all"
	for _, v := range vals {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t\n", v.Segment, v.Customers, v.CLVMean, metric.Median(v.CLVQuantiles), quantile(v.CLVQuantiles, 0.9), v.TenureMean, v.LifespanMean)
	}
	tw.Flush()
	if l := analysis.Section[analysis.Lifetime](a, "lifetime"); l != nil {
		fmt.Fprintf(w, "\nCustomer lifetime (Kaplan-Meier; a lapse is %d days without a purchase; still-active customers censored)\n", l.WindowDays)
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
		head := "segment\tcustomers\tlapsed\tmedian days [95% CI]\t"
		for _, m := range l.Milestones {
			head += fmt.Sprintf("active at %dd %%\t", m)
		}
		fmt.Fprintln(tw, head)
		curves := append([]metric.Survival{l.Overall}, l.BySegment...)
		curves[0].Segment = "all"
		for _, c := range curves {
			line := fmt.Sprintf("%s\t%d\t%d\t%s\t", c.Segment, c.Customers, c.Lapsed, medianText(c))
			for _, m := range l.Milestones {
				v, lo, hi := c.At(m)
				if math.IsNaN(v) {
					line += fmt.Sprintf("not estimable (followed up to %dd)\t", c.FollowUp())
					continue
				}
				line += fmt.Sprintf("%.1f [%.1f–%.1f]\t", v*100, lo*100, hi*100)
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
	}
	if len(a.Subscriptions) > 0 {
		fmt.Fprintln(w, "\nSubscriptions (MRR compared at the start and end of each period)")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "period\tMRR start\tlogo churn % [95% CI]\tgross MRR churn %\tnet MRR churn %\tGRR %\tNRR %\tMRR end\t")
		for _, s := range a.Subscriptions {
			fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%.2f\t\n", s.Period, s.StartMRR, ci(s.LogoChurn), pctS(s.GrossMRRChurn), pctS(s.NetMRRChurn), pctS(s.GRR), pctS(s.NRR), s.EndMRR)
		}
		tw.Flush()
	}
}

func quantile(q []float64, p float64) float64 {
	for i, x := range metric.ValueProbs {
		if x == p && i < len(q) {
			return q[i]
		}
	}
	return math.NaN()
}

func medianText(c metric.Survival) string {
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "not reached"
		}
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%s [%s–%s]", f(c.Median), f(c.MedianLow), f(c.MedianHigh))
}

// printQuality states, before any figure, what in the store could mislead them (see
// analysis.DataQuality), with the orders and net revenue per currency when they mix currencies.
func printQuality(w io.Writer, a *analysis.Analysis) {
	if a.Quality == nil || len(a.Quality.Messages) == 0 {
		return
	}
	for _, m := range a.Quality.Messages {
		fmt.Fprintf(w, "Data quality: %s\n", m)
	}
	if a.Quality.Mixed {
		for _, c := range a.Quality.Currencies {
			code := c.Code
			if code == "" {
				code = "(none)"
			}
			fmt.Fprintf(w, "  %-6s %8d orders, net revenue %.2f\n", code, c.Orders, c.Revenue)
		}
	}
	fmt.Fprintln(w)
}
