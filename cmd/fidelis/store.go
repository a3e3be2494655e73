package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/clickhouse"
	"fidelis/duckdb"
)

// defaultDB is the store used when --db is not given.
const defaultDB = "fidelis.duckdb"

// storeFlags name the store and say how long to wait while another process holds it.
type storeFlags struct {
	db   string
	wait time.Duration
	// defaultMemory opens a DuckDB store with the default memory settings instead of its own, so
	// that `settings` can mend a stored value that no longer works (a folder since removed).
	defaultMemory bool
}

func (f *storeFlags) register(fs *flag.FlagSet, usage string) {
	fs.StringVar(&f.db, "db", defaultDB, usage+", or clickhouse://HOST:PORT/DATABASE[?cluster=NAME]")
	fs.DurationVar(&f.wait, "wait", 30*time.Second, "how long to wait while another process uses the store (0: fail at once)")
}

// openStore opens the store f names; cmd is the only place that picks a concrete engine:
// clickhouse://HOST:PORT/DATABASE[?cluster=NAME] is a ClickHouse server or cluster, anything else a
// DuckDB file. A read-only open refuses to create a store (and shares a DuckDB file with other
// readers). While another process holds the store, it says so on e's stderr (e may be nil) and
// waits up to f.wait.
func openStore(ctx context.Context, e *env, f storeFlags, readOnly bool) (fidelis.Store, error) {
	if isClickHouse(f.db) {
		return clickhouse.Open(ctx, f.db, clickhouse.Options{ReadOnly: readOnly, Wait: f.wait})
	}
	o := duckdb.Options{ReadOnly: readOnly, Wait: f.wait}
	if f.defaultMemory {
		o.MemoryLimit, o.TempDirectory = duckdb.DefaultMemoryLimit(f.db), os.TempDir()
	}
	if e != nil {
		o.Waiting = func(h duckdb.Holder) {
			fmt.Fprintf(e.stderr, "The store %s is in use by %s; waiting up to %s…\n", f.db, h, f.wait)
		}
	}
	return duckdb.OpenWith(ctx, f.db, o)
}

// isClickHouse tells a ClickHouse DSN from a DuckDB path.
func isClickHouse(db string) bool { return strings.HasPrefix(db, clickhouse.Scheme) }

// beside is the path stem of the files kept beside a store (its tokens, its audit log): a DuckDB
// store's own path, or, as a ClickHouse server has no folder of ours, a name in the current folder
// made of the server and the database (clickhouse-127.0.0.1_19400-fidelis), so that two stores
// never share tokens.
func beside(db string) string {
	if !isClickHouse(db) {
		return db
	}
	d, err := clickhouse.ParseDSN(db)
	if err != nil {
		return db
	}
	return "clickhouse-" + strings.NewReplacer(":", "_", "/", "_", "[", "", "]", "").Replace(d.Addr) + "-" + d.Database
}

// mustExist refuses a store that does not exist yet, for commands that must not create one by a
// typo in --db: a DuckDB file must be there, a ClickHouse database must hold a Fidelis store.
func mustExist(ctx context.Context, f storeFlags, hint string) error {
	if isClickHouse(f.db) {
		st, err := clickhouse.Open(ctx, f.db, clickhouse.Options{ReadOnly: true, Wait: f.wait})
		if err != nil {
			return err
		}
		return st.Close()
	}
	if _, err := os.Stat(f.db); err != nil && f.db != ":memory:" {
		return fidelis.Errorf(fidelis.ENotFound, "no store at %s", f.db).WithHint("%s", hint)
	}
	return nil
}

// analysisFlags are the flags shared by metrics, cohorts and report.
type analysisFlags struct {
	storeFlags
	grain, from, to, by, currency string
	window                        int
	json                          bool
	insight                       insightFlags
}

func (f *analysisFlags) register(fs *flag.FlagSet) {
	f.storeFlags.register(fs, "DuckDB store file")
	fs.StringVar(&f.grain, "grain", "month", "period: day, week, month, quarter or year")
	fs.StringVar(&f.from, "from", "", "first day of the window (YYYY-MM-DD)")
	fs.StringVar(&f.to, "to", "", "day after the window (YYYY-MM-DD, exclusive)")
	fs.StringVar(&f.by, "by", "", "break down by a customer attribute (region, segment, ...)")
	fs.IntVar(&f.window, "window", 0, "activity window in periods (default: about 90 days)")
	fs.StringVar(&f.currency, "currency", "", "currency label for money")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	f.insight.register(fs, true)
}

func (f *analysisFlags) options() (analysis.Options, error) {
	g, err := fidelis.ParseGrain(f.grain)
	if err != nil {
		return analysis.Options{}, err
	}
	o := analysis.Options{Grain: g, By: fidelis.CleanName(f.by), Window: f.window, Currency: f.currency}
	if f.by == "" {
		o.By = ""
	}
	for _, d := range []struct {
		s   string
		dst *time.Time
	}{{f.from, &o.From}, {f.to, &o.To}} {
		if d.s == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.s)
		if err != nil {
			return o, fidelis.Errorf(fidelis.EInvalid, "date %q: want YYYY-MM-DD", d.s)
		}
		*d.dst = t
	}
	if f.window < 0 {
		return o, fidelis.Errorf(fidelis.EInvalid, "--window %d: want a positive number of periods", f.window)
	}
	return o, nil
}

// runAnalysis opens the store and runs the analysis the flags describe; with only set, just those
// sections. On a terminal, stderr shows which section is being computed.
func runAnalysis(ctx context.Context, e *env, f *analysisFlags, only ...string) (*analysis.Analysis, error) {
	o, err := f.options()
	if err != nil {
		return nil, err
	}
	o.Only = only
	if isTerminal(e.stderr) {
		start := time.Now()
		o.Progress = func(s string) {
			fmt.Fprintf(e.stderr, "\r\033[Kcomputing %s… (%.0fs)", s, time.Since(start).Seconds())
		}
		defer fmt.Fprint(e.stderr, "\r\033[K")
	}
	if o.Insight, err = f.insight.load(); err != nil {
		return nil, err
	}
	st, err := openStore(ctx, e, f.storeFlags, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := f.insight.industryOf(ctx, st, &o.Insight); err != nil {
		return nil, err
	}
	return analysis.Run(ctx, st, o)
}

// explainMemory turns DuckDB's out-of-memory error into one that says what to do with Fidelis:
// DuckDB's own advice (SET memory_limit, SET threads) names SQL the user has no prompt for.
func explainMemory(err error) error {
	if !duckdb.OutOfMemory(err) {
		return err
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return fidelis.Errorf(fidelis.EInternal, "%s: the store's memory limit is too low for this data (DuckDB could not spill this query to disk)", strings.TrimSpace(msg)).
		WithHint("fidelis settings set %s 4GiB --db STORE (the default is %s; the machine's free memory is the ceiling)", fidelis.SettingMemoryLimit, duckdb.DefaultMemoryLimitRule)
}
