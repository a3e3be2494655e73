// Package scenario answers what-if questions ("retention +5 points", "churn −1 point in segment
// X", "purchase frequency +10%", "NPS detractors −10%") with revenue and customer value over a
// horizon. The arithmetic is deliberately simple and every assumption is returned with the result,
// so that a number can be traced back to what it rests on.
package scenario

import (
	"fmt"
	"math"
)

// Base is the state a scenario starts from, for the whole base or one segment.
type Base struct {
	Segment string `json:"segment,omitempty"`
	// Active is the number of customers active at the start.
	Active float64 `json:"active_customers"`
	// Retention is the ID-based retention per period (customers active in one period who are
	// still active in the next), pooled over recent complete periods.
	Retention float64 `json:"retention_per_period"`
	// RevenuePerActive is net revenue per active customer per period.
	RevenuePerActive float64 `json:"revenue_per_active_customer"`
	// Discount is the discount rate per period.
	Discount float64 `json:"discount_per_period"`
	// Period names the period ("month").
	Period string `json:"period"`
}

// Result compares a scenario with the baseline over Horizon periods.
type Result struct {
	Question string  `json:"question"`
	Horizon  int     `json:"horizon_periods"`
	Base     Base    `json:"base"`
	Baseline float64 `json:"baseline_revenue"`
	Scenario float64 `json:"scenario_revenue"`
	Gain     float64 `json:"gain"`
	// BaselineCLV and ScenarioCLV are the discounted value of one active customer over the horizon.
	BaselineCLV float64  `json:"baseline_clv"`
	ScenarioCLV float64  `json:"scenario_clv"`
	Assumptions []string `json:"assumptions"`
}

// Value is the discounted revenue of a base over h periods when a share r of active customers
// stays from each period to the next (geometric survival, i.e. the shifted-geometric model with
// one retention rate: Fader & Hardie 2007, J. Interactive Marketing 21(1), section 2):
//
//	V = A · m · Σ_{k=1}^{h} r^k / (1+d)^k
//
// with A active customers, m revenue per active customer per period and d the discount rate.
// New customers acquired during the horizon are not included: the what-if concerns the existing base.
func Value(active, r, m, d float64, h int) float64 {
	var v, f float64 = 0, 1
	for k := 1; k <= h; k++ {
		f *= r / (1 + d)
		v += f
	}
	return active * m * v
}

func (b Base) check() error {
	switch {
	case !(b.Active > 0):
		return fmt.Errorf("no active customers to project")
	case !(b.Retention >= 0 && b.Retention <= 1):
		return fmt.Errorf("retention %v is not a share", b.Retention)
	case math.IsNaN(b.RevenuePerActive):
		return fmt.Errorf("revenue per active customer is unknown")
	}
	return nil
}

func (b Base) assumptions(h int) []string {
	return []string{
		fmt.Sprintf("starting base: %.0f customers active in the last complete %s", b.Active, b.Period),
		fmt.Sprintf("baseline ID-based retention %.1f%% per %s, pooled over recent complete periods", b.Retention*100, b.Period),
		fmt.Sprintf("net revenue per active customer %.2f per %s, as observed", b.RevenuePerActive, b.Period),
		fmt.Sprintf("revenue discounted at %.1f%% per %s over %d %ss; new customers not included", b.Discount*100, b.Period, h, b.Period),
	}
}

// Retention is the scenario "retention changes by delta points" (delta > 0 better; churn −1 point
// is retention +1 point). The scenario rate is capped at 100%.
func Retention(b Base, deltaPoints float64, h int) (Result, error) {
	if err := b.check(); err != nil {
		return Result{}, err
	}
	r2 := math.Max(0, math.Min(1, b.Retention+deltaPoints/100))
	res := Result{Question: fmt.Sprintf("retention %+.1f points", deltaPoints), Horizon: h, Base: b,
		Baseline:    Value(b.Active, b.Retention, b.RevenuePerActive, b.Discount, h),
		Scenario:    Value(b.Active, r2, b.RevenuePerActive, b.Discount, h),
		Assumptions: append(b.assumptions(h), fmt.Sprintf("scenario retention %.1f%% per %s from the first period on", r2*100, b.Period))}
	res.BaselineCLV = Value(1, b.Retention, b.RevenuePerActive, b.Discount, h)
	res.ScenarioCLV = Value(1, r2, b.RevenuePerActive, b.Discount, h)
	res.Gain = res.Scenario - res.Baseline
	return res, nil
}

// Frequency is the scenario "purchase frequency changes by pct percent": revenue per active
// customer scales by (1 + pct/100) while retention and order value stay as they are.
func Frequency(b Base, pct float64, h int) (Result, error) {
	if err := b.check(); err != nil {
		return Result{}, err
	}
	m2 := b.RevenuePerActive * (1 + pct/100)
	res := Result{Question: fmt.Sprintf("purchase frequency %+.1f%%", pct), Horizon: h, Base: b,
		Baseline:    Value(b.Active, b.Retention, b.RevenuePerActive, b.Discount, h),
		Scenario:    Value(b.Active, b.Retention, m2, b.Discount, h),
		Assumptions: append(b.assumptions(h), "order value and retention unchanged; every active customer buys that much more often")}
	res.BaselineCLV = Value(1, b.Retention, b.RevenuePerActive, b.Discount, h)
	res.ScenarioCLV = Value(1, b.Retention, m2, b.Discount, h)
	res.Gain = res.Scenario - res.Baseline
	return res, nil
}

// Classes is the predicted value of NPS respondents by class, from the customer-base model.
type Classes struct {
	Detractors, Passives float64 // respondents (latest answer)
	// DetractorCLV and PassiveCLV are mean predicted CLV over the horizon of each class.
	DetractorCLV, PassiveCLV float64
}

// Detractors is the scenario "NPS detractors fall by pct percent": that share of detractors
// becomes passive and takes on the passives' mean predicted value. The gap between the classes is
// observational: detractors may differ from passives in more than their answer, so the gain is an
// upper bound on what changing their experience alone would bring.
func Detractors(b Base, c Classes, pct float64, h int) (Result, error) {
	if !(c.Detractors > 0) || !(c.Passives > 0) {
		return Result{}, fmt.Errorf("needs NPS answers from both detractors and passives")
	}
	moved := c.Detractors * pct / 100
	gain := moved * (c.PassiveCLV - c.DetractorCLV)
	baseline := c.Detractors*c.DetractorCLV + c.Passives*c.PassiveCLV
	res := Result{Question: fmt.Sprintf("NPS detractors %+.0f%%", -pct), Horizon: h, Base: b,
		Baseline: baseline, Scenario: baseline + gain, Gain: gain,
		BaselineCLV: c.DetractorCLV, ScenarioCLV: c.PassiveCLV,
		Assumptions: []string{
			fmt.Sprintf("%.0f detractors and %.0f passives (each respondent's latest NPS answer)", c.Detractors, c.Passives),
			fmt.Sprintf("%.0f detractors (%.0f%%) become passives and take the passives' mean predicted value %.2f instead of %.2f", moved, pct, c.PassiveCLV, c.DetractorCLV),
			fmt.Sprintf("predicted value from the BG/NBD + Gamma-Gamma model over %d months", h),
			"the gap between classes is observational, not causal: an upper bound for what service recovery alone brings",
		}}
	return res, nil
}

// AtRisk is one customer of a top-risk scenario: Risk, the probability that they lapse (make no
// purchase in the churn model's horizon), and Value, what they are worth over the scenario's
// horizon if they stay.
type AtRisk struct {
	Risk, Value float64
}

// TopRisk is the scenario "lapses among the riskiest customers change by pct percent" (pct < 0
// fewer): each customer's risk p becomes min(1, p·(1 + pct/100)), and a customer who lapses is
// counted as lost for the whole horizon, so the value kept is
//
//	baseline = Σ (1 − p_i)·V_i,  scenario = Σ (1 − p'_i)·V_i,  gain = Σ (p_i − p'_i)·V_i.
//
// BaselineCLV and ScenarioCLV are the means per customer. assumptions say where the risks and
// values come from and are returned first.
func TopRisk(cs []AtRisk, pct float64, h int, assumptions []string) (Result, error) {
	if len(cs) == 0 {
		return Result{}, fmt.Errorf("no customers to project")
	}
	if !(pct >= -100) || math.IsInf(pct, 0) {
		return Result{}, fmt.Errorf("lapses cannot fall by more than 100%%")
	}
	res := Result{Question: fmt.Sprintf("lapses among the riskiest customers %+.0f%%", pct), Horizon: h,
		Base: Base{Active: float64(len(cs)), Period: "month"}}
	var lapsers, kept float64
	for _, c := range cs {
		p2 := min(1, c.Risk*(1+pct/100))
		res.Baseline += (1 - c.Risk) * c.Value
		res.Scenario += (1 - p2) * c.Value
		lapsers += c.Risk
		kept += c.Risk - p2
	}
	res.Gain = res.Scenario - res.Baseline
	n := float64(len(cs))
	res.BaselineCLV, res.ScenarioCLV = res.Baseline/n, res.Scenario/n
	res.Assumptions = append(assumptions,
		fmt.Sprintf("%.0f customers, of whom %.1f are expected to lapse (the sum of their risks); the scenario keeps %.1f of them", n, lapsers, kept),
		fmt.Sprintf("a customer who lapses is counted as lost for the whole %d months; one who stays brings their value in full", h))
	return res, nil
}
