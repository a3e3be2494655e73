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

// TestReadSummariesPackedAndFloatRows mixes lines whose values pack into integer keys (whole x,
// hundredths) with lines that do not (three decimals, T past the packed range) and with packable
// values written for the careful parser ("3.9e1"), and checks the rows, weights and order
// against ReadCustomers compressed by Compress, another path.
func TestReadSummariesPackedAndFloatRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("ID,frequency,recency,T\n")
	for i := range 200_000 {
		x := i % 23
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, "%d,%d,%d.%03d,52.125\n", i, x, i%50, i%1000)
		case 1:
			fmt.Fprintf(&b, "%d,%d,%d.%02d,%de-1\n", i, x, i%40, i%100, 400+i%3)
		case 2:
			fmt.Fprintf(&b, "%d,%d,1.5,200000.25\n", i, x)
		case 3:
			fmt.Fprintf(&b, "%d,%d.0,%d.500,40.10\n", i, x, i%40)
		default:
			fmt.Fprintf(&b, "%d,%d,%d.%02d,%d.%d\n", i, x, i%40, i%100, 40+i%3, i%10)
		}
	}
	s, err := btyd.ReadSummaries(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := btyd.ReadCustomers(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := btyd.Compress(cs)
	if !reflect.DeepEqual(s.Rows, want) || s.N != float64(len(cs)) {
		t.Fatalf("rows differ from Compress(ReadCustomers): %d vs %d rows, N %v vs %d", len(s.Rows), len(want), s.N, len(cs))
	}
}
