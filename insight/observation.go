package insight

import (
	"math"
	"time"
)

// MetricInfo describes a metric id: its display name, unit and direction.
type MetricInfo struct {
	ID     string
	Name   string
	Unit   string // "percent" or "points"
	Higher bool   // higher is better
}

// Metrics lists the metric ids benchmarks, goals and observations use.
var Metrics = []MetricInfo{
	{"retention", "ID-based retention", "percent", true},
	{"retention_annual", "annual ID-based retention", "percent", true},
	{"churn", "churn (100% − ID-based retention)", "percent", false},
	{"win_back", "win-back rate", "percent", true},
	{"repeat_purchase_rate", "repeat purchase rate", "percent", true},
	{"nps", "NPS", "points", true},
	{"csat", "CSAT (top-box share)", "percent", true},
	{"subscription_churn_monthly", "monthly subscriber (logo) churn", "percent", false},
	{"redemption_rate", "points redemption rate", "percent", true},
	{"breakage", "points not redeemed to date", "percent", false},
	// Reference only (benchmarks marked not comparable): consumers in any loyalty programme.
	{"programme_membership", "consumers in at least one loyalty programme", "percent", true},
}

// Info returns the description of metric id (ok false for an unknown id).
func Info(id string) (MetricInfo, bool) {
	for _, m := range Metrics {
		if m.ID == id {
			return m, true
		}
	}
	return MetricInfo{ID: id, Name: id, Unit: "percent", Higher: true}, false
}

// Point is one period's value of a metric (Time is the period's start).
type Point struct {
	Period string    `json:"period"`
	Time   time.Time `json:"time"`
	Value  float64   `json:"value"`
}

// Change is the test of the change between the last two complete periods: To − From.
type Change struct {
	From        string  `json:"from"`
	To          string  `json:"to"`
	Diff        float64 `json:"diff"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
	Z           float64 `json:"z"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
	Method      string  `json:"method"`
}

// Group is one segment's value compared with the rest of the base (Z and P of segment − rest).
type Group struct {
	Name        string  `json:"name"`
	Value       float64 `json:"value"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
	N           int64   `json:"n"`
	Rest        float64 `json:"rest"`
	Z           float64 `json:"z"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
}

// Observation is one metric as Fidelis measured it: the value of the latest complete period (or
// of the window) in the metric's unit, its 95% interval (NaN when the metric has no sampling
// interval, e.g. points redeemed ÷ earned), the series of complete periods for the trend, the
// test of the last change, and segment comparisons.
type Observation struct {
	Metric string  `json:"metric"`
	Name   string  `json:"name"`
	Unit   string  `json:"unit"`
	Value  float64 `json:"value"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	N      int64   `json:"n"`
	Small  bool    `json:"small_sample"`
	Period string  `json:"period,omitempty"`
	Grain  string  `json:"grain,omitempty"` // the period a per-period rate refers to
	// Window says what the figure counts where definitions differ by window (see
	// Benchmark.Window); "" for the metric's one definition.
	Window     string  `json:"window,omitempty"`
	Definition string  `json:"definition"`
	Series     []Point `json:"series,omitempty"`
	Change     *Change `json:"change,omitempty"`
	GroupBy    string  `json:"group_by,omitempty"`
	Groups     []Group `json:"groups,omitempty"`
	// Base is the number of customers the rate applies to (for the gap in customers); for NPS
	// the respondents. PerCustomer is the yearly revenue of one such customer (NaN if unknown).
	Base        float64 `json:"base"`
	PerCustomer float64 `json:"revenue_per_customer_year"`
}

// HasInterval says whether the observation carries a sampling interval.
func (o Observation) HasInterval() bool { return !math.IsNaN(o.Low) && !math.IsNaN(o.High) }

// se is the standard error implied by the 95% interval (half-width ÷ 1.96), NaN without one.
func (o Observation) se() float64 {
	if !o.HasInterval() {
		return math.NaN()
	}
	return (o.High - o.Low) / (2 * 1.959963984540054)
}
