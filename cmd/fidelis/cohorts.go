package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"fidelis/analysis"
	"fidelis/report"
)

func init() {
	register("cohorts", "cohort retention matrix (bounded or unbounded) with weighted means", runCohorts)
}

func runCohorts(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "cohorts", "cohorts [--db PATH] [--grain month] [--from DATE] [--to DATE] [--by ATTR] [--unbounded] [--json]")
	f.register(fs)
	unbounded := fs.Bool("unbounded", false, "show 'bought in period k or later' instead of 'bought in period k'")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	o, err := f.options()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, f.storeFlags, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ms, err := analysis.CohortMatrices(ctx, st, o)
	if err != nil {
		return err
	}
	if f.json {
		return report.JSON(e.stdout, ms)
	}
	mode := "bought in period c+k (bounded)"
	if *unbounded {
		mode = "bought in period c+k or later (unbounded)"
	}
	for _, m := range ms {
		if m.Segment != "" {
			fmt.Fprintf(e.stdout, "\n%s = %s\n", o.By, m.Segment)
		}
		fmt.Fprintf(e.stdout, "Cohort retention by %s, %% of the cohort that %s; * = period not complete.\n", o.Grain, mode)
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 1, ' ', tabwriter.AlignRight)
		width := 0
		for _, r := range m.Rows {
			width = max(width, len(r.Bounded))
		}
		fmt.Fprint(tw, "cohort\tsize\t")
		for k := 0; k < width; k++ {
			fmt.Fprintf(tw, "%d\t", k)
		}
		fmt.Fprintln(tw)
		for _, r := range m.Rows {
			fmt.Fprintf(tw, "%s\t%d\t", r.Cohort, r.Size)
			cells := r.Bounded
			if *unbounded {
				cells = r.Unbounded
			}
			for k, c := range cells {
				star := ""
				if r.Incomplete[k] {
					star = "*"
				}
				fmt.Fprintf(tw, "%.1f%s\t", c.Value*100, star)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprint(tw, "weighted mean\t\t")
		mean := m.Mean
		if *unbounded {
			mean = m.MeanUnbounded
		}
		for _, c := range mean {
			fmt.Fprintf(tw, "%.1f\t", c.Value*100)
		}
		fmt.Fprintln(tw)
		tw.Flush()
	}
	return nil
}
