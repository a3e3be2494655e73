package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"fidelis"
	"fidelis/analysis"
	"fidelis/report"
)

func init() {
	registerSection("advocacy", "referrals, k-factor, referral revenue, advocacy scores and likely advocates (with backtest)", fidelis.Referrals, printAdvocacy)
}

// runSection runs one registered analysis section for a command and returns it, or an error with
// a hint when the store holds nothing for it.
func runSection[T any](ctx context.Context, e *env, args []string, name, synopsis string, kind fidelis.Kind) (*T, *analysisFlags, error) {
	var f analysisFlags
	fs := newFlags(e, name, synopsis)
	f.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return nil, nil, err
	}
	o, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, e, f.storeFlags, true)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	a, err := analysis.RunSection(ctx, st, o, name)
	if err != nil {
		return nil, nil, err
	}
	v := analysis.Section[T](a, name)
	if v == nil {
		return nil, nil, fidelis.Errorf(fidelis.EInvalid, "the store has no %s records", kind).
			WithHint("fidelis import %s FILE --db %s", kind, f.db)
	}
	return v, &f, nil
}

const sectionSynopsis = " [--db PATH] [--grain month] [--from DATE] [--to DATE] [--by ATTR] [--json]"

// registerSection registers a command that computes one analysis section and prints it as a
// table, or as JSON with --json.
func registerSection[T any](name, summary string, kind fidelis.Kind, print func(io.Writer, *T)) {
	register(name, summary, func(ctx context.Context, e *env, args []string) error {
		v, f, err := runSection[T](ctx, e, args, name, name+sectionSynopsis, kind)
		if err != nil {
			return err
		}
		if f.json {
			return report.JSON(e.stdout, v)
		}
		print(e.stdout, v)
		return nil
	})
}

func num2(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", v)
}

func printAdvocacy(w io.Writer, v *analysis.Advocacy) {
	fmt.Fprintln(w, "Referrals by period. referrer share = customers who referred ÷ active customers; conversion = converted ÷ referrals;")
	fmt.Fprintln(w, "k-factor = referrals per active customer × conversion; 95% Wilson intervals.")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\treferrals\treferrers\tactive\treferrer share % [95% CI]\tconversion % [95% CI]\tk-factor\tdays to convert\tfirst-order revenue\t")
	rows := append(v.Referrals, v.Total)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%.2f\t\n", r.Period, r.Invites, r.Referrers, r.Active, ci(r.ReferrerShare), ci(r.Conversion), fmt.Sprintf("%.4f", r.KFactor), num2(r.DaysToConvert), r.FirstOrderRevenue)
	}
	tw.Flush()
	if len(v.ReferralsBy) > 0 {
		fmt.Fprintln(w, "\nBy segment (pooled over the periods; shares are customer-period shares)")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "segment\treferrals\tconverted\treferrer share % [95% CI]\tconversion % [95% CI]\tk-factor\t")
		for _, r := range v.ReferralsBy {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%.4f\t\n", r.Segment, r.Invites, r.Converted, ci(r.ReferrerShare), ci(r.Conversion), r.KFactor)
		}
		tw.Flush()
	}
	rv := v.Revenue
	fmt.Fprintf(w, "\nRevenue from referred customers in the window: %.2f of %.2f (%s %%), first orders %.2f; %d referred customers (%s %% of buyers)\n",
		rv.Revenue, rv.AllRevenue, pctS(rv.Share), rv.FirstOrders, rv.Referred, ci(rv.CustomerShare))
	for _, r := range v.RevenueBy {
		fmt.Fprintf(w, "  %s: %.2f of %.2f (%s %%), %d referred customers\n", r.Segment, r.Revenue, r.AllRevenue, pctS(r.Share), r.Referred)
	}
	fmt.Fprintf(w, "\n%s\nAdvocates: %d of %d customers (%s %%)\n", v.ScoreNote, v.Advocates.K, v.Customers, ci(v.Advocates))
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "top advocate\tscore\treferrals\tconverted\tNPS\t")
	for _, a := range v.Top[:min(10, len(v.Top))] {
		fmt.Fprintf(tw, "%s\t%.0f\t%d\t%d\t%s\t\n", a.Customer, a.Score, a.Referrals, a.Converted, num2(a.NPS))
	}
	tw.Flush()
	b := v.Backtest
	fmt.Fprintf(w, "\n%s\n", v.ModelNote)
	fmt.Fprintf(w, "Backtest: train cut-off %s (%d customers, %d referred in the next %d days), test cut-off %s (%d customers, %d positives)\n",
		date(b.TrainCutoff), b.TrainN, b.TrainPositives, b.HorizonDays, date(b.TestCutoff), b.TestN, b.TestPositives)
	fmt.Fprintf(w, "  AUC %s, top-decile lift %s (advocacy score alone: AUC %s)\n", num2(b.AUC), num2(b.TopDecileLift), num2(b.ScoreAUC))
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "likely advocate\tP(referral in 180 days)\tscore\treasons\t")
	for _, a := range v.Likely[:min(10, len(v.Likely))] {
		fmt.Fprintf(tw, "%s\t%.3f\t%.0f\t%s\t\n", a.Customer, a.Probability, a.Score, strings.Join(a.Reasons, "; "))
	}
	tw.Flush()
}
