package churn

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"fidelis"
	"fidelis/btyd"
)

// Feature is one model input computed from a customer's row as of a cut-off; every feature uses
// only what the row records before the cut-off (see fidelis.ChurnRow), so none leaks the outcome.
// Missing values are NaN: the trees learn where they go, the logistic regression gives them their
// own coefficient.
type Feature struct {
	// Key names the feature; Level is the category or channel of a one-hot or per-channel
	// feature ("" otherwise); Label is what a marketer reads, an English message key that the
	// report translates (with the level as its argument where it has one).
	Key, Level, Label string
	value             func(r *fidelis.ChurnRow, e *extras) float64
}

// Name is the feature's printed name: the key, with the level after a colon.
func (f Feature) Name() string {
	if f.Level == "" {
		return f.Key
	}
	return f.Key + ":" + f.Level
}

// Msg is the feature's label as a message (see Label).
func (f Feature) Msg() fidelis.Msg {
	if f.Level == "" {
		return fidelis.M(f.Label)
	}
	return fidelis.M(f.Label, f.Level)
}

// Labels are the labels of every feature, the per-level ones with their argument: the messages
// a report must translate.
func Labels() []string {
	out := make([]string, 0, len(baseFeatures)+len(levelLabels))
	for _, f := range baseFeatures {
		out = append(out, f.Label)
	}
	for _, k := range []string{channelKey, regionKey, countryKey, segmentKey, acquiredKey} {
		out = append(out, levelLabels[k])
	}
	return out
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
	{Key: "recency_days", Label: "days since the last purchase", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.T - r.Tx }},
	// Repeat purchase days (x of the customer-base models).
	{Key: "repeat_days", Label: "repeat purchase days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.X }},
	// Orders, refunds excluded.
	{Key: "orders", Label: "orders", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Orders) }},
	// Days since the first purchase day (T).
	{Key: "tenure_days", Label: "days since the first purchase", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.T }},
	// Net revenue to date.
	{Key: "revenue", Label: "revenue to date", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Revenue }},
	// Net revenue per order; NaN without orders.
	{Key: "order_value", Label: "revenue per order", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(r.Revenue, count(r.Orders)) }},
	// Net revenue in the 90 days before the cut-off.
	{Key: "revenue_90d", Label: "revenue in the last 90 days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Revenue90 }},
	// Spend trend: (last 90 days − the 90 before) ÷ (their sum), in [−1, 1]; NaN when both are 0.
	{Key: "spend_trend", Label: "spend trend (last 90 days against the 90 before)", value: func(r *fidelis.ChurnRow, _ *extras) float64 {
		return ratio(r.Revenue90-r.RevenuePrev90, r.Revenue90+r.RevenuePrev90)
	}},
	// Mean days between purchase days, t_x ÷ x; NaN for one-time buyers.
	{Key: "gap_mean_days", Label: "mean days between purchases", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(r.Tx, r.X) }},
	// Standard deviation of the days between purchase days; NaN with fewer than two gaps.
	{Key: "gap_sd_days", Label: "variability of the days between purchases", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.GapSD }},
	// Overdue ratio: days since the last purchase ÷ the mean gap; above 1 the customer is later
	// than usual. NaN for one-time buyers.
	{Key: "overdue", Label: "days since the last purchase ÷ the usual gap", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(r.T-r.Tx, ratio(r.Tx, r.X)) }},
	// Refund rows per order.
	{Key: "refund_rate", Label: "refunds per order", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return ratio(count(r.Refunds), count(r.Orders)) }},
	// BG/NBD P(alive) (Fader, Hardie & Lee 2005) fitted on purchases before the cut-off; NaN when
	// the model could not be fitted.
	{Key: "p_alive", Label: "P(alive), BG/NBD", value: func(_ *fidelis.ChurnRow, e *extras) float64 { return e.pAlive }},
	// BG/NBD expected purchase days in the horizon after the cut-off.
	{Key: "expected_purchases", Label: "expected purchases in the horizon, BG/NBD", value: func(_ *fidelis.ChurnRow, e *extras) float64 { return e.expected }},
	// Latest NPS, CSAT and CES answers as given; NaN when never answered.
	{Key: "nps", Label: "latest NPS answer", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.NPS }},
	{Key: "csat", Label: "latest CSAT answer", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.CSAT }},
	{Key: "ces", Label: "latest CES answer", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.CES }},
	// Survey answers of any kind.
	{Key: "surveys", Label: "survey answers", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Surveys) }},
	// Days since the latest survey answer; NaN when none.
	{Key: "survey_age_days", Label: "days since the latest survey answer", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.SurveyAge }},
	// Programme member (1) or not (0).
	{Key: "member", Label: "programme member", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return boolean(r.Member) }},
	// Programme points earned and redeemed.
	{Key: "points_earned", Label: "points earned", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Earned }},
	{Key: "points_redeemed", Label: "points redeemed", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.Redeemed }},
	// Programme events in the 90 days before the cut-off.
	{Key: "program_events_90d", Label: "programme events in the last 90 days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.ProgramEvents90) }},
	// Days since the last programme event; NaN for non-members.
	{Key: "program_age_days", Label: "days since the last programme event", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.ProgramAge }},
	// Interactions in the 90 days before the cut-off, all channels.
	{Key: "interactions_90d", Label: "interactions in the last 90 days", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Interactions90) }},
	// Days since the last interaction; NaN when none.
	{Key: "interaction_age_days", Label: "days since the last interaction", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.InteractionAge }},
	// Referrals sent.
	{Key: "referrals", Label: "referrals sent", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Referrals) }},
	// Exit records (a customer can come back after one).
	{Key: "exits", Label: "exit records", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.Exits) }},
	// Days since the last exit record; NaN when none.
	{Key: "exit_age_days", Label: "days since the last exit record", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return r.ExitAge }},
	// Has a running subscription at the cut-off (1) or not (0).
	{Key: "subscribed", Label: "running subscription", value: func(r *fidelis.ChurnRow, _ *extras) float64 { return boolean(r.Subscribed) }},
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

// levelLabels label the per-level features; %s is the level.
var levelLabels = map[string]string{
	channelKey:  "interactions on %s in the last 90 days",
	regionKey:   "region is %s",
	countryKey:  "country is %s",
	segmentKey:  "segment is %s",
	acquiredKey: "acquired through %s",
}

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
		fs = append(fs, Feature{Key: channelKey, Level: ch, Label: levelLabels[channelKey], value: func(r *fidelis.ChurnRow, _ *extras) float64 { return count(r.ByChannel90[ch]) }})
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
			fs = append(fs, Feature{Key: key, Level: v, Label: levelLabels[key], value: func(r *fidelis.ChurnRow, _ *extras) float64 { return boolean(get[k](r) == v) }})
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

// matrix computes the features of the rows at idx (every row when idx is nil), on all cores.
func matrix(fs []Feature, rows []fidelis.ChurnRow, ex []extras, idx []int) *Matrix {
	n := len(rows)
	if idx != nil {
		n = len(idx)
	}
	m := NewMatrix(n, len(fs))
	parallel(n, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			i := j
			if idx != nil {
				i = idx[j]
			}
			for f, ft := range fs {
				m.Cols[f][j] = float32(ft.value(&rows[i], &ex[i]))
			}
		}
	})
	return m
}

// Base-model fits in weeks, as everywhere else in Fidelis.
const daysPerWeek = 7

// BaseModels are the customer-base models fitted on the purchase days before one cut-off. A model
// whose fit failed carries the reason (bgErr, paretoEr); its feature is then missing (NaN) and its
// baseline is left out of the comparison, never guessed.
type BaseModels struct {
	bg       btyd.BGNBD
	bgErr    error
	pareto   btyd.ParetoNBD
	paretoEr error
	memo     *extrasMemo
}

// Deadlines of the base-model fits. BG/NBD fits a million customers' compressed rows in seconds;
// Pareto/NBD's likelihood needs a Gauss hypergeometric series per row that can run to thousands of
// terms when its parameters drift, and one such fit took over 30 minutes on a million customers.
// A fit past its deadline is abandoned and the model marked missing with that reason, so the
// churn model never waits on it. Defaults: 60 s for BG/NBD, 90 s for Pareto/NBD.
const (
	DefaultBGNBDDeadline  = 60 * time.Second
	DefaultParetoDeadline = 90 * time.Second
)

// paramRange bounds a credible fitted parameter: outside it the likelihood is flat in that
// direction (a rate or shape drifting to 0 or infinity), the model says nothing useful about the
// customers, and its P(alive) would be an artefact of where the optimiser stopped.
const paramLow, paramHigh = 1e-8, 1e8

// FitBase fits BG/NBD (a feature and a baseline) and, with pareto, Pareto/NBD (a baseline only:
// training origins skip it, since where every customer's history is short its fit is slow and
// says little). Each fit runs under its deadline (Options.BaseDeadline; zero: the defaults) and
// must converge to credible parameters; otherwise the model is marked failed with the reason.
func FitBase(ctx context.Context, rows []fidelis.ChurnRow, pareto bool, o Options) BaseModels {
	comp := btyd.Compress(weeks(rows))
	b := BaseModels{memo: &extrasMemo{}}
	bgDL, parDL := o.BaseDeadline, o.BaseDeadline
	if bgDL <= 0 {
		bgDL, parDL = DefaultBGNBDDeadline, DefaultParetoDeadline
	}
	var p []float64
	p, b.bgErr = fitWithin(ctx, "BG/NBD", bgDL, func(fo *btyd.FitOptions) ([]float64, *btyd.Result, error) {
		m, res, err := btyd.FitBGNBD(comp, fo)
		return []float64{m.R, m.Alpha, m.A, m.B}, res, err
	})
	if b.bgErr == nil {
		b.bg = btyd.BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}
	}
	if !pareto {
		b.paretoEr = msgErr{fidelis.M("Pareto/NBD not fitted at a training origin")}
		return b
	}
	p, b.paretoEr = fitWithin(ctx, "Pareto/NBD", parDL, func(fo *btyd.FitOptions) ([]float64, *btyd.Result, error) {
		m, res, err := btyd.FitParetoNBD(comp, fo)
		return m.Params(), res, err
	})
	if b.paretoEr == nil {
		b.pareto = btyd.ParetoNBD{R: p[0], Alpha: p[1], S: p[2], Beta: p[3]}
	}
	return b
}

// fitWithin runs one base-model fit with its own deadline and checks what it returns. It stops
// waiting at the deadline (plus a short grace) even when the fit has not yet looked at its
// context: a fit that checks only between optimiser iterations can spend minutes inside one
// likelihood evaluation. The abandoned fit ends at its next context check.
func fitWithin(ctx context.Context, name string, dl time.Duration, fit func(*btyd.FitOptions) ([]float64, *btyd.Result, error)) ([]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fctx, cancel := context.WithTimeout(ctx, dl)
	defer cancel()
	type out struct {
		p   []float64
		res *btyd.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		p, res, err := fit(&btyd.FitOptions{NoStdErrors: true, Context: fctx})
		done <- out{p, res, err}
	}()
	const grace = 10 * time.Second
	var r out
	select {
	case r = <-done:
	case <-time.After(dl + grace):
		r.err = context.DeadlineExceeded
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(r.err, context.DeadlineExceeded) || (r.err != nil && fctx.Err() != nil):
		return nil, msgErr{fidelis.M("%s fit stopped at its %s deadline", name, dl.String())}
	case r.err != nil:
		return nil, msgErr{fidelis.M("%s could not be fitted: %s", name, r.err.Error())}
	case !r.res.Converged:
		return nil, msgErr{fidelis.M("%s did not converge: %s", name, r.res.Reason)}
	}
	for i, v := range r.p {
		if !(v >= paramLow && v <= paramHigh) {
			return nil, msgErr{fidelis.M("%s parameter %s = %.3g is outside [%g, %g]: the data do not identify it", name, r.res.Names[i], v, paramLow, paramHigh)}
		}
	}
	return r.p, nil
}

// msgErr is a base model's failure as a message, so that a report can translate it.
type msgErr struct{ msg fidelis.Msg }

func (e msgErr) Error() string { return e.msg.String() }

// errMsg is err as a message (its text as the key when it is not a msgErr).
func errMsg(err error) fidelis.Msg {
	var m msgErr
	if errors.As(err, &m) {
		return m.msg
	}
	return fidelis.M(err.Error())
}

// MissingMessages are the message keys of why a base model is missing, which a report
// translates.
var MissingMessages = []string{
	"Pareto/NBD not fitted at a training origin",
	"%s fit stopped at its %s deadline",
	"%s could not be fitted: %s",
	"%s did not converge: %s",
	"%s parameter %s = %.3g is outside [%g, %g]: the data do not identify it",
	"the model could not be fitted on this store",
	"%s on the training rows: the trees learned without the BG/NBD features",
	"%s: p_alive_bgnbd is empty and the BG/NBD features are missing from every score",
	"%s: p_alive_paretonbd is empty",
}

// extrasFor returns the BG/NBD outputs of every row for a horizon of h days (NaN without a fit).
// The active expectation (a hypergeometric term) is computed once per distinct (x, T), and the
// outputs of the rows the models were fitted on are kept: a cut-off's rows need them twice, scored
// as test rows and then as the next cut-off's training rows.
func (b BaseModels) extrasFor(rows []fidelis.ChurnRow, h float64) []extras {
	if b.memo != nil && b.memo.ex != nil && len(rows) == b.memo.n && len(rows) > 0 && &rows[0] == b.memo.rows && h == b.memo.h {
		return b.memo.ex
	}
	ex := make([]extras, len(rows))
	if b.bgErr != nil {
		for i := range ex {
			ex[i] = extras{math.NaN(), math.NaN()}
		}
		return ex
	}
	pa, e := btyd.Forecast(b.bg, weeks(rows), h/daysPerWeek)
	for i := range ex {
		ex[i] = extras{pa[i], e[i]}
	}
	if b.memo != nil && len(rows) > 0 {
		*b.memo = extrasMemo{rows: &rows[0], n: len(rows), h: h, ex: ex}
	}
	return ex
}

// extrasMemo is the extras of one row set for one horizon (see extrasFor).
type extrasMemo struct {
	rows *fidelis.ChurnRow // the first row, which identifies the slice with n
	n    int
	h    float64
	ex   []extras
}

// weeks returns the rows' (x, t_x, T) with t_x and T in weeks, as the base models take them.
func weeks(rows []fidelis.ChurnRow) []btyd.Customer {
	cs := make([]btyd.Customer, len(rows))
	for i, r := range rows {
		cs[i] = btyd.Customer{Frequency: r.X, Recency: r.Tx / daysPerWeek, T: r.T / daysPerWeek}
	}
	return cs
}
