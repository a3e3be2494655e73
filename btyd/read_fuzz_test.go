package btyd_test

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"fidelis/btyd"
)

// FuzzReadSummaries reads arbitrary bytes as a summary file (the input of fidelis fit): no panic;
// an error names a line that exists; a file read names as many customers as the weights add up
// to, with valid rows; and without a weights column the compressed rows agree with the
// per-customer reader (ReadCustomers), which parses the same file by another path.
func FuzzReadSummaries(f *testing.F) {
	for _, s := range []string{
		"frequency,recency,T,monetary_value\n0,0,38.86,0\n2,30.43,38.86,22.35\n2,30.43,38.86,22.35\n",
		"id\tx\tt_x\tT\n1\t1\t2\t3\r\n2\t0\t0\t5\n",
		"x,t_x,T,weights\n1,2,3,10\n0,0,4,2.5\n\n",
		"\ufefffrequency,recency,T\n1,5,4\n",
		"frequency,recency,T\n1e3,1,2\n-1,0,0\nNaN,1,1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte{'\n'}) + 1
		s, err := btyd.ReadSummaries(bytes.NewReader(data))
		if err != nil {
			var pe *btyd.ParseError
			// "no data rows after the header" names line 2, where the data should start, even
			// in a file of one line; any other error names a line of the file.
			if errors.As(err, &pe) && (pe.Line < 1 || pe.Line > lines && !(pe.Line == lines+1 && pe.Column == 0)) {
				t.Fatalf("error names line %d of %d: %v", pe.Line, lines, err)
			}
			return
		}
		var n float64
		for _, r := range s.Rows {
			if err := r.Validate(); err != nil {
				t.Fatalf("row %+v: %v", r, err)
			}
			n += r.Weight
		}
		if math.Abs(n-s.N) > 1e-9*math.Max(1, n) || s.Lines > lines {
			t.Fatalf("N %v, weights add to %v; %d data lines of %d", s.N, n, s.Lines, lines)
		}
		if s.HasWeights {
			return
		}
		cs, err := btyd.ReadCustomers(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("ReadSummaries read it, ReadCustomers: %v", err)
		}
		if len(cs) != s.Lines || float64(len(cs)) != s.N {
			t.Fatalf("ReadCustomers %d customers, ReadSummaries %d lines, N %v", len(cs), s.Lines, s.N)
		}
		count := map[[3]float64]float64{}
		for _, c := range cs {
			tx := c.Recency
			if c.Frequency == 0 {
				tx = 0
			}
			count[[3]float64{c.Frequency, tx, c.T}]++
		}
		for _, r := range s.Rows {
			if count[[3]float64{r.X, r.Tx, r.T}] != r.Weight {
				t.Fatalf("row %+v: ReadCustomers has %v such customers", r, count[[3]float64{r.X, r.Tx, r.T}])
			}
		}
	})
}
