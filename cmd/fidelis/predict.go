package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"fidelis"
	"fidelis/btyd"
)

func init() {
	register("predict", "per-customer P(alive), expected purchases, expected spend and CLV", runPredict)
}

// predictRow is one line of predict's output.
type predictRow struct {
	ID        string  `json:"id"`
	Frequency float64 `json:"frequency"`
	Recency   float64 `json:"recency"`
	T         float64 `json:"T"`
	PAlive    float64 `json:"p_alive"`
	Expected  float64 `json:"expected_purchases"`
	Spend     float64 `json:"expected_spend"`
	CLV       float64 `json:"clv"`
}

func runPredict(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "predict", "predict --model bgnbd|mbgnbd|paretonbd (--input FILE | --transactions FILE --calibration-end DATE) [--horizon N] [--period-length L] [--discount D] [--margin M] --out FILE.csv|.json")
	var src sourceFlags
	src.register(fs)
	model := fs.String("model", "bgnbd", "transaction model: bgnbd, mbgnbd or paretonbd")
	horizon := fs.Int("horizon", 12, "number of future periods for expected purchases and CLV")
	plen := fs.Float64("period-length", 1, "length of one period in the data's time units (e.g. 4.348 weeks for months)")
	disc := fs.Float64("discount", 0, "discount rate per period (0.01 = 1%)")
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
	switch *model {
	case "bgnbd":
		m, res, err = fitAs(btyd.FitBGNBD, rows)
	case "mbgnbd":
		m, res, err = fitAs(btyd.FitMBGNBD, rows)
	case "paretonbd":
		m, res, err = fitAs(btyd.FitParetoNBD, rows)
	default:
		return fidelis.Errorf(fidelis.EInvalid, "predict: unknown model %q", *model).WithHint("--model bgnbd|mbgnbd|paretonbd")
	}
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "%s: %v", name, err)
	}
	fmt.Fprintf(e.stderr, "%s: %d customers, LL %.2f, converged %v (%s)\n", res.Model, len(cs), res.LogLik, res.Converged, res.Reason)
	var gg *btyd.GammaGamma
	if spend := btyd.CompressSpend(cs); len(spend) > 0 {
		g, gres, err := btyd.FitGammaGamma(spend, nil)
		if err == nil {
			gg = &g
			fmt.Fprintf(e.stderr, "gammagamma: p=%.4g q=%.4g gamma=%.4g, converged %v\n", g.P, g.Q, g.Gamma, gres.Converged)
		}
	}
	preds := btyd.Predict(m, gg, cs, btyd.CLVOptions{Periods: *horizon, PeriodLength: *plen, Discount: *disc, Margin: *margin})
	w, closeFn, err := createOut(e, *out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if strings.HasSuffix(strings.ToLower(*out), ".json") {
		rowsOut := make([]predictRow, len(preds))
		for i, p := range preds {
			c := cs[i]
			rowsOut[i] = predictRow{p.ID, c.Frequency, c.Recency, c.T, p.PAlive, p.Expected, p.Spend, p.CLV}
		}
		enc := json.NewEncoder(bw)
		if err := enc.Encode(rowsOut); err != nil {
			closeFn()
			return err
		}
	} else {
		bw.WriteString("id,frequency,recency,T,p_alive,expected_purchases,expected_spend,clv\n")
		buf := make([]byte, 0, 256)
		for i, p := range preds {
			c := cs[i]
			buf = append(buf[:0], csvField(p.ID)...)
			for _, v := range []float64{c.Frequency, c.Recency, c.T, p.PAlive, p.Expected, p.Spend, p.CLV} {
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, v, 'g', 8, 64)
			}
			buf = append(buf, '\n')
			bw.Write(buf)
		}
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

// fitAs adapts a typed fit function to the Transactor interface.
func fitAs[M btyd.Transactor](f func([]btyd.Row, *btyd.FitOptions) (M, *btyd.Result, error), rows []btyd.Row) (btyd.Transactor, *btyd.Result, error) {
	m, res, err := f(rows, nil)
	return m, res, err
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
