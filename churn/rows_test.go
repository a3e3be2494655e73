package churn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"fidelis"
)

// genRows makes n customers' rows as of a cut-off, a stand-in for the store's query: purchase
// rates and dropout drawn per customer (a BG/NBD-like process), and the outcome drawn from the
// same hazard, so the learners have real signal to find.
func genRows(n int, seed uint64) []fidelis.ChurnRow {
	r := rand.New(rand.NewPCG(seed, 9))
	regions := []string{"North", "South", "East", "West"}
	segments := []string{"consumer", "premium", "business"}
	chans := []string{"email", "web", "app", "support"}
	rows := make([]fidelis.ChurnRow, n)
	for i := range rows {
		lam := r.ExpFloat64() / 30 // purchases per day
		t := math.Floor(30 + r.Float64()*1000)
		x := math.Floor(lam * t * r.Float64())
		tx := 0.0
		if x > 0 {
			tx = math.Floor(t * (0.3 + 0.7*r.Float64()))
		}
		rec := t - tx
		alive := r.Float64() < math.Exp(-rec*lam/3)
		nan := math.NaN()
		row := fidelis.ChurnRow{Customer: fmt.Sprintf("C%07d", i), Region: regions[r.IntN(4)], Segment: segments[r.IntN(3)],
			X: x, Tx: tx, T: t, GapSD: nan, Orders: int64(x) + 1, Revenue: (x + 1) * 40 * (0.5 + r.Float64()),
			NPS: nan, CSAT: nan, CES: nan, SurveyAge: nan, ProgramAge: nan, InteractionAge: nan, ExitAge: nan}
		if x > 1 {
			row.GapSD = tx / x * r.Float64()
		}
		if alive {
			row.Revenue90 = 40 * lam * 90
			row.Interactions90 = int64(r.IntN(5))
		}
		if r.Float64() < 0.3 {
			row.NPS, row.SurveyAge = float64(r.IntN(11)), r.Float64()*300
		}
		if row.Interactions90 > 0 {
			row.ByChannel90 = map[string]int64{chans[r.IntN(4)]: row.Interactions90}
			row.InteractionAge = r.Float64() * 90
		}
		if alive && r.Float64() < 1-math.Exp(-lam*90) {
			row.Future = 1
		}
		rows[i] = row
	}
	return rows
}
