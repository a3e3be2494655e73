package btyd

import "math"

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
}

func compileRows(rows []Row) *txData {
	d := &txData{rows: rows, w: make([]float64, len(rows))}
	d.ix = make([]int32, len(rows))
	d.iT = make([]int32, len(rows))
	d.itx = make([]int32, len(rows))
	mx := map[float64]int32{}
	mT := map[float64]int32{}
	mt := map[float64]int32{}
	idx := func(m map[float64]int32, s *[]float64, v float64) int32 {
		if i, ok := m[v]; ok {
			return i
		}
		i := int32(len(*s))
		m[v] = i
		*s = append(*s, v)
		return i
	}
	for i, r := range rows {
		d.w[i] = r.Weight
		d.ix[i] = idx(mx, &d.xs, r.X)
		d.iT[i] = idx(mT, &d.ts, r.T)
		d.itx[i] = idx(mt, &d.txs, r.Tx)
	}
	return d
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
