package churn_test

import (
	"context"
	"testing"

	"fidelis/churn"
)

// BenchmarkFitLogistic fits the regression on 50,000 generated customers' features, as Train
// builds them (go test ./churn -run '^$' -bench FitLogistic).
func BenchmarkFitLogistic(b *testing.B) {
	x, y := churn.TrainingMatrix(genRows(50_000, 3), 90)
	b.ResetTimer()
	for range b.N {
		if _, err := churn.FitLogistic(context.Background(), x, y, 0); err != nil {
			b.Fatal(err)
		}
	}
}
