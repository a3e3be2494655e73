package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"fidelis"
	"fidelis/analysis"
	"fidelis/internal/table"
	"fidelis/report"
)

func init() {
	register("actions", "the prioritised action list, ranked by money at stake, with every assumption; --list ID writes an action's customers", runActions)
}

func runActions(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "actions", "actions [--db PATH] [--grain month] [--by ATTR] [--json] [--list ID --out FILE.csv|.parquet|.json]")
	f.register(fs)
	list := fs.String("list", "", "write the customers of the action with this id (save, winback, recovery, programme, onboarding, advocates) to --out")
	out := fs.String("out", "", "with --list: the file to write (.csv, .parquet or .json)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *list != "" || *out != "" {
		if *list == "" || *out == "" {
			return fidelis.Errorf(fidelis.EInvalid, "--list and --out go together").WithHint("fidelis actions --list ID --out ID.csv")
		}
		if _, err := listFormat(*out); err != nil {
			return err
		}
	}
	a, err := runAnalysis(ctx, e, &f)
	if err != nil {
		return err
	}
	if *list != "" {
		return writeActionList(ctx, e, f.storeFlags, a, *list, *out)
	}
	if f.json {
		return report.JSON(e.stdout, a.Actions)
	}
	if len(a.Actions) == 0 {
		fmt.Fprintln(e.stdout, "No action has enough evidence behind it yet (the models need repeat purchases; surveys, programme and referral data add more).")
		return nil
	}
	for i, x := range a.Actions {
		fmt.Fprintf(e.stdout, "%d. %s [%s]\n   expected gain %.2f (value exposed %.2f, %d customers)\n   %s\n   for: %s\n", i+1, x.Title, x.ID, x.Gain, x.Exposed, x.Customers, x.Why, x.Who)
		if x.Command != "" {
			fmt.Fprintf(e.stdout, "   list: %s\n", x.Command)
		}
		fmt.Fprintf(e.stdout, "   assumptions: %s\n\n", strings.Join(x.Assumptions, "; "))
	}
	return nil
}

func listFormat(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".parquet", ".json":
		return ext, nil
	}
	return "", fidelis.Errorf(fidelis.EInvalid, "--out %s: want a .csv, .parquet or .json file", path)
}

// listColumn is one column of an action's customer list.
type listColumn = table.Column

// writeActionList writes exactly the customers of action id: rank, id, attributes, first and last
// purchase, orders and revenue to date from the store, then the figures the action's rule reads.
func writeActionList(ctx context.Context, e *env, sf storeFlags, a *analysis.Analysis, id, out string) error {
	i := slices.IndexFunc(a.Actions, func(x analysis.Action) bool { return x.ID == id })
	if i < 0 {
		ids := make([]string, len(a.Actions))
		for k, x := range a.Actions {
			ids[k] = x.ID
		}
		if len(ids) == 0 {
			return fidelis.Errorf(fidelis.ENotFound, "no action %q: this store supports no action yet", id)
		}
		return fidelis.Errorf(fidelis.ENotFound, "no action %q on this store", id).WithHint("--list one of: %s", strings.Join(ids, ", "))
	}
	x := a.Actions[i]
	st, err := openStore(ctx, e, sf, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ids := make([]string, len(x.Members))
	for k, m := range x.Members {
		ids[k] = m.Customer
	}
	var recs []fidelis.CustomerRecord
	attrs := map[string]bool{}
	if err := st.CustomerRecords(ctx, ids, func(r fidelis.CustomerRecord) error {
		recs = append(recs, r)
		for _, at := range r.Attrs {
			attrs[at.Name] = true
		}
		return nil
	}); err != nil {
		return err
	}
	cols := []listColumn{{Name: "rank", Kind: 'i'}, {Name: "customer_id", Kind: 's'}}
	for _, d := range fidelis.FixedDimensions {
		if attrs[d] {
			cols = append(cols, listColumn{Name: d, Kind: 's'})
			delete(attrs, d)
		}
	}
	free := make([]string, 0, len(attrs))
	for n := range attrs {
		free = append(free, n)
	}
	sort.Strings(free)
	for _, n := range free {
		cols = append(cols, listColumn{Name: n, Kind: 's'})
	}
	cols = append(cols, listColumn{Name: "first_purchase", Kind: 'd'}, listColumn{Name: "last_purchase", Kind: 'd'}, listColumn{Name: "orders", Kind: 'i'})
	if !slices.Contains(x.Columns, analysis.ColRevenue) {
		cols = append(cols, listColumn{Name: analysis.ColRevenue, Kind: 'f'})
	}
	for _, c := range x.Columns {
		cols = append(cols, listColumn{Name: c, Kind: 'f'})
	}
	rows := make([][]any, len(recs))
	for k, r := range recs {
		row := []any{int64(k + 1), r.Customer}
		have := map[string]string{}
		for _, at := range r.Attrs {
			have[at.Name] = at.Value
		}
		for _, c := range cols[2:] {
			if c.Kind != 's' {
				break
			}
			if v, ok := have[c.Name]; ok {
				row = append(row, v)
			} else {
				row = append(row, nil)
			}
		}
		row = append(row, day(r.First), day(r.Last), r.Orders)
		if !slices.Contains(x.Columns, analysis.ColRevenue) {
			row = append(row, r.Revenue)
		}
		for _, v := range x.Members[k].Values {
			if math.IsNaN(v) {
				row = append(row, nil)
			} else {
				row = append(row, v)
			}
		}
		rows[k] = row
	}
	ext, _ := listFormat(out)
	err = writeAtomic(out, func(f *os.File) error {
		switch ext {
		case ".parquet":
			return table.WriteParquet(f, cols, rows)
		case ".json":
			objs := make([]map[string]any, len(rows))
			for k, row := range rows {
				objs[k] = map[string]any{}
				for c, v := range row {
					if v != nil {
						objs[k][cols[c].Name] = v
					}
				}
			}
			return report.JSON(f, objs)
		}
		return table.WriteCSV(f, cols, rows)
	})
	if err != nil {
		return err
	}
	rule := make([]string, len(x.Rule))
	for k, c := range x.Rule {
		rule[k] = c.String()
	}
	fmt.Fprintf(e.stderr, "%s: %d customers (%s) written to %s\n", x.ID, len(rows), strings.Join(rule, " and "), out)
	return nil
}

// day is a purchase day as YYYY-MM-DD, or nil when there is none.
func day(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02")
}
