package churn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"fidelis"
	"fidelis/btyd"
)

// The methods compared, in the order they are reported.
const (
	MethodGBDT     = "gbdt"      // boosted trees on every feature, calibrated
	MethodLogistic = "logistic"  // regularised logistic regression on the same features, calibrated
	MethodBGNBD    = "bgnbd"     // 1 − BG/NBD P(alive) fitted on data up to the cut-off
	MethodPareto   = "paretonbd" // 1 − Pareto/NBD P(alive) fitted on data up to the cut-off
	MethodHiatus   = "hiatus"    // lapsed when the days since the last purchase exceed a threshold
)

// Methods lists the methods in report order.
var Methods = []string{MethodGBDT, MethodLogistic, MethodBGNBD, MethodPareto, MethodHiatus}

// RowSource returns the store's rows as of asOf with purchases counted in [asOf, until) (see
// fidelis.ChurnStore). The rows of a million customers take about 250 MB in Go: they carry strings
// and per-channel counts that the store cannot reduce further, since every customer is a training
// example; the backtest holds at most two cut-offs' rows at a time.
type RowSource func(ctx context.Context, asOf, until time.Time) ([]fidelis.ChurnRow, error)

// Options configure a backtest; zero values take the defaults.
type Options struct {
	HorizonDays int // the outcome window H after each cut-off (default 90)
	Cutoffs     int // rolling origins (default 4), spaced H days apart, the last H days before the end
	Bootstrap   int // bootstrap replicates of the AUC (default 200)
	Seed        uint64
	// TrainRows is the most customers a model trains on (default DefaultTrainRows; negative: all
	// of them). Above it, Train draws a random sample stratified by outcome (see trainSample).
	TrainRows int
	GBDT      GBDTOptions
	// BaseDeadline bounds each customer-base model fit (zero: DefaultBGNBDDeadline and
	// DefaultParetoDeadline); a fit past it is marked failed (see FitBase).
	BaseDeadline time.Duration
	// Progress, when set, is told what the backtest is doing.
	Progress func(msg string)
}

func (o Options) withDefaults() Options {
	if o.HorizonDays <= 0 {
		o.HorizonDays = 90
	}
	if o.Cutoffs <= 0 {
		o.Cutoffs = 4
	}
	if o.Bootstrap <= 0 {
		o.Bootstrap = 200
	}
	if o.TrainRows == 0 {
		o.TrainRows = DefaultTrainRows
	}
	o.GBDT.Seed = o.Seed
	return o
}

// Scores are one method's results on one cut-off or pooled over all cut-offs. The positive class is
// "lapses": no purchase day in the H days after the cut-off.
type Scores struct {
	// AUC with the 2.5% and 97.5% percentiles of its Poisson bootstrap (AUCLow, AUCHigh).
	AUC     float64 `json:"auc"`
	AUCLow  float64 `json:"auc_low"`
	AUCHigh float64 `json:"auc_high"`
	Brier   float64 `json:"brier"`
	ECE     float64 `json:"ece"`
	// LiftTop10 is the lapse rate of the 10% ranked riskiest ÷ the overall lapse rate.
	LiftTop10 float64 `json:"lift_top10"`
	// RevenueTop10 is the share of lapsers' revenue (net revenue in the year before the cut-off)
	// held by lapsers in the riskiest 10%; RevenueCaught that revenue.
	RevenueTop10  float64 `json:"revenue_top10"`
	RevenueCaught float64 `json:"revenue_caught"`
	Reliability   []Bin   `json:"reliability"`
	// Missing says why the method has no figures here ("" when it has); MissingMsg is the same
	// as a message, for translation.
	Missing    string      `json:"missing,omitempty"`
	MissingMsg fidelis.Msg `json:"-"`
}

// Cutoff is one rolling origin: trained on rows as of TrainAsOf with outcomes in [TrainAsOf,
// AsOf), tested on rows as of AsOf with outcomes in [AsOf, AsOf+H).
type Cutoff struct {
	AsOf      time.Time `json:"as_of"`
	TrainAsOf time.Time `json:"train_as_of"`
	Train     int       `json:"train_customers"`
	// Sampled is how many of the training customers the learners saw when there were more than
	// Options.TrainRows (a stratified sample); 0 when they saw every one.
	Sampled    int                `json:"train_sampled,omitempty"`
	Test       int                `json:"test_customers"`
	LapseRate  float64            `json:"lapse_rate"` // share of test customers who lapsed
	Hiatus     float64            `json:"hiatus_days"`
	Calibrated string             `json:"calibration"` // isotonic or platt
	Trees      int                `json:"trees"`
	Methods    map[string]*Scores `json:"methods"`
	Notes      []string           `json:"notes,omitempty"`
}

// Backtest is the rolling-origin comparison of every method.
type Backtest struct {
	HorizonDays int       `json:"horizon_days"`
	Cutoffs     []*Cutoff `json:"cutoffs"`
	// Pooled scores every method on the test rows of all cut-offs together (a customer appears once
	// per cut-off; the bootstrap resamples customers, all their rows together).
	Pooled map[string]*Scores `json:"pooled"`
	// Winner has the highest pooled AUC; RunnerUp the next. Margin is Winner's AUC minus
	// RunnerUp's, with its paired-bootstrap 95% interval.
	Winner     string  `json:"winner"`
	RunnerUp   string  `json:"runner_up"`
	Margin     float64 `json:"margin"`
	MarginLow  float64 `json:"margin_low"`
	MarginHigh float64 `json:"margin_high"`
	// GBDTBeatsBaselines is true when the GBDT's pooled AUC is above every customer-base model and
	// the hiatus rule with a paired interval above zero.
	GBDTBeatsBaselines bool     `json:"gbdt_beats_baselines"`
	Notes              []string `json:"notes,omitempty"`
}

// pred holds one cut-off's test predictions, and why a method has none.
type pred struct {
	y, value []float64
	// cluster numbers the customers of pooled rows (nil on one cut-off, where each customer
	// appears once), for the cluster bootstrap.
	cluster []int
	p       map[string][]float64
	missing map[string]fidelis.Msg
	ids     []string // customer of each row
}

// Run backtests every method on the store's history up to end (the day after the last order).
//
// start is the first order's time: a cut-off whose training origin is less than max(H, 90 days)
// after it is skipped (with a note), since customers there have too short a history to learn from.
func Run(ctx context.Context, src RowSource, start, end time.Time, o Options) (*Backtest, error) {
	bt, _, err := run(ctx, src, start, end, o)
	return bt, err
}

// BacktestAndScore runs the backtest (Run) and then scores every customer as of end with its
// winner (ScoreAll). The final model trains on the rows as of end−H with outcomes up to end, which
// are the backtest's last test rows: it takes them and their BG/NBD fit from the backtest instead
// of reading and fitting them again.
func BacktestAndScore(ctx context.Context, src RowSource, start, end time.Time, o Options) (*Backtest, *Scoring, error) {
	bt, last, err := run(ctx, src, start, end, o)
	if err != nil {
		return nil, nil, err
	}
	sc, err := scoreAll(ctx, src, end, bt.Winner, o, last)
	if err != nil {
		return nil, nil, err
	}
	return bt, sc, nil
}

// cutoffRows are one cut-off's rows (as of asOf, purchases counted in [asOf, until)) and the
// base models fitted on them.
type cutoffRows struct {
	asOf, until time.Time
	rows        []fidelis.ChurnRow
	base        BaseModels
}

// run is Run, also returning the last cut-off's rows.
func run(ctx context.Context, src RowSource, start, end time.Time, o Options) (*Backtest, *cutoffRows, error) {
	o = o.withDefaults()
	h := time.Duration(o.HorizonDays) * 24 * time.Hour
	bt := &Backtest{HorizonDays: o.HorizonDays}
	var prevRows []fidelis.ChurnRow
	var prevBase BaseModels
	var last *cutoffRows
	var preds []pred
	origins, notes := origins(start, end, o)
	bt.Notes = append(bt.Notes, notes...)
	for _, asOf := range origins {
		progress(o, fmt.Sprintf("rows as of %s", asOf.Format(time.DateOnly)))
		rows, err := src(ctx, asOf, asOf.Add(h))
		if err != nil {
			return nil, nil, err
		}
		progress(o, "fitting the customer-base models")
		base := FitBase(ctx, rows, prevRows != nil, o)
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if prevRows != nil {
			c, p, err := runCutoff(ctx, o, prevRows, prevBase, rows, base, asOf.Add(-h), asOf)
			if err != nil {
				return nil, nil, err
			}
			if c != nil {
				bt.Cutoffs = append(bt.Cutoffs, c)
				preds = append(preds, p)
			} else {
				bt.Notes = append(bt.Notes, fmt.Sprintf("cut-off %s left out: under %d training customers or under %d of either outcome",
					asOf.Format(time.DateOnly), minTrain, minClass))
			}
		}
		prevRows, prevBase = rows, base
		last = &cutoffRows{asOf: asOf, until: asOf.Add(h), rows: rows, base: base}
	}
	if len(bt.Cutoffs) == 0 {
		return nil, nil, fidelis.Errorf(fidelis.EInvalid, "not enough history for a %d-day backtest: every cut-off had too few customers or a single outcome (need %d×%d days of orders with at least %d customers and %d of each outcome)",
			o.HorizonDays, o.Cutoffs+1, o.HorizonDays, minTrain, minClass)
	}
	progress(o, "backtest metrics")
	pool(bt, preds, o)
	return bt, last, nil
}

// origins are the cut-offs whose rows run reads, in order (o with its defaults), and notes on
// those left out.
func origins(start, end time.Time, o Options) (asOf []time.Time, notes []string) {
	h := time.Duration(o.HorizonDays) * 24 * time.Hour
	// The last cut-off is H before the end, so its outcome window is fully observed.
	first := end.Add(-time.Duration(o.Cutoffs+1) * h)
	minHistory := max(h, 90*24*time.Hour)
	for k := 0; k <= o.Cutoffs; k++ {
		a := first.Add(time.Duration(k) * h)
		if a.Sub(start) < minHistory {
			if k < o.Cutoffs && a.Add(h).After(start) {
				notes = append(notes, fmt.Sprintf("cut-off %s left out: its training rows (as of %s) have under %d days of history",
					a.Add(h).Format(time.DateOnly), a.Format(time.DateOnly), int(minHistory.Hours()/24)))
			}
			continue
		}
		asOf = append(asOf, a)
	}
	return asOf, notes
}

// Reads are the rows BacktestAndScore reads from its RowSource, in order: each origin of the
// backtest with its outcome window, then the end (the final model's training rows are the last
// origin's, read once). Give them to StoreRows so that a store reads them in one series.
func Reads(start, end time.Time, o Options) []fidelis.ChurnCut {
	o = o.withDefaults()
	h := time.Duration(o.HorizonDays) * 24 * time.Hour
	as, _ := origins(start, end, o)
	cuts := make([]fidelis.ChurnCut, 0, len(as)+1)
	for _, a := range as {
		cuts = append(cuts, fidelis.ChurnCut{AsOf: a, Until: a.Add(h)})
	}
	return append(cuts, fidelis.ChurnCut{AsOf: end, Until: end})
}

func progress(o Options, msg string) {
	if o.Progress != nil {
		o.Progress(msg)
	}
}

// minTrain and minClass bound what a cut-off needs: at least minTrain training customers and
// minClass of each outcome in training and test.
const (
	minTrain = 200
	minClass = 20
)

func labels(rows []fidelis.ChurnRow) (y, value []float64) {
	y, value = make([]float64, len(rows)), make([]float64, len(rows))
	for i, r := range rows {
		if r.Future == 0 {
			y[i] = 1
		}
		value[i] = r.Revenue365
	}
	return y, value
}

func classes(y []float64) (pos, neg int) {
	for _, v := range y {
		if v == 1 {
			pos++
		}
	}
	return pos, len(y) - pos
}

// lrRows bounds the logistic regression's training rows: about a hundred coefficients (features
// and their missing indicators) need far fewer than a million rows. On the 250k synthetic store
// its pooled held-out AUC did not rise with more rows: 0.9235 on 21k, 0.9226 on 42k, 0.9232 on
// 88k, 0.9223 on 109k/131k (95% intervals ±0.001); each L-BFGS step scores every row, so 50k
// instead of 200k (until session 6) cuts its time by up to four.
const lrRows = 50_000

// DefaultTrainRows is the most customers a model trains on by default (Options.TrainRows).
//
// Why a sample: the learners' cost grows with the rows (each of up to 500 trees builds its
// histograms over them; every L-BFGS step of the regression scores them all), while what they
// learn stops improving long before a million customers. Learning curve on the 250k-customer
// synthetic store (90-day backtest, two cut-offs of 155k and 188k training customers, pooled
// held-out AUC of the trees over 438k test rows, 95% bootstrap interval ±0.0008): 30k customers
// 0.9299, 60k 0.9307, 125k 0.9310, all 0.9313; Brier 0.0999, 0.0995, 0.0995, 0.0993. Past ~100k
// the gain is within the interval; 250k leaves a wide margin. Stores of up to 250k customers per
// cut-off train on every one, exactly as before.
const DefaultTrainRows = 250_000

// trainSample returns, when y has more than n rows (n > 0), the sorted indices of a random sample
// of n of them, stratified by outcome: each class keeps its share (rounded), so the sample's
// lapse rate, the trees' starting log-odds and what the calibrators learn are the population's.
// nil means every row. The draw is seeded, so the same rows and seed give the same sample.
func trainSample(y []float64, n int, seed uint64) []int {
	if n <= 0 || len(y) <= n {
		return nil
	}
	var pos, neg []int
	for i, v := range y {
		if v == 1 {
			pos = append(pos, i)
		} else {
			neg = append(neg, i)
		}
	}
	np := int(math.Round(float64(n) * float64(len(pos)) / float64(len(y))))
	rng := rand.New(rand.NewPCG(seed, 0x736d706c))
	draw := func(from []int, k int) []int {
		for i := range k { // partial Fisher–Yates: k distinct rows
			j := i + rng.IntN(len(from)-i)
			from[i], from[j] = from[j], from[i]
		}
		return from[:k]
	}
	out := append(draw(pos, np), draw(neg, n-np)...)
	slices.Sort(out)
	return out
}

// Model is the fitted supervised model: the features, both learners and their calibrators.
type Model struct {
	Features    []Feature
	GBDT        *GBDT
	Logistic    *Logistic
	CalGBDT     *Calibrator
	CalLogistic *Calibrator
	// Hiatus is the threshold (days since the last purchase) the hiatus rule chose on training
	// rows, and HiatusRate the training lapse rate below and at/above it.
	Hiatus     float64
	HiatusRate [2]float64
	HorizonDay int
	// Sampled is the size of the stratified sample the learners saw (0: every training row).
	Sampled int
	// BGNBDMissing says why the training rows had no BG/NBD features (zero when they had).
	BGNBDMissing fidelis.Msg
}

// Train fits the model on rows as of a cut-off whose outcome window has passed: 70% of customers
// train, 15% stop the boosting early, 15% calibrate (a seeded random split of customers; every
// row's features and outcome come before the test cut-off, so the split leaks nothing in time).
// Above Options.TrainRows customers, the learners see a stratified sample of that many (see
// trainSample); the feature levels and the hiatus rule still come from every row.
func Train(ctx context.Context, rows []fidelis.ChurnRow, base BaseModels, o Options) (*Model, error) {
	o = o.withDefaults()
	progress(o, "features")
	y, _ := labels(rows)
	fs := newSchema(rows)
	ex := base.extrasFor(rows, float64(o.HorizonDays))
	ys := y
	sample := trainSample(y, o.TrainRows, o.Seed)
	if sample != nil {
		ys = make([]float64, len(sample))
		for j, i := range sample {
			ys[j] = y[i]
		}
	}
	x := matrix(fs, rows, ex, sample)
	rng := rand.New(rand.NewPCG(o.Seed, 0x73706c74))
	perm := rng.Perm(len(ys))
	nFit, nVal := len(ys)*70/100, len(ys)*15/100
	fit, val, cal := perm[:nFit], perm[nFit:nFit+nVal], perm[nFit+nVal:]
	slices.Sort(fit)
	slices.Sort(val)
	slices.Sort(cal)
	pick := func(idx []int) []float64 {
		out := make([]float64, len(idx))
		for j, i := range idx {
			out[j] = ys[i]
		}
		return out
	}
	xf, xv, xc := x.Rows(fit), x.Rows(val), x.Rows(cal)
	x = nil
	yf, yv, yc := pick(fit), pick(val), pick(cal)
	progress(o, fmt.Sprintf("boosting trees on %d customers", len(fit)))
	g, err := FitGBDT(ctx, xf, yf, xv, yv, o.GBDT)
	if err != nil {
		return nil, err
	}
	progress(o, "logistic regression")
	// A hundred coefficients need far fewer than a million rows: the regression fits on at most
	// lrRows of the training rows (a seeded random subset), which keeps it to seconds.
	xl, yl := xf, yf
	if len(fit) > lrRows {
		sub := rng.Perm(len(fit))[:lrRows]
		slices.Sort(sub)
		xl = xf.Rows(sub)
		yl = make([]float64, lrRows)
		for j, i := range sub {
			yl[j] = yf[i]
		}
	}
	lr, err := FitLogistic(ctx, xl, yl, 0)
	if err != nil {
		return nil, err
	}
	m := &Model{Features: fs, GBDT: g, Logistic: lr, HorizonDay: o.HorizonDays, Sampled: len(sample)}
	if base.bgErr != nil {
		m.BGNBDMissing = errMsg(base.bgErr)
	}
	m.CalGBDT = FitCalibrator(g.Predict(xc), yc)
	m.CalLogistic = FitCalibrator(lr.Predict(xc), yc)
	rec := make([]float64, len(rows))
	for i, r := range rows {
		rec[i] = r.T - r.Tx
	}
	m.Hiatus, m.HiatusRate = hiatusRule(rec, y)
	return m, nil
}

// hiatusRule chooses the threshold of "lapsed when the days since the last purchase are at least
// t" (Wübben & von Wangenheim 2008, Journal of Marketing 72(3), where managers set it by rule of
// thumb; here it is learned) with the highest balanced accuracy on the training rows, Youden's J =
// TPR + TNR − 1 (Youden 1950): plain accuracy would call everyone lapsed wherever most customers
// lapse. It returns the training lapse rate below and at/above it as the rule's probabilities.
func hiatusRule(rec, y []float64) (float64, [2]float64) {
	idx := order(rec)
	var pos float64
	for _, v := range y {
		pos += v
	}
	neg := float64(len(y)) - pos
	// Threshold at rec[idx[k]]: rows before k predicted active, from k on lapsed.
	best, bestK := math.Inf(-1), 0
	var negBelow, posBelow float64
	for k := 0; k <= len(idx); k++ {
		if k == len(idx) || k == 0 || rec[idx[k]] != rec[idx[k-1]] {
			if j := ratio(pos-posBelow, pos) + ratio(negBelow, neg); j > best {
				best, bestK = j, k
			}
		}
		if k < len(idx) {
			if y[idx[k]] == 1 {
				posBelow++
			} else {
				negBelow++
			}
		}
	}
	t := math.Inf(1)
	if bestK < len(idx) {
		t = rec[idx[bestK]]
	}
	var n, p [2]float64
	for i, r := range rec {
		s := 0
		if r >= t {
			s = 1
		}
		n[s]++
		p[s] += y[i]
	}
	var rate [2]float64
	for s := range rate {
		rate[s] = ratio(p[s], n[s])
		if n[s] == 0 {
			rate[s] = pos / float64(len(y))
		}
	}
	return t, rate
}

// Scored is one customer's model output.
type Scored struct {
	GBDT, Logistic float64 // calibrated probability of lapsing
	Hiatus         float64
	PAlive         float64 // BG/NBD (NaN without a fit)
	PAlivePareto   float64
}

// Score applies the model to rows as of a later cut-off, with the customer-base models fitted up to
// that cut-off.
func (m *Model) Score(rows []fidelis.ChurnRow, base BaseModels) (*Matrix, []Scored) {
	ex := base.extrasFor(rows, float64(m.HorizonDay))
	x := matrix(m.Features, rows, ex, nil)
	pg, pl := m.GBDT.Predict(x), m.Logistic.Predict(x)
	m.CalGBDT.ApplyAll(pg)
	m.CalLogistic.ApplyAll(pl)
	var pp []float64
	if base.paretoEr == nil {
		pp, _ = btyd.Forecast(base.pareto, weeks(rows), 0)
	}
	out := make([]Scored, len(rows))
	for i, r := range rows {
		s := Scored{GBDT: pg[i], Logistic: pl[i], Hiatus: m.HiatusRate[0], PAlive: ex[i].pAlive, PAlivePareto: math.NaN()}
		if r.T-r.Tx >= m.Hiatus {
			s.Hiatus = m.HiatusRate[1]
		}
		if pp != nil {
			s.PAlivePareto = pp[i]
		}
		out[i] = s
	}
	return x, out
}

func runCutoff(ctx context.Context, o Options, train []fidelis.ChurnRow, trainBase BaseModels, test []fidelis.ChurnRow, testBase BaseModels, trainAsOf, asOf time.Time) (*Cutoff, pred, error) {
	c := &Cutoff{AsOf: asOf, TrainAsOf: trainAsOf, Train: len(train), Test: len(test), Methods: map[string]*Scores{}}
	ytr, _ := labels(train)
	y, value := labels(test)
	tp, tn := classes(ytr)
	p, n := classes(y)
	if len(train) < minTrain || min(tp, tn, p, n) < minClass {
		return nil, pred{}, nil
	}
	m, err := Train(ctx, train, trainBase, o)
	if err != nil {
		return nil, pred{}, fmt.Errorf("cut-off %s: %w", asOf.Format(time.DateOnly), err)
	}
	progress(o, fmt.Sprintf("scoring %d customers as of %s", len(test), asOf.Format(time.DateOnly)))
	_, sc := m.Score(test, testBase)
	c.LapseRate = float64(p) / float64(len(test))
	c.Hiatus = m.Hiatus
	c.Calibrated = m.CalGBDT.Method
	c.Trees = len(m.GBDT.Trees)
	c.Sampled = m.Sampled
	pr := pred{y: y, value: value, p: map[string][]float64{}, missing: map[string]fidelis.Msg{}, ids: make([]string, len(test))}
	for i, r := range test {
		pr.ids[i] = r.Customer
	}
	col := func(f func(s Scored) float64) []float64 {
		v := make([]float64, len(sc))
		for i, s := range sc {
			v[i] = f(s)
		}
		return v
	}
	pr.p[MethodGBDT] = col(func(s Scored) float64 { return s.GBDT })
	pr.p[MethodLogistic] = col(func(s Scored) float64 { return s.Logistic })
	pr.p[MethodHiatus] = col(func(s Scored) float64 { return s.Hiatus })
	if testBase.bgErr == nil {
		pr.p[MethodBGNBD] = col(func(s Scored) float64 { return 1 - s.PAlive })
	} else {
		pr.missing[MethodBGNBD] = errMsg(testBase.bgErr)
		c.Notes = append(c.Notes, testBase.bgErr.Error())
	}
	if trainBase.bgErr != nil || testBase.bgErr != nil {
		c.Notes = append(c.Notes, "the BG/NBD features (p_alive, expected_purchases) are missing on this cut-off: the trees and the regression learned without them")
	}
	if testBase.paretoEr == nil {
		pr.p[MethodPareto] = col(func(s Scored) float64 { return 1 - s.PAlivePareto })
	} else {
		pr.missing[MethodPareto] = errMsg(testBase.paretoEr)
		c.Notes = append(c.Notes, testBase.paretoEr.Error())
	}
	progress(o, "backtest metrics")
	score(c.Methods, pr, o.Bootstrap, o.Seed)
	return c, pr, nil
}

// score fills each method's metrics; a method without predictions is marked missing.
func score(into map[string]*Scores, pr pred, b int, seed uint64) [][]float64 {
	var ps [][]float64
	var names []string
	for _, m := range Methods {
		if p, ok := pr.p[m]; ok {
			ps = append(ps, p)
			names = append(names, m)
		} else {
			why := pr.missing[m]
			if why.Key == "" {
				why = fidelis.M("the model could not be fitted on this store")
			}
			into[m] = &Scores{AUC: math.NaN(), AUCLow: math.NaN(), AUCHigh: math.NaN(), Brier: math.NaN(), ECE: math.NaN(),
				LiftTop10: math.NaN(), RevenueTop10: math.NaN(), RevenueCaught: math.NaN(), Missing: why.String(), MissingMsg: why}
		}
	}
	boot := bootstrapAUC(ps, pr.y, pr.cluster, b, seed)
	for k, m := range names {
		s := &Scores{AUC: AUC(ps[k], pr.y, nil), Brier: Brier(ps[k], pr.y), LiftTop10: LiftTop10(ps[k], pr.y)}
		s.AUCLow, s.AUCHigh = interval(boot[k])
		s.Reliability, s.ECE = Reliability(ps[k], pr.y)
		s.RevenueTop10, s.RevenueCaught = RevenueTop10(ps[k], pr.y, pr.value)
		into[m] = s
	}
	full := make([][]float64, len(Methods))
	for k, m := range names {
		full[slices.Index(Methods, m)] = boot[k]
	}
	return full
}

func pool(bt *Backtest, preds []pred, o Options) {
	all := pred{p: map[string][]float64{}, missing: map[string]fidelis.Msg{}}
	for _, m := range Methods {
		complete := true
		for _, p := range preds {
			if _, ok := p.p[m]; !ok {
				complete = false
				if all.missing[m].Key == "" {
					all.missing[m] = p.missing[m]
				}
			}
		}
		if !complete {
			continue // a method missing on any cut-off is not pooled: the rows would differ
		}
		for _, p := range preds {
			all.p[m] = append(all.p[m], p.p[m]...)
		}
	}
	ids := map[string]int{}
	for _, p := range preds {
		all.y = append(all.y, p.y...)
		all.value = append(all.value, p.value...)
		for _, id := range p.ids {
			c, ok := ids[id]
			if !ok {
				c = len(ids)
				ids[id] = c
			}
			all.cluster = append(all.cluster, c)
		}
	}
	bt.Pooled = map[string]*Scores{}
	boot := score(bt.Pooled, all, o.Bootstrap, o.Seed+1)
	rank := slices.Clone(Methods)
	auc := func(m string) float64 {
		if a := bt.Pooled[m].AUC; !math.IsNaN(a) {
			return a
		}
		return math.Inf(-1)
	}
	// Ties go to the simpler method, listed later.
	slices.SortStableFunc(rank, func(a, b string) int {
		switch {
		case auc(a) > auc(b):
			return -1
		case auc(a) < auc(b):
			return 1
		}
		return slices.Index(Methods, b) - slices.Index(Methods, a)
	})
	bt.Winner, bt.RunnerUp = rank[0], rank[1]
	diff := func(a, b string) (d, lo, hi float64) {
		ba, bb := boot[slices.Index(Methods, a)], boot[slices.Index(Methods, b)]
		if ba == nil || bb == nil {
			return math.NaN(), math.NaN(), math.NaN()
		}
		ds := make([]float64, len(ba))
		for i := range ds {
			ds[i] = ba[i] - bb[i]
		}
		lo, hi = interval(ds)
		return bt.Pooled[a].AUC - bt.Pooled[b].AUC, lo, hi
	}
	bt.Margin, bt.MarginLow, bt.MarginHigh = diff(bt.Winner, bt.RunnerUp)
	bt.GBDTBeatsBaselines = true
	for _, m := range []string{MethodBGNBD, MethodPareto, MethodHiatus} {
		if bt.Pooled[m].Missing != "" {
			continue
		}
		if d, lo, _ := diff(MethodGBDT, m); !(d > 0 && lo > 0) {
			bt.GBDTBeatsBaselines = false
		}
	}
	switch {
	case bt.GBDTBeatsBaselines:
	case bt.Winner == MethodGBDT || bt.Winner == MethodLogistic:
		who := map[string]string{MethodGBDT: "the boosted trees rank", MethodLogistic: "the logistic regression ranks"}[bt.Winner]
		bt.Notes = append(bt.Notes, who+" best, but the boosted trees' lead over the customer-base models and the hiatus rule is within the backtest's noise on this store (a paired 95% interval of the AUC difference includes zero)")
	default:
		bt.Notes = append(bt.Notes, "the boosted trees do not beat the customer-base models and the hiatus rule with confidence on this store; the winner, "+bt.Winner+", ranks the customers instead")
	}
	if s := bt.Pooled[MethodBGNBD]; s.Missing == "" && s.AUC < 0.5 {
		bt.Notes = append(bt.Notes, "BG/NBD ranks worse than chance here: it gives every customer without a repeat purchase P(alive) = 1 (its customers can only drop out right after a purchase), and here those are the likeliest to lapse")
	}
	var lapsed float64
	for _, v := range all.y {
		lapsed += v
	}
	if rate := lapsed / float64(len(all.y)); rate > 0.5 {
		bt.Notes = append(bt.Notes, fmt.Sprintf("%.0f%% of customers lapse in the horizon, so no top decile can show a lift above %.2f×; read AUC rather than lift", rate*100, 1/rate))
	}
	for _, m := range []string{MethodBGNBD, MethodPareto} {
		if bt.Pooled[m].Missing == "" {
			bt.Notes = append(bt.Notes, "Brier score and calibration of "+m+" read 1 − P(alive) as the probability of no purchase in the horizon, which it is not (a customer alive may still not buy); compare it on AUC and lift")
			break
		}
	}
}
