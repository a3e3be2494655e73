package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fidelis"
	"fidelis/analysis"
	"fidelis/churn"
	"fidelis/report"
)

func init() {
	register("whatif", "what a change in retention, churn, purchase frequency or NPS detractors is worth", runWhatIf)
}

// parseHorizon reads 12m, 1y, 18 (months) into months.
func parseHorizon(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "y"):
		mult, s = 12, strings.TrimSuffix(s, "y")
	case strings.HasSuffix(s, "m"):
		s = strings.TrimSuffix(s, "m")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n*mult > 120 {
		return 0, fidelis.Errorf(fidelis.EInvalid, "--horizon %q: want months (12m) or years (1y), up to 10 years", s).WithHint("--horizon 12m")
	}
	return n * mult, nil
}

func runWhatIf(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "whatif", "whatif (--retention +5 | --churn -1 | --frequency +10 | --detractors -10 | --top-risk -20 [--churn-horizon 90d]) [--segment ATTR=VALUE] [--horizon 12m] [--json]")
	var sf storeFlags
	sf.register(fs, "DuckDB store file")
	ret := fs.String("retention", "", "change of ID-based retention in points per month, e.g. +5")
	churnF := fs.String("churn", "", "change of churn in points per month, e.g. -1 (the same as retention +1)")
	freq := fs.String("frequency", "", "change of purchase frequency in percent, e.g. +10")
	det := fs.String("detractors", "", "change of the number of NPS detractors in percent, e.g. -10")
	topRisk := fs.String("top-risk", "", "change of lapses among the top-risk decile in percent, e.g. -20: the churn model is backtested and its winner ranks the customers")
	churnH := fs.String("churn-horizon", "90d", "with --top-risk: the churn model's horizon (a lapse is no purchase within it)")
	seg := fs.String("segment", "", "restrict to customers with ATTR=VALUE, e.g. region=North")
	hz := fs.String("horizon", "12m", "horizon: months (12m) or years (1y)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	given := 0
	var kind, raw string
	for _, f := range []struct{ name, v string }{{"retention", *ret}, {"churn", *churnF}, {"frequency", *freq}, {"detractors", *det}, {"top-risk", *topRisk}} {
		if f.v != "" {
			given++
			kind, raw = f.name, f.v
		}
	}
	if given != 1 {
		return fidelis.Errorf(fidelis.EInvalid, "whatif needs exactly one of --retention, --churn, --frequency, --detractors, --top-risk").
			WithHint("fidelis whatif --retention +5 --horizon 12m")
	}
	delta, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(raw), "%"), 64)
	if err != nil || math.IsNaN(delta) || math.IsInf(delta, 0) {
		return fidelis.Errorf(fidelis.EInvalid, "--%s %q: want a number such as +5 or -1", kind, raw)
	}
	months, err := parseHorizon(*hz)
	if err != nil {
		return err
	}
	churnDays, err := parseDays(*churnH)
	if err != nil {
		return err
	}
	var by, value string
	if *seg != "" {
		k, v, ok := strings.Cut(*seg, "=")
		if !ok || k == "" || v == "" {
			return fidelis.Errorf(fidelis.EInvalid, "--segment %q: want ATTR=VALUE", *seg).WithHint("--segment region=North")
		}
		by, value = fidelis.CleanName(k), v
	}
	st, err := openStore(ctx, e, sf, true)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := analysis.Basics(ctx, st, analysis.Options{Grain: fidelis.Month})
	if err != nil {
		return err
	}
	q := analysis.WhatIf{Lever: kind, Delta: delta, Months: months, By: by, Value: value}
	if kind == "top-risk" {
		if q.Churn, err = churnModel(ctx, e, st, sf.db, churn.Options{HorizonDays: churnDays, Cutoffs: 2, Seed: 1}); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Churn model: %s.\n", q.Churn.Basis.Text)
	}
	res, note, err := analysis.RunWhatIf(ctx, st, a, q)
	if err != nil {
		return err
	}
	if note != "" && kind == "detractors" {
		fmt.Fprintln(e.stderr, note)
	}
	if *asJSON {
		return report.JSON(e.stdout, res)
	}
	where := "all customers"
	if by != "" {
		where = by + " = " + value
	}
	fmt.Fprintf(e.stdout, "What if %s (%s), over %d months:\n\n", res.Question, where, months)
	fmt.Fprintf(e.stdout, "  baseline   %14.2f\n  scenario   %14.2f\n  gain       %+14.2f\n", res.Baseline, res.Scenario, res.Gain)
	fmt.Fprintf(e.stdout, "  value per customer: %.2f → %.2f\n\nAssumptions:\n", res.BaselineCLV, res.ScenarioCLV)
	for _, s := range res.Assumptions {
		fmt.Fprintf(e.stdout, "  - %s\n", s)
	}
	return nil
}
