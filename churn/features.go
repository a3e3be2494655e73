package churn

import (
	"cmp"
	"math"
	"slices"

	"fidelis"
	"fidelis/btyd"
)

// Feature is one model input computed from a customer's row as of a cut-off; every feature uses
// only what the row records before the cut-off (see fidelis.ChurnRow), so none leaks the outcome.
// Missing values are NaN: the trees learn where they go, the logistic regression gives them their
// own coefficient.
type Feature struct {
	// Key names the feature (and its message); Level is the category or channel of a one-hot or
	// per-channel feature ("" otherwise).
	Key, Level string
	value      func(r *fidelis.ChurnRow, e *extras) float64
}

// Name is the feature's printed name: the key, with the level after a colon.
func (f Feature) Name() string {
	if f.Level == "" {
		return f.Key
	}
	return f.Key + ":" + f.Level
}

// extras are the customer-base model's outputs for one row, fitted on data up to the cut-off.
type extras struct {
	pAlive, expected float64
}

func count(v int64) float64 { return float64(v) }

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

func boolean(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// baseFeatures are the fixed features, each defined once here.
var baseFeatures = []Feature{
	// Days since the last purchase day (T − t_x): the hiatus.
	{Key: "recency_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.T - r.Tx }},
	// Repeat purchase days (x of the customer-base models).
	{Key: "repeat_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.X }},
	// Orders, refunds excluded.
	{Key: "orders", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Orders) }},
	// Days since the first purchase day (T).
	{Key: "tenure_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.T }},
	// Net revenue to date.
	{Key: "revenue", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Revenue }},
	// Net revenue per order; NaN without orders.
	{Key: "order_value", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(r.Revenue, count(r.Orders)) }},
	// Net revenue in the 90 days before the cut-off.
	{Key: "revenue_90d", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Revenue90 }},
	// Spend trend: (last 90 days − the 90 before) ÷ (their sum), in [−1, 1]; NaN when both are 0.
	{Key: "spend_trend", value: func(r *fidelis.ChurnRow, _ *extras) float64 {
		return ratio(r.Revenue90-r.RevenuePrev90, r.Revenue90+r.RevenuePrev90)
	}},
	// Mean days between purchase days, t_x ÷ x; NaN for one-time buyers.
	{Key: "gap_mean_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(r.Tx, r.X) }},
	// Standard deviation of the days between purchase days; NaN with fewer than two gaps.
	{Key: "gap_sd_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.GapSD }},
	// Overdue ratio: days since the last purchase ÷ the mean gap; above 1 the customer is later
	// than usual. NaN for one-time buyers.
	{Key: "overdue", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(r.T-r.Tx, ratio(r.Tx, r.X)) }},
	// Refund rows per order.
	{Key: "refund_rate", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(count(r.Refunds), count(r.Orders)) }},
	// BG/NBD P(alive) (Fader, Hardie & Lee 2005) fitted on purchases before the cut-off; NaN when
	// the model could not be fitted.
	{Key: "p_alive", value: func(_ *fidelis.ChurnRow, e *extras) float64 { return e.pAlive }},
	// BG/NBD expected purchase days in the horizon after the cut-off.
	{Key: "expected_purchases", value: func(_ *fidelis.ChurnRow, e *extras) float64 { return e.expected }},
	// Latest NPS, CSAT and CES answers as given; NaN when never answered.
	{Key: "nps", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.NPS }},
	{Key: "csat", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.CSAT }},
	{Key: "ces", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.CES }},
	// Survey answers of any kind.
	{Key: "surveys", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Surveys) }},
	// Days since the latest survey answer; NaN when none.
	{Key: "survey_age_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.SurveyAge }},
	// Programme member (1) or not (0).
	{Key: "member", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return boolean(r.Member) }},
	// Programme points earned and redeemed.
	{Key: "points_earned", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Earned }},
	{Key: "points_redeemed", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Redeemed }},
	// Programme events in the 90 days before the cut-off.
	{Key: "program_events_90d", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.ProgramEvents90) }},
	// Days since the last programme event; NaN for non-members.
	{Key: "program_age_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.ProgramAge }},
	// Interactions in the 90 days before the cut-off, all channels.
	{Key: "interactions_90d", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Interactions90) }},
	// Days since the last interaction; NaN when none.
	{Key: "interaction_age_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.InteractionAge }},
	// Referrals sent.
	{Key: "referrals", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Referrals) }},
	// Exit records (a customer can come back after one).
	{Key: "exits", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Exits) }},
	// Days since the last exit record; NaN when none.
	{Key: "exit_age_days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.ExitAge }},
	// Has a running subscription at the cut-off (1) or not (0).
	{Key: "subscribed", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return boolean(r.Subscribed) }},
}

// Per-level features, their levels chosen on the training rows (see newSchema).
const (
	// channelKey: interactions in the 90 days before the cut-off on one channel.
	channelKey = "interactions_90d"
	// Attribute indicators: 1 when the customer's attribute has the level, 0 otherwise.
	regionKey   = "region"
	countryKey  = "country"
	segmentKey  = "segment"
	acquiredKey = "acquisition_channel"
)

// maxLevels bounds the levels per attribute; levels held by under 1% of training customers are
// left out (their customers read 0 on every indicator of the attribute).
const maxLevels = 10

// newSchema lists the features for a training set: the fixed ones, then one per interaction
// channel and attribute level seen in it. Test rows use the same list, so a level that appears
// only later is simply not a feature.
func newSchema(rows []fidelis.ChurnRow) []Feature {
	fs := slices.Clone(baseFeatures)
	chans := map[string]int{}
	attrs := [4]map[string]int{{}, {}, {}, {}}
	for i := range rows {
		r := &rows[i]
		for ch := range r.ByChannel90 {
			chans[ch]++
		}
		for k, v := range [4]string{r.Region, r.Country, r.Segment, r.Channel} {
			if v != "" {
				attrs[k][v]++
			}
		}
	}
	for _, ch := range levels(chans, len(rows)) {
		fs = append(fs, Feature{Key: channelKey, Level: ch, value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.ByChannel90[ch]) }})
	}
	get := [4]func(r *fidelis.ChurnRow) string{
		func(r *fidelis.ChurnRow) string { return r.Region }, func(r *fidelis.ChurnRow) string { return r.Country },
		func(r *fidelis.ChurnRow) string { return r.Segment }, func(r *fidelis.ChurnRow) string { return r.Channel },
	}
	for k, key := range [4]string{regionKey, countryKey, segmentKey, acquiredKey} {
		lv := levels(attrs[k], len(rows))
		if len(lv) < 2 {
			continue // one level says nothing
		}
		for _, v := range lv {
			fs = append(fs, Feature{Key: key, Level: v, value: func(r *fidelis.ChurnRow, _ *extras) float64 { return boolean(get[k](r) == v) }})
		}
	}
	return fs
}

func levels(n map[string]int, total int) []string {
	type kv struct {
		k string
		n int
	}
	var l []kv
	for k, c := range n {
		if float64(c) >= 0.01*float64(total) {
			l = append(l, kv{k, c})
		}
	}
	slices.SortFunc(l, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.k, b.k)) })
	var out []string
	for _, e := range l[:min(len(l), maxLevels)] {
		out = append(out, e.k)
	}
	return out
}

// matrix computes the features of every row.
func matrix(fs []Feature, rows []fidelis.ChurnRow, ex []extras) *Matrix {
	m := NewMatrix(len(rows), len(fs))
	for i := range rows {
		for f, ft := range fs {
			m.Cols[f][i] = float32(ft.value(&rows[i], &ex[i]))
		}
	}
	return m
}

// Base-model fits in weeks, as everywhere else in Fidelis.
const daysPerWeek = 7

// BaseModels are the customer-base models fitted on the purchase days before one cut-off.
type BaseModels struct {
	bg       btyd.BGNBD
	bgErr    error
	pareto   btyd.ParetoNBD
	paretoEr error
}

// FitBase fits BG/NBD (a feature and a baseline) and, with pareto, Pareto/NBD (a baseline only:
// training origins skip it, since its fit can take minutes where every customer's history is short).
func FitBase(rows []fidelis.ChurnRow, pareto bool) BaseModels {
	cs := make([]btyd.Customer, len(rows))
	for i, r := range rows {
		cs[i] = btyd.Customer{Frequency: r.X, Recency: r.Tx / daysPerWeek, T: r.T / daysPerWeek}
	}
	comp := btyd.Compress(cs)
	var b BaseModels
	var res *btyd.Result
	b.bg, res, b.bgErr = btyd.FitBGNBD(comp, &btyd.FitOptions{NoStdErrors: true})
	if b.bgErr == nil && !res.Converged {
		b.bgErr = fmtErr("BG/NBD did not converge: " + res.Reason)
	}
	if !pareto {
		b.paretoEr = fmtErr("Pareto/NBD not fitted at a training origin")
		return b
	}
	b.pareto, res, b.paretoEr = btyd.FitParetoNBD(comp, &btyd.FitOptions{NoStdErrors: true})
	if b.paretoEr == nil && !res.Converged {
		b.paretoEr = fmtErr("Pareto/NBD did not converge: " + res.Reason)
	}
	return b
}

type fmtErr string

func (e fmtErr) Error() string { return string(e) }

// extrasFor returns the BG/NBD outputs of every row for a horizon of h days (NaN without a fit).
func (b BaseModels) extrasFor(rows []fidelis.ChurnRow, h float64) []extras {
	ex := make([]extras, len(rows))
	for i, r := range rows {
		if b.bgErr != nil {
			ex[i] = extras{math.NaN(), math.NaN()}
			continue
		}
		x, tx, t := r.X, r.Tx/daysPerWeek, r.T/daysPerWeek
		ex[i] = extras{b.bg.PAlive(x, tx, t), b.bg.ExpectedPurchases(h/daysPerWeek, x, tx, t)}
	}
	return ex
}
