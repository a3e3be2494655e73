package btyd

import (
	"math"
	"sync"
)

// txData is a row set prepared for fast likelihood evaluation: terms that depend only on x, only on
// T or only on t_x are computed once per distinct value per evaluation, not once per row.
type txData struct {
	rows []Row
	w    []float64
	xs   []float64 // distinct x values
	ts   []float64 // distinct T values
	txs  []float64 // distinct t_x values
	ix   []int32   // row → index in xs
	iT   []int32   // row → index in ts
	itx  []int32   // row → index in txs
	pc   *pairCache
}

// pairIndex holds the distinct (x, T) and (x, t_x) pairs of a row set and each row's pair: terms
// that depend on x and one of the times are computed once per pair, not once per row.
type pairIndex struct {
	xT, xt   [][2]int32 // distinct (x index, T index) and (x index, t_x index)
	ofT, oft []int32    // row → index in xT, xt
}

type pairCache struct {
	once sync.Once
	v    *pairIndex
}

// pairIndex returns the rows' pairs, built on first use and shared by copies with other weights.
func (d *txData) pairIndex() *pairIndex {
	d.pc.once.Do(func() {
		p := &pairIndex{}
		p.xT, p.ofT = distinctPairs(d.ix, d.iT, len(d.xs), len(d.ts))
		p.xt, p.oft = distinctPairs(d.ix, d.itx, len(d.xs), len(d.txs))
		d.pc.v = p
	})
	return d.pc.v
}

// distinctPairs returns the distinct (a[j], b[j]), a[j] < na and b[j] < nb, in order of first
// appearance, and each row's index among them: through a dense na×nb table where that is at most
// 8M entries (a few times faster than a map), else a map.
func distinctPairs(a, b []int32, na, nb int) ([][2]int32, []int32) {
	if na*nb > 1<<23 {
		return distinct(len(a), func(j int) [2]int32 { return [2]int32{a[j], b[j]} })
	}
	table := make([]int32, na*nb)
	var keys [][2]int32
	of := make([]int32, len(a))
	for j := range a {
		t := &table[int(a[j])*nb+int(b[j])]
		if *t == 0 {
			keys = append(keys, [2]int32{a[j], b[j]})
			*t = int32(len(keys))
		}
		of[j] = *t - 1
	}
	return keys, of
}

func compileRows(rows []Row) *txData {
	d := &txData{rows: rows, w: make([]float64, len(rows)), pc: &pairCache{}}
	d.ix = make([]int32, len(rows))
	d.iT = make([]int32, len(rows))
	d.itx = make([]int32, len(rows))
	var mx, mT, mt valueIndex
	for i, r := range rows {
		d.w[i] = r.Weight
		d.ix[i] = mx.index(r.X)
		d.iT[i] = mT.index(r.T)
		d.itx[i] = mt.index(r.Tx)
	}
	d.xs, d.ts, d.txs = mx.vals, mT.vals, mt.vals
	return d
}

// valueIndex numbers distinct float64 values in order of first appearance (0 and −0 are one
// value), as a map[float64]int32 would, several times faster: open addressing on the bits, and
// the previous value remembered, since sorted rows repeat it.
type valueIndex struct {
	vals  []float64
	slots []int32 // 1 + index into vals; 0 empty
	last  float64
	lastI int32
}

func (m *valueIndex) index(v float64) int32 {
	if v == 0 {
		v = 0 // −0 → 0
	}
	if len(m.vals) > 0 && v == m.last {
		return m.lastI
	}
	if 2*(len(m.vals)+1) > len(m.slots) {
		m.grow()
	}
	mask := uint64(len(m.slots) - 1)
	for h := valueHash(v) & mask; ; h = (h + 1) & mask {
		s := m.slots[h]
		if s == 0 {
			m.vals = append(m.vals, v)
			m.slots[h] = int32(len(m.vals))
			m.last, m.lastI = v, int32(len(m.vals)-1)
			return m.lastI
		}
		if m.vals[s-1] == v {
			m.last, m.lastI = v, s-1
			return s - 1
		}
	}
}

func (m *valueIndex) grow() {
	m.slots = make([]int32, max(1024, 2*len(m.slots)))
	mask := uint64(len(m.slots) - 1)
	for i, v := range m.vals {
		h := valueHash(v) & mask
		for m.slots[h] != 0 {
			h = (h + 1) & mask
		}
		m.slots[h] = int32(i + 1)
	}
}

// valueHash mixes a value's bits (splitmix64's finaliser: whole numbers, whose low bits are all
// zero, spread as well as fractions).
func valueHash(v float64) uint64 {
	h := math.Float64bits(v)
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
}

func (d *txData) withWeights(w []float64) *txData {
	if w == nil {
		return d
	}
	c := *d
	c.w = w
	return &c
}

// startRate returns Σx / ΣT, a crude purchase rate used for starting values.
func startRate(rows []Row) (rate, meanX float64) {
	var sx, sT, n float64
	for _, r := range rows {
		sx += r.Weight * r.X
		sT += r.Weight * r.T
		n += r.Weight
	}
	if sT <= 0 || sx <= 0 {
		return 1, 0
	}
	return sx / sT, sx / n
}

// logAddExp returns log(e^a + e^b) and the weight e^a / (e^a + e^b).
func logAddExp(a, b float64) (float64, float64) {
	if math.IsInf(b, -1) {
		return a, 1
	}
	if math.IsInf(a, -1) {
		return b, 0
	}
	if a >= b {
		e := math.Exp(b - a)
		return a + math.Log1p(e), 1 / (1 + e)
	}
	e := math.Exp(a - b)
	return b + math.Log1p(e), e / (1 + e)
}
