package btyd

import (
	"math"
	"math/bits"
)

// rowTable is an open-addressing hash table from (x, t_x, T) to a weight, used while reading large
// summary files: it avoids the generic map's hashing cost, which dominates reading 1M+ rows. Each
// slot holds its key and weight together (32 bytes), so a lookup touches one cache line. Slots hold
// x+1 (stored keys have whole x ≥ 0, see [Row.Validate], so x+1 is exact and ≥ 1): an all-zero slot
// is empty, and a new table is the zeroed memory the allocator hands out, with no loop to mark it.
type rowTable struct {
	slots []rowSlot
	n     int
	mask  uint64
	// pend batches keys for flush: hashing a batch first and then probing lets the processor
	// overlap the batch's cache misses, which otherwise dominate inserting into a table larger
	// than the L2 cache.
	pend [64]rowSlot
	np   int
}

// push adds w to key k's weight, possibly later: call flush (each does) before reading.
func (t *rowTable) push(k rowKey, w float64) {
	t.pend[t.np] = rowSlot{k, w}
	t.np++
	if t.np == len(t.pend) {
		t.flush()
	}
}

// flush adds the pushed keys.
func (t *rowTable) flush() {
	np := t.np
	t.np = 0
	if 4*(t.n+np) > 3*len(t.slots) {
		for 4*(t.n+np) > 3*len(t.slots) {
			t.grow()
		}
	}
	var hs [len(t.pend)]uint64
	for i := range np {
		s := &t.pend[i]
		s.k.x++ // the slot form; also −0 → +1
		s.k.tx += 0
		s.k.t += 0
		hs[i] = s.k.hash() & t.mask
	}
	for i := range np {
		t.insert(hs[i], t.pend[i].k, t.pend[i].w)
	}
}

type rowSlot struct {
	k rowKey
	w float64
}

func newRowTable() *rowTable {
	t := &rowTable{}
	t.alloc(1 << 12)
	return t
}

func (t *rowTable) alloc(size int) {
	t.slots = make([]rowSlot, size)
	t.mask = uint64(size - 1)
}

// mix64 is the SplitMix64 finaliser (Steele, Lea & Flood 2014): right shifts first, so the
// float64 bit patterns of small whole numbers (all information in the high bits) spread to the low
// bits used as the slot index.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// hash combines the three bit patterns by rotation (so equal components in different positions do
// not cancel) and mixes once.
func (k rowKey) hash() uint64 {
	return mix64(math.Float64bits(k.x) ^ bits.RotateLeft64(math.Float64bits(k.tx), 21) ^ bits.RotateLeft64(math.Float64bits(k.t), 42))
}

// add adds w to key k's weight. Keys are canonicalised (−0 → +0) so equal values share a slot.
func (t *rowTable) add(k rowKey, w float64) {
	k.x++ // the slot form; also −0 → +1
	k.tx += 0
	k.t += 0
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	t.insert(k.hash()&t.mask, k, w)
}

// insert adds w to key k in its slot form (canonical, x+1), probing from slot i; the table has a free slot.
func (t *rowTable) insert(i uint64, k rowKey, w float64) {
	for ; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.k == k {
			s.w += w
			return
		}
		if s.k.x == 0 {
			s.k, s.w = k, w
			t.n++
			return
		}
	}
}

func (t *rowTable) grow() {
	old := t.slots
	t.alloc(2 * len(old))
	t.n = 0
	for _, s := range old {
		if s.k.x != 0 {
			t.insert(s.k.hash()&t.mask, s.k, s.w)
		}
	}
}

// merge adds every key of o. The table is first made large enough for both: o is walked in slot
// order, which is hash order, and inserting a table's keys in hash order into a smaller table
// piles them into long probe runs (reading a 1M-line summary on two cores spent 2.8 s there
// instead of 0.3 s).
func (t *rowTable) merge(o *rowTable) {
	if o.np > 0 {
		o.flush()
	}
	for 4*(t.n+o.n) > 3*len(t.slots) || len(t.slots) < len(o.slots) {
		t.grow()
	}
	o.each(t.add)
}

func (t *rowTable) each(f func(k rowKey, w float64)) {
	if t.np > 0 {
		t.flush()
	}
	for _, s := range t.slots {
		if s.k.x != 0 {
			s.k.x--
			f(s.k, s.w)
		}
	}
}
