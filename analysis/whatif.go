package analysis

import (
	"context"
	"fmt"

	"fidelis"
	"fidelis/metric"
	"fidelis/scenario"
)

// WhatIfLevers are the levers a what-if question can move, one at a time.
var WhatIfLevers = []string{"retention", "churn", "frequency", "detractors", "top-risk"}

// WhatIf is one what-if question: one lever moved by Delta over Months months, for all customers
// or those whose attribute By has Value.
type WhatIf struct {
	// Lever is one of WhatIfLevers; Delta is in points per month (retention, churn) or percent
	// (frequency, detractors, top-risk).
	Lever  string
	Delta  float64
	Months int
	By     string
	Value  string
	// Churn ranks the customers for top-risk (the churn model's backtest winner); unused otherwise.
	Churn *Churn
}

// RunWhatIf answers q on the store from a's basics (Basics is enough): the baseline is the pooled
// ID-based monthly retention of the last six complete months (PooledRetention) of the customers q
// covers, priced by revenue per active customer; scenario.* say how each lever moves it. The
// returned note is non-empty when the value per customer is history rather than a model's
// prediction (no model passed the holdout check).
func RunWhatIf(ctx context.Context, st fidelis.Store, a *Analysis, q WhatIf) (res scenario.Result, note string, err error) {
	cells, err := st.Activity(ctx, fidelis.Query{Grain: fidelis.Month, By: q.By, Segment: a.Segment})
	if err != nil {
		return res, "", err
	}
	var rows []metric.Retention
	for _, r := range metric.Retentions(cells, fidelis.Month) {
		if r.Start > 0 && (q.By == "" || r.Segment == q.Value) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return res, "", fidelis.Errorf(fidelis.EInvalid, "no customers with %s = %q", q.By, q.Value).WithHint("fidelis metrics --by %s lists the values", q.By)
	}
	r, active, m := PooledRetention(rows, a.LastComplete, 6)
	base := scenario.Base{Active: active, Retention: r, RevenuePerActive: m, Discount: MonthlyDiscount, Period: "month"}
	if q.By != "" {
		base.Segment = q.By + "=" + q.Value
	}
	switch q.Lever {
	case "retention":
		res, err = scenario.Retention(base, q.Delta, q.Months)
	case "churn":
		res, err = scenario.Retention(base, -q.Delta, q.Months)
		res.Question = fmt.Sprintf("churn %+.1f points", q.Delta)
	case "frequency":
		res, err = scenario.Frequency(base, q.Delta, q.Months)
	case "top-risk", "detractors":
		var f *Forecast
		if f, err = ScoresFor(ctx, st, a, q.By, false, q.Months); err != nil {
			break
		}
		if !f.Trusted() {
			note = f.Selection.Gate.Verdict
		}
		if q.Lever == "top-risk" {
			if q.Churn == nil || q.Churn.Scoring == nil {
				return res, note, fidelis.Errorf(fidelis.EInvalid, "whatif top-risk: the churn model scored no customers on this store")
			}
			cs, assumptions := TopRiskCustomers(f, q.Churn, 0.10, q.By, q.Value)
			if res, err = scenario.TopRisk(cs, q.Delta, q.Months, assumptions); err == nil {
				res.Question = fmt.Sprintf("lapses among the top-risk decile %+.0f%%", q.Delta)
			}
			break
		}
		var c scenario.Classes
		if c, err = NPSClassValues(ctx, st, f, q.By, q.Value); err == nil {
			if res, err = scenario.Detractors(base, c, -q.Delta, q.Months); err == nil {
				// Say which value the classes carry: the model's CLV only when it passed the gate.
				res.Assumptions = append(res.Assumptions, "value per customer: "+f.ValueBasis().String())
			}
		}
	default:
		return res, "", fidelis.Errorf(fidelis.EInvalid, "whatif: unknown lever %q (want one of retention, churn, frequency, detractors, top-risk)", q.Lever)
	}
	if err != nil {
		return res, note, fidelis.Errorf(fidelis.EInvalid, "whatif: %v", err)
	}
	return res, note, nil
}
