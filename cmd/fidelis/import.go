package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"fidelis"
	"fidelis/ingest"
	"fidelis/report"
)

func init() {
	register("import", "import records of one kind from CSV, TSV, whitespace text, JSON Lines or arrays, Parquet or XLSX (also compressed)", runImport)
}

type mapFlag map[string]string

func (m mapFlag) String() string { return fmt.Sprint(map[string]string(m)) }
func (m mapFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return fmt.Errorf("want FIELD=COLUMN, got %q", s)
	}
	m[k] = v
	return nil
}

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import", "import KIND FILE... [--db PATH] [--map FIELD=COLUMN]... [--sep C|tab|whitespace] [--decimal ,|.] [--date-format F] [--encoding E] [--sheet NAME] [--rejects FILE] [--scale KIND=RANGE]... [--min-date D] [--max-date D] [--fx RATES --base CODE] [--update] [--keep-pii] [--pseudonymise] [--wait 30s] [--json]")
	var sf storeFlags
	sf.register(fs, "DuckDB store file (created if missing)")
	m := mapFlag{}
	fs.Var(m, "map", "use COLUMN for FIELD (repeatable), e.g. --map amount=Brutto")
	sep := fs.String("sep", "", "field separator: , ; | tab or whitespace (default: detected)")
	dec := fs.String("decimal", "", "decimal separator . or , (default: detected)")
	df := fs.String("date-format", "", "date format, e.g. DD.MM.YYYY or YYYYMMDD (default: detected)")
	enc := fs.String("encoding", "", "text encoding, e.g. windows-1250, iso-8859-2, windows-1252 (default: UTF-8 or UTF-16, detected)")
	sheet := fs.String("sheet", "", "XLSX sheet to read (default: the first)")
	rej := fs.String("rejects", "", "rejects file (default: FILE.rejects.csv in the current folder)")
	scales := mapFlag{}
	fs.Var(scales, "scale", "survey answers of KIND without a scale are on RANGE (repeatable), e.g. --scale csat=1-5")
	minDate := fs.String("min-date", "", "earliest plausible date, YYYY-MM-DD (default 1970-01-01)")
	maxDate := fs.String("max-date", "", "latest plausible date, YYYY-MM-DD (default: one day after today)")
	fxFile := fs.String("fx", "", "convert order amounts with this rates file (CSV date,currency,rate; needs --base)")
	base := fs.String("base", "", "the currency --fx converts to, e.g. EUR")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	update := fs.Bool("update", false, "replace stored records whose id the file repeats with other values")
	keepPII := fs.Bool("keep-pii", false, "store columns that look like e-mail, phone, name or address (left out by default)")
	var pf pseudonymFlags
	pf.register(fs, "replace customer ids with keyed HMAC-SHA256 pseudonyms")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	opt := ingest.Options{Map: m, Sep: *sep, Decimal: *dec, DateFormat: *df, Encoding: *enc, Sheet: *sheet, Scales: scales}
	for _, d := range []struct {
		name, v string
		to      *time.Time
	}{{"--min-date", *minDate, &opt.MinDate}, {"--max-date", *maxDate, &opt.MaxDate}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			return fidelis.Errorf(fidelis.EInvalid, "%s %q: want YYYY-MM-DD", d.name, d.v)
		}
		*d.to = t
	}
	if !opt.MaxDate.IsZero() {
		opt.MaxDate = opt.MaxDate.Add(24*time.Hour - time.Nanosecond) // the whole day
	}
	switch {
	case *fxFile != "" && *base == "":
		return fidelis.Errorf(fidelis.EInvalid, "--fx needs --base, the currency its rates convert to").WithHint("--fx %s --base EUR", *fxFile)
	case *fxFile == "" && *base != "":
		return fidelis.Errorf(fidelis.EInvalid, "--base without --fx").WithHint("--fx rates.csv --base %s", *base)
	case *fxFile != "":
		if opt.FX, err = ingest.LoadRates(*fxFile, *base); err != nil {
			return err
		}
	}
	if len(pos) < 2 {
		return fidelis.Errorf(fidelis.EInvalid, "import needs a kind and at least one file").
			WithHint("fidelis import orders orders.csv --db shop.duckdb (kinds: customers, orders, subscriptions, surveys, referrals, program, interactions, social, exits)")
	}
	kind, err := fidelis.ParseKind(pos[0])
	if err != nil {
		return err
	}
	if *rej != "" && len(pos) > 2 {
		return fidelis.Errorf(fidelis.EInvalid, "--rejects names one file, but %d inputs were given", len(pos)-1).WithHint("import the files one by one, or leave --rejects out")
	}
	for _, p := range pos[1:] {
		if _, err := os.Stat(p); err != nil {
			return fidelis.Errorf(fidelis.ENotFound, "%s: no such file", p).WithHint("check the path")
		}
	}
	if err := ingest.CheckRejects(*rej, pos[1:]); err != nil {
		return err
	}
	rejects := ingest.DefaultRejects(pos[1:])
	if *rej != "" {
		rejects[0] = *rej
	}
	key, err := pf.key()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, sf, false)
	if err != nil {
		return err
	}
	defer st.Close()
	var sums []ingest.Summary
	for i, p := range pos[1:] {
		bar := newBar(e, "import "+p)
		o := opt
		o.Rejects = rejects[i]
		o.Update, o.KeepPII, o.Pseudonymise = *update, *keepPII, key
		o.Progress = func(done, total int64) { bar.set(done, total) }
		sum, err := ingest.Import(ctx, st, kind, p, o)
		bar.finish()
		if err != nil {
			return err
		}
		sums = append(sums, sum)
		if !*asJSON {
			printSummary(e, sum)
		}
	}
	if *asJSON {
		if len(sums) == 1 {
			return report.JSON(e.stdout, sums[0])
		}
		return report.JSON(e.stdout, sums)
	}
	return nil
}

func printSummary(e *env, s ingest.Summary) {
	updated := ""
	if s.Updated > 0 {
		updated = fmt.Sprintf(" + updated %d", s.Updated)
	}
	fmt.Fprintf(e.stdout, "%s (%s): read %d = stored %d%s + rejected %d + duplicates %d  [%.1fs]\n",
		s.File, s.Kind, s.Read, s.Stored, updated, s.Rejected, s.Duplicates, s.Seconds)
	fmt.Fprintf(e.stdout, "  format %s", s.Format)
	if s.Encoding != "" {
		fmt.Fprintf(e.stdout, ", encoding %s", s.Encoding)
	}
	if s.LineEnds != "" && s.LineEnds != "LF" {
		fmt.Fprintf(e.stdout, ", line ends %s", s.LineEnds)
	}
	fmt.Fprintf(e.stdout, ", decimal %q", s.Decimal)
	for _, f := range slices.Sorted(maps.Keys(s.DateFormats)) {
		fmt.Fprintf(e.stdout, ", %s as %s", f, s.DateFormats[f])
	}
	fmt.Fprintln(e.stdout)
	if s.Lines > 0 {
		unit := "lines"
		if strings.HasPrefix(s.Format, "xlsx") || strings.Contains(s.Format, ", xlsx") {
			unit = "sheet rows"
		}
		fmt.Fprintf(e.stdout, "  %s %d = header %d + records read %d + blank %d", unit, s.Lines, s.HeaderLines, s.Read, s.BlankLines)
		if s.ContinuationLines > 0 {
			fmt.Fprintf(e.stdout, " + %d continuing quoted values", s.ContinuationLines)
		}
		fmt.Fprintln(e.stdout)
	}
	if len(s.Attributes) > 0 {
		fmt.Fprintf(e.stdout, "  attributes kept: %s\n", strings.Join(s.Attributes, ", "))
	}
	for _, n := range s.Scales {
		if n.Source == "inferred" {
			fmt.Fprintf(e.stdout, "  %s answers without a scale read on %s, inferred from answers %s (state it with --scale %s=RANGE)\n", n.Kind, n.Scale, n.Range, n.Kind)
		} else {
			fmt.Fprintf(e.stdout, "  %s answers without a scale read on %s (--scale)\n", n.Kind, n.Scale)
		}
	}
	if s.Currency != "" {
		fmt.Fprintf(e.stdout, "  currency %s", s.Currency)
		if s.Converted > 0 {
			fmt.Fprintf(e.stdout, " (%d amounts converted with --fx)", s.Converted)
		}
		fmt.Fprintln(e.stdout)
	}
	if s.LegacyIDs > 0 {
		fmt.Fprintf(e.stdout, "  warning: rows without an id got ids by values, but this store holds %d %s whose ids were derived from the raw text by an earlier version: rows imported before may now be stored twice; import into a new --db to be sure (see README)\n", s.LegacyIDs, s.Kind)
	}
	if s.UnknownCustomers > 0 {
		note := ""
		if s.CustomersKnown == 0 {
			note = " (no customers imported yet)"
		}
		fmt.Fprintf(e.stdout, "  unknown_customers %d: stored records naming a customer missing from the customers table%s\n", s.UnknownCustomers, note)
	}
	if len(s.Ignored) > 0 {
		fmt.Fprintf(e.stdout, "  columns not used: %s\n", strings.Join(s.Ignored, ", "))
	}
	if s.Pseudonymised {
		fmt.Fprintln(e.stdout, "  customer ids pseudonymised (keyed HMAC-SHA256): no raw id stored")
	}
	for _, c := range s.PII {
		fmt.Fprintf(e.stdout, "  personal data: column %q looks like %s (by its %s): %s\n", c.Column, c.LooksAs, c.Evidence, c.Action)
	}
	if s.Differ > 0 {
		fmt.Fprintf(e.stdout, "  %d of the duplicates have other values than the stored records; --update replaces them\n", s.Differ)
	}
	if s.Conflicts > 0 {
		fmt.Fprintf(e.stdout, "  %d rows repeat an earlier row's id with other values: rejected, the first is stored\n", s.Conflicts)
	}
	if s.Rejected > 0 {
		fmt.Fprintf(e.stdout, "  rejected rows are in %s:\n", s.RejectsFile)
		for r, n := range s.Reasons {
			fmt.Fprintf(e.stdout, "    %6d  %s\n", n, r)
		}
	}
}

// bar is a progress bar on stderr that appears only for work that lasts more than a moment, and
// only on a terminal (logs and pipes get the summary lines, not the redraws).
type bar struct {
	e     *env
	label string
	pb    *progressbar.ProgressBar
	off   bool
}

func newBar(e *env, label string) *bar { return &bar{e: e, label: label, off: !isTerminal(e.stderr)} }

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (b *bar) set(done, total int64) {
	if b.off {
		return
	}
	if b.pb == nil {
		if total <= 0 {
			return
		}
		b.pb = progressbar.NewOptions64(total, progressbar.OptionSetWriter(b.e.stderr), progressbar.OptionSetDescription(b.label),
			progressbar.OptionShowBytes(true), progressbar.OptionThrottle(200_000_000), progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish())
	}
	b.pb.Set64(done)
}

func (b *bar) finish() {
	if b.pb != nil {
		b.pb.Finish()
	}
}
