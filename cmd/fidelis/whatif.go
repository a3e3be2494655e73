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
	"fidelis/metric"
	"fidelis/report"
	"fidelis/scenario"
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
	churn := fs.String("churn", "", "change of churn in points per month, e.g. -1 (the same as retention +1)")
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
	for _, f := range []struct{ name, v string }{{"retention", *ret}, {"churn", *churn}, {"frequency", *freq}, {"detractors", *det}, {"top-risk", *topRisk}} {
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
	cells, err := st.Activity(ctx, fidelis.Query{Grain: fidelis.Month, By: by})
	if err != nil {
		return err
	}
	var rows []metric.Retention
	for _, r := range metric.Retentions(cells, fidelis.Month) {
		if r.Start > 0 && (by == "" || r.Segment == value) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return fidelis.Errorf(fidelis.EInvalid, "no customers with %s = %q", by, value).WithHint("fidelis metrics --by %s lists the values", by)
	}
	r, active, m := analysis.PooledRetention(rows, a.LastComplete, 6)
	base := scenario.Base{Segment: *seg, Active: active, Retention: r, RevenuePerActive: m, Discount: analysis.MonthlyDiscount, Period: "month"}
	var res scenario.Result
	switch kind {
	case "retention":
		res, err = scenario.Retention(base, delta, months)
	case "churn":
		res, err = scenario.Retention(base, -delta, months)
		res.Question = fmt.Sprintf("churn %+.1f points", delta)
	case "frequency":
		res, err = scenario.Frequency(base, delta, months)
	case "top-risk":
		res, err = topRiskScenario(ctx, e, st, sf.db, a, churnDays, by, value, delta, months)
	case "detractors":
		var f *analysis.Forecast
		if f, err = analysis.ScoresFor(ctx, st, a, by, false, months); err == nil {
			var c scenario.Classes
			if c, err = analysis.NPSClassValues(ctx, st, f, by, value); err == nil {
				if res, err = scenario.Detractors(base, c, -delta, months); err == nil {
					// Say which value the classes carry: the model's CLV only when it passed the gate.
					res.Assumptions = append(res.Assumptions, "value per customer: "+f.ValueBasis().String())
					if !f.Trusted() {
						fmt.Fprintln(e.stderr, f.Selection.Gate.Verdict)
					}
				}
			}
		}
	}
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "whatif: %v", err)
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

// topRiskScenario backtests the churn model and projects "lapses among the top-risk decile change by
// delta percent" on the customers its winner ranks riskiest, each worth what they bring if they
// stay over the horizon.
func topRiskScenario(ctx context.Context, e *env, st fidelis.Store, db string, a *analysis.Analysis, days int, by, value string, delta float64, months int) (scenario.Result, error) {
	f, err := analysis.ScoresFor(ctx, st, a, by, false, months)
	if err != nil {
		return scenario.Result{}, err
	}
	ch, err := churnModel(ctx, e, st, db, churn.Options{HorizonDays: days, Cutoffs: 2, Seed: 1})
	if err != nil {
		return scenario.Result{}, err
	}
	fmt.Fprintf(e.stderr, "Churn model: %s.\n", ch.Basis.Text)
	cs, assumptions := analysis.TopRiskCustomers(f, ch, 0.10, by, value)
	res, err := scenario.TopRisk(cs, delta, months, assumptions)
	if err == nil {
		res.Question = fmt.Sprintf("lapses among the top-risk decile %+.0f%%", delta)
	}
	return res, err
}
