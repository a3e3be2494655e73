package analysis

import (
	"math"
	"testing"
)

// TestQuantile7 checks the interpolation against values worked by hand with the rule of R's
// quantile(type = 7) and DuckDB's quantile_cont: h = (n−1)p, x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]);
// e.g. p = 0.99 on 1, 2, 4, 8, 16: h = 3.96, 8 + 0.96 × 8 = 15.68.
func TestQuantile7(t *testing.T) {
	x := []float64{1, 2, 4, 8, 16}
	for _, c := range []struct{ p, want float64 }{
		{0, 1}, {0.1, 1.4}, {0.25, 2}, {0.5, 4}, {0.9, 12.8}, {0.99, 15.68}, {1, 16},
	} {
		if got := quantile7(x, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("p=%v: %v, want %v", c.p, got, c.want)
		}
	}
	if got := quantile7([]float64{7}, 0.5); got != 7 {
		t.Errorf("one value: %v", got)
	}
}
