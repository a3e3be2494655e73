package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"fidelis"
	"fidelis/btyd"
)

func init() {
	register("fit", "fit a customer-base model (BG/NBD, Pareto/NBD, Gamma-Gamma, sBG, ...)", runFit)
}

// modelNames lists the models fit accepts.
const modelNames = "bgnbd|mbgnbd|paretonbd|bgbb|gammagamma|sbg"

// sourceFlags are the input flags shared by fit and predict.
type sourceFlags struct {
	storeFlags
	input, transactions, calEnd, unit string
	scale                             float64
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.input, "input", "", "summary CSV (lifetimes columns: frequency,recency,T[,monetary_value][,weights]; BG/BB: frequency,recency,periods,weights; sBG: period,survivors)")
	fs.StringVar(&s.transactions, "transactions", "", "transaction log (customer id, date YYYY-MM-DD or YYYYMMDD, optional amount; CSV or whitespace)")
	fs.StringVar(&s.calEnd, "calibration-end", "", "with --transactions: last day of the calibration period (YYYY-MM-DD)")
	fs.StringVar(&s.unit, "time-unit", "week", "with --transactions: day, week or month; with --input: the summary's unit (predict's months follow it)")
	s.storeFlags.register(fs, "with neither --input nor --transactions: the store whose orders are summarised (days, in weeks)")
	fs.Float64Var(&s.scale, "time-scale", 1, "with --transactions: divide durations by this (lifetimes' freq_multiplier; --time-unit day --time-scale 7 counts purchase days and measures weeks)")
}

// check reports a usage error unless exactly one source is given.
func (s *sourceFlags) check(cmd string) error {
	switch {
	case s.input != "" && s.transactions != "":
		return fidelis.Errorf(fidelis.EInvalid, "%s: give --input or --transactions, not both", cmd)
	case s.input == "" && s.transactions == "":
		return nil // the store's orders
	case s.transactions != "" && s.calEnd == "":
		return fidelis.Errorf(fidelis.EInvalid, "%s: --transactions needs --calibration-end DATE", cmd).
			WithHint("fidelis %s --transactions orders.csv --calibration-end 1997-09-30 --time-unit week", cmd)
	}
	return nil
}

// fileError turns a btyd.ParseError into a user error naming the file.
func fileError(path string, err error) error {
	var pe *btyd.ParseError
	if errors.As(err, &pe) {
		return fidelis.Errorf(fidelis.EInvalid, "%s: %v", path, pe)
	}
	if errors.Is(err, os.ErrNotExist) {
		return fidelis.Errorf(fidelis.ENotFound, "%v", err)
	}
	return fmt.Errorf("read %s: %w", path, err)
}

// loadTransactions reads and summarises a transaction log.
func (s *sourceFlags) loadTransactions() (*btyd.Summary, error) {
	unit, err := btyd.ParseTimeUnit(s.unit)
	if err != nil {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--time-unit: %v", err).WithHint("--time-unit week")
	}
	end, err := btyd.ParseDate(s.calEnd)
	if err != nil {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--calibration-end %q: %v", s.calEnd, err).WithHint("--calibration-end 1997-09-30")
	}
	if !(s.scale > 0) {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--time-scale must be positive, got %v", s.scale)
	}
	f, err := os.Open(s.transactions)
	if err != nil {
		return nil, fileError(s.transactions, err)
	}
	defer f.Close()
	// Read and summarised in one streaming pass; the calibration period includes the whole end day.
	sum, err := btyd.SummarizeTransactions(f, btyd.SummaryOptions{Unit: unit, CalibrationEnd: end, Divide: s.scale})
	if err != nil {
		return nil, fileError(s.transactions, err)
	}
	if len(sum.Customers) == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "%s: no customer made a first purchase by %s", s.transactions, s.calEnd)
	}
	return sum, nil
}

// loadSummaries returns compressed summaries from --input, --transactions or the store.
func (s *sourceFlags) loadSummaries(ctx context.Context) (*btyd.Summaries, error) {
	if s.input == "" && s.transactions == "" {
		return s.storeSummaries(ctx)
	}
	if s.input != "" {
		f, err := os.Open(s.input)
		if err != nil {
			return nil, fileError(s.input, err)
		}
		defer f.Close()
		sum, err := btyd.ReadSummaries(f)
		if err != nil {
			return nil, fileError(s.input, err)
		}
		return sum, nil
	}
	sum, err := s.loadTransactions()
	if err != nil {
		return nil, err
	}
	out := &btyd.Summaries{Rows: btyd.Compress(sum.Customers), Spend: btyd.CompressSpend(sum.Customers),
		HasMonetary: true, N: float64(len(sum.Customers)), Lines: len(sum.Customers)}
	return out, nil
}

// readSurvivors reads an sBG input: a CSV with columns period,survivors (period 0 = cohort size).
func readSurvivors(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fidelis.Errorf(fidelis.EInvalid, "%s: line 1: %v", path, err)
	}
	pc, sc := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "period", "t", "year":
			pc = i
		case "survivors", "alive", "active", "customers":
			sc = i
		}
	}
	if pc < 0 || sc < 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "%s: line 1: header %q needs columns period,survivors", path, strings.Join(head, ",")).
			WithHint("a CSV like: period,survivors / 0,1000 / 1,631 / 2,468")
	}
	var surv []float64
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "%s: %v", path, err)
		}
		if len(rec) <= max(pc, sc) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "%s: line %d: %d fields, need %d", path, line, len(rec), max(pc, sc)+1)
		}
		var p, n float64
		if _, err := fmt.Sscan(strings.TrimSpace(rec[pc]), &p); err != nil || p != float64(len(surv)) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "%s: line %d, column %d (%s): value %q: periods must run 0, 1, 2, ... in order", path, line, pc+1, head[pc], rec[pc])
		}
		if _, err := fmt.Sscan(strings.TrimSpace(rec[sc]), &n); err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) || (len(surv) > 0 && n > surv[len(surv)-1]) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "%s: line %d, column %d (%s): value %q: survivors must be a non-increasing count ≥ 0", path, line, sc+1, head[sc], rec[sc])
		}
		surv = append(surv, n)
	}
	if len(surv) < 2 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "%s: need the cohort size (period 0) and at least one later period", path)
	}
	return surv, nil
}

// fitOutput is fit's --json document.
type fitOutput struct {
	Model         string              `json:"model"`
	Params        map[string]float64  `json:"params"`
	LogLikelihood float64             `json:"log_likelihood"`
	StdErrors     map[string]*float64 `json:"std_errors"`
	N             float64             `json:"n"`
	Converged     bool                `json:"converged"`
	// Reason is the optimiser's status and, when not converged, why (boundary, flat likelihood,
	// no standard errors).
	Reason string `json:"reason"`
	// ZeroRecency counts customers with frequency ≥ 1 and recency 0, accepted (see btyd.Row.Validate).
	ZeroRecency float64 `json:"zero_recency_customers,omitempty"`
	Seconds     float64 `json:"seconds"`
}

func runFit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fit", "fit --model "+modelNames+" (--input FILE | --transactions FILE --calibration-end DATE [--time-unit U]) [--json]")
	var src sourceFlags
	src.register(fs)
	model := fs.String("model", "bgnbd", "model: "+modelNames)
	asJSON := fs.Bool("json", false, "print the fit as JSON")
	boot := fs.Int("bootstrap", 0, "bootstrap replicates for 95% percentile intervals (0: none)")
	seed := fs.Uint64("seed", 1, "bootstrap seed")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fidelis.Errorf(fidelis.EInvalid, "fit: unexpected argument %q", pos[0]).WithHint("fidelis fit --model bgnbd --input customers.csv")
	}
	if err := src.check("fit"); err != nil {
		return err
	}
	start := time.Now()
	opts := &btyd.FitOptions{Bootstrap: *boot, Seed: *seed, Context: ctx}
	var res *btyd.Result
	var zeroRecency float64
	switch *model {
	case "sbg":
		if src.input == "" {
			return fidelis.Errorf(fidelis.EInvalid, "fit: the sBG model reads a survivors file: --input FILE with columns period,survivors")
		}
		surv, err := readSurvivors(src.input)
		if err != nil {
			return err
		}
		_, res, err = btyd.FitSBG(surv, opts)
		if err != nil {
			return fidelis.Errorf(fidelis.EInvalid, "%s: %v", src.input, err)
		}
	case "bgnbd", "mbgnbd", "paretonbd", "bgbb", "gammagamma":
		sum, err := src.loadSummaries(ctx)
		if err != nil {
			return err
		}
		runtime.GC() // the reader's tables are garbage now: let the fit reuse their memory
		if !*asJSON {
			fmt.Fprintf(e.stderr, "read %d customers (%d distinct rows) in %.3fs\n", int64(sum.N), len(sum.Rows), time.Since(start).Seconds())
		}
		if sum.ZeroRecency > 0 {
			zeroRecency = sum.ZeroRecency
			fmt.Fprintf(e.stderr, "note: %.0f customers have frequency ≥ 1 and recency 0 (a summary rounded to whole periods?); accepted, as lifetimes, BTYD and CLVTools accept them: their last repeat purchase is taken at their first\n", sum.ZeroRecency)
		}
		res, err = fitSummaries(*model, sum, opts)
		if err != nil {
			name := src.input
			if name == "" {
				name = src.transactions
			}
			if name == "" {
				name = src.db
			}
			return fidelis.Errorf(fidelis.EInvalid, "%s: %v", name, err)
		}
	default:
		return fidelis.Errorf(fidelis.EInvalid, "fit: unknown model %q", *model).WithHint("--model %s", modelNames)
	}
	secs := time.Since(start).Seconds()
	if *asJSON {
		out := fitOutput{Model: res.Model, Params: map[string]float64{}, LogLikelihood: res.LogLik,
			StdErrors: map[string]*float64{}, N: res.N, Converged: res.Converged, Reason: res.Reason, ZeroRecency: zeroRecency, Seconds: secs}
		for i, n := range res.Names {
			out.Params[n] = res.Params[i]
			out.StdErrors[n] = nil
			if res.StdErrors != nil && !math.IsNaN(res.StdErrors[i]) && !math.IsInf(res.StdErrors[i], 0) {
				v := res.StdErrors[i]
				out.StdErrors[n] = &v
			}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printFit(e.stdout, res, secs)
	return nil
}

// fitSummaries fits one of the summary-based models.
func fitSummaries(model string, sum *btyd.Summaries, opts *btyd.FitOptions) (*btyd.Result, error) {
	var (
		res *btyd.Result
		err error
	)
	switch model {
	case "bgnbd":
		_, res, err = btyd.FitBGNBD(sum.Rows, opts)
	case "mbgnbd":
		_, res, err = btyd.FitMBGNBD(sum.Rows, opts)
	case "paretonbd":
		_, res, err = btyd.FitParetoNBD(sum.Rows, opts)
	case "bgbb":
		_, res, err = btyd.FitBGBB(sum.Rows, opts)
	case "gammagamma":
		if !sum.HasMonetary || len(sum.Spend) == 0 {
			return nil, errors.New("the Gamma-Gamma model needs a monetary_value column with positive values for customers with frequency > 0")
		}
		_, res, err = btyd.FitGammaGamma(sum.Spend, opts)
	}
	return res, err
}

func printFit(w io.Writer, res *btyd.Result, secs float64) {
	fmt.Fprintf(w, "Model:          %s\n", res.Model)
	fmt.Fprintf(w, "Customers:      %.0f (%d distinct rows)\n", res.N, res.Rows)
	fmt.Fprintf(w, "Log-likelihood: %.4f\n", res.LogLik)
	conv := "yes"
	if !res.Converged {
		conv = "NO"
	}
	fmt.Fprintf(w, "Converged:      %s (%s, %d iterations)\n", conv, res.Reason, res.Iterations)
	fmt.Fprintf(w, "Time:           %.3fs\n\n", secs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "parameter\testimate\tstd. error\t"
	if res.Lower != nil {
		head += fmt.Sprintf("%.0f%% lower\t%.0f%% upper\t", 100*res.Level, 100*res.Level)
	}
	fmt.Fprintln(tw, head)
	for i, n := range res.Names {
		se := "n/a"
		if res.StdErrors != nil {
			se = fmt.Sprintf("%.4f", res.StdErrors[i])
		}
		line := fmt.Sprintf("%s\t%.4f\t%s\t", n, res.Params[i], se)
		if res.Lower != nil {
			line += fmt.Sprintf("%.4f\t%.4f\t", res.Lower[i], res.Upper[i])
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}
