package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/churn"
	"fidelis/internal/csvsafe"
	"fidelis/internal/nanjson"
	"fidelis/report"
)

func init() {
	register("churn", "who will not buy again in the next H days: boosted trees backtested against P(alive) and the hiatus rule, then every customer scored", runChurn)
}

// parseDays reads a horizon in days: 90d, 90, 13w, 3m (30-day months) or 1y (365 days).
func parseDays(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "d"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "w"):
		s, mult = s[:len(s)-1], 7
	case strings.HasSuffix(s, "m"):
		s, mult = s[:len(s)-1], 30
	case strings.HasSuffix(s, "y"):
		s, mult = s[:len(s)-1], 365
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n*mult > 3650 {
		return 0, fidelis.Errorf(fidelis.EInvalid, "--horizon %q: want a positive number of days (90d), weeks (13w), months (3m) or years (1y), at most 10 years", s).
			WithHint("fidelis churn --horizon 90d")
	}
	return n * mult, nil
}

func runChurn(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "churn", "churn [--db PATH] [--horizon 90d] [--cutoffs N] [--lang en|pl|ro|lv] [--json] [--out scores.csv]")
	var sf storeFlags
	sf.register(fs, "DuckDB store file")
	db := &sf.db
	hz := fs.String("horizon", "90d", "outcome window after each cut-off: 30d, 60d, 90d, 180d ...")
	cutoffs := fs.Int("cutoffs", 4, "rolling cut-offs of the backtest, spaced one horizon apart, the last one horizon before the end of the data")
	asJSON := fs.Bool("json", false, "print the backtest and the final model as JSON")
	out := fs.String("out", "", "write every customer's score and top reasons to FILE.csv")
	top := fs.Int("top", 10, "customers shown with their reasons on screen")
	seed := fs.Uint64("seed", 1, "seed of the training split, the trees' subsampling and the bootstrap")
	trainRows := fs.Int("train-rows", churn.DefaultTrainRows, "most customers each model trains on: above it, a sample stratified by outcome (0: every customer)")
	langF := fs.String("lang", "en", "language of the reasons and feature labels on screen and in --out: en, pl, ro or lv")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	days, err := parseDays(*hz)
	if err != nil {
		return err
	}
	lang, err := report.ParseLang(*langF)
	if err != nil {
		return err
	}
	if *trainRows < 0 || (*trainRows > 0 && *trainRows < 1000) {
		return fidelis.Errorf(fidelis.EInvalid, "--train-rows %d: want 0 (every customer) or at least 1000", *trainRows)
	}
	if *trainRows == 0 {
		*trainRows = -1 // churn.Options: negative trains on every customer
	}
	if *cutoffs < 1 || *cutoffs > 24 {
		return fidelis.Errorf(fidelis.EInvalid, "--cutoffs %d: want 1 to 24", *cutoffs)
	}
	if *out != "" && strings.ToLower(filepath.Ext(*out)) != ".csv" {
		return fidelis.Errorf(fidelis.EInvalid, "--out %s: want a .csv file", *out)
	}
	st, err := openStore(ctx, e, sf, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ch, err := churnModel(ctx, e, st, *db, churn.Options{HorizonDays: days, Cutoffs: *cutoffs, Seed: *seed, TrainRows: *trainRows})
	if err != nil {
		return err
	}
	bt, sc := ch.Backtest, ch.Scoring
	if *out != "" {
		if err := writeAtomic(*out, func(f *os.File) error { return writeChurnCSV(f, sc, lang) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%d customers scored as of %s, written to %s\n", len(sc.Customers), sc.AsOf.Format(time.DateOnly), *out)
	}
	if *asJSON {
		// The backtest's fields at the top level (winner, pooled, cutoffs), the final model beside them.
		out, _ := nanjson.Value(bt).(map[string]any)
		out["scoring"] = nanjson.Value(sc)
		out["scored_customers"] = len(sc.Customers)
		out["risk_basis"] = nanjson.Value(ch.Basis)
		return report.JSON(e.stdout, out)
	}
	printChurn(e, ch, *top, lang)
	return nil
}

// churnModel backtests the churn model on the store and scores every customer with the winner.
func churnModel(ctx context.Context, e *env, st fidelis.Store, db string, o churn.Options) (*analysis.Churn, error) {
	first, last, err := st.Span(ctx)
	if err != nil {
		return nil, err
	}
	if last.IsZero() {
		return nil, fidelis.Errorf(fidelis.EInvalid, "the store at %s has no orders", db).WithHint("fidelis import orders FILE --db %s", db)
	}
	if isTerminal(e.stderr) {
		o.Progress = func(msg string) { fmt.Fprintln(e.stderr, "churn: "+msg) }
	}
	return analysis.ChurnModel(ctx, st, first, last.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1), o)
}

var methodNames = map[string]string{
	churn.MethodGBDT: "boosted trees", churn.MethodLogistic: "logistic regression",
	churn.MethodBGNBD: "BG/NBD P(alive)", churn.MethodPareto: "Pareto/NBD P(alive)", churn.MethodHiatus: "hiatus rule",
}

func printChurn(e *env, ch *analysis.Churn, top int, lang string) {
	bt, sc := ch.Backtest, ch.Scoring
	w := e.stdout
	fmt.Fprintf(w, "Backtest: who makes no purchase in the %d days after a cut-off (%d cut-off(s), %d test rows: customers × cut-offs)\n\n",
		bt.HorizonDays, len(bt.Cutoffs), pooledN(bt))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tAUC\t95% interval\tBrier\tECE\tlift top 10%\tlapsers' revenue in top 10%\t")
	for _, m := range churn.Methods {
		s := bt.Pooled[m]
		if s.Missing != "" {
			fmt.Fprintf(tw, "%s\t—\t\t\t\t\tmissing\t\n", methodNames[m])
			continue
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f–%.3f\t%.3f\t%.3f\t%.2f×\t%.0f%%\t\n", methodNames[m], s.AUC, s.AUCLow, s.AUCHigh, s.Brier, s.ECE, s.LiftTop10, s.RevenueTop10*100)
	}
	tw.Flush()
	for _, m := range churn.Methods {
		if s := bt.Pooled[m]; s.Missing != "" {
			fmt.Fprintf(w, "%s missing: %s.\n", methodNames[m], s.Missing)
		}
	}
	fmt.Fprintln(w, "\nAUC by cut-off (lapse rate):")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "cut-off\tcustomers\tlapsed\t")
	for _, m := range churn.Methods {
		fmt.Fprintf(tw, "%s\t", m)
	}
	fmt.Fprintln(tw)
	for _, c := range bt.Cutoffs {
		fmt.Fprintf(tw, "%s\t%d\t%.0f%%\t", c.AsOf.Format(time.DateOnly), c.Test, c.LapseRate*100)
		for _, m := range churn.Methods {
			fmt.Fprintf(tw, "%s\t", num3(c.Methods[m].AUC))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nWinner: %s, pooled AUC %.3f, %+.3f over %s (95%% interval %+.3f to %+.3f).\n",
		methodNames[bt.Winner], bt.Pooled[bt.Winner].AUC, bt.Margin, methodNames[bt.RunnerUp], bt.MarginLow, bt.MarginHigh)
	for _, n := range bt.Notes {
		fmt.Fprintln(w, "Note: "+n+".")
	}
	for _, n := range sc.Notes {
		fmt.Fprintln(w, "Note: "+n+".")
	}
	fmt.Fprintln(w, report.Text(lang, ch.Basis.Msg)+".")
	fmt.Fprintln(w, "\nWhat drives the trees' risk (share of split gain):")
	for _, im := range sc.Importance[:min(8, len(sc.Importance))] {
		if im.Share > 0 {
			fmt.Fprintf(w, "  %-48s %5.1f%%\n", report.Text(lang, im.Msg), im.Share*100)
		}
	}
	cust := slices.Clone(sc.Customers)
	analysis.SortByRisk(cust)
	fmt.Fprintf(w, "\nHighest risk of no purchase in the next %d days, as of %s (%s):\n", bt.HorizonDays, sc.AsOf.Format(time.DateOnly), methodNames[sc.Method])
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "customer\trisk\tdays since last\trevenue to date\ttop reasons (the trees')\t")
	for _, c := range cust[:min(top, len(cust))] {
		fmt.Fprintf(tw, "%s\t%.0f%%\t%.0f\t%.2f\t%s\t\n", c.Customer, c.Risk*100, c.Recency, c.Revenue, reasonText(c.Reasons, lang))
	}
	tw.Flush()
}

func pooledN(bt *churn.Backtest) int {
	n := 0
	for _, c := range bt.Cutoffs {
		n += c.Test
	}
	return n
}

func num3(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// reasonText lists reasons as "label = value" in the language.
func reasonText(rs []churn.Reason, lang string) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, report.ReasonText(lang, r))
	}
	return strings.Join(parts, "; ")
}

func writeChurnCSV(f *os.File, sc *churn.Scoring, lang string) error {
	w := csvsafe.NewWriter(bufio.NewWriter(f)) // ids and reasons may read as formulas
	head := []string{"customer_id", "risk", "method", "p_lapse_gbdt", "p_lapse_logistic", "p_alive_bgnbd", "p_alive_paretonbd",
		"hiatus_lapsed", "days_since_last_purchase", "revenue_to_date"}
	for k := 1; k <= 3; k++ {
		head = append(head, fmt.Sprintf("reason_%d", k), fmt.Sprintf("reason_%d_label", k), fmt.Sprintf("reason_%d_value", k), fmt.Sprintf("reason_%d_contribution", k))
	}
	w.Write(head)
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	for _, c := range sc.Customers {
		rec := []string{c.Customer, num(c.Risk), sc.Method, num(c.GBDT), num(c.Logistic), num(c.PAlive), num(c.Pareto),
			strconv.FormatBool(c.Hiatus), num(c.Recency), num(c.Revenue)}
		for k := range 3 {
			if k < len(c.Reasons) {
				r := c.Reasons[k]
				rec = append(rec, r.Feature, report.Text(lang, r.Msg), num(r.Value), num(r.Contribution))
			} else {
				rec = append(rec, "", "", "", "")
			}
		}
		w.Write(rec)
	}
	w.Flush()
	return w.Error()
}
