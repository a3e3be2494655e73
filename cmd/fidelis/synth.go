package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"fidelis"
	"fidelis/synth"
)

func init() {
	register("synth", "write a seeded synthetic company (every record kind) as CSV files", runSynth)
}

// runSynth implements `fidelis synth --customers N --out DIR [--seed S]`: it writes one CSV per
// record kind and truth.json into DIR, a progress bar to stderr and rows per file to stdout.
func runSynth(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "synth", "synth --customers N --out DIR [--seed S] [--json]")
	customers := fs.Int("customers", synth.DefaultCustomers, "number of customers (about 10 orders each)")
	out := fs.String("out", "", "output directory (created if needed)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed and size give the same bytes")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return fidelis.Errorf(fidelis.EInvalid, "synth takes no arguments, got %q", pos[0]).WithHint("fidelis synth --customers 20000 --out ./demo")
	case *out == "":
		return fidelis.Errorf(fidelis.EInvalid, "synth needs --out DIR").WithHint("fidelis synth --customers 20000 --out ./demo")
	case *customers <= 0:
		return fidelis.Errorf(fidelis.EInvalid, "--customers must be positive, got %d", *customers)
	case *seed == 0:
		return fidelis.Errorf(fidelis.EInvalid, "--seed must be positive (0 means the default, 1)")
	}

	var bar *progressbar.ProgressBar
	if !*quiet && isTerminal(e.stderr) {
		bar = progressbar.NewOptions(*customers,
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("synth"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("customers"),
			progressbar.OptionShowIts(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(e.stderr) }),
		)
	}
	start := time.Now()
	m, err := synth.Write(ctx, *out, synth.Config{Customers: *customers, Seed: *seed}, func(done, total int) {
		if bar != nil {
			bar.Set(done)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)

	type file struct {
		Kind  string `json:"kind"`
		Path  string `json:"path"`
		Rows  int64  `json:"rows"`
		Bytes int64  `json:"bytes"`
	}
	var files []file
	var rows, bytes int64
	for _, k := range fidelis.Kinds {
		f := file{Kind: string(k), Path: m.Files[k], Rows: m.Rows[k]}
		if st, err := os.Stat(f.Path); err == nil {
			f.Bytes = st.Size()
		}
		rows += f.Rows
		bytes += f.Bytes
		files = append(files, f)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"dir": m.Dir, "seed": *seed, "customers": *customers,
			"seconds": elapsed.Seconds(), "files": files, "truth": m.Dir + string(os.PathSeparator) + "truth.json"})
	}
	fmt.Fprintf(e.stdout, "%-14s %12s %10s  %s\n", "kind", "rows", "MB", "file")
	for _, f := range files {
		fmt.Fprintf(e.stdout, "%-14s %12d %10.1f  %s\n", f.Kind, f.Rows, float64(f.Bytes)/1e6, f.Path)
	}
	fmt.Fprintf(e.stdout, "%-14s %12d %10.1f  (%.1fs; ground truth in %s)\n", "total", rows, float64(bytes)/1e6,
		elapsed.Seconds(), m.Dir+string(os.PathSeparator)+"truth.json")
	return nil
}
