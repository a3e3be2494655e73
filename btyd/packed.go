package btyd

import "math"

// Packed keys: summary files almost always give frequency as a small whole number and recency and
// T to at most two decimals (lifetimes' exports, Hardie's files, fidelis' own). Such a row's
// (x, t_x, T) packs exactly into one uint64, x<<48 | T·100<<24 | t_x·100, whose integer order is
// SortRows' order (x, then T, then t_x). Reading 1M lines then hashes 8-byte integer keys into
// 16-byte slots instead of three float64s into 32-byte ones, and the distinct rows come out
// sorted by a radix sort instead of a comparison sort. Anything else (more decimals, larger
// values) keeps the float64 table; the two are combined at the end.
const (
	packMaxX     = 1 << 15 // x < packMaxX; bit 63 marks an occupied slot
	packMaxHund  = 1 << 24 // t_x·100 and T·100 < packMaxHund
	packOccupied = 1 << 63
)

func packKey(x, tx100, t100 uint64) uint64 { return x<<48 | t100<<24 | tx100 }

// unpackKey returns the packed key's row: each part is an exact integer divided by an exact 100 (or
// taken whole), so it equals the float64 the text parses to.
func unpackKey(k uint64) (x, tx, t float64) {
	k &^= packOccupied
	return float64(k >> 48), float64(k&(packMaxHund-1)) / 100, float64(k>>24&(packMaxHund-1)) / 100
}

// packFloat returns the packed form of a float64 key when it has one: x whole in [0, packMaxX),
// t_x and T non-negative hundredths below packMaxHund that unpack to exactly the same values.
func packFloat(k rowKey) (uint64, bool) {
	hund := func(v float64) (uint64, bool) {
		h := math.Round(v * 100)
		if !(h >= 0 && h < packMaxHund) || h/100 != v {
			return 0, false
		}
		return uint64(h), true
	}
	if !(k.x >= 0 && k.x < packMaxX) || k.x != math.Trunc(k.x) {
		return 0, false
	}
	tx, ok1 := hund(k.tx)
	t, ok2 := hund(k.t)
	if !ok1 || !ok2 {
		return 0, false
	}
	return packKey(uint64(k.x), tx, t), true
}

// packedTable is an open-addressing hash table from packed keys to weights. The slot index is the
// top bits of key·φ (Fibonacci hashing): doubling the table maps slot i to 2i or 2i+1, so growing
// walks both tables in order instead of jumping around memory. The readers' tables are not merged
// into one (see collectRows): inserting a table's keys in slot order into another of the same size
// overfills the region walked so far (measured: 612M probes for 155k keys, 0.55 s).
type packedTable struct {
	slots []packedSlot
	n     int
	shift uint
	// pend batches keys: hashing a batch before probing lets the processor overlap the cache
	// misses of a table larger than its caches (as rowTable).
	pend [64]packedSlot
	np   int
}

type packedSlot struct {
	k uint64 // key | packOccupied; 0 is empty
	w float64
}

func newPackedTable() *packedTable {
	t := &packedTable{}
	t.alloc(12)
	return t
}

func (t *packedTable) alloc(bits uint) {
	t.slots = make([]packedSlot, 1<<bits)
	adviseHuge(t.slots)
	t.shift = 64 - bits
}

func (t *packedTable) index(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> t.shift }

// push adds w to key k's weight (k already marked occupied), possibly later: each flushes first.
func (t *packedTable) push(k uint64, w float64) {
	t.pend[t.np] = packedSlot{k, w}
	t.np++
	if t.np == len(t.pend) {
		t.flush()
	}
}

func (t *packedTable) flush() {
	np := t.np
	t.np = 0
	for 4*(t.n+np) > 3*len(t.slots) {
		t.grow()
	}
	var idx [len(t.pend)]uint64
	for i := range np {
		idx[i] = t.index(t.pend[i].k)
	}
	for i := range np {
		t.insert(idx[i], t.pend[i].k, t.pend[i].w)
	}
}

func (t *packedTable) insert(i uint64, k uint64, w float64) {
	mask := uint64(len(t.slots) - 1)
	for ; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.k == k {
			s.w += w
			return
		}
		if s.k == 0 {
			s.k, s.w = k, w
			t.n++
			return
		}
	}
}

func (t *packedTable) grow() {
	old := t.slots
	t.alloc(64 - t.shift + 1)
	t.n = 0
	for _, s := range old {
		if s.k != 0 {
			t.insert(t.index(s.k), s.k, s.w)
		}
	}
}

// sorted returns the keys (occupied mark included) and weights in key order: an LSD radix sort
// by 11-bit digits, skipping the digits all keys share. It empties the table.
func (t *packedTable) sorted() []packedSlot {
	t.flush()
	// The keys are moved to the front of the table's own slots, which the sort then uses as one
	// of its two buffers: fresh memory is costly (see adviseHuge). The table is unusable after.
	a := t.slots[:0]
	for _, s := range t.slots {
		if s.k != 0 {
			a = append(a, s)
		}
	}
	t.slots, t.n = nil, 0
	b := make([]packedSlot, len(a))
	adviseHuge(b)
	const bits = 11
	var count [1 << bits]int
	for shift := uint(0); shift < 64; shift += bits {
		clear(count[:])
		for _, s := range a {
			count[s.k>>shift&(1<<bits-1)]++
		}
		if len(a) == 0 || count[a[0].k>>shift&(1<<bits-1)] == len(a) {
			continue // one digit value: the pass would not move anything
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, s := range a {
			d := s.k >> shift & (1<<bits - 1)
			b[count[d]] = s
			count[d]++
		}
		a, b = b, a
	}
	return a
}
