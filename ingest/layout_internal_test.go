package ingest

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestChooseLayoutAsExhaustive pins chooseLayout's early stops: on samples mixing the layouts
// (and values no layout reads, and impossible dates), it chooses what trying every layout on
// every sample chooses.
func TestChooseLayoutAsExhaustive(t *testing.T) {
	exhaustive := func(samples []string, monthFirst bool) string {
		best, bestN := "", 0
		for _, l := range orderedLayouts(monthFirst) {
			n := 0
			for _, s := range samples {
				if _, err := time.Parse(l, s); err == nil {
					n++
				}
			}
			if n > bestN {
				best, bestN = l, n
			}
		}
		return best
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for trial := range 2000 {
		var samples []string
		for range 1 + rnd.IntN(40) {
			switch rnd.IntN(10) {
			case 0:
				samples = append(samples, "not a date")
			case 1:
				samples = append(samples, "31.02.2024")
			default:
				d := base.Add(time.Duration(rnd.IntN(800*24)) * time.Hour)
				samples = append(samples, d.Format(dateLayouts[rnd.IntN(min(len(dateLayouts), 3+trial%len(dateLayouts)))]))
			}
		}
		for _, mf := range []bool{false, true} {
			if got, want := chooseLayout(samples, mf), exhaustive(samples, mf); got != want {
				t.Fatalf("%q (monthFirst %v): %q, want %q", samples, mf, got, want)
			}
		}
	}
}
