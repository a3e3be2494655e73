package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// source yields the records of one file as text fields aligned with its header.
type source interface {
	Header() []string
	// Next returns the next record and the line it starts on, io.EOF at the end, or a *recordError
	// for a record that cannot be split into fields (the reader goes on after it).
	Next() (fields []string, line int64, err error)
}

// recordError is a record that could not be read; it is rejected, not fatal.
type recordError struct {
	line   int64
	reason string
}

func (e *recordError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.reason) }

// sniffDelimiter picks the field separator from the first lines of a text file: the candidate that
// appears the same non-zero number of times (outside quotes) on most lines, preferring the larger
// count. It returns 0 for whitespace-separated text.
func sniffDelimiter(head []byte, term byte) rune {
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), string(term))
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last one may be cut off
	}
	if len(lines) > 30 {
		lines = lines[:30]
	}
	best, bestScore := rune(0), 0
	for _, c := range []rune{',', ';', '\t', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			counts[countOutsideQuotes(l, c)]++
		}
		for n, lines := range counts {
			if n > 0 && lines*100+n > bestScore && lines*2 >= len(counts)+1 {
				best, bestScore = c, lines*100+n
			}
		}
	}
	if best == 0 && len(lines) > 0 && len(strings.Fields(lines[0])) < 2 {
		return ',' // one column
	}
	return best
}

func countOutsideQuotes(s string, c rune) int {
	n, quoted := 0, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == c && !quoted:
			n++
		}
	}
	return n
}

// maxQuotedLines bounds how many physical lines one record may span through quoted values.
const maxQuotedLines = 100

// csvSource reads delimited text. Its rule for quotes, which keeps every physical line accounted
// for:
//   - a field whose first non-blank character is '"' is quoted: separators and line ends inside
//     it are text, "" is a quote; a '"' inside an unquoted field is text (12" pizza);
//   - a quoted value may continue on the following lines (at most maxQuotedLines in all) only if
//     it closes there and the row then has the header's column count;
//   - otherwise the quote is unbalanced: the row's first line alone is rejected with that reason
//     and reading resumes at the next physical line, so one stray quote cannot swallow the rows
//     after it.
type csvSource struct {
	lr     *lineReader
	sep    []byte
	header []string
	width  int
	stats  lineStats
	val    []byte     // the record's field text
	ends   []int      // end of each field in val
	held   []physLine // lines read past the record's first line
	out    []string
}

func newCSVSource(lr *lineReader, sep rune) (*csvSource, error) {
	s := &csvSource{lr: lr, sep: []byte(string(sep))}
	p, err := headerLine(lr, &s.stats)
	if err != nil {
		return nil, err
	}
	rec, cont, badCol, err := s.split(p, 0)
	if err != nil {
		return nil, err
	}
	if badCol > 0 {
		return nil, fmt.Errorf("header (line %d): unbalanced quote in column %d", p.num, badCol)
	}
	s.header = append([]string(nil), rec...)
	s.width = len(rec)
	s.stats.Header = 1 + int64(cont)
	return s, nil
}

// headerLine returns the first line that is not blank, counting the blank ones before it.
func headerLine(lr *lineReader, st *lineStats) (physLine, error) {
	for {
		p, err := lr.next()
		if err == io.EOF {
			return p, errors.New("the file is empty: a header line is needed")
		}
		if err != nil {
			return p, err
		}
		if p.tooLong {
			return p, fmt.Errorf("header (line %d): %s", p.num, tooLongReason)
		}
		if !blank(p.text) {
			return p, nil
		}
		st.Blank++
	}
}

func (s *csvSource) Header() []string     { return s.header }
func (s *csvSource) lineStats() lineStats { st := s.stats; st.Physical = s.lr.n; return st }

func (s *csvSource) Next() ([]string, int64, error) {
	for {
		p, err := dataLine(s.lr, &s.stats)
		if err != nil {
			return nil, p.num, err
		}
		rec, cont, badCol, err := s.split(p, s.width)
		if err != nil {
			return nil, p.num, err
		}
		if badCol > 0 {
			return nil, p.num, &recordError{line: p.num, reason: fmt.Sprintf(
				"unbalanced quote in column %d: the quoted value does not close into a row of %d columns (the next line is read as a new row)", badCol, s.width)}
		}
		if len(rec) != s.width {
			return nil, p.num, &recordError{line: p.num,
				reason: fmt.Sprintf("has %d columns, the header has %d", len(rec), s.width)}
		}
		if allBlank(rec) { // a row of empty fields, as spreadsheets export below the data
			s.stats.Blank += 1 + int64(cont)
			continue
		}
		s.stats.Continuation += int64(cont)
		return rec, p.num, nil
	}
}

// split reads the record that starts on line first, following quoted values onto the next lines.
// It returns the fields and the number of further lines used, or the column of a quote that does
// not close into a record of width columns (any width when 0), with the lines read after first
// pushed back.
func (s *csvSource) split(first physLine, width int) (fields []string, cont, badCol int, err error) {
	s.val, s.ends, s.held = s.val[:0], s.ends[:0], s.held[:0]
	line, pos, spanCol := first.text, 0, 0
	isBlank := func(c byte) bool { return (c == ' ' || c == '\t') && !(len(s.sep) == 1 && s.sep[0] == c) }
	fail := func(col int) ([]string, int, int, error) {
		s.lr.pushBack(s.held)
		return nil, 0, col, nil
	}
fields:
	for {
		col := len(s.ends) + 1
		j := pos
		for j < len(line) && isBlank(line[j]) {
			j++
		}
		if j == len(line) || line[j] != '"' {
			k := bytes.Index(line[pos:], s.sep)
			if k < 0 {
				s.val = append(s.val, line[pos:]...)
				s.ends = append(s.ends, len(s.val))
				break fields
			}
			s.val = append(s.val, line[pos:pos+k]...)
			s.ends = append(s.ends, len(s.val))
			pos += k + len(s.sep)
			continue
		}
		pos = j + 1
		for {
			q := bytes.IndexByte(line[pos:], '"')
			if q < 0 { // the value goes on on the next line
				s.val = append(s.val, line[pos:]...)
				if spanCol == 0 {
					spanCol = col
				}
				if len(s.held)+1 >= maxQuotedLines {
					return fail(spanCol)
				}
				p, err := s.lr.next()
				if err == io.EOF {
					return fail(spanCol)
				}
				if err != nil {
					return nil, 0, 0, err
				}
				p = p.own()
				s.held = append(s.held, p)
				if p.tooLong {
					return fail(spanCol)
				}
				s.val = append(s.val, '\n')
				line, pos = p.text, 0
				continue
			}
			q += pos
			s.val = append(s.val, line[pos:q]...)
			if q+1 < len(line) && line[q+1] == '"' {
				s.val = append(s.val, '"')
				pos = q + 2
				continue
			}
			k := q + 1
			for k < len(line) && isBlank(line[k]) {
				k++
			}
			if k == len(line) {
				s.ends = append(s.ends, len(s.val))
				break fields
			}
			if bytes.HasPrefix(line[k:], s.sep) {
				s.ends = append(s.ends, len(s.val))
				pos = k + len(s.sep)
				continue fields
			}
			s.val = append(s.val, '"') // a stray quote inside the value is text
			pos = q + 1
		}
	}
	if len(s.held) > 0 && width > 0 && len(s.ends) != width {
		return fail(spanCol)
	}
	text := string(s.val)
	s.out = s.out[:0]
	from := 0
	for _, e := range s.ends {
		s.out = append(s.out, text[from:e])
		from = e
	}
	return s.out, len(s.held), 0, nil
}

// dataLine returns the next line that is not blank, counting the blank ones; a line over
// maxLineBytes is a recordError.
func dataLine(lr *lineReader, st *lineStats) (physLine, error) {
	for {
		p, err := lr.next()
		switch {
		case err != nil:
			return physLine{}, err
		case p.tooLong:
			return p, &recordError{line: p.num, reason: tooLongReason}
		case bytes.IndexByte(p.text, 0) >= 0:
			return p, &recordError{line: p.num, reason: "has a NUL byte (damaged or binary data)"}
		case !blank(p.text):
			return p, nil
		}
		st.Blank++
	}
}

func blank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

func allBlank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// fieldsSource reads whitespace-separated text (runs of spaces or tabs), like the CDNOW log.
type fieldsSource struct {
	lr     *lineReader
	header []string
	stats  lineStats
}

func newFieldsSource(lr *lineReader) (*fieldsSource, error) {
	s := &fieldsSource{lr: lr}
	p, err := headerLine(lr, &s.stats)
	if err != nil {
		return nil, err
	}
	s.header = strings.Fields(string(p.text))
	s.stats.Header = 1
	return s, nil
}

func (s *fieldsSource) Header() []string     { return s.header }
func (s *fieldsSource) lineStats() lineStats { st := s.stats; st.Physical = s.lr.n; return st }

func (s *fieldsSource) Next() ([]string, int64, error) {
	p, err := dataLine(s.lr, &s.stats)
	if err != nil {
		return nil, p.num, err
	}
	f := strings.Fields(string(p.text))
	if len(f) != len(s.header) {
		return nil, p.num, &recordError{line: p.num,
			reason: fmt.Sprintf("has %d columns, the header has %d", len(f), len(s.header))}
	}
	return f, p.num, nil
}

// jsonlSource reads JSON Lines: one object per line. The header is the union of the keys of the
// first lines; a key first seen later is kept as an attribute only if it was in that union.
type jsonlSource struct {
	keyUnion
	lr      *lineReader
	pending []physLine
	stats   lineStats
}

func newJSONLSource(lr *lineReader) (*jsonlSource, error) {
	s := &jsonlSource{lr: lr}
	for len(s.pending) < sampleRecords {
		p, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if !p.tooLong && blank(p.text) {
			s.stats.Blank++
			continue
		}
		p = p.own()
		s.pending = append(s.pending, p)
		s.add(p.text)
	}
	if len(s.pending) == 0 {
		return nil, errors.New("the file has no JSON objects")
	}
	return s, nil
}

// keyUnion is the header of JSON records: the keys of the sampled objects, each object's in
// sorted order, in the order first seen.
type keyUnion struct {
	header []string
	index  map[string]int
}

// add adds the keys of a JSON object (nothing if b is not one).
func (u *keyUnion) add(b []byte) {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return
	}
	if u.index == nil {
		u.index = map[string]int{}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if _, ok := u.index[k]; !ok {
			u.index[k] = len(u.header)
			u.header = append(u.header, k)
		}
	}
}

func (u *keyUnion) Header() []string { return u.header }

func (s *jsonlSource) lineStats() lineStats { st := s.stats; st.Physical = s.lr.n; return st }

func (s *jsonlSource) Next() ([]string, int64, error) {
	var p physLine
	if len(s.pending) > 0 {
		p = s.pending[0]
		s.pending = s.pending[1:]
		if p.tooLong {
			return nil, p.num, &recordError{line: p.num, reason: tooLongReason}
		}
	} else {
		var err error
		if p, err = dataLine(s.lr, &s.stats); err != nil {
			return nil, p.num, err
		}
	}
	out, err := objectFields(p.text, s.index, len(s.header))
	if err != nil {
		return nil, p.num, &recordError{line: p.num, reason: err.Error()}
	}
	return out, p.num, nil
}

// objectFields decodes one JSON object into text fields at the positions of index; keys not in
// index are left out.
func objectFields(b []byte, index map[string]int, width int) ([]string, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil || m == nil {
		if err == nil {
			err = errors.New("null")
		}
		return nil, fmt.Errorf("not a JSON object: %s", clip(err.Error()))
	}
	if d.More() {
		return nil, errors.New("not a JSON object: more than one value on the line")
	}
	out := make([]string, width)
	for k, v := range m {
		i, ok := index[k]
		if !ok {
			continue
		}
		switch v := v.(type) {
		case nil:
		case string:
			out[i] = v
		case json.Number:
			out[i] = v.String()
		case bool:
			out[i] = strconv.FormatBool(v)
		default:
			raw, _ := json.Marshal(v)
			out[i] = string(raw)
		}
	}
	return out, nil
}
