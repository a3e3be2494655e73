package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fidelis"
	"fidelis/analysis"
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

// pooledSince pools ID-based retention over the last n complete periods and returns it with the
// active customers at the end of the last complete period and net revenue per active customer per
// period over those periods.
func pooledSince(rows []metric.Retention, lastComplete bool, n int) (r, active, revPerActive float64) {
	if !lastComplete && len(rows) > 0 {
		rows = rows[:len(rows)-1]
	}
	if len(rows) > n {
		rows = rows[len(rows)-n:]
	}
	if len(rows) == 0 {
		return math.NaN(), 0, math.NaN()
	}
	var rev, act float64
	for _, x := range rows {
		rev += x.Revenue
		act += float64(x.End)
	}
	return metric.Pool(rows).Value, float64(rows[len(rows)-1].End), rev / act
}

func runWhatIf(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "whatif", "whatif (--retention +5 | --churn -1 | --frequency +10 | --detractors -10) [--segment ATTR=VALUE] [--horizon 12m] [--json]")
	db := fs.String("db", defaultDB, "DuckDB store file")
	ret := fs.String("retention", "", "change of ID-based retention in points per month, e.g. +5")
	churn := fs.String("churn", "", "change of churn in points per month, e.g. -1 (the same as retention +1)")
	freq := fs.String("frequency", "", "change of purchase frequency in percent, e.g. +10")
	det := fs.String("detractors", "", "change of the number of NPS detractors in percent, e.g. -10")
	seg := fs.String("segment", "", "restrict to customers with ATTR=VALUE, e.g. region=North")
	hz := fs.String("horizon", "12m", "horizon: months (12m) or years (1y)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	given := 0
	var kind, raw string
	for _, f := range []struct{ name, v string }{{"retention", *ret}, {"churn", *churn}, {"frequency", *freq}, {"detractors", *det}} {
		if f.v != "" {
			given++
			kind, raw = f.name, f.v
		}
	}
	if given != 1 {
		return fidelis.Errorf(fidelis.EInvalid, "whatif needs exactly one of --retention, --churn, --frequency, --detractors").
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
	var by, value string
	if *seg != "" {
		k, v, ok := strings.Cut(*seg, "=")
		if !ok || k == "" || v == "" {
			return fidelis.Errorf(fidelis.EInvalid, "--segment %q: want ATTR=VALUE", *seg).WithHint("--segment region=North")
		}
		by, value = fidelis.CleanName(k), v
	}
	st, err := openStore(ctx, *db, true)
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
	r, active, m := pooledSince(rows, a.LastComplete, 6)
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
	case "detractors":
		var c scenario.Classes
		if c, err = npsClasses(ctx, st, a, by, value, months); err == nil {
			res, err = scenario.Detractors(base, c, -delta, months)
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

// npsClasses joins each respondent's latest NPS answer with the model's predicted value.
func npsClasses(ctx context.Context, st fidelis.Store, a *analysis.Analysis, by, value string, months int) (scenario.Classes, error) {
	var c scenario.Classes
	as, ok := st.(fidelis.AnswerStore)
	ms, ok2 := st.(fidelis.ModelStore)
	if !ok || !ok2 {
		return c, fmt.Errorf("this store cannot join survey answers with the model")
	}
	class := map[string]float64{}
	if err := as.LatestAnswers(ctx, "nps", func(cust string, s float64, _ string) error {
		class[cust] = s
		return nil
	}); err != nil {
		return c, err
	}
	f, err := analysis.ScoresFor(ctx, ms, a, by, false, months)
	if err != nil {
		return c, err
	}
	for _, s := range f.Scores {
		score, ok := class[s.Customer]
		if !ok || (by != "" && s.Segment != value) {
			continue
		}
		switch {
		case score <= 6:
			c.Detractors++
			c.DetractorCLV += s.CLV
		case score <= 8:
			c.Passives++
			c.PassiveCLV += s.CLV
		}
	}
	if c.Detractors > 0 {
		c.DetractorCLV /= c.Detractors
	}
	if c.Passives > 0 {
		c.PassiveCLV /= c.Passives
	}
	return c, nil
}
