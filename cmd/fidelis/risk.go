package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parquet-go/parquet-go"

	"fidelis"
	"fidelis/analysis"
	"fidelis/churn"
	"fidelis/internal/csvsafe"
	"fidelis/report"
)

func init() {
	register("risk", "customers ranked by churn risk and value at stake, for a CRM or e-mail tool (CSV, Parquet, JSON)", runRisk)
}

func runRisk(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "risk", "risk [--db PATH] [--out FILE.csv|.parquet|.json] [--top N] [--min-risk R] [--by ATTR]")
	var sf storeFlags
	sf.register(fs, "DuckDB store file")
	db := &sf.db
	out := fs.String("out", "", "write the list to FILE (.csv, .parquet or .json); default: a table on stdout")
	top := fs.Int("top", 0, "keep the N customers with the most value at stake (default: 25 on screen, all in a file)")
	minRisk := fs.Float64("min-risk", 0.5, "keep customers whose churn risk 1 − P(alive) is at least this")
	minAlive := fs.Float64("min-alive", 0.05, "leave out customers whose P(alive) is below this: almost surely gone, a win-back list rather than a retention one")
	by := fs.String("by", "", "add the customer attribute as the segment column")
	churnH := fs.String("churn", "", "backtest the churn model at this horizon (e.g. 90d) and, when its boosted trees, logistic regression or hiatus rule win, use the winner's probability of no purchase in the horizon as the risk (column p_lapse) and say so; asked for, since the backtest takes a while")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *minRisk < 0 || *minRisk > 1 {
		return fidelis.Errorf(fidelis.EInvalid, "--min-risk %v: want a probability between 0 and 1", *minRisk)
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
	f, err := analysis.Scores(ctx, st, a, fidelis.CleanName(*by), true)
	if err != nil {
		return err
	}
	var plapse map[string]float64
	if *churnH != "" {
		if plapse, err = churnRisk(ctx, e, st, *db, *churnH); err != nil {
			return err
		}
	}
	n := *top
	if n <= 0 && *out == "" {
		n = 25
	}
	rows := analysis.RiskRows(f, plapse, analysis.RiskOptions{MinRisk: *minRisk, MinAlive: *minAlive, Top: n})
	var total float64
	for _, r := range rows {
		total += r.AtStake
	}
	switch {
	case !f.Trusted() && plapse != nil:
		fmt.Fprintf(e.stderr, "%s\n%d customers with churn risk ≥ %.0f%% by the churn model, %.2f value at stake (revenue per year since the first purchase for %d months × risk: no purchase model passed the holdout check)\n",
			f.Selection.Gate.Verdict, len(rows), *minRisk*100, total, analysis.CLVMonths)
	case f.Trusted():
		fmt.Fprintf(e.stderr, "%s passed the holdout check. %d customers with churn risk ≥ %.0f%% and P(alive) ≥ %.0f%%, %.2f value at stake (%d-month predicted value if they stay, discounted %.0f%%/month)\n",
			analysis.ModelNames[f.Fit.Model], len(rows), *minRisk*100, *minAlive*100, total, analysis.CLVMonths, analysis.MonthlyDiscount*100)
		if plapse == nil && *churnH == "" {
			fmt.Fprintln(e.stderr, "Risk is 1 − P(alive). To rank by the churn model's backtest winner instead: fidelis risk --churn 90d")
		}
	default:
		fmt.Fprintf(e.stderr, "%s\nNo churn-risk score: %d customers lapsed by their last purchase (none in the last %.0f days), ranked by revenue per year since their first purchase; p_alive, predicted_clv and value_at_stake are empty (--min-risk and --min-alive need a model).\n",
			f.Selection.Gate.Verdict, len(rows), f.WindowDays)
		for _, c := range f.Selection.Gate.Candidates {
			fmt.Fprintf(e.stderr, "  %s: %s\n", analysis.ModelNames[c.Model], strings.Join(c.Failures, "; "))
		}
	}
	switch ext := strings.ToLower(filepath.Ext(*out)); {
	case *out == "":
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
		if !f.Trusted() && plapse != nil {
			fmt.Fprintln(tw, "rank\tcustomer\tsegment\trisk\tdays since last\trevenue to date\trevenue per year\tvalue at stake\t")
			for _, r := range rows {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%.0f\t%.2f\t%.2f\t%.2f\t\n", r.Rank, r.Customer, r.Segment, r.PLapse, r.DaysSince, r.Revenue, r.Yearly, r.AtStake)
			}
			return tw.Flush()
		}
		if !f.Trusted() {
			fmt.Fprintln(tw, "rank\tcustomer\tsegment\tstatus\tdays since last\trevenue to date\trevenue per year\t")
			for _, r := range rows {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t\n", r.Rank, r.Customer, r.Segment, r.Status, r.DaysSince, r.Revenue, r.Yearly)
			}
			return tw.Flush()
		}
		if plapse != nil {
			fmt.Fprintln(tw, "rank\tcustomer\tsegment\trisk\tP(alive)\tdays since last\trevenue to date\tpredicted CLV\tvalue at stake\t")
			for _, r := range rows {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%.2f\t%.0f\t%.2f\t%.2f\t%.2f\t\n", r.Rank, r.Customer, r.Segment, r.PLapse, r.PAlive, r.DaysSince, r.Revenue, r.CLV, r.AtStake)
			}
			return tw.Flush()
		}
		fmt.Fprintln(tw, "rank\tcustomer\tsegment\tP(alive)\tchange\tdays since last\trevenue to date\tpredicted CLV\tvalue at stake\t")
		for _, r := range rows {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t\n", r.Rank, r.Customer, r.Segment, r.PAlive, signed(r.Change), r.DaysSince, r.Revenue, r.CLV, r.AtStake)
		}
		return tw.Flush()
	case ext == ".parquet":
		return writeAtomic(*out, func(f *os.File) error { return parquet.Write(f, rows) })
	case ext == ".json":
		return writeAtomic(*out, func(f *os.File) error { return report.JSON(f, rows) })
	case ext == ".csv":
		return writeAtomic(*out, func(f *os.File) error { return writeRiskCSV(f, rows) })
	default:
		return fidelis.Errorf(fidelis.EInvalid, "--out %s: want a .csv, .parquet or .json file", *out)
	}
}

// churnRisk runs the churn model for risk --churn and says which method ranks the customers and
// why: the winner's probability per customer when the boosted trees, the regression or the hiatus
// rule win the backtest; nil (P(alive) stays the risk) when a customer-base model wins.
func churnRisk(ctx context.Context, e *env, st fidelis.Store, db, horizon string) (map[string]float64, error) {
	days, err := parseDays(horizon)
	if err != nil {
		return nil, err
	}
	ch, err := churnModel(ctx, e, st, db, churn.Options{HorizonDays: days, Cutoffs: 2, Seed: 1})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "Churn model: %s.\n", ch.Basis.Text)
	for _, n := range ch.Scoring.Notes {
		fmt.Fprintf(e.stderr, "Churn model: %s.\n", n)
	}
	return ch.Risk(), nil
}

func signed(v float64) string {
	if math.IsNaN(v) {
		return "new"
	}
	return fmt.Sprintf("%+.2f", v)
}

func writeRiskCSV(f *os.File, rows []analysis.RiskRow) error {
	w := csvsafe.NewWriter(bufio.NewWriter(f))
	w.Write([]string{"rank", "customer_id", "segment", "p_alive", "p_alive_before", "p_alive_change", "days_since_last_purchase",
		"repeat_purchase_days", "revenue_to_date", "predicted_clv", "value_at_stake", "revenue_per_year", "status", "p_lapse"})
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	for _, r := range rows {
		w.Write([]string{strconv.Itoa(r.Rank), r.Customer, r.Segment, num(r.PAlive), num(r.PAliveBefore), num(r.Change), num(r.DaysSince),
			num(r.Repeats), num(r.Revenue), num(r.CLV), num(r.AtStake), num(r.Yearly), r.Status, num(r.PLapse)})
	}
	w.Flush()
	return w.Error()
}

// writeAtomic writes a file through a temporary one, so that a failure leaves no half file.
func writeAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fidelis-*")
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
