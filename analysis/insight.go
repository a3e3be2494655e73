package analysis

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"fidelis"
	"fidelis/insight"
	"fidelis/metric"
)

// The insight section: every metric against its industry benchmarks, the business's targets and
// its own last change, segments that lead or lag, and a composition (Simpson's paradox) check.
//
// Ordering. Steps run in registration order, which is the order of file names in this package,
// so "insight" runs after advocacy and engagement but before models, program, social and voc.
// It therefore never reads a later section: the survey scores and programme points it needs are
// small store aggregates (SurveyScores, ProgramActivity) that it reads itself, through the same
// functions the voc step uses, so the figures agree. Should a "voc" section already be present
// (a caller running Insights after Run), it is used instead of a second query.

// InsightConfig is what the insight step needs beyond the core options: commands put it in
// Options.Insight before calling Run, or call Insights themselves with a config of their own.
type InsightConfig struct {
	// Industry selects benchmark rows (plus rows for "all"); "" compares with the "all" rows only.
	Industry string
	// Benchmarks are the rows to compare with; nil means insight.Shipped(). Merge a user file
	// with insight.MergeBenchmarks(insight.Shipped(), user).
	Benchmarks []insight.Benchmark
	// Goals are the targets (insight.ParseGoals).
	Goals []insight.Goal
}

func init() {
	Register("insight", func(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
		r, err := Insights(ctx, st, o, a, o.Insight)
		if err != nil || r == nil {
			return r, err
		}
		a.Definitions = append(a.Definitions, Definition{Name: "Benchmarks and strengths",
			Text: "each metric is compared with published figures (source and year beside each; vendor surveys marked): above or below only when its whole 95% interval is, \"in line\" when the interval overlaps the benchmark. Changes are tested between the last two complete periods (two-proportion z; NPS: adjusted-Wald difference); segments against the rest of the base. Target projections: least squares on the last 6 complete periods. Composition: Kitagawa (1955) split of a pooled change into rate and mix effects."})
		return r, nil
	})
}

// Insights computes the insight report for a, reading the few extra aggregates it needs from st.
func Insights(ctx context.Context, st fidelis.Store, o Options, a *Analysis, cfg InsightConfig) (*insight.Report, error) {
	if o.Grain == "" {
		o.Grain = fidelis.Month
	}
	bs := cfg.Benchmarks
	if bs == nil {
		bs = insight.Shipped()
	}
	bs = insight.ForIndustry(bs, cfg.Industry)
	var obs []insight.Observation
	var notes []fidelis.Msg
	want := map[string]bool{}
	for _, g := range cfg.Goals {
		want[g.Metric] = true
	}
	perYear := 365.25 / o.Grain.Days()

	// Period retention at the analysis grain (and churn / win-back when a goal asks for them).
	rows := completeRows(a.Retention, a.LastComplete)
	if ob, ok := retentionObs(rows, o.Grain, perYear, func(r metric.Retention) metric.Proportion { return r.IDBased }); ok {
		ob.Metric, ob.Name = "retention", "ID-based retention"
		ob.Definition = "customers active in the previous " + string(o.Grain) + " and still active ÷ customers active in the previous " + string(o.Grain) + " (activity window " + a.windowText() + ")"
		if a.By != "" {
			ob.GroupBy = a.By
			ob.Groups = retentionGroups(a, rows[len(rows)-1].Period)
		}
		obs = append(obs, ob)
		if want["churn"] {
			c, _ := retentionObs(rows, o.Grain, perYear, func(r metric.Retention) metric.Proportion { return r.Churn })
			c.Metric, c.Name, c.Change, c.Definition = "churn", "churn (100% − ID-based retention)", nil, "100% − ID-based retention"
			obs = append(obs, c)
		}
		if want["win_back"] {
			w, _ := retentionObs(rows, o.Grain, perYear, func(r metric.Retention) metric.Proportion { return r.WinBack })
			w.Metric, w.Name, w.Change, w.Definition = "win_back", "win-back rate", nil, "lapsed customers who became active again ÷ lapsed customers"
			w.Base = float64(w.N)
			obs = append(obs, w)
		}
	}
	// Mix check of the last change of pooled retention over the breakdown's segments.
	var mixes []insight.Mix
	if a.By != "" && len(rows) >= 2 {
		from, to := rows[len(rows)-2].Period, rows[len(rows)-1].Period
		var before, after []insight.Cell
		for _, r := range a.RetentionBy {
			c := insight.Cell{Segment: r.Segment, K: r.IDBased.K, N: r.IDBased.N}
			switch r.Period {
			case from:
				before = append(before, c)
			case to:
				after = append(after, c)
			}
		}
		if len(before) > 0 && len(after) > 0 {
			m := insight.Decompose(before, after)
			m.Metric, m.By, m.From, m.To = "ID-based retention", a.By, from, to
			mixes = append(mixes, m)
		}
	} else if a.By == "" {
		notes = append(notes, fidelis.M("No breakdown was asked for: run with --by ATTR (region, segment, ...) for segments that lead or lag and for the composition check."))
	}

	// Annual retention: grain year, window one year, for the annual industry benchmarks.
	yq := fidelis.Query{Grain: fidelis.Year, From: o.From, To: o.To, Window: 1, Segment: o.Segment}
	cells, err := st.Activity(ctx, yq)
	if err != nil {
		return nil, err
	}
	yrows := dropFirst(metric.Retentions(cells, fidelis.Year))
	lastYear := fidelis.Year.Index(a.Last)
	yearDone := !fidelis.Year.Start(lastYear+1).After(a.Last.Truncate(24*time.Hour).Add(24*time.Hour)) || (!o.To.IsZero() && !o.To.After(fidelis.Year.Start(lastYear+1)))
	if n := len(yrows); n > 0 && yrows[n-1].Index == lastYear && !yearDone {
		yrows = yrows[:n-1]
	}
	if ob, ok := retentionObs(yrows, fidelis.Year, 1, func(r metric.Retention) metric.Proportion { return r.IDBased }); ok {
		ob.Metric, ob.Name = "retention_annual", "annual ID-based retention"
		ob.Definition = "customers who bought in a calendar year and bought again in the next ÷ customers who bought in the first (complete years only)"
		obs = append(obs, ob)
	}

	// Repeat purchase rate over the window, segments against the rest.
	if p := a.Purchases.RepeatRate; p.N > 0 {
		ob := propObs(p)
		ob.Metric, ob.Name, ob.Base = "repeat_purchase_rate", "repeat purchase rate", float64(p.N)
		ob.Period = "the analysis window"
		ob.Window = "a second order anywhere in the analysis window"
		ob.Definition = "customers with ≥ 2 orders ÷ customers with ≥ 1 order, both in the window"
		ob.PerCustomer = a.Purchases.RevenuePerCustomer
		if a.By != "" {
			ob.GroupBy = a.By
			for _, s := range a.PurchasesBy {
				ob.Groups = append(ob.Groups, vsRest(s.Segment, s.RepeatRate, p))
			}
		}
		obs = append(obs, ob)
	}

	// Subscriber churn, monthly only (the benchmarks are monthly).
	if len(a.Subscriptions) > 0 && o.Grain == fidelis.Month {
		var srows []metric.Subscription
		for _, s := range a.Subscriptions {
			if s.Segment == "" && s.LogoChurn.N > 0 {
				srows = append(srows, s)
			}
		}
		if !a.LastComplete && len(srows) > 0 && srows[len(srows)-1].Period == o.Grain.Label(o.Grain.Index(a.Last)) {
			srows = srows[:len(srows)-1]
		}
		if n := len(srows); n > 0 {
			last := srows[n-1]
			ob := propObs(last.LogoChurn)
			ob.Metric, ob.Name, ob.Period, ob.Grain = "subscription_churn_monthly", "monthly subscriber (logo) churn", last.Period, "month"
			ob.Definition = "subscribers with MRR at the start of the month and none at its end ÷ subscribers with MRR at the start"
			ob.Base = float64(last.LogoChurn.N)
			if last.LogoChurn.N > 0 {
				ob.PerCustomer = last.StartMRR / float64(last.LogoChurn.N) * 12
			}
			for _, s := range srows {
				ob.Series = append(ob.Series, insight.Point{Period: s.Period, Time: periodStart(o.Grain, s.Period), Value: 100 * s.LogoChurn.Value})
			}
			if n >= 2 {
				ob.Change = propChange(srows[n-2].Period, last.Period, srows[n-2].LogoChurn, last.LogoChurn)
			}
			obs = append(obs, ob)
		}
	}

	// NPS and CSAT: from the voc section when present, else from the store's score counts.
	v := Section[VoC](a, "voc")
	if v == nil {
		if v, err = lightVoC(ctx, st, o, a); err != nil {
			return nil, err
		}
	}
	if v != nil && v.NPS.N > 0 {
		ob := insight.Observation{Metric: "nps", Name: "NPS", Unit: "points", Value: v.NPS.Score.Value, Low: v.NPS.Score.Low, High: v.NPS.Score.High,
			N: v.NPS.N, Small: v.NPS.Small, Period: "the analysis window", Base: float64(v.NPS.N), PerCustomer: math.NaN(),
			Definition: "% promoters (9–10) − % detractors (0–6), all answers in the window; 95% adjusted-Wald interval (Rocks 2016)"}
		for _, p := range v.NPSPeriods {
			if p.Complete && p.NPS.N > 0 {
				ob.Series = append(ob.Series, insight.Point{Period: p.Period, Time: periodStart(o.Grain, p.Period), Value: p.NPS.Score.Value})
			}
		}
		if c := v.NPSChange; c != nil {
			d := c.Diff
			ob.Change = &insight.Change{From: c.From, To: c.To, Diff: d.Diff, Low: d.Low, High: d.High, Z: d.Z, P: d.P, Significant: d.Significant,
				Method: "adjusted-Wald difference, Rocks 2016"}
		}
		if len(v.NPSSegments) > 0 {
			ob.GroupBy = a.By
			for _, g := range v.NPSSegments {
				d := g.VsRest
				ob.Groups = append(ob.Groups, insight.Group{Name: g.Name, Value: g.NPS.Score.Value, Low: g.NPS.Score.Low, High: g.NPS.Score.High,
					N: g.NPS.N, Rest: d.B, Z: d.Z, P: d.P, Significant: d.Significant})
			}
		}
		obs = append(obs, ob)
	}
	if v != nil && len(v.CSAT) > 0 {
		c := v.CSAT[0]
		ob := insight.Observation{Metric: "csat", Name: fmt.Sprintf("CSAT (%s scale, top box)", c.Scale), Unit: "percent",
			Value: 100 * c.Share.Value, Low: 100 * c.Share.Low, High: 100 * c.Share.High, N: c.N, Small: c.Small,
			Period: "the analysis window", Base: float64(c.N), PerCustomer: math.NaN(), Definition: c.Note}
		if len(v.CSAT) > 1 {
			notes = append(notes, fidelis.M("CSAT was answered on %d scales; targets and findings use the %s scale only (scales are never mixed).", len(v.CSAT), c.Scale.String()))
		}
		obs = append(obs, ob)
	}

	// Loyalty programme: redemption rate and points not redeemed to date.
	if a.Counts[fidelis.Program] > 0 {
		pobs, err := programObs(ctx, st, o, a)
		if err != nil {
			return nil, err
		}
		obs = append(obs, pobs...)
	}

	r := insight.Assess(obs, bs, cfg.Goals, mixes)
	r.Industry = cfg.Industry
	later, laterMsgs := r.Notes, r.NoteMsgs
	r.Notes, r.NoteMsgs = nil, nil
	for _, m := range notes {
		r.Note(m)
	}
	r.Notes, r.NoteMsgs = append(r.Notes, later...), append(r.NoteMsgs, laterMsgs...)
	if cfg.Industry == "" {
		r.Note(fidelis.M("No industry declared: figures are compared only with industry-independent benchmarks. Declare the store's industry with fidelis settings set industry NAME (fidelis benchmarks lists them), or pass --industry."))
	}
	return &r, nil
}

// completeRows drops the last row when its period is not complete.
func completeRows(rs []metric.Retention, lastComplete bool) []metric.Retention {
	if !lastComplete && len(rs) > 0 {
		return rs[:len(rs)-1]
	}
	return rs
}

func periodStart(g fidelis.Grain, label string) time.Time {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, label); err == nil {
			return t
		}
	}
	if y, q, ok := strings.Cut(label, "-Q"); ok { // quarter labels
		var yy, qq int
		if _, err := fmt.Sscanf(y+" "+q, "%d %d", &yy, &qq); err == nil {
			return time.Date(yy, time.Month(3*(qq-1)+1), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	if y, w, ok := strings.Cut(label, "-W"); ok { // ISO weeks: Monday of the week
		var yy, ww int
		if _, err := fmt.Sscanf(y+" "+w, "%d %d", &yy, &ww); err == nil {
			jan4 := time.Date(yy, 1, 4, 0, 0, 0, 0, time.UTC)
			return jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(ww-1))
		}
	}
	return time.Time{}
}

func propObs(p metric.Proportion) insight.Observation {
	return insight.Observation{Unit: "percent", Value: 100 * p.Value, Low: 100 * p.Low, High: 100 * p.High, N: p.N, Small: p.Small, PerCustomer: math.NaN()}
}

// propChange tests b − a with the two-proportion z-test (metric.TwoProportionZ); the interval is
// the unpooled Wald interval of the difference.
func propChange(from, to string, a, b metric.Proportion) *insight.Change {
	z, p := metric.TwoProportionZ(b, a)
	d := b.Value - a.Value
	se := math.Sqrt(a.Value*(1-a.Value)/float64(a.N) + b.Value*(1-b.Value)/float64(b.N))
	return &insight.Change{From: from, To: to, Diff: 100 * d, Low: 100 * (d - metric.Z95*se), High: 100 * (d + metric.Z95*se),
		Z: z, P: p, Significant: !math.IsNaN(p) && p < 0.05, Method: "two-proportion z-test"}
}

// vsRest compares a segment's proportion with the rest of the pooled one.
func vsRest(name string, s, all metric.Proportion) insight.Group {
	rest := metric.NewProportion(all.K-s.K, all.N-s.N)
	z, p := metric.TwoProportionZ(s, rest)
	return insight.Group{Name: name, Value: 100 * s.Value, Low: 100 * s.Low, High: 100 * s.High, N: s.N, Rest: 100 * rest.Value,
		Z: z, P: p, Significant: !math.IsNaN(p) && p < 0.05 && !s.Small}
}

// retentionObs builds an observation from the last of rows (complete periods), with the series
// and the test of the last change. perYear scales period revenue per active customer to a year.
func retentionObs(rows []metric.Retention, g fidelis.Grain, perYear float64, pick func(metric.Retention) metric.Proportion) (insight.Observation, bool) {
	n := len(rows)
	if n == 0 {
		return insight.Observation{}, false
	}
	last := rows[n-1]
	ob := propObs(pick(last))
	ob.Period, ob.Grain, ob.Base = last.Period, string(g), float64(last.Start)
	if last.End > 0 {
		ob.PerCustomer = last.Revenue / float64(last.End) * perYear
	}
	for _, r := range rows {
		if p := pick(r); p.N > 0 {
			ob.Series = append(ob.Series, insight.Point{Period: r.Period, Time: g.Start(r.Index), Value: 100 * p.Value})
		}
	}
	if n >= 2 {
		ob.Change = propChange(rows[n-2].Period, last.Period, pick(rows[n-2]), pick(last))
	}
	return ob, true
}

// retentionGroups compares each segment's ID-based retention in period with the rest.
func retentionGroups(a *Analysis, period string) []insight.Group {
	var all metric.Proportion
	var segs []metric.Retention
	var k, n int64
	for _, r := range a.RetentionBy {
		if r.Period == period {
			segs = append(segs, r)
			k += r.IDBased.K
			n += r.IDBased.N
		}
	}
	all = metric.NewProportion(k, n)
	var out []insight.Group
	for _, r := range segs {
		out = append(out, vsRest(r.Segment, r.IDBased, all))
	}
	return out
}

// lightVoC reads the survey score counts and computes NPS and CSAT as the voc step does, without
// its comment, index and exit analyses.
func lightVoC(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (*VoC, error) {
	if a.Counts[fidelis.Surveys] == 0 {
		return nil, nil
	}
	q := o.query()
	complete, err := completeness(ctx, st, o)
	if err != nil {
		return nil, err
	}
	label := func(i int64) string { return o.Grain.Label(i) }
	cells, err := st.SurveyScores(ctx, q)
	if err != nil {
		return nil, err
	}
	v := &VoC{Grain: o.Grain, By: o.By}
	v.scores(cells, complete, label)
	if o.By != "" {
		qb := q
		qb.By = o.By
		if cells, err = st.SurveyScores(ctx, qb); err != nil {
			return nil, err
		}
		v.NPSSegments = npsBreakdown(cells, func(c fidelis.ScoreCell) string { return c.Segment }, complete, label)
	}
	return v, nil
}

// programObs computes the redemption rate (points redeemed ÷ points earned, over the window and
// per complete period) and the share of points earned to date not redeemed.
func programObs(ctx context.Context, ps fidelis.ProgramStore, o Options, a *Analysis) ([]insight.Observation, error) {
	q := o.query()
	cells, err := ps.ProgramActivity(ctx, q)
	if err != nil {
		return nil, err
	}
	type agg struct{ earned, redeemed, earnedTD, redeemedTD float64 }
	per := map[int64]*agg{}
	for _, c := range cells {
		if per[c.Period] == nil {
			per[c.Period] = &agg{}
		}
		x := per[c.Period]
		x.earned += c.Earned
		x.redeemed += c.Redeemed
		x.earnedTD += c.EarnedToDate
		x.redeemedTD += c.RedeemedToDate
	}
	idx := make([]int64, 0, len(per))
	for i := range per {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	lastIdx := o.Grain.Index(a.Last)
	var earned, redeemed float64
	red := insight.Observation{Metric: "redemption_rate", Name: "points redemption rate", Unit: "percent", Low: math.NaN(), High: math.NaN(),
		PerCustomer: math.NaN(), Period: "the analysis window", Grain: "",
		Definition: "points redeemed ÷ points earned in the window (not ÷ points issued to date); no sampling interval: points are not independent trials"}
	for _, i := range idx {
		x := per[i]
		earned += x.earned
		redeemed += x.redeemed
		if (i < lastIdx || a.LastComplete) && x.earned > 0 {
			red.Series = append(red.Series, insight.Point{Period: o.Grain.Label(i), Time: o.Grain.Start(i), Value: 100 * x.redeemed / x.earned})
		}
	}
	var out []insight.Observation
	if earned > 0 {
		red.Value = 100 * redeemed / earned
		out = append(out, red)
	}
	if n := len(idx); n > 0 {
		x := per[idx[n-1]]
		if x.earnedTD > 0 {
			out = append(out, insight.Observation{Metric: "breakage", Name: "points not redeemed to date", Unit: "percent",
				Value: 100 * (1 - x.redeemedTD/x.earnedTD), Low: math.NaN(), High: math.NaN(), PerCustomer: math.NaN(), Period: o.Grain.Label(idx[n-1]),
				Definition: "1 − points redeemed to date ÷ points earned to date: an upper bound of eventual breakage, since outstanding points may still be redeemed"})
		}
	}
	return out, nil
}
