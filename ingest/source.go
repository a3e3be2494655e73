package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
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

var bom = []byte("\xEF\xBB\xBF")

// sniffDelimiter picks the field separator from the first lines of a text file: the candidate that
// appears the same non-zero number of times (outside quotes) on most lines, preferring the larger
// count. It returns 0 for whitespace-separated text.
func sniffDelimiter(head []byte) rune {
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
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

// csvSource reads delimited text with encoding/csv: quoted fields, embedded newlines, CRLF.
type csvSource struct {
	r      *csv.Reader
	header []string
	width  int
}

func newCSVSource(r io.Reader, sep rune) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	h, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty: a header line is needed")
		}
		return nil, fmt.Errorf("header: %w", err)
	}
	header := append([]string(nil), h...)
	return &csvSource{r: cr, header: header, width: len(header)}, nil
}

func (s *csvSource) Header() []string { return s.header }

func (s *csvSource) Next() ([]string, int64, error) {
	for {
		rec, err := s.r.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, int64(pe.StartLine), &recordError{line: int64(pe.StartLine), reason: pe.Err.Error()}
			}
			return nil, 0, err
		}
		line, _ := s.r.FieldPos(0)
		if len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		if len(rec) != s.width {
			return nil, int64(line), &recordError{line: int64(line),
				reason: fmt.Sprintf("has %d columns, the header has %d", len(rec), s.width)}
		}
		return rec, int64(line), nil
	}
}

// fieldsSource reads whitespace-separated text (runs of spaces or tabs), like the CDNOW log.
type fieldsSource struct {
	sc     *bufio.Scanner
	header []string
	line   int64
}

func newFieldsSource(r io.Reader) (*fieldsSource, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	s := &fieldsSource{sc: sc}
	for sc.Scan() {
		s.line++
		if h := strings.Fields(sc.Text()); len(h) > 0 {
			s.header = h
			return s, nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, errors.New("the file is empty: a header line is needed")
}

func (s *fieldsSource) Header() []string { return s.header }

func (s *fieldsSource) Next() ([]string, int64, error) {
	for s.sc.Scan() {
		s.line++
		f := strings.Fields(s.sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != len(s.header) {
			return nil, s.line, &recordError{line: s.line,
				reason: fmt.Sprintf("has %d columns, the header has %d", len(f), len(s.header))}
		}
		return f, s.line, nil
	}
	if err := s.sc.Err(); err != nil {
		return nil, 0, err
	}
	return nil, 0, io.EOF
}

// jsonlSource reads JSON Lines: one object per line. The header is the union of the keys of the
// first lines; a key first seen later is kept as an attribute only if it was in that union.
type jsonlSource struct {
	sc      *bufio.Scanner
	header  []string
	index   map[string]int
	line    int64
	pending [][]byte
	lines   []int64
}

func newJSONLSource(r io.Reader) (*jsonlSource, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	s := &jsonlSource{sc: sc, index: map[string]int{}}
	for len(s.pending) < 1000 && sc.Scan() {
		s.line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		s.pending = append(s.pending, append([]byte(nil), b...))
		s.lines = append(s.lines, s.line)
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) == nil {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if _, ok := s.index[k]; !ok {
					s.index[k] = len(s.header)
					s.header = append(s.header, k)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(s.pending) == 0 {
		return nil, errors.New("the file has no JSON objects")
	}
	return s, nil
}

func (s *jsonlSource) Header() []string { return s.header }

func (s *jsonlSource) Next() ([]string, int64, error) {
	var b []byte
	var line int64
	if len(s.pending) > 0 {
		b, line = s.pending[0], s.lines[0]
		s.pending, s.lines = s.pending[1:], s.lines[1:]
	} else {
		for {
			if !s.sc.Scan() {
				if err := s.sc.Err(); err != nil {
					return nil, 0, err
				}
				return nil, 0, io.EOF
			}
			s.line++
			if b = bytes.TrimSpace(s.sc.Bytes()); len(b) > 0 {
				line = s.line
				break
			}
		}
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, line, &recordError{line: line, reason: "not a JSON object: " + err.Error()}
	}
	out := make([]string, len(s.header))
	for k, v := range m {
		i, ok := s.index[k]
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
	return out, line, nil
}
