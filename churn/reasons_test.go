package churn

import (
	"cmp"
	"context"
	"math"
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
		if got := topReasons(reasonTemplates(fs), x, 0, contrib, k); !reflect.DeepEqual(got, want) {
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

// TestContributionsBlockEqualsRows: the blocked contributions equal a walk of every tree per row
// (Saabas: each split credits its feature with the change of node value) exactly, the same
// additions in the same order, on trees fitted to random rows with missing values.
func TestContributionsBlockEqualsRows(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, p = 3000, 5
	x := NewMatrix(n, p)
	y := make([]float64, n)
	for i := range n {
		for f := range p {
			x.Cols[f][i] = float32(r.NormFloat64())
			if r.IntN(10) == 0 {
				x.Cols[f][i] = float32(math.NaN())
			}
		}
		if x.Cols[0][i] > 0.3 || (x.Cols[1][i] < 0 && x.Cols[2][i] > 0) {
			y[i] = 1
		}
	}
	g, err := FitGBDT(context.Background(), x, y, nil, nil, GBDTOptions{MaxRounds: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, p)
	got := make([]float64, 700*p)
	for lo := 0; lo < n; lo += 700 {
		hi := min(n, lo+700)
		g.contributionsBlock(g.perfectTrees(), x, lo, hi, got)
		for i := lo; i < hi; i++ {
			clear(want)
			for _, tr := range g.Trees {
				for j := int32(0); tr.Nodes[j].Feature >= 0; {
					n := &tr.Nodes[j]
					if v := x.Cols[n.Feature][i]; (v != v && n.MissingLeft) || v <= n.Threshold {
						j = n.Left
					} else {
						j = n.Right
					}
					want[n.Feature] += tr.Nodes[j].Value - n.Value
				}
			}
			if !slices.Equal(got[(i-lo)*p:(i-lo+1)*p], want) {
				t.Fatalf("row %d: block %v, row %v", i, got[(i-lo)*p:(i-lo+1)*p], want)
			}
		}
	}
}

// TestTopDecileEqualsFullSort: the selection returns the same rows in the same order as a stable
// sort of every row, on scores with many ties, with and without NaN.
func TestTopDecileEqualsFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 300 {
		n := 1 + r.IntN(2000)
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(r.IntN(1 + trial%50))
			if trial%10 == 9 && r.IntN(20) == 0 {
				s[i] = math.NaN()
			}
		}
		want := topDecileSorted(s, max(1, int(math.Ceil(float64(n)/10))))
		if got := topDecile(s); !slices.Equal(got, want) {
			t.Fatalf("trial %d: %v, want %v", trial, got, want)
		}
	}
}

// poisson1 reads a table of the cumulative probabilities; it must draw what the term-by-term
// inversion it replaced drew for the same uniforms (the bootstrap intervals depend on it).
func TestPoisson1AsInversion(t *testing.T) {
	ref := func(u float64) int {
		p := math.Exp(-1.0)
		c, k := p, 0
		for u > c && k < 20 {
			k++
			p /= float64(k)
			c += p
		}
		return k
	}
	a, b := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	for i := range 1_000_000 {
		if got, want := poisson1(a), ref(b.Float64()); got != want {
			t.Fatalf("draw %d: %d, want %d", i, got, want)
		}
	}
	for k, c := range poisson1CDF[:15] { // u exactly at P(X ≤ k) still draws k (past 15 the sums stop growing)
		if got, want := poisson1Of(c), ref(c); got != want || got != k {
			t.Errorf("u = P(X ≤ %d): %d, want %d", k, got, want)
		}
	}
}
