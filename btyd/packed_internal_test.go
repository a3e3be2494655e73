package btyd

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPackedTableAgainstMap adds packed keys to two tables of very different sizes, with keys in
// both, and checks that collectRows lists each key once with the weights of both added (checked
// against a plain map) in SortRows' order.
func TestPackedTableAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	want := map[uint64]float64{}
	small, big := newPackedTable(), newPackedTable()
	for i := range 300_000 {
		x := uint64(rng.IntN(60))
		if rng.IntN(1000) == 0 {
			x = packMaxX - 1
		}
		T := uint64(rng.IntN(5000))
		if rng.IntN(1000) == 0 {
			T = packMaxHund - 1
		}
		tx := uint64(rng.IntN(int(T) + 1))
		k, w := packKey(x, tx, T)|packOccupied, float64(1+i%3)
		want[k] += w
		if i%10 == 0 {
			small.push(k, w)
		} else {
			big.push(k, w)
		}
	}
	rows := collectRows(newRowTable(), []*packedTable{small, big})
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		k, ok := packFloat(rowKey{r.X, r.Tx, r.T})
		if !ok || want[k|packOccupied] != r.Weight {
			t.Fatalf("row %+v: weight %v", r, want[k|packOccupied])
		}
	}
	sorted := slices.Clone(rows)
	SortRows(sorted)
	if !slices.Equal(rows, sorted) {
		t.Fatal("rows not in SortRows' order")
	}
}

// TestPackFloat checks that a float key packs exactly when it is whole x and hundredths t_x and T
// within range, and that unpacking gives the same float64 values back.
func TestPackFloat(t *testing.T) {
	for _, c := range []struct {
		k  rowKey
		ok bool
	}{
		{rowKey{0, 0, 0}, true},
		{rowKey{3, 30.43, 38.86}, true},
		{rowKey{3, math.Copysign(0, -1), 38.86}, true},
		{rowKey{packMaxX - 1, 0.01, 167772.15}, true},
		{rowKey{packMaxX, 1, 2}, false},
		{rowKey{1, 1, 167772.16}, false},
		{rowKey{1, 0.005, 2}, false},
		{rowKey{1, 1.0 / 3, 2}, false},
		{rowKey{1.5, 1, 2}, false},
		{rowKey{1, -0.01, 2}, false},
		{rowKey{1, math.NaN(), 2}, false},
	} {
		pk, ok := packFloat(c.k)
		if ok != c.ok {
			t.Errorf("%v: packed %v, want %v", c.k, ok, c.ok)
			continue
		}
		if ok {
			x, tx, T := unpackKey(pk | packOccupied)
			if x != c.k.x || tx != c.k.tx || T != c.k.t {
				t.Errorf("%v unpacks to %v %v %v", c.k, x, tx, T)
			}
		}
	}
}
