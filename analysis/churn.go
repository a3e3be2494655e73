package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"fidelis"
	"fidelis/churn"
	"fidelis/scenario"
)

func init() { Register("churn", runChurn) }

// Churn is the supervised churn section: the rolling-origin backtest of boosted trees against the
// customer-base models and the hiatus rule (package churn), and every customer scored by the
// backtest's winner as of the end of the data.
type Churn struct {
	Backtest *churn.Backtest `json:"backtest"`
	Scoring  *churn.Scoring  `json:"scoring"`
	// Top are the customers with the highest risk (at most TopRisk), riskiest first, ties by
	// revenue to date, with their reasons.
	Top []churn.Customer `json:"top_risk"`
	// Basis says which method ranks customers by churn risk in risk, actions and whatif, and why.
	Basis RiskBasis `json:"risk_basis"`
}

// TopRisk is the number of riskiest customers a Churn section lists.
const TopRisk = 10

// Report settings: a 90-day horizon, two cut-offs and 50 bootstrap replicates keep the
// section to seconds on a typical store; fidelis churn takes other settings.
const (
	ReportChurnHorizon = 90
	reportChurnCutoffs = 2
	reportBootstrap    = 50
)

func runChurn(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	if a.Last.IsZero() {
		return nil, nil
	}
	if len(o.Segment) > 0 { // its rows come from every customer: a filtered report must not show it as the segment's
		a.Notes = append(a.Notes, "churn model: not computed under a segment filter (it is backtested on every customer); run without the filter")
		return nil, nil
	}
	c, err := ChurnModel(ctx, st, a.First, observationEnd(a),
		churn.Options{HorizonDays: ReportChurnHorizon, Cutoffs: reportChurnCutoffs, Bootstrap: reportBootstrap, Seed: 1})
	var fe *fidelis.Error
	if errors.As(err, &fe) && fe.Code == fidelis.EInvalid {
		a.Notes = append(a.Notes, "churn model: "+fe.Message)
		return nil, nil
	}
	return c, err
}

// ChurnModel backtests the churn model on the store's orders from first to end (the day after the
// last order), then scores every customer as of end with the backtest's winner.
func ChurnModel(ctx context.Context, st fidelis.Store, first, end time.Time, o churn.Options) (*Churn, error) {
	src := churn.StoreRows(st, churn.Reads(first, end, o))
	bt, sc, err := churn.BacktestAndScore(ctx, src, first, end, o)
	if err != nil {
		return nil, err
	}
	c := &Churn{Backtest: bt, Scoring: sc}
	c.Top = topByRisk(sc.Customers, TopRisk)
	c.Basis = riskBasis(bt, sc)
	return c, nil
}

// SortByRisk orders customers riskiest first, ties by revenue to date, then by id.
func SortByRisk(cs []churn.Customer) { slices.SortStableFunc(cs, byRisk) }

func byRisk(a, b churn.Customer) int {
	return cmp.Or(cmp.Compare(b.Risk, a.Risk), cmp.Compare(b.Revenue, a.Revenue), cmp.Compare(a.Customer, b.Customer))
}

// topByRisk returns the first k of cs in SortByRisk's order, picked in one pass without copying
// or sorting cs (a million customers' clone and sort, for ten).
func topByRisk(cs []churn.Customer, k int) []churn.Customer {
	top := make([]churn.Customer, 0, k+1)
	for _, c := range cs {
		// After every kept customer that comes before c or ties with it (a stable sort's order).
		j := len(top)
		for j > 0 && byRisk(top[j-1], c) > 0 {
			j--
		}
		if j < k {
			top = slices.Insert(top, j, c)
			top = top[:min(len(top), k)]
		}
	}
	return top
}

// RiskBasis says which method ranks customers by churn risk and why: the backtest's winner.
type RiskBasis struct {
	Method string `json:"method"`
	// Replaces is true when the winner's probabilities replace 1 − P(alive) as the risk (the
	// boosted trees, the logistic regression or the hiatus rule won); false when a customer-base
	// model won, and P(alive) stays the risk.
	Replaces bool        `json:"replaces_p_alive"`
	Text     string      `json:"text"`
	Msg      fidelis.Msg `json:"-"`
}

// MethodMsg is a churn method's name as a message.
func MethodMsg(m string) fidelis.Msg {
	switch m {
	case churn.MethodGBDT:
		return fidelis.M("the boosted trees")
	case churn.MethodLogistic:
		return fidelis.M("the logistic regression")
	case churn.MethodBGNBD:
		return fidelis.M("BG/NBD P(alive)")
	case churn.MethodPareto:
		return fidelis.M("Pareto/NBD P(alive)")
	}
	return fidelis.M("the hiatus rule")
}

func riskBasis(bt *churn.Backtest, sc *churn.Scoring) RiskBasis {
	w, h := bt.Pooled[bt.Winner], bt.HorizonDays
	b := RiskBasis{Method: bt.Winner}
	win, run := MethodMsg(bt.Winner), MethodMsg(bt.RunnerUp)
	switch bt.Winner {
	case churn.MethodGBDT, churn.MethodLogistic:
		b.Replaces = true
		b.Msg = fidelis.M("Winner of the %d-day churn backtest: %s (AUC %.3f, %+.3f over %s, 95%% interval %+.3f to %+.3f); customers are ranked by its calibrated probability of making no purchase in the next %d days",
			h, win, w.AUC, bt.Margin, run, bt.MarginLow, bt.MarginHigh, h)
	case churn.MethodHiatus:
		b.Replaces = true
		m := sc.Model
		b.Msg = fidelis.M("Winner of the %d-day churn backtest: %s (AUC %.3f, %+.3f over %s, 95%% interval %+.3f to %+.3f); customers are ranked by it: in training, %.0f%% of customers %.0f or more days past their last purchase made no purchase in the next %d days, against %.0f%% of the others",
			h, win, w.AUC, bt.Margin, run, bt.MarginLow, bt.MarginHigh, m.HiatusRate[1]*100, m.Hiatus, h, m.HiatusRate[0]*100)
	default:
		g := bt.Pooled[churn.MethodGBDT]
		b.Msg = fidelis.M("Winner of the %d-day churn backtest: %s (AUC %.3f, against %.3f for the boosted trees); risk stays 1 − P(alive) of the customer-base model",
			h, win, w.AUC, g.AUC)
		if math.IsNaN(g.AUC) {
			b.Msg = fidelis.M("Winner of the %d-day churn backtest: %s (AUC %.3f); risk stays 1 − P(alive) of the customer-base model", h, win, w.AUC)
		}
	}
	b.Text = b.Msg.String()
	return b
}

// Risk returns each customer's risk from the winner when it replaces P(alive) (see
// RiskBasis.Replaces), nil otherwise.
func (c *Churn) Risk() map[string]float64 {
	if c == nil || !c.Basis.Replaces {
		return nil
	}
	out := make(map[string]float64, len(c.Scoring.Customers))
	for _, cu := range c.Scoring.Customers {
		out[cu.Customer] = cu.Risk
	}
	return out
}

// TopRiskCustomers returns the riskiest share (at least one) of the forecast's active customers
// (a purchase within the activity window: those whose churn an action can still prevent; the
// lapsed are a win-back question) ranked by the churn model's winner, in segment value of by when
// by is set, each with their risk and what they are worth over the forecast's horizon if they stay
// (StayValue), and the assumptions that say where both come from.
func TopRiskCustomers(f *Forecast, ch *Churn, share float64, by, value string) ([]scenario.AtRisk, []string) {
	in := map[string]CustomerScore{}
	for _, s := range f.Scores {
		if s.Active && (by == "" || s.Segment == value) {
			in[s.Customer] = s
		}
	}
	var cs []churn.Customer
	for _, c := range ch.Scoring.Customers {
		if _, ok := in[c.Customer]; ok {
			cs = append(cs, c)
		}
	}
	SortByRisk(cs)
	cs = cs[:min(len(cs), max(1, int(math.Ceil(share*float64(len(cs))))))]
	out := make([]scenario.AtRisk, len(cs))
	for i, c := range cs {
		out[i] = scenario.AtRisk{Risk: c.Risk, Value: StayValue(f, in[c.Customer])}
	}
	if len(cs) == 0 {
		return nil, nil
	}
	worth := "revenue per year since the first purchase (history: no purchase model passed the holdout check)"
	if f.Trusted() {
		worth = fmt.Sprintf("predicted CLV ÷ P(alive), %s + Gamma-Gamma, discounted %.0f%% a month", ModelNames[f.Fit.Model], MonthlyDiscount*100)
	}
	return out, []string{
		fmt.Sprintf("the riskiest %.0f%% of the customers active by their last purchase (within %.0f days), ranked by the churn model. %s", share*100, f.WindowDays, ch.Basis.Text),
		fmt.Sprintf("risk = the probability of no purchase in the next %d days from %s%s", ch.Backtest.HorizonDays, MethodMsg(ch.Basis.Method), map[bool]string{true: "", false: " (for a P(alive) model: 1 − P(alive), the probability of being gone)"}[ch.Basis.Replaces]),
		"value if they stay: " + worth,
	}
}
