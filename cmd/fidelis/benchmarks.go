package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"fidelis"
	"fidelis/analysis"
	"fidelis/insight"
	"fidelis/report"
)

func init() {
	register("benchmarks", "list the industry benchmarks (with sources) that metrics are compared with", runBenchmarks)
}

// insightFlags are --industry, --benchmarks and --goals, shared by benchmarks, targets and any
// command that runs the analysis (report, demo): register them, then put load's result in
// analysis.Options.Insight.
type insightFlags struct {
	industry, benchmarks, goals string
}

func (f *insightFlags) register(fs interface {
	StringVar(p *string, name, value, usage string)
}, goals bool) {
	fs.StringVar(&f.industry, "industry", "", "compare with this industry's benchmarks (fidelis benchmarks lists them; none for none); default: the store's declared industry (fidelis settings)")
	fs.StringVar(&f.benchmarks, "benchmarks", "", "your own benchmark file (JSON rows, same schema), merged over the shipped ones")
	if goals {
		fs.StringVar(&f.goals, "goals", "", "targets file: lines `metric: [>=|<=] value[%] [by YYYY-MM-DD]` (or JSON)")
	}
}

// industryOf fills cfg.Industry from the store's declared industry (fidelis settings) when no
// --industry was given; --industry none compares with no industry's benchmarks.
func (f *insightFlags) industryOf(ctx context.Context, st fidelis.Store, cfg *analysis.InsightConfig) error {
	if f.industry != "" {
		return nil
	}
	v, err := st.Setting(ctx, fidelis.SettingIndustry)
	if err != nil || v == "" {
		return err
	}
	if err := insight.CheckIndustry(cfg.Benchmarks, v); err != nil {
		return fmt.Errorf("the store's declared industry: %w", err)
	}
	cfg.Industry = v
	return nil
}

// load reads the benchmark and goals files and checks the industry.
func (f *insightFlags) load() (analysis.InsightConfig, error) {
	cfg := analysis.InsightConfig{Industry: strings.ToLower(strings.TrimSpace(f.industry)), Benchmarks: insight.Shipped()}
	if cfg.Industry == "none" {
		cfg.Industry = ""
	}
	if f.benchmarks != "" {
		fh, err := os.Open(f.benchmarks)
		if err != nil {
			return cfg, fidelis.Errorf(fidelis.EInvalid, "benchmarks: %v", err)
		}
		user, err := insight.ParseBenchmarks(fh)
		fh.Close()
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", f.benchmarks, err)
		}
		cfg.Benchmarks = insight.MergeBenchmarks(cfg.Benchmarks, user)
	}
	if err := insight.CheckIndustry(cfg.Benchmarks, cfg.Industry); err != nil {
		return cfg, err
	}
	if f.goals != "" {
		fh, err := os.Open(f.goals)
		if err != nil {
			return cfg, fidelis.Errorf(fidelis.EInvalid, "goals: %v", err)
		}
		cfg.Goals, err = insight.ParseGoals(fh)
		fh.Close()
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", f.goals, err)
		}
	}
	return cfg, nil
}

func runBenchmarks(ctx context.Context, e *env, args []string) error {
	var f insightFlags
	fs := newFlags(e, "benchmarks", "benchmarks [--industry X] [--benchmarks FILE] [--json]")
	f.register(fs, false)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	bs := cfg.Benchmarks // the catalogue: every row unless an industry is asked for
	if cfg.Industry != "" {
		bs = insight.ForIndustry(bs, cfg.Industry)
	}
	if *asJSON {
		return report.JSON(e.stdout, bs)
	}
	printBenchmarks(e.stdout, bs, insight.Industries(cfg.Benchmarks))
	return nil
}

func printBenchmarks(w io.Writer, bs []insight.Benchmark, industries []string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tindustry\tvalue\tper\tkind\tyear\tsource")
	for _, b := range bs {
		kind := b.Kind
		if b.Kind == "survey" {
			kind = "vendor survey"
		}
		if b.User {
			kind += " (yours)"
		}
		if b.NotComparable {
			kind += ", not comparable"
		}
		per := b.Period
		if per == "" {
			per = "–"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", b.Metric, b.Industry, b.Text(), per, kind, b.Year, b.Source)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nIndustries (--industry): %s. Definitions and URLs: --json. Add your own rows with --benchmarks FILE.\n", strings.Join(industries, ", "))
	fmt.Fprintln(w, "No ACSI figures: the ACSI is a 0–100 index, not a top-box CSAT share, and is never compared with CSAT.")
}
