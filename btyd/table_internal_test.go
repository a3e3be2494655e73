package btyd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRowTableAgainstMap adds keys through push, add and merge (tables of very different sizes,
// -0 and x = 0 included) and compares every weight with a plain map.
func TestRowTableAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	want := map[rowKey]float64{}
	key := func() rowKey {
		k := rowKey{float64(rng.IntN(40)), math.Round(rng.Float64()*3900) / 100, float64(30 + rng.IntN(10))}
		if rng.IntN(50) == 0 {
			k.tx = math.Copysign(0, -1) // −0 must share +0's slot
		}
		return k
	}
	canon := func(k rowKey) rowKey { return rowKey{k.x + 0, k.tx + 0, k.t + 0} }
	small, big := newRowTable(), newRowTable()
	for i := range 300_000 {
		k, w := key(), float64(1+i%3)
		want[canon(k)] += w
		if i%10 == 0 {
			small.add(k, w)
		} else {
			big.push(k, w)
		}
	}
	small.merge(big)
	got := map[rowKey]float64{}
	small.each(func(k rowKey, w float64) {
		if _, dup := got[k]; dup || math.Signbit(k.tx) {
			t.Fatalf("key %v listed twice or not canonical", k)
		}
		got[k] = w
	})
	if len(got) != len(want) || small.n != len(want) {
		t.Fatalf("%d keys (n %d), want %d", len(got), small.n, len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Fatalf("key %v: weight %v, want %v", k, got[k], w)
		}
	}
}
