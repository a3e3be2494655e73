package btyd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
)

// ParseError reports a bad value in a summary or transaction file: its 1-based line and column, the
// column's name and the offending text.
type ParseError struct {
	Line   int
	Column int    // 1-based field number; 0 when the problem concerns the whole line
	Name   string // column name from the header, when known
	Value  string
	Err    error
}

func (e *ParseError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d, column %d (%s): value %q: %v", e.Line, e.Column, e.Name, e.Value, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Summaries is the content of a per-customer summary file, compressed.
type Summaries struct {
	Rows        []Row      // distinct (x, t_x, T) with weights
	Spend       []SpendRow // distinct (x, mean spend) for x > 0 and spend > 0, when HasMonetary
	HasMonetary bool
	HasWeights  bool
	N           float64 // customers (Σ weights)
	Lines       int     // data lines read
	// ZeroRecency counts customers (Σ weights) with frequency ≥ 1 and recency 0, accepted as
	// peers accept them (see [Row.Validate]) and worth a note: usually a summary rounded to whole
	// periods.
	ZeroRecency float64
}

// summaryHeader maps the recognised column names (lifetimes' and Hardie's) to field indexes.
type summaryHeader struct {
	names                   []string
	kind                    []uint8 // per column: kSkip, kFreq, kRec, kT, kWt or kMon
	freq, rec, t, mon, wt   int
	id                      int
	ncol                    int
	sep                     byte
	periodsAsT, hasMonetary bool
}

// Column kinds of summaryHeader.kind.
const (
	kSkip = iota
	kFreq
	kRec
	kT
	kWt
	kMon
)

func parseSummaryHeader(line string) (*summaryHeader, error) {
	h := &summaryHeader{freq: -1, rec: -1, t: -1, mon: -1, wt: -1, id: -1, sep: ','}
	line = strings.TrimRight(line, "\r\n")
	line = strings.TrimPrefix(line, "\ufeff")
	if !strings.Contains(line, ",") && strings.Contains(line, "\t") {
		h.sep = '\t'
	}
	h.names = strings.Split(line, string(h.sep))
	h.ncol = len(h.names)
	for i, n := range h.names {
		n = strings.Trim(strings.TrimSpace(n), `"`)
		h.names[i] = n
		switch strings.ToLower(n) {
		case "frequency", "x", "frequency_cal":
			h.freq = i
		case "recency", "t_x", "recency_cal":
			h.rec = i
		case "t", "t_cal", "periods", "n", "n_cal":
			h.t = i
		case "monetary_value", "zbar", "m_x", "monetary_value_cal", "monetary":
			h.mon = i
		case "weights", "weight", "count", "customers":
			h.wt = i
		case "id", "customer_id", "customer", "cust":
			h.id = i
		}
	}
	if h.freq < 0 || h.rec < 0 || h.t < 0 {
		return nil, fmt.Errorf("header %q lacks frequency, recency and T columns (lifetimes names: frequency,recency,T[,monetary_value][,weights])", line)
	}
	h.hasMonetary = h.mon >= 0
	h.kind = make([]uint8, h.ncol)
	for k, c := range []int{kFreq: h.freq, kRec: h.rec, kT: h.t, kWt: h.wt, kMon: h.mon} {
		if k != kSkip && c >= 0 {
			h.kind[c] = uint8(k)
		}
	}
	return h, nil
}

// ReadSummaries reads a per-customer summary CSV with a header naming at least frequency, recency
// and T (lifetimes' names; Hardie's x, t_x, T, zbar also work), optionally monetary_value and weights;
// other columns (an ID) are ignored. It streams the input in chunks parsed by up to GOMAXPROCS
// goroutines and compresses as it goes, so memory is proportional to the distinct rows. Errors are
// *ParseError values naming the line, column and value.
func ReadSummaries(r io.Reader) (*Summaries, error) {
	buf := make([]byte, 64<<10)
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	buf = buf[:n]
	nl := bytes.IndexByte(buf, '\n')
	if nl < 0 && len(buf) == len(buf[:cap(buf)]) {
		return nil, &ParseError{Line: 1, Err: errors.New("header line too long")}
	}
	if n == 0 {
		return nil, &ParseError{Line: 1, Err: errors.New("empty file: a header is required")}
	}
	if nl < 0 {
		nl = len(buf)
	}
	h, herr := parseSummaryHeader(string(buf[:nl]))
	if herr != nil {
		return nil, &ParseError{Line: 1, Err: herr}
	}
	rest := buf[min(nl+1, len(buf)):]

	workers := runtime.GOMAXPROCS(0)
	type partial struct {
		rows   *rowTable // rows without a packed form
		packed *packedTable
		spend  map[[2]float64]float64
		lines  int
		fields [][]byte
	}
	parts := make([]*partial, workers)
	for w := range parts {
		p := &partial{rows: newRowTable(), packed: newPackedTable(), fields: make([][]byte, h.ncol)}
		if h.hasMonetary {
			p.spend = make(map[[2]float64]float64, 1024)
		}
		parts[w] = p
	}
	err = readChunks(r, rest, 2, workers, func(w int, data []byte, line int) *ParseError {
		p := parts[w]
		return h.parseChunk(data, line, p.fields, p.rows, p.packed, p.spend, &p.lines)
	})
	if err != nil {
		return nil, err
	}
	s := &Summaries{HasMonetary: h.hasMonetary, HasWeights: h.wt >= 0}
	all := parts[0].rows
	packed := make([]*packedTable, len(parts))
	for i, p := range parts {
		if i > 0 {
			all.merge(p.rows)
		}
		packed[i] = p.packed
	}
	s.Rows = collectRows(all, packed)
	for _, r := range s.Rows {
		s.N += r.Weight
		if r.X > 0 && r.Tx == 0 {
			s.ZeroRecency += r.Weight
		}
	}
	if h.hasMonetary {
		sp := parts[0].spend
		for _, p := range parts[1:] {
			for k, v := range p.spend {
				sp[k] += v
			}
		}
		for k, v := range sp {
			s.Spend = append(s.Spend, SpendRow{X: k[0], Mean: k[1], Weight: v})
		}
	}
	for _, p := range parts {
		s.Lines += p.lines
	}
	if s.Lines == 0 {
		return nil, &ParseError{Line: 2, Err: errors.New("no data rows after the header")}
	}
	return s, nil
}

// collectRows returns the rows of the float table and the workers' packed tables, sorted as
// SortRows sorts. Float keys with a packed form (values the careful parser read, such as "3.9e1")
// join their packed twins first. Each packed table is sorted on its own and the sorted runs are
// merged straight into the rows, adding the weights of a key found in several: merging the tables
// into one first cost a table as large as both (fresh memory is costly, see adviseHuge).
func collectRows(floats *rowTable, packed []*packedTable) []Row {
	var rest []Row
	floats.each(func(k rowKey, w float64) {
		if pk, ok := packFloat(k); ok {
			packed[0].push(pk|packOccupied, w)
		} else {
			rest = append(rest, Row{X: k.x, Tx: k.tx, T: k.t, Weight: w})
		}
	})
	runs := make([][]packedSlot, len(packed))
	n := len(rest)
	for i, t := range packed {
		runs[i] = t.sorted()
		n += len(runs[i])
	}
	rows := make([]Row, 0, n) // an upper bound: keys in several runs make one row
	adviseHuge(rows)
	for {
		best := -1
		for i, r := range runs {
			if len(r) > 0 && (best < 0 || r[0].k < runs[best][0].k) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		k, w := runs[best][0].k, 0.0
		for i, r := range runs {
			if len(r) > 0 && r[0].k == k {
				w += r[0].w
				runs[i] = r[1:]
			}
		}
		x, tx, t := unpackKey(k)
		rows = append(rows, Row{X: x, Tx: tx, T: t, Weight: w})
	}
	if len(rest) > 0 {
		rows = append(rows, rest...)
		SortRows(rows)
	}
	return rows
}

// splitFields splits l on sep into fields (reusing the slice); it returns the number found.
func splitFields(l []byte, sep byte, fields [][]byte) int {
	n := 0
	for {
		i := bytes.IndexByte(l, sep)
		if n == len(fields) {
			return n + 1 // too many
		}
		if i < 0 {
			fields[n] = l
			return n + 1
		}
		fields[n] = l[:i]
		l = l[i+1:]
		n++
	}
}

func (h *summaryHeader) parseLine(l []byte, line int, fields [][]byte, rows *rowTable, spend map[[2]float64]float64, lines *int) *ParseError {
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	if len(bytes.TrimSpace(l)) == 0 {
		return nil
	}
	if nf := splitFields(l, h.sep, fields); nf != h.ncol {
		return &ParseError{Line: line, Err: fmt.Errorf("%d fields, the header has %d", nf, h.ncol)}
	}
	get := func(i int) (float64, *ParseError) { return h.number(fields, i, line) }
	x, e := get(h.freq)
	if e != nil {
		return e
	}
	tx, e := get(h.rec)
	if e != nil {
		return e
	}
	T, e := get(h.t)
	if e != nil {
		return e
	}
	w := 1.0
	if h.wt >= 0 {
		if w, e = get(h.wt); e != nil {
			return e
		}
	}
	row := Row{X: x, Tx: tx, T: T, Weight: w}
	if err := row.Validate(); err != nil {
		col, name, val := h.rec, h.names[h.rec], string(fields[h.rec])
		switch {
		case x < 0 || x != float64(int64(x)) || !finite(x):
			col, name, val = h.freq, h.names[h.freq], string(fields[h.freq])
		case T < 0 || !finite(T):
			col, name, val = h.t, h.names[h.t], string(fields[h.t])
		case w < 0 || !finite(w):
			col, name, val = h.wt, h.names[h.wt], string(fields[h.wt])
		}
		return &ParseError{Line: line, Column: col + 1, Name: name, Value: strings.TrimSpace(val), Err: err}
	}
	if x == 0 {
		tx = 0
	}
	rows.add(rowKey{x, tx, T}, w)
	if spend != nil && x > 0 {
		m, e := get(h.mon)
		if e != nil {
			return e
		}
		if m < 0 {
			return &ParseError{Line: line, Column: h.mon + 1, Name: h.names[h.mon], Value: string(fields[h.mon]), Err: errors.New("negative spend")}
		}
		if m > 0 {
			spend[[2]float64{x, m}] += w
		}
	}
	*lines++
	return nil
}

// number parses field i of a line.
func (h *summaryHeader) number(fields [][]byte, i, line int) (float64, *ParseError) {
	f := fields[i]
	v, ok := parseNumber(f)
	if !ok {
		f = bytes.TrimSpace(f)
		if v, ok = parseNumber(f); !ok {
			return 0, &ParseError{Line: line, Column: i + 1, Name: h.names[i], Value: string(f), Err: errors.New("not a number")}
		}
	}
	return v, nil
}

// pow10i holds the powers of ten that fit in a uint64's 15-digit mantissas' range of use.
var pow10i = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber parses a decimal number. Plain decimals with at most 15 significant digits take an
// exact fast path (an exact integer divided by an exact power of ten is correctly rounded, so the
// result equals strconv.ParseFloat's); anything else goes to strconv.ParseFloat.
func parseNumber(b []byte) (float64, bool) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	dot := false
	start := i
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
			mant = mant*10 + uint64(c-'0')
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			goto slow
		}
	}
	if i == start || (dot && i == start+1) || digits > 15 || frac > 22 {
		goto slow
	}
	{
		v := float64(mant) / pow10[frac]
		if neg {
			v = -v
		}
		return v, true
	}
slow:
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !finite(v) {
		return 0, false
	}
	return v, true
}

// ReadCustomers reads a per-customer summary CSV (as [ReadSummaries]) without compressing: one
// [Customer] per line, keeping the ID column when there is one (else the line number). A weights
// column, if present, is ignored.
func ReadCustomers(r io.Reader) ([]Customer, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, err := br.ReadString('\n')
	if err != nil && head == "" {
		return nil, &ParseError{Line: 1, Err: errors.New("empty file: a header is required")}
	}
	h, herr := parseSummaryHeader(head)
	if herr != nil {
		return nil, &ParseError{Line: 1, Err: herr}
	}
	fields := make([][]byte, h.ncol)
	rows := newRowTable()
	var spend map[[2]float64]float64
	if h.hasMonetary {
		spend = map[[2]float64]float64{}
	}
	var out []Customer
	var lines int
	for line := 2; ; line++ {
		l, err := br.ReadSlice('\n')
		if len(l) > 0 {
			before := lines
			if e := h.parseLine(bytes.TrimRight(l, "\n"), line, fields, rows, spend, &lines); e != nil {
				return nil, e
			}
			if lines > before {
				get := func(i int) float64 { v, _ := parseNumber(bytes.TrimSpace(fields[i])); return v }
				c := Customer{Frequency: get(h.freq), Recency: get(h.rec), T: get(h.t)}
				if c.Frequency == 0 {
					c.Recency = 0
				}
				if h.hasMonetary && c.Frequency > 0 {
					c.Monetary = get(h.mon)
				}
				if h.id >= 0 {
					c.ID = string(bytes.Trim(bytes.TrimSpace(fields[h.id]), `"`))
				} else {
					c.ID = strconv.Itoa(line - 1)
				}
				out = append(out, c)
			}
			if rows.n > 1024 {
				rows = newRowTable()
			}
			if spend != nil {
				clear(spend)
			}
		}
		if err == bufio.ErrBufferFull {
			return nil, &ParseError{Line: line, Err: errors.New("line too long")}
		}
		if err != nil {
			break
		}
	}
	if len(out) == 0 {
		return nil, &ParseError{Line: 2, Err: errors.New("no data rows after the header")}
	}
	return out, nil
}

// parseChunk parses whole lines, the first being line number line. Lines of plain unsigned decimals
// take a fast path (fastLine); a line with anything else (quotes, spaces, signs, exponents, a wrong
// field count, an invalid summary) goes through parseLine, which parses it carefully and reports
// errors.
func (h *summaryHeader) parseChunk(data []byte, line int, fields [][]byte, rows *rowTable, packed *packedTable, spend map[[2]float64]float64, lines *int) *ParseError {
	for len(data) > 0 {
		if data[0] == '\n' { // blank line
			data = data[1:]
			line++
			continue
		}
		if n, ok := h.fastLine(data, rows, packed, spend); ok {
			data = data[n:]
			*lines++
			line++
			continue
		}
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if e := h.parseLine(l, line, fields, rows, spend, lines); e != nil {
			return e
		}
		line++
	}
	return nil
}

// fastLine parses and stores one line made only of unsigned plain decimals (at most 15 digits, as
// parseNumber's exact fast path) in the used columns, returning the bytes consumed (with the line
// end). It reports false, having stored nothing, for anything else, including a summary that
// Row.Validate would reject.
func (h *summaryHeader) fastLine(data []byte, rows *rowTable, packed *packedTable, spend map[[2]float64]float64) (int, bool) {
	var vals [8]float64
	vals[kWt] = 1
	// hund holds each value in hundredths when it is a whole number of them (see packKey).
	var hund [8]uint64
	packable := true
	i := 0
	sep := h.sep
	kinds := h.kind
	last := len(kinds) - 1
	for c, kind := range kinds {
		if kind == kSkip {
			for i < len(data) && data[i] != sep && data[i] != '\n' {
				i++
			}
		} else {
			var mant uint64
			digits, frac := 0, 0
			dot := false
			for ; i < len(data); i++ {
				ch := data[i]
				if ch-'0' <= 9 {
					mant = mant*10 + uint64(ch-'0')
					digits++
					if dot {
						frac++
					}
				} else if ch == '.' && !dot {
					dot = true
				} else {
					break
				}
			}
			if digits == 0 || digits > 15 {
				return 0, false
			}
			v := float64(mant)
			if frac > 0 {
				v /= pow10[frac]
			}
			vals[kind&7] = v
			if frac <= 2 {
				hund[kind&7] = mant * pow10i[2-frac]
			} else if d := pow10i[frac-2]; mant%d == 0 {
				hund[kind&7] = mant / d
			} else if kind != kWt && kind != kMon {
				packable = false
			}
		}
		// The field must end at a separator, or at the line end for the last column.
		if c < last {
			if i >= len(data) || data[i] != sep {
				return 0, false
			}
			i++
			continue
		}
		if i < len(data) && data[i] == '\r' {
			i++
		}
		if i < len(data) {
			if data[i] != '\n' {
				return 0, false
			}
			i++
		}
	}
	x, tx, T, w, m := vals[kFreq], vals[kRec], vals[kT], vals[kWt], vals[kMon]
	if x != math.Trunc(x) || (x > 0 && tx > T*(1+1e-9)) {
		return 0, false
	}
	if x == 0 {
		tx = 0
		hund[kRec] = 0
	}
	if xh := hund[kFreq]; packable && xh < 100*packMaxX && hund[kRec] < packMaxHund && hund[kT] < packMaxHund {
		packed.push(packKey(xh/100, hund[kRec], hund[kT])|packOccupied, w)
	} else {
		rows.push(rowKey{x, tx, T}, w)
	}
	if spend != nil && x > 0 && m > 0 {
		spend[[2]float64{x, m}] += w
	}
	return i, true
}
