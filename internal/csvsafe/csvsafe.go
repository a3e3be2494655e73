// Package csvsafe is the one place Fidelis writes CSV cells, so that files meant for CRM and
// e-mail tools, rejects files and exports cannot carry formulas into a spreadsheet (CSV or
// formula injection). It follows the OWASP rule: a cell beginning with = + - @ tab or carriage
// return is prefixed with a single quote, which spreadsheets show as text, and the cell is
// quoted as RFC 4180 requires.
//
// Plain numbers (-3.50, +1e5) are left as they are: a spreadsheet reads them as numbers, not
// formulas. The change is reversible: Unescape drops the quote again. A cell that already begins
// with quotes followed by one of those characters gets one more quote, so Unescape never takes
// a quote that was in the data.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

const triggers = "=+-@\t\r"

// risky reports whether a cell, after any leading single quotes, begins with a trigger
// character and is not a plain number.
func risky(s string) bool {
	t := strings.TrimLeft(s, "'")
	if t == "" || !strings.ContainsRune(triggers, rune(t[0])) {
		return false
	}
	if len(t) == len(s) && plainNumber(s) {
		return false
	}
	return true
}

func plainNumber(s string) bool {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && !strings.ContainsRune("+-.eE", r) }) < 0
}

// Cell returns s neutralised against formula injection (see the package comment).
func Cell(s string) string {
	if risky(s) {
		return "'" + s
	}
	return s
}

// Unescape returns the value Cell was given: a cell that begins with a single quote followed
// (after any further quotes) by = + - @ tab or carriage return loses its first quote.
func Unescape(s string) string {
	if strings.HasPrefix(s, "'") && risky(s[1:]) {
		return s[1:]
	}
	return s
}

// Field returns s neutralised and quoted as RFC 4180 requires, for writers that build lines by
// hand.
func Field(s string) string {
	s = Cell(s)
	if strings.ContainsAny(s, ",\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// Writer is a csv.Writer that neutralises every cell.
type Writer struct {
	*csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record, every cell through Cell.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, s := range record {
		w.buf = append(w.buf, Cell(s))
	}
	return w.Writer.Write(w.buf)
}
