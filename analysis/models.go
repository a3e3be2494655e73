package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"fidelis"
	"fidelis/btyd"
)

func init() { Register("models", runModels) }

// CLV assumptions used everywhere a predicted value appears; printed next to it.
const (
	// CLVMonths is the horizon of predicted CLV.
	CLVMonths = 12
	// MonthlyDiscount discounts each month's value (1% a month, about 12.7% a year).
	MonthlyDiscount = 0.01
	weeksPerMonth   = 52.1775 / 12
)

// FitSummary is one fitted model as shown to people.
type FitSummary struct {
	Model     string             `json:"model"`
	Params    map[string]float64 `json:"params"`
	StdErrors map[string]float64 `json:"std_errors,omitempty"`
	LogLik    float64            `json:"log_likelihood"`
	Customers float64            `json:"customers"`
	Rows      int                `json:"distinct_rows"`
	Converged bool               `json:"converged"`
	Reason    string             `json:"reason,omitempty"`
}

func summarize(r *btyd.Result) FitSummary {
	f := FitSummary{Model: r.Model, Params: map[string]float64{}, LogLik: r.LogLik, Customers: r.N, Rows: r.Rows, Converged: r.Converged, Reason: r.Reason}
	for i, n := range r.Names {
		f.Params[n] = r.Params[i]
		if r.StdErrors != nil {
			if f.StdErrors == nil {
				f.StdErrors = map[string]float64{}
			}
			f.StdErrors[n] = r.StdErrors[i]
		}
	}
	return f
}

// TrackPoint is one week of the holdout tracking plot: cumulative repeat purchase days.
type TrackPoint struct {
	Week     int     `json:"week"`
	Expected float64 `json:"expected"`
	Actual   float64 `json:"actual"`
}

// SegmentValue is the predicted value of one segment's customers.
type SegmentValue struct {
	Segment   string  `json:"segment"`
	Customers int     `json:"customers"`
	PAlive    float64 `json:"p_alive_mean"`
	CLVMean   float64 `json:"clv_mean"`
	CLVTotal  float64 `json:"clv_total"`
}

// Models is the customer-base model section: a BG/NBD purchase model (Fader, Hardie & Lee 2005,
// Marketing Science 24(2)) and a Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR 42(4)),
// checked on a holdout period, then refitted on all history to forecast each customer.
type Models struct {
	Unit           string    `json:"time_unit"`
	CalibrationEnd time.Time `json:"calibration_end"`
	ObservationEnd time.Time `json:"observation_end"`
	HoldoutWeeks   float64   `json:"holdout_weeks"`
	// Calibration is the BG/NBD fit on purchases before CalibrationEnd; Holdout compares its
	// predictions with what customers did afterwards; Tracking shows the same week by week.
	Calibration FitSummary       `json:"calibration_fit"`
	Holdout     *btyd.Evaluation `json:"holdout"`
	Tracking    []TrackPoint     `json:"tracking"`
	// Current is BG/NBD refitted on all history; Spend the Gamma-Gamma fit (nil when fewer than
	// two repeat buyers or when it fails).
	Current FitSummary  `json:"current_fit"`
	Spend   *FitSummary `json:"spend_fit,omitempty"`
	// Forecast over the next CLVMonths months, summed over customers.
	Customers         int     `json:"customers"`
	ExpectedPurchases float64 `json:"expected_purchases"`
	ExpectedValue     float64 `json:"expected_value"`
	AliveCustomers    float64 `json:"expected_alive_customers"`
	// PAliveHistogram counts customers by P(alive) in tenths: [0, 0.1), ..., [0.9, 1].
	PAliveHistogram [10]int        `json:"p_alive_histogram"`
	BySegment       []SegmentValue `json:"by_segment,omitempty"`
	Assumptions     string         `json:"assumptions"`
	AssumptionsMsg  fidelis.Msg    `json:"-"`
}

// CustomerScore is one customer's model forecast, the basis of churn-risk lists and what-ifs.
type CustomerScore struct {
	Customer string  `json:"customer_id"`
	Segment  string  `json:"segment,omitempty"`
	X        float64 `json:"repeat_purchase_days"`
	Recency  float64 `json:"days_since_last_purchase"`
	Age      float64 `json:"days_since_first_purchase"`
	Net      float64 `json:"revenue_to_date"`
	PAlive   float64 `json:"p_alive"`
	// PAlivePrev is P(alive) one activity window ago (NaN for customers who had not bought yet).
	PAlivePrev float64 `json:"p_alive_before"`
	Expected   float64 `json:"expected_purchases"`
	Spend      float64 `json:"expected_spend"`
	CLV        float64 `json:"predicted_clv"`
}

// Forecast is what Scores returns: the fitted models and every customer's score.
type Forecast struct {
	Model  btyd.BGNBD
	Spend  *btyd.GammaGamma
	Fit    *btyd.Result
	Scores []CustomerScore
	CLV    btyd.CLVOptions
}

// observationEnd is the day after the last order: the end of the data.
func observationEnd(a *Analysis) time.Time {
	return a.Last.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}

// holdoutWeeks chooses the holdout: 26 weeks with two years of data or more, 13 with one,
// otherwise a third of the span (at least 4 weeks).
func holdoutWeeks(span time.Duration) float64 {
	weeks := span.Hours() / 24 / 7
	switch {
	case weeks >= 104:
		return 26
	case weeks >= 52:
		return 13
	}
	return math.Max(4, math.Floor(weeks/3))
}

var errNoModel = errors.New("not enough repeat purchases to fit a customer-base model")

func summaries(ctx context.Context, ms fidelis.ModelStore, by string, cal, obs time.Time) ([]btyd.Customer, []fidelis.CustomerSummary, error) {
	var cs []btyd.Customer
	var raw []fidelis.CustomerSummary
	repeaters := 0
	err := ms.Summaries(ctx, fidelis.Query{By: by}, cal, obs, func(c fidelis.CustomerSummary) error {
		cs = append(cs, btyd.Customer{ID: c.Customer, Frequency: c.X, Recency: c.Tx / 7, T: c.T / 7, Monetary: c.Monetary})
		raw = append(raw, c)
		if c.X > 0 {
			repeaters++
		}
		return nil
	})
	if err == nil && (len(cs) < 30 || repeaters < 10) {
		err = errNoModel
	}
	return cs, raw, err
}

func runModels(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	ms, ok := st.(fidelis.ModelStore)
	if !ok {
		return nil, nil
	}
	m, err := FitModels(ctx, ms, a, o.By)
	if errors.Is(err, errNoModel) {
		a.Notes = append(a.Notes, "customer-base model: "+err.Error())
		return nil, nil
	}
	return m, err
}

// FitModels fits and validates the customer-base models on the store's orders.
func FitModels(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string) (*Models, error) {
	obs := observationEnd(a)
	hw := holdoutWeeks(obs.Sub(a.First))
	cal := obs.AddDate(0, 0, -int(hw*7))
	am := fidelis.M("BG/NBD + Gamma-Gamma; purchases counted in distinct days, time in weeks; CLV = expected revenue over %d months discounted at %.0f%% a month, margin 100%% (revenue, not profit)", CLVMonths, MonthlyDiscount*100)
	m := &Models{Unit: "week", CalibrationEnd: cal, ObservationEnd: obs, HoldoutWeeks: hw, Assumptions: am.String(), AssumptionsMsg: am}
	cs, raw, err := summaries(ctx, ms, "", cal, obs)
	if err != nil {
		return nil, err
	}
	model, res, err := btyd.FitBGNBD(btyd.Compress(cs), nil)
	if err != nil {
		return nil, fmt.Errorf("calibration fit: %w", err)
	}
	m.Calibration = summarize(res)
	actual := make([]float64, len(raw))
	for i, c := range raw {
		actual[i] = c.Holdout
	}
	if m.Holdout, err = btyd.EvaluateHoldout(model, cs, actual, hw); err != nil {
		return nil, err
	}
	days, err := ms.HoldoutDays(ctx, cal, obs, 7)
	if err != nil {
		return nil, err
	}
	rows := btyd.Compress(cs)
	var cum float64
	for w := range days {
		cum += float64(days[w])
		var exp float64
		for _, r := range rows {
			exp += r.Weight * model.ExpectedPurchases(float64(w+1), r.X, r.Tx, r.T)
		}
		m.Tracking = append(m.Tracking, TrackPoint{Week: w + 1, Expected: exp, Actual: cum})
	}

	f, err := Scores(ctx, ms, a, by, false)
	if err != nil {
		return nil, err
	}
	a.forecast = f
	m.Current = summarize(f.Fit)
	if f.Spend != nil {
		s := FitSummary{Model: "gammagamma", Params: map[string]float64{"p": f.Spend.P, "q": f.Spend.Q, "gamma": f.Spend.Gamma}, Converged: true}
		m.Spend = &s
	}
	seg := map[string]*SegmentValue{}
	for _, s := range f.Scores {
		m.Customers++
		m.ExpectedPurchases += s.Expected
		m.ExpectedValue += s.CLV
		m.AliveCustomers += s.PAlive
		m.PAliveHistogram[min(9, int(s.PAlive*10))]++
		if by != "" {
			v := seg[s.Segment]
			if v == nil {
				v = &SegmentValue{Segment: s.Segment}
				seg[s.Segment] = v
			}
			v.Customers++
			v.PAlive += s.PAlive
			v.CLVTotal += s.CLV
		}
	}
	for _, v := range seg {
		v.PAlive /= float64(v.Customers)
		v.CLVMean = v.CLVTotal / float64(v.Customers)
		m.BySegment = append(m.BySegment, *v)
	}
	sort.Slice(m.BySegment, func(i, j int) bool { return m.BySegment[i].Segment < m.BySegment[j].Segment })
	return m, nil
}

// Scores fits BG/NBD and Gamma-Gamma on all history and forecasts every customer: P(alive),
// purchases and CLV over CLVMonths. With withPrev it also computes each customer's P(alive) one
// activity window ago (from their history up to then), so that falling P(alive) can be ranked.
func Scores(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string, withPrev bool) (*Forecast, error) {
	return ScoresFor(ctx, ms, a, by, withPrev, CLVMonths)
}

// ScoresFor is Scores with CLV over the given number of months.
func ScoresFor(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string, withPrev bool, months int) (*Forecast, error) {
	obs := observationEnd(a)
	cs, raw, err := summaries(ctx, ms, by, obs, obs)
	if err != nil {
		return nil, err
	}
	model, res, err := btyd.FitBGNBD(btyd.Compress(cs), nil)
	if err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	f := &Forecast{Model: model, Fit: res, CLV: btyd.CLVOptions{Periods: months, PeriodLength: weeksPerMonth, Discount: MonthlyDiscount, Margin: 1}}
	if sr := btyd.CompressSpend(cs); len(sr) >= 2 {
		if gg, _, err := btyd.FitGammaGamma(sr, nil); err == nil {
			f.Spend = &gg
		}
	}
	preds := btyd.Predict(model, f.Spend, cs, f.CLV)
	prev := map[string]float64{}
	if withPrev {
		back := obs.AddDate(0, 0, -int(math.Round(float64(a.Window)*a.Grain.Days())))
		pcs, _, err := summaries(ctx, ms, "", back, back)
		if err != nil && !errors.Is(err, errNoModel) {
			return nil, err
		}
		for _, c := range pcs {
			prev[c.ID] = model.PAlive(c.Frequency, c.Recency, c.T)
		}
	}
	f.Scores = make([]CustomerScore, len(cs))
	for i, p := range preds {
		r := raw[i]
		pp, ok := prev[r.Customer]
		if !ok {
			pp = math.NaN()
		}
		f.Scores[i] = CustomerScore{Customer: r.Customer, Segment: r.Segment, X: r.X, Recency: r.T - r.Tx, Age: r.T, Net: r.Net,
			PAlive: p.PAlive, PAlivePrev: pp, Expected: p.Expected, Spend: p.Spend, CLV: p.CLV}
	}
	return f, nil
}
