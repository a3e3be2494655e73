package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"fidelis"
	"fidelis/analysis"
	"fidelis/btyd"
	"fidelis/internal/csvsafe"
)

func init() {
	register("predict", "per-customer P(alive), expected purchases, expected spend and CLV", runPredict)
}

func runPredict(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "predict", "predict --model bgnbd|mbgnbd|paretonbd (--input FILE | --transactions FILE --calibration-end DATE) [--horizon N] [--period-length L] [--discount D] [--margin M] [--pn 0..5] --out FILE.csv|.json")
	var src sourceFlags
	src.register(fs)
	model := fs.String("model", "bgnbd", "transaction model: bgnbd, mbgnbd or paretonbd")
	horizon := fs.Int("horizon", analysis.CLVMonths, "number of future periods for expected purchases and CLV (default: 12 months, as the report)")
	plen := fs.Float64("period-length", 0, "length of one period in the data's time units (default: one month in --time-unit: 4.348125 weeks, 30.436875 days)")
	disc := fs.Float64("discount", analysis.MonthlyDiscount, "discount rate per period (default 0.01: 1% a month, as the report)")
	pn := fs.String("pn", "", "also write P(n purchases in the horizon) for these n: a range 0..5 or a list 0,1,2")
	margin := fs.Float64("margin", 1, "profit margin applied to spend (1 = revenue)")
	out := fs.String("out", "", "output file: .csv or .json (- for CSV on stdout)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fidelis.Errorf(fidelis.EInvalid, "predict: unexpected argument %q", pos[0])
	}
	if err := src.check("predict"); err != nil {
		return err
	}
	if *out == "" {
		return fidelis.Errorf(fidelis.EInvalid, "predict: --out FILE.csv or FILE.json is required").WithHint("fidelis predict --model bgnbd --input customers.csv --out predictions.csv")
	}
	unitDays, err := src.modelUnitDays()
	if err != nil {
		return err
	}
	month := 365.25 / 12 / unitDays // one month in model time units
	if *plen == 0 {
		*plen = month
	}
	ns, err := parsePN(*pn)
	if err != nil {
		return err
	}
	if *horizon <= 0 || !(*plen > 0) || *disc < 0 || !(*margin > 0) {
		return fidelis.Errorf(fidelis.EInvalid, "predict: need --horizon > 0, --period-length > 0, --discount ≥ 0 and --margin > 0")
	}
	var cs []btyd.Customer
	name := src.input
	if src.input != "" {
		f, err := os.Open(src.input)
		if err != nil {
			return fileError(src.input, err)
		}
		cs, err = btyd.ReadCustomers(f)
		f.Close()
		if err != nil {
			return fileError(src.input, err)
		}
	} else if src.transactions != "" {
		name = src.transactions
		sum, err := src.loadTransactions()
		if err != nil {
			return err
		}
		cs = sum.Customers
	} else {
		name = src.db
		if cs, err = src.storeCustomers(ctx); err != nil {
			return err
		}
	}
	rows := btyd.Compress(cs)
	var m btyd.Transactor
	var res *btyd.Result
	fitOpts := &btyd.FitOptions{Context: ctx}
	switch *model {
	case "bgnbd":
		m, res, err = fitAs(btyd.FitBGNBD, rows, fitOpts)
	case "mbgnbd":
		m, res, err = fitAs(btyd.FitMBGNBD, rows, fitOpts)
	case "paretonbd":
		m, res, err = fitAs(btyd.FitParetoNBD, rows, fitOpts)
	default:
		return fidelis.Errorf(fidelis.EInvalid, "predict: unknown model %q", *model).WithHint("--model bgnbd|mbgnbd|paretonbd")
	}
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "%s: %v", name, err)
	}
	fmt.Fprintf(e.stderr, "%s: %d customers, LL %.2f, converged %v (%s)\n", res.Model, len(cs), res.LogLik, res.Converged, res.Reason)
	var gg *btyd.GammaGamma
	if spend := btyd.CompressSpend(cs); len(spend) > 0 {
		g, gres, err := btyd.FitGammaGamma(spend, fitOpts)
		if err == nil {
			gg = &g
			fmt.Fprintf(e.stderr, "gammagamma: p=%.4g q=%.4g gamma=%.4g, converged %v\n", g.P, g.Q, g.Gamma, gres.Converged)
		}
	}
	opts := btyd.CLVOptions{Periods: *horizon, PeriodLength: *plen, Discount: *disc, Margin: *margin}
	preds := btyd.Predict(m, gg, cs, opts)
	hl := horizonLabel(*horizon, *plen, month, unitDays)
	cols := []string{"id", "frequency", "recency", "T", "p_alive", "expected_purchases_" + hl, "expected_spend",
		"clv_" + hl + "_disc" + strconv.FormatFloat(*disc*100, 'f', -1, 64) + "pct"}
	pm, _ := m.(interface {
		PPurchases(n int, t, x, tx, T float64) float64
	})
	for _, n := range ns {
		cols = append(cols, fmt.Sprintf("p_%d_purchases_%s", n, hl))
	}
	fmt.Fprintf(e.stderr, "horizon %d periods of %.4g days (%s), discount %g%% a period, margin %g\n", *horizon, *plen*unitDays, hl, *disc*100, *margin)
	w, closeFn, err := createOut(e, *out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	asJSON := strings.HasSuffix(strings.ToLower(*out), ".json")
	if asJSON {
		bw.WriteString("[")
	} else {
		bw.WriteString(strings.Join(cols, ",") + "\n")
	}
	t := float64(*horizon) * *plen
	buf := make([]byte, 0, 256)
	vals := make([]float64, 0, len(cols))
	for i, p := range preds {
		if err := ctx.Err(); err != nil {
			closeFn()
			return err
		}
		c := cs[i]
		vals = append(vals[:0], c.Frequency, c.Recency, c.T, p.PAlive, p.Expected, p.Spend, p.CLV)
		for _, n := range ns {
			vals = append(vals, pm.PPurchases(n, t, c.Frequency, c.Recency, c.T))
		}
		buf = appendPredictRow(buf[:0], asJSON, i == 0, cols, p.ID, vals)
		bw.Write(buf)
	}
	if asJSON {
		bw.WriteString("]\n")
	}
	if err := bw.Flush(); err != nil {
		closeFn()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := closeFn(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	return nil
}

// appendPredictRow appends one customer's line: CSV, or a JSON object keyed by cols. Numbers are
// plain decimals (never 1.69e-09), shortest exact form; a non-finite value is empty / null.
func appendPredictRow(buf []byte, asJSON, first bool, cols []string, id string, vals []float64) []byte {
	num := func(b []byte, v float64) []byte {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if asJSON {
				return append(b, "null"...)
			}
			return b
		}
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	if !asJSON {
		buf = append(buf, csvsafe.Field(id)...)
		for _, v := range vals {
			buf = num(append(buf, ','), v)
		}
		return append(buf, '\n')
	}
	if !first {
		buf = append(buf, ',')
	}
	buf = append(buf, "\n{\"id\":"...)
	buf = strconv.AppendQuote(buf, id)
	for k, v := range vals {
		buf = append(buf, ",\""...)
		buf = append(buf, cols[k+1]...)
		buf = append(buf, "\":"...)
		buf = num(buf, v)
	}
	return append(buf, '}')
}

// modelUnitDays is the length in days of one unit of model time: weeks for the store's orders;
// --time-unit × --time-scale for a transaction log or a summary file.
func (s *sourceFlags) modelUnitDays() (float64, error) {
	if s.input == "" && s.transactions == "" {
		return 7, nil
	}
	var d float64
	switch s.unit {
	case "day":
		d = 1
	case "week", "":
		d = 7
	case "month":
		d = 365.25 / 12
	default:
		return 0, fidelis.Errorf(fidelis.EInvalid, "--time-unit %q: want day, week or month", s.unit)
	}
	if !(s.scale > 0) {
		return 0, fidelis.Errorf(fidelis.EInvalid, "--time-scale must be positive, got %v", s.scale)
	}
	return d * s.scale, nil
}

// horizonLabel names the horizon in column names: "12m" when periods are months, else periods ×
// days per period, e.g. "12x7d".
func horizonLabel(periods int, plen, month, unitDays float64) string {
	if math.Abs(plen-month) < 1e-9*month {
		return fmt.Sprintf("%dm", periods)
	}
	return fmt.Sprintf("%dx%sd", periods, strconv.FormatFloat(math.Round(plen*unitDays*1e4)/1e4, 'f', -1, 64))
}

// parsePN parses --pn: "" (none), a range "0..5" or a list "0,1,2" of counts ≥ 0 (at most 100).
func parsePN(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	bad := fidelis.Errorf(fidelis.EInvalid, "--pn %q: want a range like 0..5 or a list like 0,1,2 of whole numbers ≥ 0", s).WithHint("--pn 0..5")
	var out []int
	if lo, hi, ok := strings.Cut(s, ".."); ok {
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || a < 0 || b < a || b-a >= 100 {
			return nil, bad
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
		return out, nil
	}
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || len(out) >= 100 {
			return nil, bad
		}
		out = append(out, n)
	}
	return out, nil
}

// fitAs adapts a typed fit function to the Transactor interface.
func fitAs[M btyd.Transactor](f func([]btyd.Row, *btyd.FitOptions) (M, *btyd.Result, error), rows []btyd.Row, opts *btyd.FitOptions) (btyd.Transactor, *btyd.Result, error) {
	m, res, err := f(rows, opts)
	return m, res, err
}
