package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"fidelis/internal/csvsafe"
)

func TestCell(t *testing.T) {
	cases := []struct{ in, want string }{
		{`=HYPERLINK("http://x","click")`, `'=HYPERLINK("http://x","click")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"-2+3", "'-2+3"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"'=1", "''=1"}, // a quote in the data stays recoverable
		{"-3.50", "-3.50"},
		{"+1e5", "+1e5"},
		{"-Inf", "'-Inf"},
		{"C-001", "C-001"},
		{"", ""},
		{"'quoted'", "'quoted'"},
		{"a=b", "a=b"},
	}
	for _, c := range cases {
		got := csvsafe.Cell(c.in)
		if got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := csvsafe.Unescape(got); back != c.in {
			t.Errorf("Unescape(Cell(%q)) = %q", c.in, back)
		}
	}
}

func TestWriterAndField(t *testing.T) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	w.Write([]string{"=1+1", "a,b", "-5"})
	w.Flush()
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 1 || recs[0][0] != "'=1+1" || recs[0][1] != "a,b" || recs[0][2] != "-5" {
		t.Errorf("%q %v", recs, err)
	}
	if got := csvsafe.Field(`=x,"y"`); got != `"'=x,""y"""` {
		t.Errorf("Field: %s", got)
	}
}
