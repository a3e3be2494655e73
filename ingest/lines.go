package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxLineBytes bounds one physical line; a longer line is rejected (and skipped) rather than held
// in memory or echoed.
const maxLineBytes = 16 << 20

// lineStats accounts for every physical line of a text file: Physical = Header + Blank + records
// read + Continuation, where a record's first line counts once in read and the further lines of a
// quoted value that spans lines count as continuation lines.
type lineStats struct {
	Physical, Header, Blank, Continuation int64
}

// lineCounter is implemented by the sources that read lines of text.
type lineCounter interface{ lineStats() lineStats }

// physLine is one physical line without its end.
type physLine struct {
	text    []byte
	num     int64
	tooLong bool
}

// lineReader splits text into physical lines ending in term ('\n', with an optional '\r' before
// it, or a lone '\r' for old Mac exports). Lines can be pushed back, so that a reader that looked
// ahead can resume at the next physical line.
type lineReader struct {
	br    *bufio.Reader
	term  byte
	n     int64
	buf   []byte
	queue []physLine
	eof   bool
}

func newLineReader(br *bufio.Reader, term byte) *lineReader {
	return &lineReader{br: br, term: term}
}

// next returns the next physical line and its 1-based number, or io.EOF. Unless the line came
// from the pushed-back queue, its text is valid only until the next call.
func (l *lineReader) next() (physLine, error) {
	if len(l.queue) > 0 {
		p := l.queue[0]
		l.queue = l.queue[1:]
		return p, nil
	}
	if l.eof {
		return physLine{}, io.EOF
	}
	l.buf = l.buf[:0]
	tooLong := false
	for {
		chunk, err := l.br.ReadSlice(l.term)
		if len(l.buf)+len(chunk) > maxLineBytes {
			tooLong = true
		} else {
			l.buf = append(l.buf, chunk...)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			l.eof = true
			if len(l.buf) == 0 && !tooLong {
				return physLine{}, io.EOF
			}
			break
		}
		return physLine{}, err
	}
	b := l.buf
	if n := len(b); n > 0 && b[n-1] == l.term {
		b = b[:n-1]
	}
	if l.term == '\n' {
		b = bytes.TrimSuffix(b, []byte{'\r'})
	}
	l.n++
	if tooLong {
		b = nil
	}
	return physLine{text: b, num: l.n, tooLong: tooLong}, nil
}

// own returns a copy of a line that survives the next call.
func (p physLine) own() physLine {
	p.text = append([]byte(nil), p.text...)
	return p
}

// pushBack returns lines (owned copies, in file order) to be read again.
func (l *lineReader) pushBack(lines []physLine) {
	l.queue = append(append([]physLine(nil), lines...), l.queue...)
}

// detectLineEnd picks the line terminator from the first bytes: a lone '\r' (old Mac and some
// Excel exports) only when the sample has carriage returns and no line feed at all.
func detectLineEnd(head []byte) (term byte, name string) {
	lf, cr := bytes.Count(head, []byte{'\n'}), bytes.Count(head, []byte{'\r'})
	switch {
	case cr > 0 && lf == 0:
		return '\r', "CR (old Mac)"
	case lf > 0 && bytes.Contains(head, []byte("\r\n")):
		return '\n', "CRLF"
	}
	return '\n', "LF"
}

// tooLongReason is the reject reason of a line over maxLineBytes.
var tooLongReason = fmt.Sprintf("line longer than %d MiB: skipped", maxLineBytes>>20)
