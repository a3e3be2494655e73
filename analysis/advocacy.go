package analysis

import (
	"context"
	"sort"
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

func features(ctx context.Context, as fidelis.AdvocacyStore, asOf, until time.Time) (rows []fidelis.CustomerFeatures, err error) {
	f := fidelis.FeatureQuery{AsOf: asOf, Until: until, Recent: advocacy.RecentInteractions}
	err = as.AdvocacyFeatures(ctx, f, func(f fidelis.CustomerFeatures) error { rows = append(rows, f); return nil })
	return rows, err
}

func design(rows []fidelis.CustomerFeatures) ([][]float64, []bool) {
	x, y := make([][]float64, len(rows)), make([]bool, len(rows))
	for i, r := range rows {
		x[i], y[i] = advocacy.Features(r), r.Future > 0
	}
	return x, y
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
	train, err := features(ctx, st, t1, t2)
	if err != nil {
		return nil, err
	}
	test, err := features(ctx, st, t2, end)
	if err != nil {
		return nil, err
	}
	xtr, ytr := design(train)
	xte, yte := design(test)
	bt.TrainN, bt.TestN = len(ytr), len(yte)
	for _, v := range ytr {
		if v {
			bt.TrainPositives++
		}
	}
	for _, v := range yte {
		if v {
			bt.TestPositives++
		}
	}
	if bt.TrainPositives > 0 && bt.TrainPositives < bt.TrainN {
		m := advocacy.Fit(xtr, ytr, advocacy.DefaultLambda)
		p, s := make([]float64, len(xte)), make([]float64, len(xte))
		for i := range xte {
			p[i] = m.Predict(xte[i])
			s[i] = advocacy.Score(test[i])
		}
		bt.AUC, bt.TopDecileLift, bt.ScoreAUC = advocacy.AUC(p, yte), advocacy.TopDecileLift(p, yte), advocacy.AUC(s, yte)
	}
	out.Backtest = bt
	// The production model: fitted on the latest labelled split, applied to today's features.
	now, err := features(ctx, st, end, end)
	if err != nil {
		return nil, err
	}
	var all []Advocate
	if bt.TestPositives > 0 && bt.TestPositives < bt.TestN {
		out.Model = advocacy.Fit(xte, yte, advocacy.DefaultLambda)
	}
	var adv int64
	for _, f := range now {
		x := advocacy.Features(f)
		v := Advocate{Customer: f.Customer, Score: advocacy.Score(f), Referrals: f.Referrals, Converted: f.Converted, NPS: f.NPS, Probability: -1}
		if out.Model.Coef != nil {
			v.Probability = out.Model.Predict(x)
			v.Reasons = out.Model.Reasons(x, 3)
		}
		if v.Score >= advocacy.AdvocateThreshold {
			adv++
		}
		all = append(all, v)
	}
	out.Customers = int64(len(now))
	out.Advocates = metric.NewProportion(adv, out.Customers)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Score > all[j].Score })
	out.Top = append(out.Top, all[:min(20, len(all))]...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Probability > all[j].Probability })
	for _, v := range all {
		if v.Probability >= 0 {
			out.ranked = append(out.ranked, Advocate{Customer: v.Customer, Probability: v.Probability})
		}
	}
	for _, v := range all {
		if len(out.Likely) == 20 || v.Probability < 0 {
			break
		}
		if v.Score < advocacy.AdvocateThreshold {
			out.Likely = append(out.Likely, v)
		}
	}
	for i := range out.Top {
		out.Top[i].Reasons = nil
	}
	return out, nil
}

const scoreNote = "Advocacy score 0–100: promoter (latest NPS 9–10) 30 or passive (7–8) 10; referrals sent 5 each (max 15); " +
	"referrals converted 10 each (max 25); positive social mentions 5 each plus 1 per 10 shares (max 15); interactions " +
	"in the last 90 days 1 each (max 15). Advocate: score ≥ 40."

const modelNote = "Likely advocates: L2-regularised logistic regression (λ = 0.001 on standardised features, BFGS) " +
	"predicting a referral in the next 180 days from recency, orders, revenue, tenure, NPS group, other survey scores, " +
	"programme membership and points, interactions, channels, mentions and past referrals. Validated out of time: " +
	"fitted on features 360 days before the end (label: the next 180 days), tested on features 180 days before the " +
	"end (label: the last 180 days). Reasons: the features adding most to a customer's probability (β·z)."
