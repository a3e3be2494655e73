package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/synth"
)

func init() {
	register("bench", "time synth, import and metrics at a given size, against DuckDB alone as the floor", runBench)
}

// runBench measures one path per process, so that peak memory (reported by the process itself and
// by /usr/bin/time -v) belongs to that path alone:
//
//	fidelis bench --customers 1000000 --dir /tmp/b --path fidelis   # ingest (validated) + metrics
//	fidelis bench --customers 1000000 --dir /tmp/b --path floor     # DuckDB's read_csv + the same metrics
//
// The synthetic files are generated once into DIR and reused.
func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench", "bench --customers N --dir DIR --path fidelis|floor")
	customers := fs.Int("customers", 100000, "customers of the synthetic company")
	dir := fs.String("dir", "", "folder for the generated files and the store")
	path := fs.String("path", "fidelis", "fidelis (validated import) or floor (DuckDB read_csv, no validation)")
	prof := fs.String("cpuprofile", "", "write a Go CPU profile of the timed stages to this file")
	all := fs.Bool("all", false, "also time the full analysis (customer-base models and every section) after the core metrics")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || (*path != "fidelis" && *path != "floor") {
		return fidelis.Errorf(fidelis.EInvalid, "bench needs --dir and --path fidelis|floor")
	}
	data := filepath.Join(*dir, fmt.Sprintf("synth-%d", *customers))
	stage := func(name string, start time.Time) {
		fmt.Fprintf(e.stdout, "%-8s %-22s %8.2fs  peak RSS %s\n", *path, name, time.Since(start).Seconds(), peakRSS())
	}
	if _, err := os.Stat(filepath.Join(data, "orders.csv")); err != nil {
		t := time.Now()
		if _, err := synth.Write(ctx, data, synth.Config{Customers: *customers, Seed: 1}, nil); err != nil {
			return err
		}
		stage("synth", t)
	}
	db := filepath.Join(*dir, *path+".duckdb")
	os.Remove(db)
	os.Remove(db + ".wal")
	st, err := duckdb.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	total := time.Now()
	for _, k := range []fidelis.Kind{fidelis.Customers, fidelis.Orders} {
		t := time.Now()
		file := filepath.Join(data, string(k)+".csv")
		var n int64
		if *path == "floor" {
			n, err = st.LoadNative(ctx, k, file)
		} else {
			var sum ingest.Summary
			sum, err = ingest.Import(ctx, st, k, file, ingest.Options{Rejects: filepath.Join(*dir, string(k)+".rejects.csv")})
			n = sum.Stored
		}
		if err != nil {
			return err
		}
		stage(fmt.Sprintf("import %s (%d)", k, n), t)
	}
	t := time.Now()
	if _, err := analysis.Run(ctx, st, analysis.Options{Grain: fidelis.Month, Core: true}); err != nil {
		return err
	}
	stage("core metrics", t)
	stage("import + core metrics", total)
	if *all {
		t = time.Now()
		if _, err := analysis.Run(ctx, st, analysis.Options{Grain: fidelis.Month}); err != nil {
			return err
		}
		stage("full analysis (models)", t)
	}
	return nil
}

// peakRSS reads the process's high-water resident set size (Linux), which includes DuckDB's own
// allocations that the Go runtime does not see.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a (" + runtime.GOOS + ")"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "n/a"
}
