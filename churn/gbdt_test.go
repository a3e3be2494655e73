package churn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"fidelis/churn"
)

func matrixOf(cols ...[]float32) *churn.Matrix {
	return &churn.Matrix{N: len(cols[0]), Cols: cols}
}

// One tree, one split, worked by hand. Base rate 1/2 gives log-odds 0, so every gradient is
// p − y = ±0.5 and every hessian p(1−p) = 0.25. With λ = 1 and learning rate 1:
// root G = 0, H = 1, value 0; left {1, 2}: G = 1, H = 0.5, value −1/1.5 = −2/3; right +2/3;
// gain ½(1/1.5 + 1/1.5 − 0) = 2/3. The threshold is the upper edge of the left bin, 2.
func TestGBDTHandWorkedStump(t *testing.T) {
	x := matrixOf([]float32{1, 2, 3, 4})
	y := []float64{0, 0, 1, 1}
	g, err := churn.FitGBDT(context.Background(), x, y, nil, nil,
		churn.GBDTOptions{LearningRate: 1, MaxDepth: 1, MaxRounds: 1, Lambda: 1, MinLeaf: 1, Subsample: 1})
	if err != nil {
		t.Fatal(err)
	}
	if g.Base != 0 || len(g.Trees) != 1 {
		t.Fatalf("base %v, %d trees", g.Base, len(g.Trees))
	}
	n := g.Trees[0].Nodes
	if len(n) != 3 || n[0].Feature != 0 || n[0].Threshold != 2 {
		t.Fatalf("nodes %+v", n)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"root value", n[0].Value, 0}, {"gain", n[0].Gain, 2.0 / 3}, {"cover", n[0].Cover, 1},
		{"left", n[n[0].Left].Value, -2.0 / 3}, {"right", n[n[0].Right].Value, 2.0 / 3},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Probabilities: σ(∓2/3) = 0.3392 and 0.6608; contributions carry the whole step.
	p := g.Predict(x)
	if math.Abs(p[0]-1/(1+math.Exp(2.0/3))) > 1e-12 || math.Abs(p[3]-1/(1+math.Exp(-2.0/3))) > 1e-12 {
		t.Errorf("predictions %v", p)
	}
	contrib := make([]float64, 1)
	if bias := g.Contributions(x, 3, contrib); bias != 0 || math.Abs(contrib[0]-2.0/3) > 1e-12 {
		t.Errorf("contributions bias %v, %v", bias, contrib)
	}
	if imp := g.Importance(); imp[0] != 1 {
		t.Errorf("importance %v", imp)
	}
}

// Two rounds of depth-one trees, the second worked from the first's predictions: after round 1
// the left rows score −2/3·η and the right +2/3·η (η = 0.5); round 2 uses g = σ(s) − y and
// h = σ(s)(1 − σ(s)) of those scores, value −η·G/(H+λ).
func TestGBDTSecondRound(t *testing.T) {
	x := matrixOf([]float32{1, 2, 3, 4, 5, 6})
	y := []float64{0, 0, 1, 0, 1, 1}
	const eta, lam = 0.5, 1.0
	g, err := churn.FitGBDT(context.Background(), x, y, nil, nil,
		churn.GBDTOptions{LearningRate: eta, MaxDepth: 1, MaxRounds: 2, Lambda: lam, MinLeaf: 1, Subsample: 1})
	if err != nil {
		t.Fatal(err)
	}
	sig := func(s float64) float64 { return 1 / (1 + math.Exp(-s)) }
	// Round 1: base 0, g = 0.5 − y. Best split: x ≤ 2 vs > 2 (G 1 | −1, H 0.5 | 1, gain
	// ½(1/1.5 + 1/2) = 0.5833) beats x ≤ 4 (G 0.5 | −0.5, H 1 | 0.5: ½(0.25/2+0.25/1.5) = 0.1458).
	if n := g.Trees[0].Nodes[0]; n.Threshold != 2 {
		t.Fatalf("first split at %v", n.Threshold)
	}
	s := []float64{-eta * 1 / 1.5, -eta * 1 / 1.5, eta * 1 / 2, eta * 1 / 2, eta * 1 / 2, eta * 1 / 2}
	// Round 2: every threshold k splits rows ≤ k from the rest; pick the best by hand-coded gain.
	var G, H float64
	gr, hs := make([]float64, 6), make([]float64, 6)
	for i := range s {
		q := sig(s[i])
		gr[i], hs[i] = q-y[i], q*(1-q)
		G, H = G+gr[i], H+hs[i]
	}
	best, bk := -1.0, 0
	var gl, hl float64
	for k := range 5 {
		gl, hl = gl+gr[k], hl+hs[k]
		gain := 0.5 * (gl*gl/(hl+lam) + (G-gl)*(G-gl)/(H-hl+lam) - G*G/(H+lam))
		if gain > best {
			best, bk = gain, k
		}
	}
	n := g.Trees[1].Nodes
	if n[0].Threshold != float32(bk+1) || math.Abs(n[0].Gain-best) > 1e-12 {
		t.Fatalf("second split at %v gain %v, want %v gain %v", n[0].Threshold, n[0].Gain, bk+1, best)
	}
	gl, hl = 0, 0
	for k := 0; k <= bk; k++ {
		gl, hl = gl+gr[k], hl+hs[k]
	}
	if want := -eta * gl / (hl + lam); math.Abs(n[n[0].Left].Value-want) > 1e-12 {
		t.Errorf("second tree left value %v, want %v", n[n[0].Left].Value, want)
	}
	if want := -eta * (G - gl) / (H - hl + lam); math.Abs(n[n[0].Right].Value-want) > 1e-12 {
		t.Errorf("second tree right value %v, want %v", n[n[0].Right].Value, want)
	}
}

// Missing values all belong to positives: the split must send them that way, and a new row with a
// missing value must score high.
func TestGBDTMissingDirection(t *testing.T) {
	nan := float32(math.NaN())
	x := matrixOf([]float32{1, 2, 3, 4, 5, 6, nan, nan, nan, 7, 8, 9})
	y := []float64{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}
	g, err := churn.FitGBDT(context.Background(), x, y, nil, nil,
		churn.GBDTOptions{LearningRate: 1, MaxDepth: 1, MaxRounds: 1, MinLeaf: 1, Subsample: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := g.Trees[0].Nodes[0]
	if n.Threshold != 6 || n.MissingLeft {
		t.Fatalf("split %+v: want x ≤ 6 with missing right", n)
	}
	p := g.Predict(matrixOf([]float32{nan, 1}))
	if !(p[0] > 0.5 && p[1] < 0.5) {
		t.Errorf("missing row %v, low row %v", p[0], p[1])
	}
}

func TestGBDTErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := churn.FitGBDT(ctx, matrixOf([]float32{1, 2}), []float64{1, 1}, nil, nil, churn.GBDTOptions{}); err == nil {
		t.Error("one class: no error")
	}
	if _, err := churn.FitGBDT(ctx, matrixOf([]float32{1, 2}), []float64{1}, nil, nil, churn.GBDTOptions{}); err == nil {
		t.Error("label count: no error")
	}
}

// simulate draws n rows whose true log-odds are known: a threshold effect, a linear effect, an
// interaction, a feature missing at random (its absence itself raises the risk) and pure noise.
func simulate(n int, seed uint64) (*churn.Matrix, []float64, []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x := churn.NewMatrix(n, 4)
	y, truth := make([]float64, n), make([]float64, n)
	for i := range n {
		a, b, c, d := r.Float64(), r.NormFloat64(), r.Float64(), r.NormFloat64()
		s := -1 + 2*b2f(a > 0.5) + 0.8*b - 1.5*b2f(a > 0.5 && c > 0.7)
		x.Cols[0][i], x.Cols[1][i], x.Cols[3][i] = float32(a), float32(b), float32(d)
		if r.Float64() < 0.2 {
			x.Cols[2][i] = float32(math.NaN())
			s += 1
		} else {
			x.Cols[2][i] = float32(c)
		}
		truth[i] = 1 / (1 + math.Exp(-s))
		if r.Float64() < truth[i] {
			y[i] = 1
		}
	}
	return x, y, truth
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// On simulated data the trees must rank almost as well as the true probabilities (within 0.01
// AUC on 20,000 test rows, where the bootstrap standard error of an AUC is about 0.004), stop
// before the round limit, find the noise feature the least important, and after isotonic
// calibration be within 0.03 ECE (the ECE of the true probabilities themselves is about 0.01 here).
func TestGBDTRecoversKnownRisk(t *testing.T) {
	ctx := context.Background()
	x, y, _ := simulate(30000, 1)
	vx, vy, _ := simulate(10000, 2)
	cx, cy, _ := simulate(10000, 3)
	tx, ty, truth := simulate(20000, 4)
	g, err := churn.FitGBDT(ctx, x, y, vx, vy, churn.GBDTOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if g.Rounds >= 500 || len(g.Trees) == 0 {
		t.Errorf("no early stop: %d rounds, %d trees kept", g.Rounds, len(g.Trees))
	}
	p := g.Predict(tx)
	best, got := churn.AUC(truth, ty, nil), churn.AUC(p, ty, nil)
	if got < best-0.01 {
		t.Errorf("AUC %.4f, the truth's %.4f", got, best)
	}
	imp := g.Importance()
	for f := range 3 {
		if imp[3] >= imp[f] {
			t.Errorf("noise importance %.3f ≥ feature %d's %.3f", imp[3], f, imp[f])
		}
	}
	cal := churn.FitCalibrator(g.Predict(cx), cy)
	cal.ApplyAll(p)
	if _, ece := churn.Reliability(p, ty); ece > 0.03 {
		t.Errorf("ECE after %s calibration %.4f", cal.Method, ece)
	}
	// Contributions add up to the log-odds.
	c := make([]float64, 4)
	for i := range 50 {
		bias := g.Contributions(tx, i, c)
		s := bias
		for _, v := range c {
			s += v
		}
		if math.Abs(s-g.Score(tx, i)) > 1e-9 {
			t.Fatalf("row %d: bias + contributions %v, score %v", i, s, g.Score(tx, i))
		}
	}
	// The logistic regression cannot express the threshold and interaction as well.
	lr, err := churn.FitLogistic(ctx, x, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a := churn.AUC(lr.Predict(tx), ty, nil); a > got || a < 0.6 {
		t.Errorf("logistic AUC %.4f, trees %.4f", a, got)
	}
}

// The logistic regression recovers the coefficients of a truly logistic model: with standardised
// inputs of sd 1, the coefficients are the true ones (1.5 and −0.7) within 0.1 on 20,000 rows
// (standard errors about 0.02); the missing indicator carries the +0.5 planted for missing rows.
func TestLogisticRecovers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	n := 20000
	x := churn.NewMatrix(n, 2)
	y := make([]float64, n)
	for i := range n {
		a, b := r.NormFloat64(), r.NormFloat64()
		s := 0.3 + 1.5*a - 0.7*b
		x.Cols[0][i], x.Cols[1][i] = float32(a), float32(b)
		if i%5 == 0 {
			x.Cols[1][i] = float32(math.NaN())
			s += 0.5 + 0.7*b // b unseen: replace its effect by the planted missing effect
		}
		if r.Float64() < 1/(1+math.Exp(-s)) {
			y[i] = 1
		}
	}
	m, err := churn.FitLogistic(context.Background(), x, y, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Coef[0]/m.SD[0]-1.5) > 0.1 || math.Abs(m.Coef[1]/m.SD[1]+0.7) > 0.1 || math.Abs(m.MissCoef[1]-0.5) > 0.15 {
		t.Errorf("coefficients %v (sd %v), missing %v", m.Coef, m.SD, m.MissCoef)
	}
}

// Predict walks trees as perfect trees (see GBDT.Predict); it must give Score's probability to the
// bit on every row, with missing values either way, for trees of every depth (depth 10 is past
// the perfect layout's bound and walked node by node).
func TestGBDTPredictEqualsScore(t *testing.T) {
	const n, p = 20_000, 6
	x, y := sparseLogistic(rand.New(rand.NewPCG(5, 5)), n, p, func(int) float64 { return 1 })
	for _, depth := range []int{1, 3, 5, 10} {
		g, err := churn.FitGBDT(context.Background(), x, y, nil, nil, churn.GBDTOptions{MaxRounds: 20, MaxDepth: depth, MinLeaf: 5, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := g.Predict(x)
		for i := range n {
			if want := 1 / (1 + math.Exp(-g.Score(x, i))); got[i] != want {
				t.Fatalf("depth %d, row %d: Predict %v, Score %v", depth, i, got[i], want)
			}
		}
	}
}

// sparseLogistic draws n rows of p standard normal features, each missing (NaN) with probability
// 0.2, and labels from a logistic model whose logit is Σ weight(f)·x_f over the present features.
func sparseLogistic(r *rand.Rand, n, p int, weight func(f int) float64) (*churn.Matrix, []float64) {
	x := churn.NewMatrix(n, p)
	y := make([]float64, n)
	for i := range n {
		var s float64
		for f := range p {
			v := r.NormFloat64()
			if r.Float64() < 0.2 {
				v = math.NaN()
			} else {
				s += weight(f) * v
			}
			x.Cols[f][i] = float32(v)
		}
		if r.Float64() < 1/(1+math.Exp(-s)) {
			y[i] = 1
		}
	}
	return x, y
}
