package duckdb

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortHashes: the bucketed sort orders as slices.Sort does, with repeats, empty buckets and
// values at both ends.
func TestSortHashes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 1000, 200000} {
		hs := make([]uint64, n)
		for i := range hs {
			switch i % 7 {
			case 0:
				hs[i] = hs[i/2] // a repeat
			case 1:
				hs[i] = rnd.Uint64() >> 60 // bucket 0
			case 2:
				hs[i] = ^uint64(0) - rnd.Uint64()>>60 // the last bucket
			default:
				hs[i] = rnd.Uint64()
			}
		}
		want := slices.Clone(hs)
		slices.Sort(want)
		if got := sortHashes(hs); !slices.Equal(got, want) {
			t.Fatalf("n=%d: not sorted as slices.Sort sorts", n)
		}
	}
}
