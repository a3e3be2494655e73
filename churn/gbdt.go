package churn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// No Go library in the project's reach trains gradient-boosted trees (dmitryikh/leaves only loads
// LightGBM/XGBoost models; golearn has no boosting), so this is a compact histogram-based learner
// in the style of LightGBM (Ke et al. 2017, NeurIPS) and XGBoost (Chen & Guestrin 2016, KDD):
// Newton boosting of the logistic loss with second-order leaf values −G/(H+λ), features binned
// into at most 255 quantile bins plus a missing bin, the missing values' direction learned at
// every split, histogram subtraction, row subsampling and early stopping on a validation set.

// GBDTOptions are the learner's settings; zero values take the documented defaults.
type GBDTOptions struct {
	LearningRate float64 // shrinkage of every tree (default 0.1)
	MaxDepth     int     // depth of each tree (default 5: at most 32 leaves)
	MaxRounds    int     // trees at most (default 500)
	// Patience stops boosting when the validation log-loss has not improved for this many rounds
	// (default 20); the model keeps the trees up to the best round.
	Patience int
	Lambda   float64 // L2 penalty on leaf values (default 1)
	// MinLeaf is the fewest training rows in a leaf (default 20); MinHessian the smallest sum of
	// p(1−p) in a leaf (default 1e-3), which stops splits of nearly pure nodes.
	MinLeaf    int
	MinHessian float64
	Subsample  float64 // share of rows drawn (without replacement) for each tree (default 0.8)
	MaxBins    int     // quantile bins per feature, 2–255 (default 255)
	Seed       uint64
	Workers    int // goroutines building histograms (default GOMAXPROCS)
}

func (o GBDTOptions) withDefaults() GBDTOptions {
	if o.LearningRate <= 0 {
		o.LearningRate = 0.1
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 5
	}
	if o.MaxRounds <= 0 {
		o.MaxRounds = 500
	}
	if o.Patience <= 0 {
		o.Patience = 20
	}
	if o.Lambda < 0 {
		o.Lambda = 0
	} else if o.Lambda == 0 {
		o.Lambda = 1
	}
	if o.MinLeaf <= 0 {
		o.MinLeaf = 20
	}
	if o.MinHessian <= 0 {
		o.MinHessian = 1e-3
	}
	if o.Subsample <= 0 || o.Subsample > 1 {
		o.Subsample = 0.8
	}
	if o.MaxBins < 2 || o.MaxBins > 255 {
		o.MaxBins = 255
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Node is one node of a tree. An internal node sends a row left when its feature value is ≤
// Threshold, and a missing value (NaN) left when MissingLeft; a leaf has Feature −1.
type Node struct {
	Feature     int     `json:"feature"`
	Threshold   float32 `json:"threshold"`
	MissingLeft bool    `json:"missing_left"`
	Left, Right int32   `json:"-"`
	// Value is the node's Newton step −G/(H+λ) times the learning rate: the leaf's output, and for
	// an internal node what it would output as a leaf (the base of path contributions).
	Value float64 `json:"value"`
	Gain  float64 `json:"gain"`  // loss reduction of the split (0 for a leaf)
	Cover float64 `json:"cover"` // Σ p(1−p) of the training rows reaching the node
	bin   uint8   // the split's last left bin, for training rows already binned
}

// Tree is a binary tree; Nodes[0] is the root.
type Tree struct{ Nodes []Node }

func (t *Tree) leaf(x func(f int) float32) (path []int32) {
	i := int32(0)
	for {
		n := &t.Nodes[i]
		path = append(path, i)
		if n.Feature < 0 {
			return path
		}
		v := x(n.Feature)
		if goLeft(v, n) {
			i = n.Left
		} else {
			i = n.Right
		}
	}
}

func goLeft(v float32, n *Node) bool {
	if v != v {
		return n.MissingLeft
	}
	return v <= n.Threshold
}

// GBDT is a fitted boosted-tree model of the log-odds of the positive class.
type GBDT struct {
	Base     float64 // log-odds of the training base rate
	Trees    []Tree
	Features int
	// Rounds is the number of trees tried; Trees keeps those up to the best validation round.
	Rounds  int
	ValLoss float64 // validation log-loss at the best round (NaN without a validation set)
}

// Matrix holds features column by column (Cols[f][i] is feature f of row i); NaN marks a missing
// value. float32 halves the memory of a million-customer training set.
type Matrix struct {
	N    int
	Cols [][]float32
}

// NewMatrix returns an n-row matrix of p zeroed columns.
func NewMatrix(n, p int) *Matrix {
	m := &Matrix{N: n, Cols: make([][]float32, p)}
	for f := range m.Cols {
		m.Cols[f] = make([]float32, n)
	}
	return m
}

// Rows returns the matrix restricted to the given rows, in that order.
func (m *Matrix) Rows(idx []int) *Matrix {
	out := NewMatrix(len(idx), len(m.Cols))
	for f, c := range m.Cols {
		o := out.Cols[f]
		for j, i := range idx {
			o[j] = c[i]
		}
	}
	return out
}

// binner maps each feature's values to bins 1..len(edges[f])+1 (0 for missing): bin k holds the
// values in (edges[k−2], edges[k−1]].
type binner struct{ edges [][]float32 }

// newBinner places at most maxBins−1 edges per feature at the quantiles of up to 200,000 sampled
// non-missing values, so that each bin holds about as many rows.
func newBinner(m *Matrix, maxBins int, seed uint64) binner {
	rng := rand.New(rand.NewPCG(seed, 0x62696e73))
	const sample = 200_000
	b := binner{edges: make([][]float32, len(m.Cols))}
	var vals []float32
	for f, c := range m.Cols {
		vals = vals[:0]
		if m.N <= sample {
			for _, v := range c {
				if v == v {
					vals = append(vals, v)
				}
			}
		} else {
			for range sample {
				if v := c[rng.IntN(m.N)]; v == v {
					vals = append(vals, v)
				}
			}
		}
		slices.Sort(vals)
		var e []float32
		for k := 1; k < maxBins && len(vals) > 0; k++ {
			v := vals[min(len(vals)-1, k*len(vals)/maxBins)]
			if v == vals[len(vals)-1] {
				break // the top bin holds the rest
			}
			if len(e) == 0 || v > e[len(e)-1] {
				e = append(e, v)
			}
		}
		b.edges[f] = e
	}
	return b
}

func (b binner) bin(f int, v float32) uint8 {
	if v != v {
		return 0
	}
	e := b.edges[f]
	lo, hi := 0, len(e)
	for lo < hi {
		mid := (lo + hi) / 2
		if e[mid] < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return uint8(lo + 1)
}

// binned returns the bins column by column (cols[f][i]), on all cores: a node's histogram scans
// one feature's column at a time over the node's rows in index order, so the column is read
// forwards and that feature's 256 bins stay in the L1 cache.
func (b binner) binned(m *Matrix) [][]uint8 {
	out := make([][]uint8, len(m.Cols))
	forEachFeature(len(m.Cols), runtime.GOMAXPROCS(0), func(f int) {
		o := make([]uint8, m.N)
		for i, v := range m.Cols[f] {
			o[i] = b.bin(f, v)
		}
		out[f] = o
	})
	return out
}

// forEachFeature calls fn for every feature 0..p−1 on at most w goroutines; each feature is
// done by one goroutine, so what fn computes does not depend on w.
func forEachFeature(p, w int, fn func(f int)) {
	w = min(w, p)
	if w <= 1 {
		for f := range p {
			fn(f)
		}
		return
	}
	var next sync.Mutex
	f := 0
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				next.Lock()
				k := f
				f++
				next.Unlock()
				if k >= p {
					return
				}
				fn(k)
			}
		})
	}
	wg.Wait()
}

// FitGBDT boosts trees on the training rows (x, y) and stops early on the validation rows (vx, vy;
// nil for a fixed MaxRounds). y[i] is 1 for the positive class, 0 otherwise.
func FitGBDT(ctx context.Context, x *Matrix, y []float64, vx *Matrix, vy []float64, o GBDTOptions) (*GBDT, error) {
	o = o.withDefaults()
	p := len(x.Cols)
	if x.N != len(y) || x.N == 0 {
		return nil, fmt.Errorf("gbdt: %d rows and %d labels", x.N, len(y))
	}
	if vx != nil && (vx.N != len(vy) || len(vx.Cols) != p) {
		return nil, fmt.Errorf("gbdt: validation has %d rows, %d labels, %d features (want %d)", vx.N, len(vy), len(vx.Cols), p)
	}
	var pos float64
	for _, v := range y {
		pos += v
	}
	if pos == 0 || pos == float64(len(y)) {
		return nil, errors.New("gbdt: the training labels are all one class")
	}
	base := math.Log(pos / (float64(len(y)) - pos))
	bn := newBinner(x, o.MaxBins, o.Seed)
	bins := bn.binned(x)
	var vbins [][]uint8
	if vx != nil {
		vbins = bn.binned(vx)
	}
	g := &GBDT{Base: base, Features: p, ValLoss: math.NaN()}
	t := &trainer{o: o, p: p, cols: bins, edges: bn.edges, grad: make([]float64, x.N), hess: make([]float64, x.N),
		og: make([]float64, x.N), oh: make([]float64, x.N)}
	score := make([]float64, x.N)
	for i := range score {
		score[i] = base
	}
	var vscore, vloss []float64
	if vx != nil {
		vscore, vloss = make([]float64, vx.N), make([]float64, vx.N)
		for i := range vscore {
			vscore[i] = base
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x67626474))
	k := x.N
	if o.Subsample < 1 {
		k = max(1, int(o.Subsample*float64(x.N)))
	}
	perm, rows := make([]int32, x.N), make([]int32, k)
	for i := range perm {
		perm[i] = int32(i)
		if i < k {
			rows[i] = int32(i)
		}
	}
	var drawn []uint32
	if k < x.N {
		drawn = make([]uint32, x.N)
	}
	t.scratch = make([]int32, k)
	best, bestRound := math.Inf(1), 0
	for round := range o.MaxRounds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		parallel(x.N, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				q := sigmoid(score[i])
				t.grad[i] = q - y[i]
				t.hess[i] = max(q*(1-q), 1e-16)
			}
		})
		if k < x.N {
			// A partial Fisher–Yates shuffle draws the subsample without replacement; the drawn
			// rows are then listed in index order (a mark per row), which the histograms need.
			for i := range k {
				j := i + rng.IntN(x.N-i)
				perm[i], perm[j] = perm[j], perm[i]
			}
			stamp := uint32(round + 1)
			for _, r := range perm[:k] {
				drawn[r] = stamp
			}
			rows = rows[:0]
			for i, d := range drawn {
				if d == stamp {
					rows = append(rows, int32(i))
				}
			}
		}
		tree := t.grow(rows)
		g.Trees = append(g.Trees, tree)
		g.Rounds = round + 1
		parallel(x.N, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				score[i] += tree.binnedValue(bins, i)
			}
		})
		if vx == nil {
			continue
		}
		parallel(vx.N, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				vscore[i] += tree.binnedValue(vbins, i)
				vloss[i] = logLoss(vscore[i], vy[i])
			}
		})
		var loss float64
		for _, l := range vloss { // in row order, whatever the number of cores
			loss += l
		}
		loss /= float64(vx.N)
		if loss < best-1e-12 {
			best, bestRound = loss, round+1
		} else if round+1-bestRound >= o.Patience {
			break
		}
	}
	if vx != nil {
		g.Trees = g.Trees[:bestRound]
		g.ValLoss = best
	}
	return g, nil
}

// binnedValue walks the tree on row i of column-major bins (training and validation rows).
func (t *Tree) binnedValue(cols [][]uint8, i int) float64 {
	j := int32(0)
	for {
		n := &t.Nodes[j]
		if n.Feature < 0 {
			return n.Value
		}
		v := cols[n.Feature][i]
		if (v == 0 && n.MissingLeft) || (v != 0 && v <= n.bin) {
			j = n.Left
		} else {
			j = n.Right
		}
	}
}

func sigmoid(s float64) float64 { return 1 / (1 + math.Exp(-s)) }

// logLoss is −log P(y | score) for a log-odds score, computed without overflow.
func logLoss(s, y float64) float64 {
	// −[y log σ(s) + (1−y) log(1−σ(s))] = log(1+e^s) − y s.
	var sp float64
	if s > 0 {
		sp = s + math.Log1p(math.Exp(-s))
	} else {
		sp = math.Log1p(math.Exp(s))
	}
	return sp - y*s
}

type trainer struct {
	o          GBDTOptions
	p          int
	cols       [][]uint8 // cols[f][i]: bin of feature f for training row i
	edges      [][]float32
	grad, hess []float64
	// og, oh hold the gradients and hessians of the node being histogrammed, in its row order
	// (LightGBM's "ordered gradients"), so that every feature's pass reads them forwards.
	og, oh  []float64
	scratch []int32 // the right child's rows while a node's rows are partitioned
	pool    [][]float64
}

// hist is per feature and bin: Σg, Σh, count.
const nb = 256

func (t *trainer) newHist() []float64 {
	if n := len(t.pool); n > 0 {
		h := t.pool[n-1]
		t.pool = t.pool[:n-1]
		clear(h)
		return h
	}
	return make([]float64, t.p*nb*3)
}

// build returns the histogram of rows (ascending row numbers), a group of features per
// goroutine: every bin sums its rows in row order, so the result does not depend on the number
// of cores.
func (t *trainer) build(rows []int32) []float64 {
	h := t.newHist()
	g, hs := t.og[:len(rows)], t.oh[:len(rows)]
	for j, r := range rows {
		g[j], hs[j] = t.grad[r], t.hess[r]
	}
	w := t.o.Workers
	if len(rows) < 4096 {
		w = 1
	}
	// Features go four at a time through one pass over the rows: a row's gradient is loaded once
	// for four bins, and the four features' sums are independent chains the processor overlaps
	// (one feature alone waits on its last add whenever consecutive rows share a bin). Every bin
	// still sums its rows in row order.
	const group = 4
	forEachFeature((t.p+group-1)/group, w, func(q int) {
		f := q * group
		if f+group > t.p {
			for ; f < t.p; f++ {
				t.histOne(h, f, rows, g, hs)
			}
			return
		}
		c0, c1, c2, c3 := t.cols[f], t.cols[f+1], t.cols[f+2], t.cols[f+3]
		h0, h1, h2, h3 := h[f*nb*3:(f+1)*nb*3], h[(f+1)*nb*3:(f+2)*nb*3], h[(f+2)*nb*3:(f+3)*nb*3], h[(f+3)*nb*3:(f+4)*nb*3]
		for j, r := range rows {
			gj, hj := g[j], hs[j]
			k0, k1, k2, k3 := int(c0[r])*3, int(c1[r])*3, int(c2[r])*3, int(c3[r])*3
			h0[k0] += gj
			h0[k0+1] += hj
			h0[k0+2]++
			h1[k1] += gj
			h1[k1+1] += hj
			h1[k1+2]++
			h2[k2] += gj
			h2[k2+1] += hj
			h2[k2+2]++
			h3[k3] += gj
			h3[k3+1] += hj
			h3[k3+2]++
		}
	})
	return h
}

// histOne adds feature f's histogram over rows (with their gradients g and hessians hs) to h.
func (t *trainer) histOne(h []float64, f int, rows []int32, g, hs []float64) {
	col := t.cols[f]
	hf := h[f*nb*3 : (f+1)*nb*3]
	for j, r := range rows {
		k := int(col[r]) * 3
		hf[k] += g[j]
		hf[k+1] += hs[j]
		hf[k+2]++
	}
}

type split struct {
	feature     int
	bin         uint8
	missingLeft bool
	gain        float64
}

// bestSplit scans every feature's bins left to right, with the missing bin on either side.
func (t *trainer) bestSplit(h []float64, G, H, N float64) split {
	o := t.o
	lam := o.Lambda
	parent := G * G / (H + lam)
	best := split{feature: -1}
	for f := range t.p {
		nbin := len(t.edges[f]) + 1
		base := f * nb * 3
		mg, mh, mn := h[base], h[base+1], h[base+2]
		var gl, hl, nl float64
		for k := 1; k < nbin; k++ { // left: bins 1..k; the top bin never splits
			i := base + k*3
			gl, hl, nl = gl+h[i], hl+h[i+1], nl+h[i+2]
			for _, ml := range [2]bool{false, true} {
				GL, HL, NL := gl, hl, nl
				if ml {
					if mn == 0 {
						continue
					}
					GL, HL, NL = GL+mg, HL+mh, NL+mn
				}
				GR, HR, NR := G-GL, H-HL, N-NL
				if NL < float64(o.MinLeaf) || NR < float64(o.MinLeaf) || HL < o.MinHessian || HR < o.MinHessian {
					continue
				}
				gain := 0.5 * (GL*GL/(HL+lam) + GR*GR/(HR+lam) - parent)
				if gain > best.gain+1e-12 {
					best = split{feature: f, bin: uint8(k), missingLeft: ml, gain: gain}
				}
			}
		}
	}
	return best
}

// grow builds one tree depth-first on rows (ascending row numbers); each child's histogram is
// either built from its rows (the smaller child) or the parent's minus its sibling's (the
// larger), so each level scans at most half the rows.
func (t *trainer) grow(rows []int32) Tree {
	tree := Tree{}
	h := t.build(rows)
	var G, H float64
	for k := 0; k < nb; k++ { // any one feature's bins cover every row
		i := k * 3
		G, H = G+h[i], H+h[i+1]
	}
	t.node(&tree, rows, h, G, H, 0)
	return tree
}

// leaf reports whether a node of n rows at depth cannot split, whatever its histogram.
func (t *trainer) leaf(n, depth int) bool { return depth >= t.o.MaxDepth || n < 2*t.o.MinLeaf }

// node grows the subtree of rows, whose gradients and hessians sum to G and H; h is their
// histogram, nil for a node that cannot split (see leaf).
func (t *trainer) node(tree *Tree, rows []int32, h []float64, G, H float64, depth int) int32 {
	N := float64(len(rows))
	id := int32(len(tree.Nodes))
	tree.Nodes = append(tree.Nodes, Node{Feature: -1, Value: -G / (H + t.o.Lambda) * t.o.LearningRate, Cover: H})
	s := split{feature: -1}
	if h != nil && !t.leaf(len(rows), depth) {
		s = t.bestSplit(h, G, H, N)
	}
	if s.feature < 0 {
		if h != nil {
			t.pool = append(t.pool, h)
		}
		return id
	}
	// Partition rows in place, stably (both children keep ascending row numbers): left first.
	col := t.cols[s.feature]
	l := 0
	right := t.scratch[:0]
	for _, r := range rows {
		v := col[r]
		if (v == 0 && s.missingLeft) || (v != 0 && v <= s.bin) {
			rows[l] = r
			l++
		} else {
			right = append(right, r)
		}
	}
	copy(rows[l:], right)
	left, rightRows := rows[:l], rows[l:]
	var hl, hr []float64
	var GL, HL, GR, HR float64
	switch {
	case t.leaf(len(left), depth+1) && t.leaf(len(rightRows), depth+1):
		// Both children are leaves: they need their sums alone, not a histogram of every
		// feature (on the last level, the histograms were a sixth of the learner's time).
		t.pool = append(t.pool, h)
		GL, HL = t.sums(left)
		GR, HR = t.sums(rightRows)
	case len(left) <= len(rightRows):
		hl = t.build(left)
		hr = h
		for i, v := range hl {
			hr[i] -= v
		}
	default:
		hr = t.build(rightRows)
		hl = h
		for i, v := range hr {
			hl[i] -= v
		}
	}
	if hl != nil {
		for k := 0; k < nb; k++ { // any one feature's bins cover every row
			i := k * 3
			GL, HL = GL+hl[i], HL+hl[i+1]
			GR, HR = GR+hr[i], HR+hr[i+1]
		}
	}
	n := &tree.Nodes[id]
	n.Feature, n.bin, n.MissingLeft, n.Gain = s.feature, s.bin, s.missingLeft, s.gain
	n.Threshold = t.edges[s.feature][s.bin-1]
	li := t.node(tree, left, hl, GL, HL, depth+1)
	ri := t.node(tree, rightRows, hr, GR, HR, depth+1)
	tree.Nodes[id].Left, tree.Nodes[id].Right = li, ri
	return id
}

// sums returns Σ gradient and Σ hessian over rows, in row order.
func (t *trainer) sums(rows []int32) (G, H float64) {
	for _, r := range rows {
		G, H = G+t.grad[r], H+t.hess[r]
	}
	return G, H
}

// Score returns the log-odds of row i of x.
func (g *GBDT) Score(x *Matrix, i int) float64 {
	s := g.Base
	for k := range g.Trees {
		t := &g.Trees[k]
		j := int32(0)
		for {
			n := &t.Nodes[j]
			if n.Feature < 0 {
				s += n.Value
				break
			}
			if goLeft(x.Cols[n.Feature][i], n) {
				j = n.Left
			} else {
				j = n.Right
			}
		}
	}
	return s
}

// Predict returns the probability of the positive class for every row of x. Rows go in blocks
// and each block through one tree after another, so a tree's nodes and the columns it reads stay
// in cache; every row still adds Base and the trees in order, as Score does, and reaches the same
// leaf, so the probabilities are Score's to the bit.
//
// Each tree is walked as a perfect tree (see perfectTree) without a branch on the data: where a
// row goes at a split was a coin toss for the branch predictor, and the mispredictions were most
// of Predict's time (~4 s per million rows of 300 trees on this machine).
func (g *GBDT) Predict(x *Matrix) []float64 {
	out := make([]float64, x.N)
	trees := g.perfectTrees()
	const block = 2048
	parallel(x.N, func(lo, hi int) {
		for b := lo; b < hi; b += block {
			e := min(hi, b+block)
			s := out[b:e]
			for i := range s {
				s[i] = g.Base
			}
			for k := range g.Trees {
				if t := &trees[k]; t.leaves != nil {
					t.add(x, b, s)
					continue
				}
				nodes := g.Trees[k].Nodes
				for i := range s {
					j := int32(0)
					for {
						n := &nodes[j]
						if n.Feature < 0 {
							s[i] += n.Value
							break
						}
						if goLeft(x.Cols[n.Feature][b+i], n) {
							j = n.Left
						} else {
							j = n.Right
						}
					}
				}
			}
			for i := range s {
				s[i] = sigmoid(s[i])
			}
		}
	})
	return out
}

// perfectTree is a tree laid out as the perfect binary tree of its depth, in heap order (node h
// has children 2h+1 and 2h+2): a leaf above the last level becomes splits that send every row
// left (threshold +Inf, missing left) down to copies of its value, so every row takes exactly
// depth steps and its leaf is the one the tree would reach. leaves is nil for a tree deeper than
// maxPerfectDepth, which is walked node by node instead.
type perfectTree struct {
	depth     int
	feature   []int32
	threshold []float32
	missRight []uint8 // 1: a missing value goes right
	// values are the nodes' values in heap order (a padding split has its leaf's value), leaves
	// the last level's.
	values, leaves []float64
}

// perfectTrees lays out every tree as a perfectTree.
func (g *GBDT) perfectTrees() []perfectTree {
	out := make([]perfectTree, len(g.Trees))
	for k := range g.Trees {
		out[k] = newPerfectTree(&g.Trees[k])
	}
	return out
}

// maxPerfectDepth bounds the perfect layout at 2⁸ leaves per tree (the default depth is 5).
const maxPerfectDepth = 8

func newPerfectTree(t *Tree) perfectTree {
	var depth func(j int32) int
	depth = func(j int32) int {
		n := &t.Nodes[j]
		if n.Feature < 0 {
			return 0
		}
		return 1 + max(depth(n.Left), depth(n.Right))
	}
	d := depth(0)
	if d > maxPerfectDepth {
		return perfectTree{}
	}
	inner := 1<<d - 1
	p := perfectTree{depth: d, feature: make([]int32, inner), threshold: make([]float32, inner), missRight: make([]uint8, inner),
		values: make([]float64, inner+1<<d)}
	p.leaves = p.values[inner:]
	var fill func(j int32, h int)
	fill = func(j int32, h int) {
		n := &t.Nodes[j]
		p.values[h] = n.Value
		if h >= inner {
			return
		}
		if n.Feature < 0 { // every row left, down to copies of this leaf
			p.threshold[h] = float32(math.Inf(1))
			fill(j, 2*h+1)
			fill(j, 2*h+2)
			return
		}
		p.feature[h], p.threshold[h] = int32(n.Feature), n.Threshold
		if !n.MissingLeft {
			p.missRight[h] = 1
		}
		fill(n.Left, 2*h+1)
		fill(n.Right, 2*h+2)
	}
	fill(0, 0)
	return p
}

// add adds the tree's leaf value of rows b, b+1, … of x to s[0], s[1], ….
func (p *perfectTree) add(x *Matrix, b int, s []float64) {
	inner := len(p.feature)
	for i := range s {
		h := 0
		for range p.depth {
			v := x.Cols[p.feature[h]][b+i]
			// Right when v > threshold, or v is missing and missing goes right: goLeft negated.
			r := b2i(v > p.threshold[h]) | (b2i(v != v) & int(p.missRight[h]))
			h = 2*h + 1 + r
		}
		s[i] += p.leaves[h-inner]
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Contributions splits row i's log-odds into a bias and one term per feature, by the path method
// of Saabas (2014, "Interpreting random forests"; treeinterpreter): along each tree's path, the
// change of node value at a split is credited to the split's feature. Bias + Σ contrib = Score.
// Unlike TreeSHAP (Lundberg et al. 2020) it is not consistent across features that interact, but it
// is exact in sum, costs one walk per tree, and reads as "how far this feature moved the risk".
func (g *GBDT) Contributions(x *Matrix, i int, contrib []float64) (bias float64) {
	g.contributionsBlock(g.perfectTrees(), x, i, i+1, contrib)
	bias = g.Base
	for k := range g.Trees {
		bias += g.Trees[k].Nodes[0].Value
	}
	return bias
}

// contributionsBlock is Contributions (without the bias) for rows lo..hi−1 of x at once: row i's
// term of feature f goes to c[(i−lo)·Features+f]. It walks one tree over the whole block before
// the next, so the tree's nodes and the columns it reads stay in cache (row by row, every tree
// fetched its columns' lines again per row); each row still adds its terms tree by tree along
// the path, as Contributions does, so the sums are identical.
func (g *GBDT) contributionsBlock(pt []perfectTree, x *Matrix, lo, hi int, c []float64) {
	p := g.Features
	c = c[:(hi-lo)*p]
	clear(c)
	for k := range g.Trees {
		if t := &pt[k]; t.leaves != nil {
			t.contribute(x, lo, hi, p, c)
			continue
		}
		nodes := g.Trees[k].Nodes
		for i := lo; i < hi; i++ {
			ci := c[(i-lo)*p : (i-lo+1)*p]
			j := int32(0)
			for {
				n := &nodes[j]
				if n.Feature < 0 {
					break
				}
				if goLeft(x.Cols[n.Feature][i], n) {
					j = n.Left
				} else {
					j = n.Right
				}
				ci[n.Feature] += nodes[j].Value - n.Value
			}
		}
	}
}

// contribute adds, for rows lo..hi−1 of x, each split's change of value along the row's path to
// its feature's term in c (p terms per row), as contributionsBlock's walk does. A padding split
// adds 0 (its child has its value) to feature 0's term, which leaves the term as it was: a sum
// starting at +0 is never −0, and adding ±0 to anything else changes nothing.
func (t *perfectTree) contribute(x *Matrix, lo, hi, p int, c []float64) {
	for i := lo; i < hi; i++ {
		ci := c[(i-lo)*p : (i-lo+1)*p]
		h := 0
		for range t.depth {
			f := t.feature[h]
			v := x.Cols[f][i]
			ch := 2*h + 1 + (b2i(v > t.threshold[h]) | (b2i(v != v) & int(t.missRight[h])))
			ci[f] += t.values[ch] - t.values[h]
			h = ch
		}
	}
}

// Importance returns each feature's share of the total split gain (sums to 1; zeros without
// splits): the global importance shown to people.
func (g *GBDT) Importance() []float64 {
	imp := make([]float64, g.Features)
	var total float64
	for _, t := range g.Trees {
		for _, n := range t.Nodes {
			if n.Feature >= 0 {
				imp[n.Feature] += n.Gain
				total += n.Gain
			}
		}
	}
	if total > 0 {
		for f := range imp {
			imp[f] /= total
		}
	}
	return imp
}

// parallel runs fn over [0, n) in GOMAXPROCS contiguous chunks.
func parallel(n int, fn func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < 10000 || w == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		wg.Go(func() { fn(lo, min(n, lo+chunk)) })
	}
	wg.Wait()
}
