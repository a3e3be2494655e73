package metric_test

import (
	"math"
	"testing"

	"fidelis/metric"
)

func TestWilson(t *testing.T) {
	// Expected values worked by hand from the formula in Wilson's doc comment, and agreeing with
	// Newcombe 1998 (Statistics in Medicine 17, Table II, method 3): 81/263 → 0.2553–0.3662,
	// 0/10 → 0–0.2775 (z = 1.96). Tolerance 1e-4: the published table rounds to 4 decimals.
	cases := []struct {
		k, n      int64
		low, high float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
		{0, 10, 0, 0.2775},
	}
	for _, c := range cases {
		lo, hi := metric.Wilson(c.k, c.n, metric.Z95)
		if math.Abs(lo-c.low) > 1e-4 || math.Abs(hi-c.high) > 1e-4 {
			t.Errorf("Wilson(%d, %d) = %.4f–%.4f, want %.4f–%.4f", c.k, c.n, lo, hi, c.low, c.high)
		}
	}
	if p := metric.NewProportion(0, 0); !math.IsNaN(p.Value) || !p.Small {
		t.Errorf("0/0 should be NaN and small: %+v", p)
	}
}
