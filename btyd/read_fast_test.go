package btyd_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"fidelis/btyd"
)

// TestReadSummariesFastPathMatchesCareful checks that lines taking the byte-scanning fast path and
// the same values written so that they need the careful parser (quotes, spaces, exponents, signs)
// compress to the same rows, across several chunks, and that an error deep in the file names its
// line and column.
func TestReadSummariesFastPathMatchesCareful(t *testing.T) {
	var plain, exotic strings.Builder
	plain.WriteString("id,frequency,recency,T,weights\n")
	exotic.WriteString("id,frequency,recency,T,weights\r\n")
	const n = 150_000
	for i := range n {
		x := i % 17
		tx := fmt.Sprintf("%d.%02d", 1+i%38, i%100)
		if x == 0 {
			tx = "0"
		}
		fmt.Fprintf(&plain, "%d,%d,%s,39,%d\n", i, x, tx, 1+i%3)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&exotic, "c%d, %d ,\"%s\",3.9e1,%d\r\n", i, x, tx, 1+i%3)
		case 1:
			fmt.Fprintf(&exotic, "%d,+%d,%s,39.000,%d.0\n\n", i, x, tx, 1+i%3)
		default:
			fmt.Fprintf(&exotic, "%d,%d,%s,39,%d\n", i, x, tx, 1+i%3)
		}
	}
	a, err := btyd.ReadSummaries(strings.NewReader(plain.String()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := btyd.ReadSummaries(strings.NewReader(exotic.String()))
	if err != nil {
		t.Fatal(err)
	}
	if a.N != b.N || a.Lines != n || b.Lines != n || !reflect.DeepEqual(a.Rows, b.Rows) {
		t.Fatalf("fast and careful paths differ: %d/%d rows, N %v/%v, lines %d/%d", len(a.Rows), len(b.Rows), a.N, b.N, a.Lines, b.Lines)
	}
	// An invalid line far into the file (past the first 1 MiB chunk).
	lines := strings.SplitAfter(plain.String(), "\n")
	lines[120_001] = "120000,3,45.5,39,1\n"
	_, err = btyd.ReadSummaries(strings.NewReader(strings.Join(lines, "")))
	var pe *btyd.ParseError
	if !errors.As(err, &pe) || pe.Line != 120_002 || pe.Column != 3 || pe.Value != "45.5" {
		t.Fatalf("error %v, want line 120002, column 3 (recency), value 45.5", err)
	}
}
