package duckdb

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
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

// TestIDHashMatchesDuckDB: Go's idHash of an id equals what DuckDB computes for the stored id
// (a difference would let a batch store an id twice), for ASCII, quotes, multi-byte and long ids.
func TestIDHashMatchesDuckDB(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := checkIDHash(ctx, st.db); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "o1", "load-1234567", "it's", "zamówienie-ąę", "客户-7", strings.Repeat("x", 300)} {
		var got uint64
		if err := st.db.QueryRowContext(ctx, `SELECT `+sqlIDHash("?::VARCHAR"), id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := idHash(id); got != want {
			t.Errorf("%q: DuckDB %#x, Go %#x", id, got, want)
		}
	}
}
