package analysis

import (
	"math"
	"sort"
)

// RiskRow is one line of the churn-risk list (fidelis risk, GET /v1/risk).
type RiskRow struct {
	Rank         int     `parquet:"rank" json:"rank"`
	Customer     string  `parquet:"customer_id" json:"customer_id"`
	Segment      string  `parquet:"segment" json:"segment,omitempty"`
	PAlive       float64 `parquet:"p_alive" json:"p_alive"`
	PAliveBefore float64 `parquet:"p_alive_before" json:"p_alive_before"`
	Change       float64 `parquet:"p_alive_change" json:"p_alive_change"`
	DaysSince    float64 `parquet:"days_since_last_purchase" json:"days_since_last_purchase"`
	Repeats      float64 `parquet:"repeat_purchase_days" json:"repeat_purchase_days"`
	Revenue      float64 `parquet:"revenue_to_date" json:"revenue_to_date"`
	CLV          float64 `parquet:"predicted_clv" json:"predicted_clv"`
	AtStake      float64 `parquet:"value_at_stake" json:"value_at_stake"`
	Yearly       float64 `parquet:"revenue_per_year" json:"revenue_per_year"`
	Status       string  `parquet:"status" json:"status"`
	// PLapse is the churn model's calibrated probability of no purchase in its horizon, when it
	// was asked for and won its backtest (NaN otherwise).
	PLapse float64 `parquet:"p_lapse" json:"p_lapse"`
}

// RiskOptions select the list: risk at least MinRisk, P(alive) at least MinAlive (both need a
// model), the Top customers by value at stake (0: all).
type RiskOptions struct {
	MinRisk, MinAlive float64
	Top               int
}

// RiskRows ranks f's customers by value at stake. The risk is 1 − P(alive) when f's model passed
// the holdout check, replaced by plapse (the churn model's probability of no purchase in its
// horizon) for the customers it has. With no trusted model but plapse, plapse ranks everyone, worth
// their revenue per year; with neither, the list is the customers lapsed by the activity window,
// ranked by revenue per year, and the model columns are NaN.
func RiskRows(f *Forecast, plapse map[string]float64, o RiskOptions) []RiskRow {
	nan := math.NaN()
	var rows []RiskRow
	row := func(s CustomerScore) RiskRow {
		return RiskRow{Customer: s.Customer, Segment: s.Segment, PAlive: nan, PAliveBefore: nan, Change: nan, DaysSince: s.Recency,
			Repeats: s.X, Revenue: s.Net, Yearly: s.Yearly, Status: s.Status(), CLV: nan, AtStake: nan, PLapse: nan}
	}
	byYearly := false
	switch {
	case f.Trusted():
		for _, s := range f.Scores {
			risk, pl := 1-s.PAlive, nan
			if p, ok := plapse[s.Customer]; ok {
				risk, pl = p, p
			}
			if risk < o.MinRisk || s.PAlive < o.MinAlive {
				continue
			}
			r := row(s)
			r.PAlive, r.PAliveBefore, r.Change, r.CLV, r.PLapse = s.PAlive, s.PAlivePrev, s.PAlive-s.PAlivePrev, s.CLV, pl
			r.AtStake = ValueAtStake(s.CLV, s.PAlive)
			if !math.IsNaN(pl) {
				r.AtStake = StayValue(f, s) * pl
			}
			rows = append(rows, r)
		}
	case plapse != nil:
		for _, s := range f.Scores {
			p, ok := plapse[s.Customer]
			if !ok || p < o.MinRisk {
				continue
			}
			r := row(s)
			r.AtStake, r.PLapse = StayValue(f, s)*p, p
			rows = append(rows, r)
		}
	default:
		byYearly = true
		for _, s := range f.Scores {
			if !s.Active {
				rows = append(rows, row(s))
			}
		}
	}
	if byYearly {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Yearly > rows[j].Yearly })
	} else {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].AtStake > rows[j].AtStake })
	}
	if o.Top > 0 && o.Top < len(rows) {
		rows = rows[:o.Top]
	}
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}

// Status is "active" or "lapsed" by the last purchase and the activity window.
func (s CustomerScore) Status() string {
	if s.Active {
		return "active"
	}
	return "lapsed"
}
