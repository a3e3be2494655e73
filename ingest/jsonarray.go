package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// jsonArraySource reads a JSON array of objects, streaming. The header is the union of the keys
// of the first objects; a record's "line" is the line its object starts on. A syntax error stops
// the import (the array cannot be resynchronised), naming its line.
type jsonArraySource struct {
	keyUnion
	d       *json.Decoder
	nl      *newlines
	pending []jsonElem
	done    bool
}

type jsonElem struct {
	raw  json.RawMessage
	line int64
}

func newJSONArraySource(r io.Reader) (*jsonArraySource, error) {
	nl := &newlines{r: r}
	s := &jsonArraySource{d: json.NewDecoder(nl), nl: nl}
	if t, err := s.d.Token(); err != nil || t != json.Delim('[') {
		return nil, errors.New("not a JSON array")
	}
	for len(s.pending) < sampleRecords {
		e, err := s.elem()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		s.pending = append(s.pending, e)
		s.add(e.raw)
	}
	if len(s.header) == 0 {
		return nil, errors.New("the JSON array has no objects with fields")
	}
	return s, nil
}

// elem decodes the next element of the array, io.EOF after the closing bracket.
func (s *jsonArraySource) elem() (jsonElem, error) {
	if s.done {
		return jsonElem{}, io.EOF
	}
	if !s.d.More() {
		if _, err := s.d.Token(); err != nil {
			return jsonElem{}, s.syntax(err)
		}
		if _, err := s.d.Token(); err != io.EOF {
			return jsonElem{}, fmt.Errorf("line %d: content after the end of the JSON array", s.nl.lineAt(s.d.InputOffset()))
		}
		s.done = true
		return jsonElem{}, io.EOF
	}
	var raw json.RawMessage
	if err := s.d.Decode(&raw); err != nil {
		return jsonElem{}, s.syntax(err)
	}
	return jsonElem{raw: raw, line: s.nl.lineAt(s.d.InputOffset() - int64(len(raw)))}, nil
}

func (s *jsonArraySource) syntax(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("the JSON array is cut off: it does not end with ]")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: JSON syntax error: %v", s.nl.lineAt(se.Offset), err)
	}
	return err
}

func (s *jsonArraySource) Next() ([]string, int64, error) {
	var e jsonElem
	if len(s.pending) > 0 {
		e, s.pending = s.pending[0], s.pending[1:]
	} else {
		var err error
		if e, err = s.elem(); err != nil {
			return nil, 0, err
		}
	}
	out, err := objectFields(e.raw, s.index, len(s.header))
	if err != nil {
		return nil, e.line, &recordError{line: e.line, reason: err.Error()}
	}
	return out, e.line, nil
}

// newlines passes a stream through, remembering where its lines start, so that an offset can be
// turned into a line number. Offsets must be asked for in increasing order; the positions before
// the last one asked for are forgotten.
type newlines struct {
	r      io.Reader
	off    int64
	at     []int64
	before int64
}

func (n *newlines) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	for i, c := range p[:k] {
		if c == '\n' {
			n.at = append(n.at, n.off+int64(i))
		}
	}
	n.off += int64(k)
	return k, err
}

func (n *newlines) lineAt(off int64) int64 {
	i := sort.Search(len(n.at), func(i int) bool { return n.at[i] >= off })
	n.before += int64(i)
	n.at = n.at[i:]
	return n.before + 1
}
