package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/btyd"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/report"
	"fidelis/synth"
)

func init() {
	register("bench", "time synth, import, metrics and the full report at a given size, against DuckDB alone as the floor", runBench)
}

// runBench measures one path per process, so that peak memory (reported by the process itself and
// by /usr/bin/time -v) belongs to that path alone:
//
//	fidelis bench --customers 1000000 --dir /tmp/b --path fidelis   # ingest (validated) + metrics
//	fidelis bench --customers 1000000 --dir /tmp/b --path floor     # DuckDB's read_csv + the same metrics
//	fidelis bench --customers 1000000 --dir /tmp/b --path both --runs 3   # alternating, medians, ratios
//	fidelis bench --customers 1000000 --dir /tmp/b --all           # + every kind and the full report, per section
//	fidelis bench --store S.duckdb --all                           # the full report from a loaded store
//	fidelis bench --customers 1000000 --dir /tmp/b --db clickhouse://127.0.0.1:19401/bench?cluster=fidelis2
//	                                  # the same stages on ClickHouse (a database of its own, bench*,
//	                                  # dropped first), with the servers' peak resident memory
//	fidelis bench ... --import-only    # customers and orders only, no metrics
//	fidelis bench --fit summary.csv --runs 5  # fit --input, whole process, BG/NBD and Pareto/NBD
//	                                  # alternating, against the peers' documented times
//	fidelis bench --transactions orders.csv --calibration-end 2026-06-30 --path both
//	                                  # fit --transactions (summary + BG/NBD fit, days in weeks)
//	                                  # against DuckDB's read_csv + the same GROUP BY
//
// The synthetic files are generated once into DIR and reused. Each stage prints its wall time and
// the process's peak resident memory during that stage (the high-water mark is reset between
// stages through /proc/self/clear_refs where Linux allows it).
func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench", "bench --customers N --dir DIR [--path fidelis|floor|both] [--runs N] [--all] | bench --store FILE --all")
	customers := fs.Int("customers", 100000, "customers of the synthetic company")
	dir := fs.String("dir", "", "folder for the generated files and the store")
	path := fs.String("path", "fidelis", "fidelis (validated import), floor (DuckDB read_csv, no validation) or both (alternating runs, one process each)")
	runs := fs.Int("runs", 3, "with --path both: runs of each path (medians are printed)")
	prof := fs.String("cpuprofile", "", "write a Go CPU profile of the timed stages to this file")
	all := fs.Bool("all", false, "also import every other kind and time the full report (every section, per section) after the core metrics")
	store := fs.String("store", "", "time the full report from this already loaded store instead (no synth, no import; implies --all)")
	only := fs.String("only", "", "with --store: time only these sections (comma-separated, e.g. churn,advocacy) after the core metrics")
	chDSN := fs.String("db", "", "clickhouse://HOST:PORT/bench…[?cluster=NAME]: run the fidelis path on ClickHouse instead, in this database (its name must start with bench: it is dropped first)")
	importOnly := fs.Bool("import-only", false, "stop after importing customers and orders")
	txs := fs.String("transactions", "", "time fit --transactions on this log (header customer_id,timestamp,amount for the floor) instead of an import")
	calEnd := fs.String("calibration-end", "", "with --transactions: the last day summarised (YYYY-MM-DD)")
	memLimit := fs.String("memory-limit", "", "DuckDB's memory limit for this run (e.g. 2GiB), instead of the store's memory_limit setting or its default ("+duckdb.DefaultMemoryLimitRule+")")
	tempDir := fs.String("temp-directory", "", "the folder DuckDB spills into for this run, instead of the store's temp_directory setting or the system's")
	fitFile := fs.String("fit", "", "time the whole process of fit --input on this summary CSV (one process per run, --runs each model), against the peers' documented times")
	fitModels := fs.String("models", "bgnbd,paretonbd", "with --fit: the models (comma-separated)")
	shapes := fs.Bool("shapes", false, "after the core metrics, time each of their aggregates alone and the model inputs (per-customer summaries, compressed)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fitFile != "" {
		return benchFit(ctx, e, *fitFile, strings.Split(*fitModels, ","), *runs)
	}
	if *store != "" {
		var sections []string
		if *only != "" {
			sections = strings.Split(*only, ",")
		}
		return benchStore(ctx, e, *store, *prof, sections, duckdb.Options{ReadOnly: true, MemoryLimit: *memLimit, TempDirectory: *tempDir})
	}
	if *path == "both" && *txs != "" {
		return benchBoth(ctx, e, args, *runs)
	}
	if *txs != "" {
		return benchTransactions(ctx, stager{w: e.stdout, path: *path}, *txs, *calEnd, *prof)
	}
	if *dir == "" || (*path != "fidelis" && *path != "floor" && *path != "both") {
		return fidelis.Errorf(fidelis.EInvalid, "bench needs --dir and --path fidelis|floor|both")
	}
	if *chDSN != "" && *path != "fidelis" {
		return fidelis.Errorf(fidelis.EInvalid, "bench --db clickhouse://… runs the fidelis path only (the floor is DuckDB's own reader)")
	}
	if *path == "both" {
		return benchBoth(ctx, e, args, *runs)
	}
	data := filepath.Join(*dir, fmt.Sprintf("synth-%d", *customers))
	stage := stager{w: e.stdout, path: *path}
	if _, err := os.Stat(filepath.Join(data, "orders.csv")); err != nil {
		t := begin()
		if _, err := synth.Write(ctx, data, synth.Config{Customers: *customers, Seed: 1}, nil); err != nil {
			return err
		}
		stage.done("synth", t)
	}
	var st fidelis.Store
	var native *duckdb.Store
	if *chDSN != "" {
		cs, err := openBenchClickHouse(ctx, *chDSN)
		if err != nil {
			return err
		}
		defer cs.Close()
		st = cs
		stage.path = "clickhouse"
		if strings.Contains(*chDSN, "cluster=") {
			stage.path = "cluster"
		}
		stop := sampleServers(cs.Servers(), &stage)
		defer stop()
	} else {
		db := filepath.Join(*dir, *path+".duckdb")
		os.Remove(db)
		os.Remove(db + ".wal")
		ds, err := duckdb.OpenWith(ctx, db, duckdb.Options{MemoryLimit: *memLimit, TempDirectory: *tempDir})
		if err != nil {
			return err
		}
		defer ds.Close()
		st, native = ds, ds
	}
	stop, err := startProfile(*prof)
	if err != nil {
		return err
	}
	defer stop()
	load := func(k fidelis.Kind) error {
		t := begin()
		file := filepath.Join(data, string(k)+".csv")
		var n int64
		if *path == "floor" {
			n, err = native.LoadNative(ctx, k, file)
		} else {
			var sum ingest.Summary
			sum, err = ingest.Import(ctx, st, k, file, ingest.Options{Rejects: filepath.Join(*dir, string(k)+".rejects.csv")})
			n = sum.Stored
		}
		if err != nil {
			return err
		}
		stage.done(fmt.Sprintf("import %s (%d)", k, n), t)
		return nil
	}
	total := begin()
	for _, k := range []fidelis.Kind{fidelis.Customers, fidelis.Orders} {
		if err := load(k); err != nil {
			return err
		}
	}
	if *importOnly {
		stage.total("import", total)
		return nil
	}
	t := begin()
	if _, err := analysis.Run(ctx, st, analysis.Options{Grain: fidelis.Month, Core: true}); err != nil {
		return err
	}
	stage.done("core metrics", t)
	stage.total("import + core metrics", total)
	if *shapes {
		if err := benchShapes(ctx, st, stage); err != nil {
			return err
		}
	}
	if !*all {
		return nil
	}
	for _, k := range fidelis.Kinds {
		if k == fidelis.Customers || k == fidelis.Orders {
			continue
		}
		if _, err := os.Stat(filepath.Join(data, string(k)+".csv")); err != nil {
			continue
		}
		if err := load(k); err != nil {
			return err
		}
	}
	return fullReport(ctx, st, stage, nil)
}

// benchTransactions times fit --transactions (days counted, durations in weeks, BG/NBD) or, on
// the floor path, DuckDB's reader and the same per-customer GROUP BY.
func benchTransactions(ctx context.Context, stage stager, file, calEnd, prof string) error {
	end, err := time.Parse("2006-01-02", calEnd)
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "bench --transactions needs --calibration-end YYYY-MM-DD")
	}
	stop, err := startProfile(prof)
	if err != nil {
		return err
	}
	defer stop()
	t := begin()
	var n int64
	switch stage.path {
	case "floor":
		if n, err = duckdb.SummarizeNative(ctx, file, end); err != nil {
			return err
		}
	case "fidelis":
		src := sourceFlags{transactions: file, calEnd: calEnd, unit: "day", scale: 7}
		sum, err := src.loadSummaries(ctx)
		if err != nil {
			return err
		}
		if _, err := fitSummaries("bgnbd", sum, &btyd.FitOptions{Context: ctx}); err != nil {
			return err
		}
		n = int64(sum.N)
	default:
		return fidelis.Errorf(fidelis.EInvalid, "bench --transactions: --path fidelis|floor|both")
	}
	stage.done(fmt.Sprintf("transactions → RFM → fit (%d)", n), t)
	return nil
}

// benchStore times the full report from a loaded store, or only some sections.
func benchStore(ctx context.Context, e *env, path, prof string, only []string, o duckdb.Options) error {
	if _, err := os.Stat(path); err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "bench --store %s: %v", path, err)
	}
	// Read-only: the report writes nothing, and other readers (a server, another bench) can share
	// the file meanwhile.
	st, err := duckdb.OpenWith(ctx, path, o)
	if err != nil {
		return err
	}
	defer st.Close()
	if limit, err := st.MemoryLimit(ctx); err == nil {
		fmt.Fprintf(e.stdout, "DuckDB memory limit %s\n", limit)
	}
	stop, err := startProfile(prof)
	if err != nil {
		return err
	}
	defer stop()
	return fullReport(ctx, st, stager{w: e.stdout, path: "fidelis"}, only)
}

// fullReport runs the whole analysis with one stage per section (the core metrics, each
// registered section, the actions) and then renders the HTML report; with only, just those
// sections and no actions (analysis.Options.Only).
func fullReport(ctx context.Context, st fidelis.Store, stage stager, only []string) error {
	total := begin()
	peak := int64(0)
	name, t := "core metrics (full run)", begin()
	resetPeak()
	end := func() {
		peak = max(peak, peakKB())
		stage.done("section "+name, t)
	}
	a, err := analysis.Run(ctx, st, analysis.Options{Grain: fidelis.Month, Only: only, Progress: func(s string) {
		end()
		resetPeak()
		name, t = s, begin()
	}})
	if err != nil {
		return err
	}
	end()
	resetPeak()
	t = begin()
	if err := report.WriteLang(io.Discard, a, "html", "en"); err != nil {
		return err
	}
	peak = max(peak, peakKB())
	stage.done("render html", t)
	name = "full report"
	if only != nil {
		name = "report of " + strings.Join(only, ", ")
	}
	stage.line(name, total, peak, true) // the peak is the stages' maximum
	return nil
}

// stager prints a path's stages: name, wall time, peak resident memory.
type stager struct {
	w    io.Writer
	path string
	// servers, when set (a ClickHouse run), gives the peak resident memory of each of the
	// store's servers since the last call (or, whole, since the run began) and starts a new peak.
	servers func(whole bool) string
}

// done prints a stage that started at start, with the high-water mark since the last reset.
func (s stager) done(name string, start mark) { s.print(name, start, peakKB()) }

// total prints a stage made of the earlier ones, with the servers' peak over the whole run.
func (s stager) total(name string, start mark) { s.line(name, start, peakKB(), true) }

// print writes wall time, the process's CPU time (user + system, all threads: on a shared
// machine it moves less than the wall time) and the peak.
func (s stager) print(name string, start mark, peak int64) { s.line(name, start, peak, false) }

func (s stager) line(name string, start mark, peak int64, whole bool) {
	now := begin()
	server := ""
	if s.servers != nil {
		server = "  " + s.servers(whole)
	}
	fmt.Fprintf(s.w, "%-8s %-40s %8.2fs  cpu %8.2fs  peak RSS %s%s\n", s.path, name, now.t.Sub(start.t).Seconds(), (now.cpu - start.cpu).Seconds(), kb(peak), server)
}

// mark is a stage's start: wall clock and process CPU time.
type mark struct {
	t   time.Time
	cpu time.Duration
}

func begin() mark {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return mark{time.Now(), time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
}

func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	pprof.StartCPUProfile(f)
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakKB reads the process's high-water resident set size in kB (Linux), which includes
// DuckDB's own allocations that the Go runtime does not see; -1 when unknown.
func peakKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// resetPeak starts a new high-water mark (Linux: "5" to /proc/self/clear_refs); where that is
// refused the mark stays the process's.
func resetPeak() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func kb(n int64) string {
	if n < 0 {
		return "n/a (" + runtime.GOOS + ")"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1024)
}

var stageLine = regexp.MustCompile(`^(\S+)\s+(.+?)\s+([0-9.]+)s  cpu\s+([0-9.]+)s  peak RSS ([0-9]+) MB$`)

// benchBoth runs the floor and fidelis paths alternately, each in its own process, runs times,
// and prints per stage the median time and peak memory of each and the ratio fidelis ÷ floor.
func benchBoth(ctx context.Context, e *env, args []string, runs int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	type key struct{ path, stage string }
	secs, cpu, mem := map[key][]float64{}, map[key][]float64{}, map[key][]float64{}
	var order []string
	for r := range runs {
		paths := []string{"floor", "fidelis"}
		if r%2 == 1 {
			paths = []string{"fidelis", "floor"}
		}
		for _, p := range paths {
			a := slices.Clone(args)
			for i := range a {
				if a[i] == "--path" || a[i] == "-path" {
					a[i+1] = p
				}
				if a[i] == "--path=both" || a[i] == "-path=both" {
					a[i] = "--path=" + p
				}
			}
			var out bytes.Buffer
			cmd := exec.CommandContext(ctx, self, append([]string{"bench"}, a...)...)
			cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, e.stderr), e.stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("bench --path %s: %w", p, err)
			}
			sc := bufio.NewScanner(&out)
			for sc.Scan() {
				m := stageLine.FindStringSubmatch(sc.Text())
				if m == nil || m[2] == "synth" {
					continue
				}
				k := key{m[1], m[2]}
				if !slices.Contains(order, m[2]) {
					order = append(order, m[2])
				}
				s, _ := strconv.ParseFloat(m[3], 64)
				c, _ := strconv.ParseFloat(m[4], 64)
				b, _ := strconv.ParseFloat(m[5], 64)
				secs[k], cpu[k], mem[k] = append(secs[k], s), append(cpu[k], c), append(mem[k], b)
			}
		}
	}
	fmt.Fprintf(e.stdout, "\nmedians of %d alternating runs (wall / cpu seconds, peak resident memory)\n%-40s %21s %9s %21s %9s %15s\n",
		runs, "stage", "fidelis", "peak", "floor", "peak", "ratio wall/cpu")
	for _, s := range order {
		fk, lk := key{"fidelis", s}, key{"floor", s}
		line := fmt.Sprintf("%-40s %9.2fs /%9.2fs %6.0f MB", s, median(secs[fk]), median(cpu[fk]), median(mem[fk]))
		if len(secs[lk]) > 0 {
			line += fmt.Sprintf(" %9.2fs /%9.2fs %6.0f MB %6.2fx /%6.2fx", median(secs[lk]), median(cpu[lk]), median(mem[lk]),
				median(secs[fk])/median(secs[lk]), median(cpu[fk])/median(cpu[lk]))
		}
		fmt.Fprintln(e.stdout, line)
	}
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
