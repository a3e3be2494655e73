package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"fidelis"
	"fidelis/btyd"
)

func init() {
	register("simulate", "simulate customers from a customer-base model (writes a fit input file)", runSimulate)
}

// parseParams parses "r=0.24,alpha=4.4,a=0.79,b=2.4" into a map.
func parseParams(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, kv := range csvList(s) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not name=value", kv)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(f > 0) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s=%q: want a positive number", k, v)
		}
		out[strings.TrimSpace(k)] = f
	}
	return out, nil
}

// need returns the named parameters in order or an error naming the missing ones.
func need(p map[string]float64, names ...string) ([]float64, error) {
	var v []float64
	var miss []string
	for _, n := range names {
		x, ok := p[n]
		if !ok {
			miss = append(miss, n)
		}
		v = append(v, x)
	}
	if miss != nil {
		return nil, fmt.Errorf("missing %s", strings.Join(miss, ", "))
	}
	return v, nil
}

func runSimulate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "simulate", "simulate --model bgnbd|mbgnbd|paretonbd|bgbb|sbg --customers N --seed S --params \"r=0.24,alpha=4.4,a=0.79,b=2.4\" --T 39 --out FILE.csv")
	model := fs.String("model", "bgnbd", "model: bgnbd, mbgnbd, paretonbd, bgbb (T = opportunities) or sbg (T = periods)")
	n := fs.Int("customers", 10000, "number of customers")
	seed := fs.Uint64("seed", 1, "random seed")
	params := fs.String("params", "", "model parameters name=value,...; add p=,q=,gamma= for a Gamma-Gamma monetary_value column")
	T := fs.Float64("T", 39, "observation length after each customer's first purchase (time units; BG/BB: opportunities; sBG: periods)")
	tmin := fs.Float64("T-min", 0, "if set, T is spread evenly over [T-min, T] (staggered first purchases)")
	dec := fs.Int("decimals", 2, "decimals written for recency and T (real summaries are rounded; fewer decimals compress better)")
	out := fs.String("out", "", "output file (.csv); - for stdout")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fidelis.Errorf(fidelis.EInvalid, "simulate: unexpected argument %q", pos[0])
	}
	if *out == "" {
		return fidelis.Errorf(fidelis.EInvalid, "simulate: --out FILE is required").WithHint("fidelis simulate --model bgnbd --customers 1000000 --params \"r=0.24,alpha=4.4,a=0.79,b=2.4\" --out sim.csv")
	}
	if *n <= 0 || !(*T > 0) || *dec < 0 || *dec > 12 || *tmin < 0 || *tmin > *T {
		return fidelis.Errorf(fidelis.EInvalid, "simulate: need --customers > 0, --T > 0, 0 ≤ --T-min ≤ --T and --decimals in 0..12")
	}
	p, err := parseParams(*params)
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "simulate: --params: %v", err)
	}
	var sim btyd.Simulator
	var v []float64
	switch *model {
	case "bgnbd", "mbgnbd":
		if v, err = need(p, "r", "alpha", "a", "b"); err == nil {
			if *model == "bgnbd" {
				sim = btyd.BGNBD{R: v[0], Alpha: v[1], A: v[2], B: v[3]}
			} else {
				sim = btyd.MBGNBD{R: v[0], Alpha: v[1], A: v[2], B: v[3]}
			}
		}
	case "paretonbd":
		if v, err = need(p, "r", "alpha", "s", "beta"); err == nil {
			sim = btyd.ParetoNBD{R: v[0], Alpha: v[1], S: v[2], Beta: v[3]}
		}
	case "bgbb":
		if v, err = need(p, "alpha", "beta", "gamma", "delta"); err == nil {
			sim = btyd.BGBB{Alpha: v[0], Beta: v[1], Gamma: v[2], Delta: v[3]}
		}
	case "sbg":
		if v, err = need(p, "alpha", "beta"); err == nil {
			return writeSBG(e, *out, btyd.SBG{Alpha: v[0], Beta: v[1]}, *n, int(*T), *seed)
		}
	default:
		return fidelis.Errorf(fidelis.EInvalid, "simulate: unknown model %q", *model).WithHint("--model bgnbd")
	}
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "simulate: --params for %s: %v", *model, err)
	}
	var gg *btyd.GammaGamma
	if _, ok := p["p"]; ok && *model != "bgbb" {
		g, err := need(p, "p", "q", "gamma")
		if err != nil {
			return fidelis.Errorf(fidelis.EInvalid, "simulate: --params Gamma-Gamma: %v", err)
		}
		gg = &btyd.GammaGamma{P: g[0], Q: g[1], Gamma: g[2]}
	}
	w, closeFn, err := createOut(e, *out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if *model == "bgbb" {
		bw.WriteString("ID,frequency,recency,periods\n")
	} else if gg != nil {
		bw.WriteString("ID,frequency,recency,T,monetary_value\n")
	} else {
		bw.WriteString("ID,frequency,recency,T\n")
	}
	rng := btyd.NewRand(*seed)
	scale := math.Pow(10, float64(*dec))
	round := func(v float64) float64 { return math.Round(v*scale) / scale }
	buf := make([]byte, 0, 128)
	for i := 0; i < *n; i++ {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			closeFn()
			return ctx.Err()
		}
		Ti := *T
		if *tmin > 0 {
			Ti = *tmin + (*T-*tmin)*float64(i)/float64(*n)
		}
		if *model == "bgbb" {
			Ti = math.Round(Ti)
		}
		x, tx := sim.Simulate(rng, Ti)
		Tw, txw := round(Ti), round(tx)
		if x > 0 && txw <= 0 {
			txw = 1 / scale // keep recency positive after rounding
		}
		if txw > Tw {
			txw = Tw
		}
		buf = strconv.AppendInt(buf[:0], int64(i+1), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, x, 'f', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, txw, 'f', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, Tw, 'f', -1, 64)
		if gg != nil && *model != "bgbb" {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, math.Round(gg.SimulateSpend(rng, x)*100)/100, 'f', -1, 64)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	if err := bw.Flush(); err != nil {
		closeFn()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := closeFn(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if *out != "-" {
		fmt.Fprintf(e.stderr, "wrote %d simulated %s customers to %s\n", *n, *model, *out)
	}
	return nil
}

// createOut opens path for writing ("-" is stdout) and returns a close function.
func createOut(e *env, path string) (io.Writer, func() error, error) {
	if path == "-" {
		return e.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fidelis.Errorf(fidelis.EInvalid, "create %s: %v", path, err)
	}
	return f, f.Close, nil
}

func writeSBG(e *env, path string, m btyd.SBG, n, periods int, seed uint64) error {
	if periods < 1 {
		return fidelis.Errorf(fidelis.EInvalid, "simulate: sBG needs --T ≥ 1 periods")
	}
	w, closeFn, err := createOut(e, path)
	if err != nil {
		return err
	}
	surv := m.SimulateCohort(btyd.NewRand(seed), n, periods)
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "period,survivors")
	for t, s := range surv {
		fmt.Fprintf(bw, "%d,%.0f\n", t, s)
	}
	if err := bw.Flush(); err != nil {
		closeFn()
		return err
	}
	return closeFn()
}
