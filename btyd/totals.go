package btyd

// ExpectedTotals returns, for each horizon t in ts, Σ weight × E[Y(t) | x, t_x, T] over the rows:
// the expected purchases of the whole customer base in (T, T+t], e.g. the expected curve of a
// holdout tracking plot.
func ExpectedTotals(m Transactor, rows []Row, ts []float64) []float64 {
	out := make([]float64, len(ts))
	for k, t := range ts {
		for _, r := range rows {
			out[k] += r.Weight * m.ExpectedPurchases(t, r.X, r.Tx, r.T)
		}
	}
	return out
}
