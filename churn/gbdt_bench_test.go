//go:build unix

package churn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"fidelis/churn"
)

// BenchmarkFitGBDT boosts 50 depth-5 trees on 300,000 rows of 60 features (the size of a
// million-customer store's training set after the 70% split is ~700,000 rows of ~60 features),
// so that the time per tree can be compared between versions side by side:
//
//	go test ./churn/ -run '^$' -bench FitGBDT -benchtime 1x
func BenchmarkFitGBDT(b *testing.B) {
	const n, p = 300_000, 60
	r := rand.New(rand.NewPCG(3, 3))
	x := churn.NewMatrix(n, p)
	y := make([]float64, n)
	for i := range n {
		var s float64
		for f := range p {
			v := r.NormFloat64()
			switch {
			case f%7 == 0:
				v = math.Floor(math.Abs(v) * 5) // a count
			case f%11 == 0 && r.Float64() < 0.3:
				v = math.NaN()
			}
			x.Cols[f][i] = float32(v)
			if f < 6 && v == v {
				s += 0.3 * v
			}
		}
		if r.Float64() < 1/(1+math.Exp(-s)) {
			y[i] = 1
		}
	}
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		if _, err := churn.FitGBDT(context.Background(), x, y, nil, nil, churn.GBDTOptions{MaxRounds: 50, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU seconds say more than the wall clock on a shared machine.
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu_s/op")
}

// BenchmarkPredict scores 1,000,000 rows of 60 features (20% missing) with 300 depth-5 trees, the
// size of a million-customer store's scoring, so that Predict can be compared between versions:
//
//	go test ./churn/ -run '^$' -bench Predict -benchtime 3x
func BenchmarkPredict(b *testing.B) {
	const n, p, fit = 1_000_000, 60, 50_000
	x, y := sparseLogistic(rand.New(rand.NewPCG(4, 4)), n, p, func(f int) float64 {
		if f < 10 { // the first ten features carry the signal, the other fifty are noise
			return 0.3
		}
		return 0
	})
	idx := make([]int, fit)
	for i := range idx {
		idx[i] = i
	}
	g, err := churn.FitGBDT(context.Background(), x.Rows(idx), y[:fit], nil, nil, churn.GBDTOptions{MaxRounds: 300, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		g.Predict(x)
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu_s/op")
}
