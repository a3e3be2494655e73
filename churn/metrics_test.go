package churn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"fidelis/churn"
)

func TestMetricsHandComputed(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		// Pairs (positive, negative): (0.35 vs 0.1) win, (0.35 vs 0.4) lose, (0.8 vs both) win: 3/4.
		{"auc", churn.AUC([]float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, nil), 0.75},
		// A tie counts one half.
		{"auc tie", churn.AUC([]float64{0.5, 0.5, 0.9}, []float64{0, 1, 1}, nil), 0.75},
		// Weights repeat rows (the negative at 0.4 counts twice): positives {0.35, 0.8} × negatives {0.1, 0.4, 0.4}: wins 1+3 = 4 of 6.
		{"auc weighted", churn.AUC([]float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, []float64{1, 2, 1, 1}), 4.0 / 6},
		{"auc one class", churn.AUC([]float64{0.1, 0.2}, []float64{1, 1}, nil), nan},
		// (0.1² + 0.4² + 0.65² + 0.2²)/4 = (0.01 + 0.16 + 0.4225 + 0.04)/4.
		{"brier", churn.Brier([]float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}), 0.6325 / 4},
		// Ten rows, the top-scored one a lapser, 3 lapsers in all: (1/1) ÷ (3/10).
		{"lift", churn.LiftTop10([]float64{9, 1, 2, 3, 4, 5, 6, 7, 8, 0}, []float64{1, 0, 0, 0, 1, 0, 0, 0, 0, 1}), 10.0 / 3},
	} {
		if !(math.Abs(c.got-c.want) < 1e-12 || math.IsNaN(c.got) && math.IsNaN(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// ECE: bin [0.1,0.2): 2 rows predicted 0.1, 1 positive → |0.5 − 0.1| = 0.4 weight 2/4;
	// bin [0.8,0.9): 2 rows at 0.8, both positive → 0.2 weight 2/4. ECE = 0.3.
	bins, ece := churn.Reliability([]float64{0.1, 0.1, 0.8, 0.8}, []float64{0, 1, 1, 1})
	if math.Abs(ece-0.3) > 1e-12 || bins[1].N != 2 || bins[1].Observed != 0.5 || bins[8].N != 2 || !math.IsNaN(bins[0].Predicted) {
		t.Errorf("ECE %v bins %+v", ece, bins)
	}
	// Revenue: lapsers hold 100 + 50 + 10; the top decile (1 row of 10) holds the 100.
	share, caught := churn.RevenueTop10([]float64{9, 1, 2, 3, 4, 5, 6, 7, 8, 0}, []float64{1, 0, 0, 0, 1, 0, 0, 0, 0, 1},
		[]float64{100, 999, 0, 0, 50, 0, 0, 0, 0, 10})
	if caught != 100 || math.Abs(share-100.0/160) > 1e-12 {
		t.Errorf("revenue caught %v share %v", caught, share)
	}
}

func TestCalibrators(t *testing.T) {
	// PAV on (0.1,0) (0.2,1) (0.3,0) (0.4,1): the violation 1 > 0 pools the middle into 0.5.
	c := churn.FitIsotonic([]float64{0.1, 0.2, 0.3, 0.4}, []float64{0, 1, 0, 1})
	for _, x := range []struct{ in, want float64 }{{0.05, 0}, {0.1, 0}, {0.2, 0.5}, {0.25, 0.5}, {0.3, 0.5}, {0.4, 1}, {0.9, 1}} {
		if got := c.Apply(x.in); got != x.want {
			t.Errorf("isotonic(%v) = %v, want %v", x.in, got, x.want)
		}
	}
	// Platt on probabilities that are twice too confident in log-odds: A ≈ 0.5, B ≈ 0.
	var p, y []float64
	for k := range 4000 {
		z := float64(k%41-20) / 5 // true log-odds in [−4, 4]
		q := 1 / (1 + math.Exp(-z))
		pos := float64(k%100) < q*100
		p = append(p, 1/(1+math.Exp(-2*z)))
		y = append(y, map[bool]float64{true: 1, false: 0}[pos])
	}
	pl := churn.FitPlatt(p, y)
	if math.Abs(pl.A-0.5) > 0.05 || math.Abs(pl.B) > 0.1 {
		t.Errorf("Platt A %v B %v, want 0.5, 0", pl.A, pl.B)
	}
}

// The pooled rows hold each customer once per cut-off. Resampling rows as if independent would
// make four copies of 500 customers look like 2,000 and narrow the interval by about √4 = 2; the
// cluster bootstrap resamples customers and gives back the interval of the 500. Tolerance: with
// 400 replicates a percentile interval's width varies by about ±10%, so the ratios are checked
// within [0.75, 1.33] of 1 and of 2.
func TestClusterBootstrap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var s, y []float64
	for range 500 {
		v := r.NormFloat64()
		s = append(s, v)
		y = append(y, b2f(r.Float64() < 1/(1+math.Exp(-v))))
	}
	width := func(s, y []float64, cluster []int) float64 {
		lo, hi := churn.Interval(churn.BootstrapAUC([][]float64{s}, y, cluster, 400, 1)[0])
		return hi - lo
	}
	base := width(s, y, nil)
	var s4, y4 []float64
	var c4 []int
	for range 4 {
		s4, y4 = append(s4, s...), append(y4, y...)
		for i := range s {
			c4 = append(c4, i)
		}
	}
	naive, clustered := width(s4, y4, nil), width(s4, y4, c4)
	if q := base / naive; q < 2*0.75 || q > 2*1.33 {
		t.Errorf("independent rows: width %.4f against %.4f for the 500 (ratio %.2f, want about 2)", naive, base, q)
	}
	if q := clustered / base; q < 0.75 || q > 1.33 {
		t.Errorf("clustered: width %.4f against %.4f for the 500 (ratio %.2f, want about 1)", clustered, base, q)
	}
}
