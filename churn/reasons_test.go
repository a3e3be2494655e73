package churn

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestTopReasonsPicksLikeASort: topReasons equals sorting every positive contribution (stable,
// largest first) and keeping k, on random contributions with many ties and non-positive values.
func TestTopReasonsPicksLikeASort(t *testing.T) {
	fs := baseFeatures
	x := NewMatrix(1, len(fs))
	r := rand.New(rand.NewPCG(1, 2))
	contrib := make([]float64, len(fs))
	for trial := range 2000 {
		for f := range contrib {
			contrib[f] = float64(r.IntN(7) - 3) // ties, zeros and negatives
		}
		k := 1 + trial%4
		var want []Reason
		for f, c := range contrib {
			if c > 0 {
				want = append(want, Reason{Feature: fs[f].Name(), Label: fs[f].Msg().String(), Msg: fs[f].Msg(), Key: fs[f].Key, Level: fs[f].Level, Contribution: c})
			}
		}
		slices.SortStableFunc(want, func(a, b Reason) int { return cmp.Compare(b.Contribution, a.Contribution) })
		if len(want) > k {
			want = want[:k]
		}
		if got := topReasons(fs, x, 0, contrib, k); !reflect.DeepEqual(got, want) {
			t.Fatalf("contributions %v, k %d:\n got %+v\nwant %+v", contrib, k, got, want)
		}
	}
}

// TestRankedAUCEqualsAUC: the bootstrap's AUC over pre-ranked rows equals aucSorted exactly, on
// scores with many ties and Poisson weights (zeros included).
func TestRankedAUCEqualsAUC(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := 1 + r.IntN(500)
		s, y, w, wb := make([]float64, n), make([]float64, n), make([]float64, n), make([]uint8, n)
		for i := range s {
			s[i] = float64(r.IntN(1 + trial%40))
			if r.IntN(3) == 0 {
				y[i] = 1
			}
			wb[i] = uint8(poisson1(r))
			w[i] = float64(wb[i])
		}
		want := aucSorted(order(s), s, y, w)
		if got := rank(s, y).auc(wb); got != want && !(got != got && want != want) {
			t.Fatalf("trial %d: %v, aucSorted %v", trial, got, want)
		}
	}
}
