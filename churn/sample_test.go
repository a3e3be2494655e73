package churn_test

import (
	"math"
	"slices"
	"testing"

	"fidelis/churn"
)

// TestTrainSample: above the cap, a sample of exactly n distinct rows in ascending order, each
// outcome keeping its share to the nearest row, the same for the same seed and another for
// another; at or below the cap, every row (nil).
func TestTrainSample(t *testing.T) {
	y := make([]float64, 10_000)
	for i := range y {
		if i%10 < 3 { // 3,000 lapsed, 7,000 bought again
			y[i] = 1
		}
	}
	if s := churn.TrainSample(y, len(y), 1); s != nil {
		t.Fatalf("at the cap: got %d rows, want nil (every row)", len(s))
	}
	if s := churn.TrainSample(y, -1, 1); s != nil {
		t.Fatalf("negative cap: got %d rows, want nil (every row)", len(s))
	}
	s := churn.TrainSample(y, 2_501, 1)
	if len(s) != 2_501 {
		t.Fatalf("got %d rows, want 2501", len(s))
	}
	if !slices.IsSorted(s) || len(slices.Compact(slices.Clone(s))) != len(s) {
		t.Fatal("sample not strictly ascending")
	}
	var pos float64
	for _, i := range s {
		pos += y[i]
	}
	if want := math.Round(2_501 * 0.3); pos != want { // 750.3 → 750 lapsed
		t.Errorf("lapsed in sample %v, want %v", pos, want)
	}
	if !slices.Equal(s, churn.TrainSample(y, 2_501, 1)) {
		t.Error("same seed, another sample")
	}
	if slices.Equal(s, churn.TrainSample(y, 2_501, 2)) {
		t.Error("another seed, same sample")
	}
}
