package main

import (
	"context"
	"fmt"
	"io"
	"math"

	"fidelis"
	"fidelis/analysis"
	"fidelis/insight"
	"fidelis/report"
)

func init() {
	register("targets", "progress towards your targets (goals file): current value, trend projection, gap in customers and revenue", runTargets)
}

func runTargets(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "targets", "targets --goals FILE [--db PATH] [--grain month] [--by ATTR] [--industry X] [--benchmarks FILE] [--json]")
	f.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.insight.goals == "" {
		return fidelis.Errorf(fidelis.EInvalid, "--goals FILE is required").
			WithHint("echo 'retention: 85%% by 2026-12-31' > goals.txt; fidelis targets --goals goals.txt")
	}
	a, err := runAnalysis(ctx, e, &f, "insight")
	if err != nil {
		return err
	}
	r := analysis.Section[insight.Report](a, "insight")
	if r == nil {
		return fidelis.Errorf(fidelis.EInternal, "the analysis produced no insight section")
	}
	if f.json {
		return report.JSON(e.stdout, r.Targets)
	}
	printTargets(e.stdout, r.Targets)
	return nil
}

func printTargets(w io.Writer, ts []insight.Target) {
	for _, t := range ts {
		fmt.Fprintf(w, "%-20s %-18s %s\n", t.Goal.Metric, t.Status, progressBar(t.Progress))
		fmt.Fprintf(w, "  %s\n", t.Evidence)
	}
	fmt.Fprintln(w, "\nProjection: ordinary least squares on the last 6 complete periods, evaluated at the target date.")
	fmt.Fprintln(w, "Gap in customers = gap ÷ 100 × customers the rate applies to (NPS: detractors to turn into promoters); revenue = × yearly revenue per active customer.")
}

func progressBar(p float64) string {
	if math.IsNaN(p) {
		return ""
	}
	n := int(math.Round(20 * math.Max(0, math.Min(1, p))))
	s := "["
	for i := 0; i < 20; i++ {
		if i < n {
			s += "#"
		} else {
			s += "."
		}
	}
	return s + fmt.Sprintf("] %.0f%%", 100*p)
}
