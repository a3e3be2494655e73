package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/ingest"
	"fidelis/insight"
	"fidelis/report"
	"fidelis/server"
	"fidelis/synth"
)

func init() {
	register("demo", "generate a synthetic company, import it, analyse it and write the report", runDemo)
}

// runDemo is the end-to-end path a new user runs first: synth → import (every kind, through the
// same ingest as real files) → analysis → report, all in the current directory.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "demo [--customers N] [--seed S] [--dir DIR] [--lang en|pl|ro|lv] [--serve [--addr 127.0.0.1:8080]]")
	customers := fs.Int("customers", synth.DefaultCustomers, "customers of the synthetic company")
	seed := fs.Uint64("seed", 1, "random seed")
	dir := fs.String("dir", ".", "where the data files, the store and the report go")
	industry := fs.String("industry", "ecommerce,retail", "benchmarks to compare with (fidelis benchmarks lists them)")
	lang := fs.String("lang", "en", "report language: en, pl, ro or lv")
	serveIt := fs.Bool("serve", false, "then serve the API and the dashboard on the demo store, printing the sign-in URL (Ctrl-C stops)")
	var sf serveFlags
	sf.register(fs)
	goals := fs.String("goals", "", "targets file (default: the demo's own, "+strings.ReplaceAll(strings.TrimSpace(demoGoals), "\n", ", ")+")")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := report.ParseLang(*lang); err != nil {
		return err
	}
	if *customers <= 0 || *seed == 0 {
		return fidelis.Errorf(fidelis.EInvalid, "--customers and --seed must be positive")
	}
	start := time.Now()
	data := filepath.Join(*dir, "fidelis-demo-data")
	db := filepath.Join(*dir, "fidelis-demo.duckdb")
	out := filepath.Join(*dir, "fidelis-demo-report.html")
	fmt.Fprintf(e.stderr, "generating a synthetic company of %d customers in %s\n", *customers, data)
	m, err := synth.Write(ctx, data, synth.Config{Customers: *customers, Seed: *seed}, nil)
	if err != nil {
		return err
	}
	for _, p := range []string{db, db + ".wal", server.TokensPath(db)} { // a new company: old tokens go too
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	st, err := openStore(ctx, e, storeFlags{db: db}, false)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, k := range fidelis.Kinds {
		p, ok := m.Files[k]
		if !ok {
			continue
		}
		bar := newBar(e, "import "+string(k))
		sum, err := ingest.Import(ctx, st, k, p, ingest.Options{Rejects: filepath.Join(data, string(k)+".rejects.csv"),
			Progress: func(done, total int64) { bar.set(done, total) }})
		bar.finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "imported %-13s read %8d = stored %8d + rejected %d + duplicates %d\n", k, sum.Read, sum.Stored, sum.Rejected, sum.Duplicates)
	}
	inf := insightFlags{industry: *industry, goals: *goals}
	cfg, err := inf.load()
	if err != nil {
		return err
	}
	// The demo company is an online retailer: its store declares so, and later commands on it
	// compare with those benchmarks without --industry.
	if err := st.SetSetting(ctx, fidelis.SettingIndustry, cfg.Industry); err != nil {
		return err
	}
	if *goals == "" {
		// The demo company's example targets, so the report shows a target and its gap.
		if cfg.Goals, err = insight.ParseGoals(strings.NewReader(demoGoals)); err != nil {
			return err
		}
	}
	a, err := analysis.Run(ctx, st, analysis.Options{Grain: fidelis.Month, By: "region", Currency: "EUR", Insight: cfg})
	if err != nil {
		return err
	}
	if err := writeReport(e, a, "html", *lang, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Fidelis demo: %d customers, %d orders, %s to %s\n", a.Counts[fidelis.Customers], a.Counts[fidelis.Orders], date(a.First), date(a.Last))
	if r, ok := a.Latest(); ok {
		fmt.Fprintf(e.stdout, "  ID-based retention %s: %s %% (classic %.1f %%), churn %.1f %%\n", r.Period, ci(r.IDBased), r.Classic, r.Churn.Value*100)
	}
	fmt.Fprintf(e.stdout, "  repeat purchase rate %s %%, %.2f orders per customer, AOV %.2f EUR, historical CLV mean %.2f EUR\n",
		ci(a.Purchases.RepeatRate), a.Purchases.Frequency, a.Purchases.AOV, a.Value.CLVMean)
	fmt.Fprintf(e.stdout, "  store: %s\n  report: %s\n  done in %.1fs\n", db, out, time.Since(start).Seconds())
	if !*serveIt {
		return nil
	}
	return serveDemo(ctx, e, db, st, sf, cfg)
}

// serveDemo serves the demo store with a fresh read token, printing the URL that signs in with it.
func serveDemo(ctx context.Context, e *env, db string, st fidelis.Store, sf serveFlags, cfg analysis.InsightConfig) error {
	if sf.tokens == "" {
		sf.tokens = server.TokensPath(db)
	}
	tokens, err := server.OpenTokens(sf.tokens)
	if err != nil {
		return err
	}
	t, secret, err := tokens.Create("", []string{server.ScopeRead}, 0, time.Now())
	if err != nil {
		return err
	}
	return serve(ctx, e, db, st, sf, cfg, func(base string) {
		fmt.Fprintf(e.stdout, "  dashboard: %s/login?token=%s\n  (read token %s; fidelis token revoke %s --db %s ends it; Ctrl-C stops the server)\n",
			base, url.QueryEscape(secret), t.ID, t.ID, db)
	})
}

// demoGoals are the synthetic company's targets (goals file format).
const demoGoals = `retention: >= 85%
nps: >= 40
`

func date(t time.Time) string { return t.Format("2006-01-02") }
