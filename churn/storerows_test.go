package churn_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fidelis"
	"fidelis/churn"
)

// sizedStore streams sizes[k] rows on its k-th call, customers numbered in order.
type sizedStore struct {
	sizes []int
	calls int
}

func (s *sizedStore) ChurnRows(_ context.Context, _, _ time.Time, fn func(fidelis.ChurnRow) error) error {
	n := s.sizes[s.calls]
	s.calls++
	for i := range n {
		if err := fn(fidelis.ChurnRow{Customer: fmt.Sprintf("C%07d", i), X: float64(i)}); err != nil {
			return err
		}
	}
	return nil
}

// StoreRows returns every streamed row in order, whether the rows fit the room it guessed from
// the previous read or spill past it into chunks (the first read has no guess; later reads here
// grow by more than an eighth, shrink, and span several chunks).
func TestStoreRowsKeepsEveryRow(t *testing.T) {
	sizes := []int{0, 70_000, 100_000, 240_000, 1_000, 5}
	src := churn.StoreRows(&sizedStore{sizes: sizes})
	for k, n := range sizes {
		rows, err := src(context.Background(), time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("read %d: %d rows, want %d", k, len(rows), n)
		}
		for i, r := range rows {
			if r.Customer != fmt.Sprintf("C%07d", i) || r.X != float64(i) {
				t.Fatalf("read %d: row %d is %s (X %v)", k, i, r.Customer, r.X)
			}
		}
	}
}
