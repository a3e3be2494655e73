package churn

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// AUC is the area under the ROC curve of scores s for outcomes y (1 positive): the probability that
// a random positive scores above a random negative, ties counting one half (Mann–Whitney U ÷
// n₊n₋; Hanley & McNeil 1982, Radiology 143). w weighs each row (nil: all 1), which the bootstrap
// uses for its Poisson resampling. NaN when a class is absent.
func AUC(s, y, w []float64) float64 {
	idx := order(s)
	return aucSorted(idx, s, y, w)
}

// order returns the rows in ascending score; the order within tied scores is unspecified (every
// reader takes a run of ties as a whole). The scores are sorted beside their rows, not through
// the rows' indices: sort.Slice's reflection swaps and a lookup per comparison took 4 CPU-s of a
// 1M-customer backtest.
func order(s []float64) []int {
	type scored struct {
		s float64
		i int
	}
	v := make([]scored, len(s))
	for i, x := range s {
		v[i] = scored{x, i}
	}
	slices.SortFunc(v, func(a, b scored) int {
		switch {
		case a.s < b.s:
			return -1
		case b.s < a.s:
			return 1
		}
		return 0
	})
	idx := make([]int, len(s))
	for j, x := range v {
		idx[j] = x.i
	}
	return idx
}

// aucSorted walks rows in ascending score: each positive beats the negative weight seen below its
// score and ties half of the negative weight at its score.
func aucSorted(idx []int, s, y, w []float64) float64 {
	var below, u, np, nn float64
	for k := 0; k < len(idx); {
		var tp, tn float64
		j := k
		for ; j < len(idx) && s[idx[j]] == s[idx[k]]; j++ {
			i := idx[j]
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			if y[i] == 1 {
				tp += wi
			} else {
				tn += wi
			}
		}
		u += tp * (below + tn/2)
		below += tn
		np += tp
		nn += tn
		k = j
	}
	if np == 0 || nn == 0 {
		return math.NaN()
	}
	return u / (np * nn)
}

// Brier is the mean squared difference between probability and outcome (Brier 1950, Monthly
// Weather Review 78): 0 is perfect, a constant at the base rate π scores π(1−π).
func Brier(p, y []float64) float64 {
	var s float64
	for i, v := range p {
		d := v - y[i]
		s += d * d
	}
	return s / float64(len(p))
}

// Bin is one bin of a reliability diagram: rows whose predicted probability is in [Low, High).
type Bin struct {
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	N         int     `json:"n"`
	Predicted float64 `json:"predicted"` // mean predicted probability
	Observed  float64 `json:"observed"`  // share of positives
}

// Reliability returns the ten equal-width bins of the reliability diagram and the expected
// calibration error ECE = Σ_b (n_b/n)·|observed_b − predicted_b| (Naeini, Cooper & Hauskrecht 2015,
// AAAI; Guo et al. 2017, ICML). Empty bins are kept with N = 0 and NaN means.
func Reliability(p, y []float64) ([]Bin, float64) {
	const k = 10
	bins := make([]Bin, k)
	for b := range bins {
		bins[b] = Bin{Low: float64(b) / k, High: float64(b+1) / k}
	}
	for i, v := range p {
		b := min(k-1, max(0, int(v*k)))
		bins[b].N++
		bins[b].Predicted += v
		bins[b].Observed += y[i]
	}
	var ece float64
	for b := range bins {
		if bins[b].N == 0 {
			bins[b].Predicted, bins[b].Observed = math.NaN(), math.NaN()
			continue
		}
		n := float64(bins[b].N)
		bins[b].Predicted /= n
		bins[b].Observed /= n
		ece += n / float64(len(p)) * math.Abs(bins[b].Observed-bins[b].Predicted)
	}
	return bins, ece
}

// topDecile returns the rows with the highest 10% of scores (at least one), highest first, ties
// broken by row order so that the result is deterministic. It sorts a copy of the scores (no
// comparison closure) to find the cut-off value, then orders only the rows it keeps: the same
// rows in the same order as sorting every row, at a fraction of the cost on a million.
func topDecile(s []float64) []int {
	k := max(1, int(math.Ceil(float64(len(s))/10)))
	if len(s) == 0 || slices.ContainsFunc(s, func(v float64) bool { return v != v }) {
		return topDecileSorted(s, k) // NaN compares equal to everything there: keep that order
	}
	v := slices.Clone(s)
	slices.Sort(v)
	t := v[len(v)-k] // the k-th highest score
	above := 0
	for _, x := range s {
		if x > t {
			above++
		}
	}
	idx := make([]int, 0, k)
	ties := k - above // rows scoring exactly t that make it, the first ones by row order
	for i, x := range s {
		if x > t || (x == t && ties > 0) {
			if x == t {
				ties--
			}
			idx = append(idx, i)
		}
	}
	sortByScore(idx, s)
	return idx
}

// topDecileSorted is topDecile by sorting every row.
func topDecileSorted(s []float64, k int) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	sortByScore(idx, s)
	return idx[:k]
}

// sortByScore orders idx by descending score, stably.
func sortByScore(idx []int, s []float64) {
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case s[a] > s[b]:
			return -1
		case s[a] < s[b]:
			return 1
		}
		return 0
	})
}

// LiftTop10 is the positive rate among the 10% of rows with the highest scores divided by the
// positive rate of all rows: how many times better than random the top decile is (1 = random).
func LiftTop10(s, y []float64) float64 {
	top := topDecile(s)
	var pt, pa float64
	for _, i := range top {
		pt += y[i]
	}
	for _, v := range y {
		pa += v
	}
	if pa == 0 {
		return math.NaN()
	}
	return (pt / float64(len(top))) / (pa / float64(len(y)))
}

// RevenueTop10 is the money view of the top decile: of the revenue of the customers who did lapse
// (value[i], their net revenue in the year before the cut-off), the share held by those in the 10%
// with the highest scores, and that revenue itself.
func RevenueTop10(s, y, value []float64) (share, caught float64) {
	var all float64
	for i, v := range y {
		if v == 1 {
			all += value[i]
		}
	}
	for _, i := range topDecile(s) {
		if y[i] == 1 {
			caught += value[i]
		}
	}
	if all == 0 {
		return math.NaN(), caught
	}
	return caught / all, caught
}

// bootstrapAUC returns, for each score vector, the AUC under B Poisson(1) bootstrap replicates of
// the rows (Hanley & MacGibbon 2006 for the Poisson bootstrap): the same weights for every method
// in a replicate, so differences between methods are paired. cluster, when not nil, gives each
// row's cluster (0 … k−1) and the weights are drawn per cluster, every row of a cluster sharing
// its cluster's weight (the cluster bootstrap: rows of one customer at several cut-offs are not
// independent, and resampling them one by one would narrow the interval).
func bootstrapAUC(scores [][]float64, y []float64, cluster []int, b int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x61756362))
	ranked := make([]rankedScores, len(scores))
	for m, s := range scores {
		ranked[m] = rank(s, y)
	}
	out := make([][]float64, len(scores))
	// Poisson(1) counts stay far below 256 (poisson1 stops at 20): a byte per row keeps the
	// weights, which every method reads in its own order, in cache.
	w := make([]uint8, len(y))
	var wc []uint8
	if cluster != nil {
		wc = make([]uint8, slices.Max(cluster)+1)
	}
	for range b {
		if cluster == nil {
			for i := range w {
				w[i] = uint8(poisson1(rng))
			}
		} else {
			for c := range wc {
				wc[c] = uint8(poisson1(rng))
			}
			for i, c := range cluster {
				w[i] = wc[c]
			}
		}
		var wg sync.WaitGroup
		for m := range scores {
			wg.Go(func() { out[m] = append(out[m], ranked[m].auc(w)) })
		}
		wg.Wait()
	}
	return out
}

// rankedScores are one score vector's rows in ascending score order (row, outcome) with the end of
// each run of tied scores: what aucSorted reads, laid out once for many weightings.
type rankedScores struct {
	row  []int32
	pos  []bool
	ends []int32
}

func rank(s, y []float64) rankedScores {
	idx := order(s)
	r := rankedScores{row: make([]int32, len(idx)), pos: make([]bool, len(idx))}
	for j, i := range idx {
		r.row[j], r.pos[j] = int32(i), y[i] == 1
		if j+1 == len(idx) || s[idx[j+1]] != s[i] {
			r.ends = append(r.ends, int32(j+1))
		}
	}
	return r
}

// auc is aucSorted with weights w: the same sums in the same order (the weights are integers, so
// each run's sums are exact).
func (r rankedScores) auc(w []uint8) float64 {
	var below, u, np, nn float64
	k := int32(0)
	for _, end := range r.ends {
		var tp, tn float64
		for j := k; j < end; j++ {
			wi := float64(w[r.row[j]])
			if r.pos[j] {
				tp += wi
			} else {
				tn += wi
			}
		}
		u += tp * (below + tn/2)
		below += tn
		np += tp
		nn += tn
		k = end
	}
	if np == 0 || nn == 0 {
		return math.NaN()
	}
	return u / (np * nn)
}

// poisson1 draws from Poisson(1) by inversion (at most 20).
func poisson1(rng *rand.Rand) int { return poisson1Of(rng.Float64()) }

// poisson1Of is the Poisson(1) draw of the uniform u.
func poisson1Of(u float64) int {
	k := 0
	for u > poisson1CDF[k] && k < 20 {
		k++
	}
	return k
}

// poisson1CDF[k] is P(X ≤ k) for X ~ Poisson(1), summed term by term as poisson1 did on every
// draw (an exp per draw was half of the bootstrap's time): the same sums, so the same draws.
var poisson1CDF = func() (c [21]float64) {
	p := math.Exp(-1.0)
	c[0] = p
	for k := 1; k <= 20; k++ {
		p /= float64(k)
		c[k] = c[k-1] + p
	}
	return c
}()

// percentile interval of finite values at level 95%.
func interval(v []float64) (lo, hi float64) {
	var f []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			f = append(f, x)
		}
	}
	if len(f) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(f)
	q := func(p float64) float64 {
		h := p * float64(len(f)-1)
		l := int(h)
		if l+1 >= len(f) {
			return f[l]
		}
		return f[l] + (h-float64(l))*(f[l+1]-f[l])
	}
	return q(0.025), q(0.975)
}
