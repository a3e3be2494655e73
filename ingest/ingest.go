// Package ingest reads customer, order, survey and other loyalty records from CSV, TSV,
// whitespace-separated text, JSON Lines, JSON arrays, Parquet and XLSX files (also gzip, bzip2 or
// zstd compressed; text in UTF-8, UTF-16 or a named 8-bit encoding), maps their headers to
// Fidelis' canonical fields, coerces and validates every value, and hands the valid rows to a Store writer in one atomic
// import. Nothing is silently lost: every record read is stored, written to the rejects file with
// its line, column, value and reason, or counted as a duplicate, and the summary reconciles
// read = stored + rejected + duplicates. For text, every physical line is accounted for too:
// lines = header + blank + read + continuation lines of quoted values that span lines.
package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"fidelis"
	"fidelis/internal/csvsafe"
)

// Options override what Import would otherwise detect.
type Options struct {
	// Map names the column for a canonical field (field → column), overriding header matching.
	Map map[string]string
	// Sep is the field separator: "," ";" "|" "tab" or "whitespace"; "" detects it.
	Sep string
	// Decimal is the decimal separator, "." or ","; "" detects it from the sampled values.
	Decimal string
	// DateFormat is the timestamp layout for every time column (DD.MM.YYYY or a Go layout); ""
	// detects it per column.
	DateFormat string
	// Rejects is the path of the rejects file, created only when a record is rejected; "" writes
	// <file name>.rejects.csv in the current directory.
	Rejects string
	// Encoding names the text encoding (windows-1250, iso-8859-2, ...); "" detects UTF-8 and
	// UTF-16 and refuses other text with a hint.
	Encoding string
	// Sheet is the XLSX sheet to read; "" reads the first.
	Sheet string
	// Progress, if set, is called with bytes read so far and the file's size.
	Progress func(done, total int64)
	// Scales gives the scale of survey answers that name none, per survey kind (kind → "1-5");
	// kinds not given are inferred from the sampled answers where that is unambiguous.
	Scales map[string]string
	// MinDate and MaxDate bound every timestamp (inclusive); zero values mean 1970-01-01 and one
	// day after Now. Dates outside are rejected as implausible.
	MinDate, MaxDate time.Time
	// Now is the time of the import (zero: the clock), for the default MaxDate.
	Now time.Time
	// FX, when set, converts every order amount to FX.Base at the order's date (see LoadRates).
	FX *Rates
	// Update replaces stored records whose id the file repeats with other values.
	Update bool
	// KeepPII stores columns flagged as personal data (see pii.go), which are left out otherwise.
	KeepPII bool
	// Pseudonymise, if set, is the key with which every customer id (and a referral's prospect)
	// is replaced by fidelis.Pseudonym before it reaches the store.
	Pseudonymise []byte
	// KeepRejects, when above zero, returns the first KeepRejects rejected rows in
	// Summary.Rejects instead of writing a rejects file (every rejected row is still counted):
	// for callers such as the HTTP API that answer with the rejects.
	KeepRejects int
	// Batch keeps the work proportional to the input, for callers that import many small
	// batches into a large store (the HTTP API): no whole-store quality scan before and after.
	// The store's currency comes from Store.Currencies, LegacyIDs is read only when ids were
	// derived, and UnknownCustomers is not counted (Summary.Unchecked says so).
	Batch bool
}

// Reject is one rejected row, as the rejects file has it.
type Reject struct {
	Line   int64  `json:"line"`
	Column string `json:"column,omitempty"` // 1-based number, or the letter in a sheet
	Field  string `json:"field,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// DefaultMinDate is the earliest timestamp accepted unless --min-date says otherwise.
var DefaultMinDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// Summary reports one file's import. Read = Stored + Updated + Rejected + Duplicates always holds.
type Summary struct {
	File       string       `json:"file"`
	Kind       fidelis.Kind `json:"kind"`
	Read       int64        `json:"read"`
	Stored     int64        `json:"stored"`
	Updated    int64        `json:"updated"` // stored records replaced (Options.Update)
	Rejected   int64        `json:"rejected"`
	Duplicates int64        `json:"duplicates"`
	// Differ counts duplicates whose stored record has other values: what Options.Update would
	// replace.
	Differ int64 `json:"differing_duplicates,omitempty"`
	// Conflicts counts rows repeating an earlier row's id with other values; they are among the
	// rejected rows, and the first occurrence is the one stored.
	Conflicts int64 `json:"conflicts,omitempty"`
	// PII lists the columns flagged as personal data and what became of them.
	PII           []PIIColumn `json:"personal_data,omitempty"`
	Pseudonymised bool        `json:"pseudonymised,omitempty"`
	RejectsFile   string      `json:"rejects_file,omitempty"`
	// Rejects are the first Options.KeepRejects rejected rows, when that option is set.
	Rejects     []Reject          `json:"rejects,omitempty"`
	Format      string            `json:"format"`
	Decimal     string            `json:"decimal"`
	DateFormats map[string]string `json:"date_formats,omitempty"`
	Columns     map[string]string `json:"columns"`
	Attributes  []string          `json:"attributes,omitempty"`
	Ignored     []string          `json:"ignored_columns,omitempty"`
	Reasons     map[string]int64  `json:"reject_reasons,omitempty"`
	// DateWindow is the accepted range of timestamps, [from, to] as YYYY-MM-DD.
	DateWindow [2]string `json:"date_window"`
	// Scales says on which scale survey answers without one were read (inferred or --scale).
	Scales []ScaleNote `json:"scales,omitempty"`
	// Currency is the one currency of the orders ("" when none is named); Converted counts the
	// amounts converted to it with --fx.
	Currency  string `json:"currency,omitempty"`
	Converted int64  `json:"converted,omitempty"`
	// UnknownCustomers counts the stored records of this file that name a customer missing from
	// the customers table (CustomersKnown is how many customers the table holds; with none
	// imported yet every record counts).
	UnknownCustomers int64 `json:"unknown_customers"`
	// Unchecked names what a batch import (Options.Batch) did not count, and where to find it.
	Unchecked string `json:"unchecked,omitempty"`
	// LegacyIDs is set when rows of this file got derived ids while the store holds records of
	// this kind whose ids were derived by the earlier raw-text rule: those rows may be stored twice.
	LegacyIDs      int64   `json:"legacy_derived_ids,omitempty"`
	CustomersKnown int64   `json:"customers_known"`
	Seconds        float64 `json:"seconds"`

	// Where the records came from. Lines accounts for every physical line of a text file (rows
	// of a sheet for XLSX): Lines = HeaderLines + BlankLines + Read + ContinuationLines, where
	// continuation lines are the further lines of quoted values that span lines. Zero for
	// Parquet and JSON arrays.
	Encoding          string `json:"encoding,omitempty"`
	LineEnds          string `json:"line_ends,omitempty"`
	Lines             int64  `json:"lines,omitempty"`
	HeaderLines       int64  `json:"header_lines,omitempty"`
	BlankLines        int64  `json:"blank_lines,omitempty"`
	ContinuationLines int64  `json:"continuation_lines,omitempty"`
}

const (
	sampleRecords = 1000
	batchRows     = 8192
)

// Import reads path as records of kind and stores them in st, atomically.
func Import(ctx context.Context, st fidelis.Store, kind fidelis.Kind, path string, opt Options) (Summary, error) {
	start := time.Now()
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		_, err := fidelis.ParseKind(string(kind))
		return Summary{}, err
	}
	sum := Summary{File: path, Kind: kind, Columns: map[string]string{}}
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return sum, fidelis.Errorf(fidelis.ENotFound, "%s: no such file", path).WithHint("check the path; fidelis import %s FILE", kind)
		}
		return sum, fidelis.Errorf(fidelis.EInvalid, "%s: %v", path, err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		if fi.IsDir() {
			return sum, fidelis.Errorf(fidelis.EInvalid, "%s is a directory, not a file", path)
		}
		size = fi.Size()
	}
	if opt.KeepRejects == 0 {
		if err := checkRejectsPath(opt.Rejects, path); err != nil {
			return sum, err
		}
	}
	return importFrom(ctx, st, schema, path, f, size, true, opt, start)
}

// ImportReader reads records of kind from r (CSV, TSV, JSON Lines, a JSON array, Parquet or
// XLSX, compressed or not: what Import reads from a file) and stores them in st, atomically, with
// the same validation, accounting and rejects. name labels the input in messages and rejects (an
// HTTP request, say). With opt.KeepRejects > 0 the rejects are returned in the summary, not
// written to a file.
func ImportReader(ctx context.Context, st fidelis.Store, kind fidelis.Kind, name string, r io.Reader, opt Options) (Summary, error) {
	start := time.Now()
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		_, err := fidelis.ParseKind(string(kind))
		return Summary{}, err
	}
	if opt.KeepRejects == 0 {
		if err := checkRejectsPath(opt.Rejects, name); err != nil {
			return Summary{File: name, Kind: kind}, err
		}
	}
	return importFrom(ctx, st, schema, name, r, 0, false, opt, start)
}

// importFrom is Import's work on an opened input; path names it, size is its length when known.
func importFrom(ctx context.Context, st fidelis.Store, schema fidelis.Schema, path string, r io.Reader, size int64, file bool, opt Options, start time.Time) (Summary, error) {
	p, err := open(ctx, st, schema, path, r, size, file, opt, start)
	if err != nil {
		return p.sum, err
	}
	defer p.close()
	w, err := st.Begin(ctx, schema.Kind, filepath.Base(path), p.mode())
	if err != nil {
		return p.sum, err
	}
	committed := false
	defer func() {
		if !committed {
			w.Rollback()
		}
	}()
	if err := p.read(ctx, st, w); err != nil {
		return p.sum, err
	}
	c, err := w.Commit(ctx, p.rej.n)
	if err != nil {
		return p.sum, fmt.Errorf("%s: %w", path, err)
	}
	committed = true
	return p.finish(ctx, st, c, nil)
}

// prepared is one import between its stages: opened (header mapped, sample read, currency
// chosen), read (every record converted and handed to a writer, rejects collected), finished
// (the store's answer accounted for). A Batcher runs the stages of many imports around one commit.
type prepared struct {
	sum      Summary
	schema   fidelis.Schema
	path     string
	size     int64
	opt      Options
	start    time.Time
	in       *input
	m        mapping
	conv     *converter
	buffered []pending
	before   fidelis.Quality // the store's, as far as open needed it
	rej      *rejects
	ps       pipeStats
}

func (p *prepared) close() {
	if p.rej != nil {
		p.rej.close()
	}
	if p.in != nil {
		p.in.close()
	}
}

func (p *prepared) mode() fidelis.ImportMode {
	if p.opt.Update {
		return fidelis.Update
	}
	return fidelis.Insert
}

// open reads the header and the sample, maps columns and chooses the currency.
func open(ctx context.Context, st fidelis.Store, schema fidelis.Schema, path string, r io.Reader, size int64, file bool, opt Options, start time.Time) (*prepared, error) {
	kind := schema.Kind
	p := &prepared{sum: Summary{File: path, Kind: kind, Columns: map[string]string{}}, schema: schema, path: path, size: size, opt: opt, start: start}
	sum := &p.sum
	cr := &countingReader{r: r, total: size, progress: opt.Progress}
	in, err := openInput(cr, path, file, opt)
	if err != nil {
		if e, ok := err.(*fidelis.Error); ok {
			c := *e
			c.Message = path + ": " + e.Message
			return p, &c
		}
		return p, fidelis.Errorf(fidelis.EInvalid, "%s: %v", path, err)
	}
	p.in = in
	src := in.src
	sum.Format, sum.Encoding, sum.LineEnds = in.format, in.encoding, in.lineEnds

	m, err := mapHeader(schema, src.Header(), opt.Map, path)
	if err != nil {
		return p, err
	}

	// Sample the first records to detect the decimal separator and date layouts.
	var buffered []pending
	for len(buffered) < sampleRecords {
		rec, line, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if re, ok := err.(*recordError); ok {
				buffered = append(buffered, pending{line: re.line, err: re})
				continue
			}
			return p, fidelis.Errorf(fidelis.EInvalid, "%s: %v", path, err)
		}
		buffered = append(buffered, pending{line: line, fields: append([]string(nil), rec...)})
	}
	if sum.PII, err = screenPII(schema, src.Header(), &m, buffered, opt, path); err != nil {
		return p, err
	}
	sum.Pseudonymised = opt.Pseudonymise != nil
	for i, c := range m.cols {
		if c >= 0 {
			sum.Columns[schema.Fields[i].Name] = src.Header()[c]
		}
	}
	for _, c := range m.extra {
		if schema.KeepAttrs {
			sum.Attributes = append(sum.Attributes, fidelis.CleanName(src.Header()[c]))
		} else {
			sum.Ignored = append(sum.Ignored, src.Header()[c])
		}
	}
	conv, err := newConverter(schema, m, buffered, opt, src.Header(), path)
	if err != nil {
		return p, err
	}
	p.m, p.conv, p.buffered = m, conv, buffered
	sum.Decimal = string(conv.decimal)
	sum.DateFormats = conv.layoutNames()
	sum.Scales = conv.scaleNotes
	sum.DateWindow = [2]string{conv.minDate.Format("2006-01-02"), conv.maxDate.Format("2006-01-02")}
	switch {
	case !opt.Batch:
		if p.before, err = kindQuality(ctx, st, kind); err != nil {
			return p, err
		}
	case kind == fidelis.Orders:
		// A batch's orders are checked against the store's currency as a file's are, from the
		// few rows Currencies reads instead of a whole-store scan.
		codes, err := st.Currencies(ctx)
		if err != nil {
			return p, err
		}
		p.before.Currencies = currencyTotals(codes)
	}
	if kind == fidelis.Orders {
		if sum.Currency, err = conv.chooseCurrency(p.before, buffered, path); err != nil {
			return p, err
		}
	}
	return p, nil
}

func currencyTotals(codes []string) []fidelis.CurrencyTotal {
	var out []fidelis.CurrencyTotal
	for _, c := range codes {
		out = append(out, fidelis.CurrencyTotal{Code: c})
	}
	return out
}

// read converts every record and hands the valid rows to w, in input order.
func (p *prepared) read(ctx context.Context, st fidelis.Store, w fidelis.Writer) error {
	p.rej = &rejects{path: p.opt.Rejects, input: p.path, label: p.path, reasons: map[string]int64{}, keep: p.opt.KeepRejects}
	if x, ok := p.in.src.(guardedXLSX); ok {
		p.rej.label, p.rej.colName = p.path+" [sheet "+x.sheet+"]", columnName
	}
	pv, err := newPrivacy(ctx, st, p.schema, p.opt)
	if err != nil {
		return err
	}
	if err := pipeline(ctx, p.in.src, p.buffered, p.conv, p.m, pv, w, p.rej, &p.sum.Read, &p.ps); err != nil {
		if _, ok := err.(*fidelis.Error); ok || ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("%s: %w", p.path, err)
	}
	p.sum.Converted = p.ps.converted
	return nil
}

// finish accounts for what the store did with the rows: the summary, with its checks. counts,
// when given, are the store's counts after the commit (a Batcher reads them once per group).
func (p *prepared) finish(ctx context.Context, st fidelis.Store, c fidelis.Committed, counts map[fidelis.Kind]int64) (Summary, error) {
	sum, kind, rej, path := &p.sum, p.schema.Kind, p.rej, p.path
	sum.Stored, sum.Updated, sum.Duplicates, sum.Differ = c.Stored, c.Updated, c.Duplicates, c.Differ
	sum.Conflicts = int64(len(c.Conflicts))
	if err := rejectConflicts(rej, p.schema, p.m, c.Conflicts); err != nil {
		return *sum, err
	}
	sum.Rejected = rej.n
	sum.Reasons = rej.reasons
	if err := rej.close(); err != nil {
		return *sum, err
	}
	sum.RejectsFile, sum.Rejects = rej.written, rej.kept
	if p.opt.Batch {
		if counts == nil {
			var err error
			if counts, err = st.Counts(ctx); err != nil {
				return *sum, err
			}
		}
		sum.CustomersKnown = counts[fidelis.Customers]
		if p.ps.derived > 0 { // the store's legacy derived ids are not this import's: count them after
			q, err := kindQuality(ctx, st, kind)
			if err != nil {
				return *sum, err
			}
			sum.LegacyIDs = q.LegacyIDs[kind]
		}
		if kind != fidelis.Customers {
			sum.Unchecked = "unknown_customers is not counted for a batch (it needs a whole-store scan): data_quality in GET /v1/report has it"
		}
	} else {
		after, err := kindQuality(ctx, st, kind)
		if err != nil {
			return *sum, err
		}
		sum.CustomersKnown = after.Customers
		if p.before.LegacyIDs[kind] > 0 && p.ps.derived > 0 {
			sum.LegacyIDs = p.before.LegacyIDs[kind]
		}
		sum.UnknownCustomers = after.UnknownCustomers[kind] - p.before.UnknownCustomers[kind]
	}
	if sum.Read != sum.Stored+sum.Updated+sum.Rejected+sum.Duplicates {
		return *sum, fidelis.Errorf(fidelis.EInternal, "%s: read %d ≠ stored %d + updated %d + rejected %d + duplicates %d",
			path, sum.Read, sum.Stored, sum.Updated, sum.Rejected, sum.Duplicates)
	}
	if lc, ok := p.in.src.(lineCounter); ok {
		ls := lc.lineStats()
		sum.Lines, sum.HeaderLines, sum.BlankLines, sum.ContinuationLines = ls.Physical, ls.Header, ls.Blank, ls.Continuation
		if ls.Physical != ls.Header+ls.Blank+sum.Read+ls.Continuation {
			return *sum, fidelis.Errorf(fidelis.EInternal, "%s: lines %d ≠ header %d + blank %d + read %d + continuation %d",
				path, ls.Physical, ls.Header, ls.Blank, sum.Read, ls.Continuation)
		}
	}
	sum.Seconds = time.Since(p.start).Seconds()
	if p.opt.Progress != nil {
		p.opt.Progress(p.size, p.size)
	}
	return *sum, nil
}

// kindQuality is the store's Quality as far as the records of kind go (all an import reports:
// its kind's unknown customers and legacy ids, the customers known, the orders' currencies),
// from KindQuality where the store has it: a whole-store Quality scans every table, twice per
// import.
func kindQuality(ctx context.Context, st fidelis.Store, kind fidelis.Kind) (fidelis.Quality, error) {
	if kq, ok := st.(interface {
		KindQuality(context.Context, fidelis.Kind) (fidelis.Quality, error)
	}); ok {
		return kq.KindQuality(ctx, kind)
	}
	return st.Quality(ctx)
}

type pending struct {
	line   int64
	fields []string
	err    *recordError
}

// chunk is a run of consecutive records converted by one worker.
type chunk struct {
	recs      []pending
	rows      []fidelis.Row
	keys      []uint64 // per row: its values' hash when it needs a derived id, else 0
	derive    []bool
	bad       []rejection
	converted int64
	done      chan struct{}
}

type rejection struct {
	line         int64
	col          int
	field, value string
	reason       string
}

const chunkRecords = 4096

// pipeStats counts what the pipeline did beyond reading: amounts converted with --fx, ids derived.
type pipeStats struct{ converted, derived int64 }

// pipeline reads records in one goroutine, converts chunks of them on every core, and hands the
// rows to the store writer in file order, so that the rejects file and "first occurrence" follow
// the file. Records are counted in read as they are written or rejected. Rows without an id get
// theirs here, in file order, from their values' hash and occurrence (see derivedID).
func pipeline(ctx context.Context, src source, buffered []pending, conv *converter, m mapping, pv *privacy, w fidelis.Writer, rej *rejects, read *int64, st *pipeStats) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *chunk, workers)
	ordered := make(chan *chunk, 2*workers)
	var readErr error
	go func() { // reader: the only goroutine touching src and the occurrence counts
		defer close(work)
		defer close(ordered)
		c := &chunk{done: make(chan struct{})}
		emit := func() bool {
			select {
			case work <- c:
			case <-ctx.Done():
				return false
			}
			select {
			case ordered <- c:
			case <-ctx.Done():
				return false
			}
			c = &chunk{done: make(chan struct{}), recs: make([]pending, 0, chunkRecords)}
			return true
		}
		add := func(p pending) bool {
			c.recs = append(c.recs, p)
			return len(c.recs) < chunkRecords || emit()
		}
		for _, p := range buffered {
			if !add(p) {
				return
			}
		}
		for ctx.Err() == nil {
			rec, line, err := src.Next()
			if err == io.EOF {
				break
			}
			var p pending
			if err != nil {
				re, ok := err.(*recordError)
				if !ok {
					readErr = fmt.Errorf("line %d: %w", line, err)
					cancel()
					return
				}
				p = pending{line: re.line, err: re}
			} else {
				p = pending{line: line, fields: append([]string(nil), rec...)}
			}
			if !add(p) {
				return
			}
		}
		if len(c.recs) > 0 {
			emit()
		}
	}()
	for i := 0; i < workers; i++ {
		go func() {
			seen := map[string]string{} // customer id → reason it is erased ("" if not)
			for c := range work {
				c.rows = make([]fidelis.Row, 0, len(c.recs))
				for _, p := range c.recs {
					if p.err != nil {
						c.bad = append(c.bad, rejection{line: p.line, reason: p.err.reason})
						continue
					}
					row, info, bad := conv.row(p.line, p.fields)
					if bad != nil {
						c.bad = append(c.bad, rejection{p.line, bad.col + 1, bad.field, bad.value, bad.reason})
						continue
					}
					if info.converted {
						c.converted++
					}
					if pv.key != nil {
						pseudonymise(pv.key, pv.fields, &row, false)
					}
					if b := pv.erased(&row, seen); b != nil {
						c.bad = append(c.bad, rejection{p.line, m.cols[b.field] + 1, pv.schema.Fields[b.field].Name, "", b.reason})
						continue
					}
					c.rows = append(c.rows, row)
					c.keys = append(c.keys, info.key)
				}
				close(c.done)
			}
		}()
	}
	occ := map[uint64]int32{}
	for c := range ordered {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, b := range c.bad {
			if err := rej.add(b.line, b.col, b.field, b.value, b.reason); err != nil {
				cancel()
				return err
			}
		}
		for i := range c.rows {
			if c.rows[i].Values[0] == nil {
				id := derivedID(c.keys[i], occ)
				if pv.key != nil { // the values' hash covers the raw customer id: key it
					id = "~" + fidelis.Pseudonym(pv.key, id)[2:]
				}
				c.rows[i].Values[0] = id
				st.derived++
			}
		}
		if err := w.Write(ctx, c.rows); err != nil {
			cancel()
			return err
		}
		*read += int64(len(c.recs))
		st.converted += c.converted
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// mapping says which header column feeds each schema field (-1 for none) and which columns are left.
type mapping struct {
	cols  []int
	extra []int
}

// mapHeader matches header columns to schema fields: --map first, then the canonical name, then
// the synonyms in order. A required field without a column is an error naming what was found.
func mapHeader(s fidelis.Schema, header []string, user map[string]string, path string) (mapping, error) {
	clean := make([]string, len(header))
	for i, h := range header {
		clean[i] = fidelis.CleanName(h)
	}
	used := make([]bool, len(header))
	m := mapping{cols: make([]int, len(s.Fields))}
	for i := range m.cols {
		m.cols[i] = -1
	}
	find := func(name string) int {
		for j, c := range clean {
			if !used[j] && c == name {
				return j
			}
		}
		return -1
	}
	for field, col := range user {
		i := s.Index(fidelis.CleanName(field))
		if i < 0 {
			return m, fidelis.Errorf(fidelis.EInvalid, "--map %s=%s: %s has no field %q", field, col, s.Kind, field).
				WithHint("fields of %s", s.Describe())
		}
		j := -1
		for k, h := range header {
			if h == col || clean[k] == fidelis.CleanName(col) {
				j = k
				break
			}
		}
		if j < 0 {
			return m, fidelis.Errorf(fidelis.EInvalid, "--map %s=%s: %s has no column %q (found: %s)", field, col, path, col, clip(strings.Join(header, ", ")))
		}
		m.cols[i], used[j] = j, true
	}
	for pass := 0; pass < 2; pass++ { // canonical names first, so "date" cannot steal "order_date"'s place
		for i, f := range s.Fields {
			if m.cols[i] >= 0 {
				continue
			}
			names := []string{f.Name}
			if pass == 1 {
				names = f.Synonyms
			}
			for _, n := range names {
				if j := find(n); j >= 0 {
					m.cols[i], used[j] = j, true
					break
				}
			}
		}
	}
	var missing []string
	for i, f := range s.Fields {
		if f.Required && m.cols[i] < 0 {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		var parts []string
		for _, name := range missing {
			f := s.Fields[s.Index(name)]
			if len(f.Synonyms) > 0 {
				name += " (or " + strings.Join(f.Synonyms, ", ") + ")"
			}
			parts = append(parts, name)
		}
		noun := "field"
		if len(missing) > 1 {
			noun = "fields"
		}
		return m, fidelis.Errorf(fidelis.EInvalid, "%s: no column for the required %s %s %s; found columns: %s",
			path, s.Kind, noun, strings.Join(parts, "; "), clip(strings.Join(header, ", "))).
			WithHint("fidelis import %s %s --map %s=COLUMN", s.Kind, path, missing[0])
	}
	for j := range header {
		if !used[j] {
			m.extra = append(m.extra, j)
		}
	}
	return m, nil
}

// derivedID identifies a row that has no id of its own by the hash of its parsed, normalised
// values (valuesKey) and how many rows with the same values came before it in the file: identical
// legitimate rows (two equal orders on one day) stay distinct, while importing the same data
// again — the same file, or a re-export writing 5 for 5.00 or ordering its columns otherwise —
// reproduces the same ids, so it adds nothing. A hash collision only renumbers occurrences; it
// never merges two rows of one file.
//
// The "~v2." prefix marks this rule. Ids derived before it ("~" + hash of the raw text) stay as
// they are in existing stores: re-importing a file without ids into such a store stores its rows
// again (see the README on re-creating the store).
func derivedID(key uint64, occ map[uint64]int32) string {
	occ[key]++
	return "~v2." + strconv.FormatUint(key, 36) + "." + strconv.Itoa(int(occ[key]))
}

// rejects writes rejected records to a CSV file created on the first rejection. Values are clipped
// (see clip); label names the input in the file column, colName writes a column number.
type rejects struct {
	path, input string
	label       string
	colName     func(int) string
	written     string
	keep        int // > 0: keep this many rejects in kept, write no file
	kept        []Reject
	f           *os.File
	w           *csvsafe.Writer // rejected values may be formulas: neutralised for spreadsheets
	n           int64
	reasons     map[string]int64
}

// rejectConflicts writes the rows whose id repeats an earlier row's with other values to the
// rejects file (the store kept the first occurrence).
func rejectConflicts(r *rejects, s fidelis.Schema, m mapping, cs []fidelis.Conflict) error {
	col := m.cols[0] + 1
	for _, c := range cs {
		reason := fmt.Sprintf("same id as line %d with different values; line %d is the one stored", c.FirstLine, c.FirstLine)
		if err := r.addKeyed(c.Line, col, s.ID, c.ID, reason, s.ID+": same id as an earlier line with different values (the first is stored)"); err != nil {
			return err
		}
	}
	return nil
}

func (r *rejects) add(line int64, col int, field, value, reason string) error {
	key := reason
	if field != "" {
		key = field + ": " + reason
	}
	return r.addKeyed(line, col, field, value, reason, key)
}

// addKeyed rejects a record with a reason, counted in the summary under key.
func (r *rejects) addKeyed(line int64, col int, field, value, reason, key string) error {
	r.n++
	r.reasons[key]++
	if r.keep > 0 {
		if len(r.kept) < r.keep {
			c := ""
			if col > 0 {
				c = strconv.Itoa(col)
				if r.colName != nil {
					c = r.colName(col)
				}
			}
			r.kept = append(r.kept, Reject{Line: line, Column: c, Field: field, Value: clip(value), Reason: reason})
		}
		return nil
	}
	if r.w == nil {
		p := r.path
		if p == "" {
			p = filepath.Base(r.input) + ".rejects.csv"
		}
		f, err := os.Create(p)
		if err != nil {
			return fidelis.Errorf(fidelis.EInvalid, "rejects file: %v", err).WithHint("--rejects PATH in a writable folder")
		}
		r.f, r.w, r.written = f, csvsafe.NewWriter(f), p
		r.w.Write([]string{"file", "line", "column", "field", "value", "reason"})
	}
	c := ""
	if col > 0 {
		c = strconv.Itoa(col)
		if r.colName != nil {
			c = r.colName(col)
		}
	}
	return r.w.Write([]string{r.label, strconv.FormatInt(line, 10), c, field, clip(value), reason})
}

func (r *rejects) close() error {
	if r.w == nil {
		return nil
	}
	r.w.Flush()
	err := r.w.Error()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	r.w = nil
	return err
}

type countingReader struct {
	r        io.Reader
	n, total int64
	progress func(done, total int64)
	last     int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && c.n-c.last > 1<<20 {
		c.progress(c.n, c.total)
		c.last = c.n
	}
	return n, err
}

// sortedKeys returns a map's keys in order (for stable messages).
func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
