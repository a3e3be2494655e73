package btyd

import "math"

// rowTable is an open-addressing hash table from (x, t_x, T) to a weight, used while reading large
// summary files: it avoids the generic map's hashing cost, which dominates reading 1M+ rows.
type rowTable struct {
	keys []rowKey
	vals []float64
	used []bool
	n    int
	mask uint64
}

func newRowTable() *rowTable {
	const size = 1 << 12
	return &rowTable{keys: make([]rowKey, size), vals: make([]float64, size), used: make([]bool, size), mask: size - 1}
}

// mix64 is the SplitMix64 finaliser (Steele, Lea & Flood 2014): right shifts first, so the
// float64 bit patterns of small whole numbers (all information in the high bits) spread to the low
// bits used as the slot index.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (t *rowTable) hash(k rowKey) uint64 {
	return mix64(math.Float64bits(k.x) ^ mix64(math.Float64bits(k.tx)^mix64(math.Float64bits(k.t))))
}

func (t *rowTable) add(k rowKey, w float64) {
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	for i := t.hash(k) & t.mask; ; i = (i + 1) & t.mask {
		if !t.used[i] {
			t.used[i], t.keys[i], t.vals[i] = true, k, w
			t.n++
			return
		}
		if t.keys[i] == k {
			t.vals[i] += w
			return
		}
	}
}

func (t *rowTable) grow() {
	old := *t
	size := 2 * len(old.keys)
	*t = rowTable{keys: make([]rowKey, size), vals: make([]float64, size), used: make([]bool, size), mask: uint64(size - 1)}
	for i, u := range old.used {
		if u {
			t.add(old.keys[i], old.vals[i])
		}
	}
}

func (t *rowTable) each(f func(k rowKey, w float64)) {
	for i, u := range t.used {
		if u {
			f(t.keys[i], t.vals[i])
		}
	}
}
