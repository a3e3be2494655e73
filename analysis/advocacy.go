package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"fidelis"
	"fidelis/advocacy"
	"fidelis/metric"
)

func init() { Register("advocacy", runAdvocacy) }

// Advocacy is the referrals and advocates section.
type Advocacy struct {
	Referrals   []advocacy.ReferralPeriod  `json:"referrals"`
	Total       advocacy.ReferralPeriod    `json:"referrals_pooled"`
	ReferralsBy []advocacy.ReferralPeriod  `json:"referrals_by,omitempty"`
	Revenue     advocacy.ReferralRevenue   `json:"referral_revenue"`
	RevenueBy   []advocacy.ReferralRevenue `json:"referral_revenue_by,omitempty"`
	// Advocates: customers whose advocacy score reaches advocacy.AdvocateThreshold.
	Customers int64             `json:"customers_scored"`
	Advocates metric.Proportion `json:"advocate_share"`
	Top       []Advocate        `json:"top_advocates"`
	Likely    []Advocate        `json:"likely_advocates"`
	Model     advocacy.Model    `json:"model"`
	Backtest  Backtest          `json:"backtest"`
	ScoreNote string            `json:"score_definition"`
	ModelNote string            `json:"model_definition"`
	// ranked holds every customer the model scored, most likely to refer first (for the actions).
	ranked []Advocate
}

// Advocate is one customer's advocacy score, predicted probability and the reasons for it.
type Advocate struct {
	Customer    string   `json:"customer"`
	Score       float64  `json:"score"`
	Probability float64  `json:"probability"`
	Referrals   int64    `json:"referrals"`
	Converted   int64    `json:"converted"`
	NPS         float64  `json:"nps"`
	Reasons     []string `json:"reasons,omitempty"`
}

// Backtest is the time-split validation of the likely-advocate model: fitted on features as of
// TrainCutoff with referrals in [TrainCutoff, TestCutoff) as the label, evaluated on features as
// of TestCutoff with referrals in [TestCutoff, End).
type Backtest struct {
	TrainCutoff    time.Time `json:"train_cutoff"`
	TestCutoff     time.Time `json:"test_cutoff"`
	End            time.Time `json:"end"`
	HorizonDays    int       `json:"horizon_days"`
	TrainN         int       `json:"train_customers"`
	TrainPositives int       `json:"train_positives"`
	TestN          int       `json:"test_customers"`
	TestPositives  int       `json:"test_positives"`
	AUC            float64   `json:"auc"`
	TopDecileLift  float64   `json:"top_decile_lift"`
	// ScoreAUC is the AUC of the documented advocacy score on the same test, for comparison.
	ScoreAUC float64 `json:"score_auc"`
}

// AdvocacyHorizon is the label window of the likely-advocate model: a customer is a positive when
// they send a referral within it.
const AdvocacyHorizon = 180 * 24 * time.Hour

// rows holds the model inputs of one feature read: each row's features (advocacy.Features) in
// blocks of rowBlock rows, so that growing never copies them (at 1M customers 15 floats each,
// ~120 MB), the labels, the advocacy scores and the customer ids (~24 MB at 1M). The store hands
// the rows in no particular order; features puts them in customer order (see byCustomer).
type rows struct {
	x     [][]float64
	y     []bool
	score []float64
	id    []string
	// order is the read position of each row after sort (nil when the store's order was the
	// customer order), for callers that kept something per row while reading.
	order []int32
	block []float64
}

const rowBlock = 4096

// add appends f's row; it returns the row's features.
func (r *rows) add(f fidelis.CustomerFeatures) []float64 {
	k := len(advocacy.FeatureNames)
	if len(r.block) < k {
		r.block = make([]float64, k*rowBlock)
	}
	x := r.block[:k:k]
	r.block = r.block[k:]
	advocacy.FillFeatures(x, f)
	r.x, r.y, r.score, r.id = append(r.x, x), append(r.y, f.Future > 0), append(r.score, advocacy.Score(f)), append(r.id, f.Customer)
	return x
}

// sort puts the rows in customer order (ids compared bytewise), so that the fits, which add their
// rows in fixed blocks, and the rankings, whose ties fall to the row order, give the same result
// whatever order the store streamed them in.
func (r *rows) sort() {
	idx := byCustomer(len(r.id), func(i int) string { return r.id[i] })
	if idx == nil {
		return
	}
	x, y, score, id := make([][]float64, len(idx)), make([]bool, len(idx)), make([]float64, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		x[i], y[i], score[i], id[i] = r.x[j], r.y[j], r.score[j], r.id[j]
	}
	r.x, r.y, r.score, r.id, r.order = x, y, score, id, idx
}

// byCustomer returns the indexes 0..n-1 ordered by their customer id (bytewise, as the stores order
// ids), or nil when they are in that order already. Ordering a million rows in Go costs a fraction
// of a second; the store's ORDER BY of the feature rows cost DuckDB about 3.5 CPU-s per read at 1M.
func byCustomer(n int, id func(int) string) []int32 {
	sorted := true
	for i := 1; i < n && sorted; i++ {
		sorted = id(i-1) <= id(i)
	}
	if sorted {
		return nil
	}
	// Each id's first eight bytes, big-endian and zero-padded, order ids as their bytes do
	// wherever they differ; equal prefixes fall back to the whole ids. Ids are mostly that short.
	type key struct {
		prefix uint64
		id     string
		i      int32
	}
	keys := make([]key, n)
	for i := range keys {
		s := id(i)
		var p uint64
		for b := range 8 {
			p <<= 8
			if b < len(s) {
				p |= uint64(s[b])
			}
		}
		keys[i] = key{p, s, int32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.prefix != b.prefix {
			return cmp.Compare(a.prefix, b.prefix)
		}
		return strings.Compare(a.id, b.id)
	})
	idx := make([]int32, n)
	for i, k := range keys {
		idx[i] = k.i
	}
	return idx
}

func (r *rows) positives() (n int) {
	for _, v := range r.y {
		if v {
			n++
		}
	}
	return n
}

// features reads the model inputs as of asOf (label: referrals in [asOf, until)), in customer
// order; each customer's row is also handed to fn when it is not nil, in the store's order (x
// stays valid: sorting moves the rows' slices, not their features); room is made for size rows (at
// most one per customer).
func features(ctx context.Context, as fidelis.AdvocacyStore, asOf, until time.Time, size int64, fn func(fidelis.CustomerFeatures, []float64)) (*rows, error) {
	f := fidelis.FeatureQuery{AsOf: asOf, Until: until, Recent: advocacy.RecentInteractions}
	r := &rows{x: make([][]float64, 0, size), y: make([]bool, 0, size), score: make([]float64, 0, size)}
	err := as.AdvocacyFeatures(ctx, f, func(f fidelis.CustomerFeatures) error {
		x := r.add(f)
		if fn != nil {
			fn(f, x)
		}
		return nil
	})
	r.sort()
	return r, err
}

func runAdvocacy(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	if a.Counts[fidelis.Referrals] == 0 {
		return nil, nil
	}
	if len(o.Segment) > 0 { // referred customers and the advocate model's features span segments
		a.Notes = append(a.Notes, "advocacy: not computed under a segment filter (referrers, the customers they bring and the advocate model's features are read from every customer); run without the filter")
		return nil, nil
	}
	q := o.query()
	out := &Advocacy{ScoreNote: scoreNote, ModelNote: modelNote}
	cells, err := st.Referrals(ctx, q)
	if err != nil {
		return nil, err
	}
	act, err := st.Activity(ctx, q)
	if err != nil {
		return nil, err
	}
	out.Referrals = advocacy.ReferralPeriods(cells, act, o.Grain)
	out.Total = advocacy.PoolReferrals(out.Referrals)
	rc, err := st.ReferralRevenue(ctx, q)
	if err != nil {
		return nil, err
	}
	out.Revenue = advocacy.TotalReferralRevenue(rc)
	if o.By != "" {
		qb := q
		qb.By = o.By
		if cells, err = st.Referrals(ctx, qb); err != nil {
			return nil, err
		}
		if act, err = st.Activity(ctx, qb); err != nil {
			return nil, err
		}
		per := map[string][]advocacy.ReferralPeriod{}
		var segs []string
		for _, r := range advocacy.ReferralPeriods(cells, act, o.Grain) {
			if _, ok := per[r.Segment]; !ok {
				segs = append(segs, r.Segment)
			}
			per[r.Segment] = append(per[r.Segment], r)
		}
		for _, s := range segs {
			out.ReferralsBy = append(out.ReferralsBy, advocacy.PoolReferrals(per[s]))
		}
		if rc, err = st.ReferralRevenue(ctx, qb); err != nil {
			return nil, err
		}
		out.RevenueBy = advocacy.ReferralRevenues(rc)
	}

	// Backtest and model: the end is the last order (or the window's end).
	end := a.Last.Add(time.Second)
	if !o.To.IsZero() && o.To.Before(end) {
		end = o.To
	}
	t2 := end.Add(-AdvocacyHorizon)
	t1 := t2.Add(-AdvocacyHorizon)
	bt := Backtest{TrainCutoff: t1, TestCutoff: t2, End: end, HorizonDays: int(AdvocacyHorizon.Hours() / 24)}
	size := a.Counts[fidelis.Customers] // at most one row per customer
	train, err := features(ctx, st, t1, t2, size, nil)
	if err != nil {
		return nil, err
	}
	test, err := features(ctx, st, t2, end, size, nil)
	if err != nil {
		return nil, err
	}
	bt.TrainN, bt.TestN = len(train.y), len(test.y)
	bt.TrainPositives, bt.TestPositives = train.positives(), test.positives()
	if bt.TrainPositives > 0 && bt.TrainPositives < bt.TrainN {
		m := advocacy.Fit(train.x, train.y, advocacy.DefaultLambda)
		p := make([]float64, len(test.x))
		for i, x := range test.x {
			p[i] = m.Predict(x)
		}
		bt.AUC, bt.TopDecileLift, bt.ScoreAUC = advocacy.AUC(p, test.y), advocacy.TopDecileLift(p, test.y), advocacy.AUC(test.score, test.y)
	}
	train = nil
	out.Backtest = bt
	// The production model: fitted on the latest labelled split, applied to today's features.
	if bt.TestPositives > 0 && bt.TestPositives < bt.TestN {
		out.Model = advocacy.Fit(test.x, test.y, advocacy.DefaultLambda)
	}
	test = nil
	// Every customer as of the end, put in customer order as now's rows are (all[i]'s features
	// are now.x[i]); reasons are worked out only for the customers listed.
	all := make([]Advocate, 0, a.Counts[fidelis.Customers])
	var adv int64
	now, err := features(ctx, st, end, end, size, func(f fidelis.CustomerFeatures, x []float64) {
		v := Advocate{Customer: f.Customer, Score: advocacy.Score(f), Referrals: f.Referrals, Converted: f.Converted, NPS: f.NPS, Probability: -1}
		if out.Model.Coef != nil {
			v.Probability = out.Model.Predict(x)
		}
		if v.Score >= advocacy.AdvocateThreshold {
			adv++
		}
		all = append(all, v)
	})
	if err != nil {
		return nil, err
	}
	if now.order != nil {
		sorted := make([]Advocate, len(all))
		for i, j := range now.order {
			sorted[i] = all[j]
		}
		all = sorted
	}
	out.Customers = int64(len(all))
	out.Advocates = metric.NewProportion(adv, out.Customers)
	// Sorted through their indexes with the customer order as the last key (the result of stable
	// sorts, without moving the records): top advocates by score; then everyone by probability,
	// ties by score.
	idx := make([]int32, len(all))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		return cmp.Or(desc(all[i].Score, all[j].Score), cmp.Compare(i, j))
	})
	for _, i := range idx[:min(20, len(idx))] {
		out.Top = append(out.Top, all[i])
	}
	slices.SortFunc(idx, func(i, j int32) int {
		return cmp.Or(desc(all[i].Probability, all[j].Probability), desc(all[i].Score, all[j].Score), cmp.Compare(i, j))
	})
	out.ranked = make([]Advocate, 0, len(all))
	for _, i := range idx {
		if v := all[i]; v.Probability >= 0 {
			out.ranked = append(out.ranked, Advocate{Customer: v.Customer, Probability: v.Probability})
		}
	}
	for _, i := range idx {
		v := all[i]
		if len(out.Likely) == 20 || v.Probability < 0 {
			break
		}
		if v.Score < advocacy.AdvocateThreshold {
			v.Reasons = out.Model.Reasons(now.x[i], 3)
			out.Likely = append(out.Likely, v)
		}
	}
	return out, nil
}

// desc orders a before b when it is the larger (for stable sorts, largest first).
func desc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

const scoreNote = "Advocacy score 0–100: promoter (latest NPS 9–10) 30 or passive (7–8) 10; referrals sent 5 each (max 15); " +
	"referrals converted 10 each (max 25); positive social mentions 5 each plus 1 per 10 shares (max 15); interactions " +
	"in the last 90 days 1 each (max 15). Advocate: score ≥ 40."

const modelNote = "Likely advocates: L2-regularised logistic regression (λ = 0.001 on standardised features, fitted by Newton's method) " +
	"predicting a referral in the next 180 days from recency, orders, revenue, tenure, NPS group, other survey scores, " +
	"programme membership and points, interactions, channels, mentions and past referrals. Validated out of time: " +
	"fitted on features 360 days before the end (label: the next 180 days), tested on features 180 days before the " +
	"end (label: the last 180 days). Reasons: the features adding most to a customer's probability (β·z)."
