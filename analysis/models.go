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
	"fidelis/metric"
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

// PAliveBand is one tenth of P(alive), [Low, High) (the last one includes 1), with the
// customers in it and those of each repeat purchase count.
type PAliveBand struct {
	Low       float64         `json:"low"`
	High      float64         `json:"high"`
	Customers int64           `json:"customers"`
	List      string          `json:"list"`
	ByRepeat  []CustomerCount `json:"by_repeat_days"`
}

// SegmentValue is the predicted value of one segment's customers (model figures are zero, and
// left out of JSON, when no model passed the gate).
type SegmentValue struct {
	Segment   string  `json:"segment"`
	Customers int     `json:"customers"`
	Active    int     `json:"active_by_last_purchase"`
	PAlive    float64 `json:"p_alive_mean,omitempty"`
	CLVMean   float64 `json:"clv_mean,omitempty"`
	CLVTotal  float64 `json:"clv_total,omitempty"`
}

// Models is the customer-base model section: BG/NBD (Fader, Hardie & Lee 2005, Marketing Science
// 24(2)), MBG/NBD (Batislam et al. 2007) and Pareto/NBD (Schmittlein et al. 1987) fitted on a
// calibration period and checked on a holdout (see Gate); the best that passes is refitted on all
// history with a Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR 42(4)) to forecast each
// customer. When none passes, the forecast fields are zero (omitted in JSON) and the section
// reports what the data show: customers active or lapsed by their last purchase, and revenue.
type Models struct {
	Unit           string    `json:"time_unit"`
	CalibrationEnd time.Time `json:"calibration_end"`
	ObservationEnd time.Time `json:"observation_end"`
	HoldoutWeeks   float64   `json:"holdout_weeks"`
	// Gate holds every candidate's calibration fit and holdout scores, the thresholds and the
	// choice.
	Gate *Gate `json:"gate"`
	// Holdout and Tracking are the chosen model's holdout check (the first candidate's when none
	// passed).
	Holdout  *btyd.Evaluation `json:"holdout"`
	Tracking []TrackPoint     `json:"tracking"`
	// Current is the chosen model refitted on all history (nil when none passed); Spend the
	// Gamma-Gamma fit (nil when fewer than two repeat buyers, when it fails or when no purchase
	// model passed).
	Current *FitSummary `json:"current_fit,omitempty"`
	Spend   *FitSummary `json:"spend_fit,omitempty"`
	// What the data show without a model: customers with a purchase within the activity window
	// (WindowDays) and the revenue to date of all customers.
	Customers      int     `json:"customers"`
	ActiveByWindow int     `json:"active_by_last_purchase"`
	WindowDays     float64 `json:"activity_window_days"`
	RevenueToDate  float64 `json:"revenue_to_date"`
	RevenuePerYear float64 `json:"revenue_per_year"`
	// Forecast over the next CLVMonths months, summed over customers (zero when no model passed).
	ExpectedPurchases float64 `json:"expected_purchases,omitempty"`
	ExpectedValue     float64 `json:"expected_value,omitempty"`
	AliveCustomers    float64 `json:"expected_alive_customers,omitempty"`
	// PAliveHistogram counts customers by P(alive) in tenths: [0, 0.1), ..., [0.9, 1].
	PAliveHistogram *[10]int `json:"p_alive_histogram,omitempty"`
	// PAliveByFrequency counts customers by P(alive) tenth (rows, as PAliveHistogram) and repeat
	// purchase days (columns 0, 1, ..., 6 and 7+, the holdout's frequency groups): the matrix a
	// loyalty team reads to see which frequent buyers the model believes gone.
	PAliveByFrequency *[10][8]int `json:"p_alive_by_frequency,omitempty"`
	// PAliveBands are PAliveHistogram's bands with their lists, each with its row of
	// PAliveByFrequency (ByRepeat[j]: j repeat purchase days, 7 for seven or more).
	PAliveBands []PAliveBand `json:"p_alive_bands,omitempty"`
	// PredictedCLVQuantiles are the predicted CLV's quantiles at metric.ValueProbs.
	PredictedCLVQuantiles []float64      `json:"predicted_clv_quantiles,omitempty"`
	BySegment             []SegmentValue `json:"by_segment,omitempty"`
	Assumptions           string         `json:"assumptions"`
	AssumptionsMsg        fidelis.Msg    `json:"-"`
}

// Trusted reports whether a purchase model passed the gate, so its forecast may be shown.
func (m *Models) Trusted() bool { return m != nil && m.Gate != nil && m.Gate.Passed }

// CustomerScore is one customer's model forecast, the basis of churn-risk lists and what-ifs.
// When no model passed the gate, the model fields (PAlive, PAlivePrev, Expected, CLV) are NaN and
// only what the data show is filled: Active, Net, Yearly and the customer's own mean Spend.
type CustomerScore struct {
	Customer string  `json:"customer_id"`
	Segment  string  `json:"segment,omitempty"`
	X        float64 `json:"repeat_purchase_days"`
	Recency  float64 `json:"days_since_last_purchase"`
	Age      float64 `json:"days_since_first_purchase"`
	Net      float64 `json:"revenue_to_date"`
	// Active is true when the last purchase is within the activity window.
	Active bool `json:"active_by_last_purchase"`
	// Yearly is revenue to date per year since the first purchase (at least one activity window).
	Yearly float64 `json:"revenue_per_year"`
	PAlive float64 `json:"p_alive"`
	// PAlivePrev is P(alive) one activity window ago (NaN for customers who had not bought yet).
	PAlivePrev float64 `json:"p_alive_before"`
	Expected   float64 `json:"expected_purchases"`
	Spend      float64 `json:"expected_spend"`
	CLV        float64 `json:"predicted_clv"`
}

// Forecast is what Scores returns: the selection, the fitted models and every customer's score.
type Forecast struct {
	// Model is the purchase model that passed the gate, refitted on all history; nil when none
	// passed (see Selection.Gate), in which case no score carries model numbers.
	Model     btyd.Transactor
	Spend     *btyd.GammaGamma
	Fit       *btyd.Result
	Selection *Selection
	Scores    []CustomerScore
	CLV       btyd.CLVOptions
	// Months is the CLV horizon; WindowDays the activity window that defines Active.
	Months     int
	WindowDays float64
}

// Trusted reports whether the forecast comes from a model that passed the gate.
func (f *Forecast) Trusted() bool { return f != nil && f.Model != nil }

// Value is a customer's value over the forecast horizon: the model's CLV when the model passed
// the gate, otherwise the customer's revenue per year since the first purchase scaled to the
// horizon (history, not a prediction: see ValueBasis).
func (f *Forecast) Value(s CustomerScore) float64 {
	if f.Trusted() {
		return s.CLV
	}
	return s.Yearly * float64(f.Months) / 12
}

// ValueBasis says in words what Value is.
func (f *Forecast) ValueBasis() fidelis.Msg {
	if f.Trusted() {
		return fidelis.M("predicted CLV over %d months (%s + Gamma-Gamma, discounted %.0f%% a month)", f.Months, ModelNames[f.Fit.Model], MonthlyDiscount*100)
	}
	return fidelis.M("revenue per year since the first purchase, for %d months (no purchase model passed the holdout check)", f.Months)
}

// observationEnd is the day after the last order: the end of the data.
func observationEnd(a *Analysis) time.Time {
	return a.Last.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}

var errNoModel = errors.New("not enough repeat purchases to fit a customer-base model")

// summaries reads every customer's summary as a btyd.Customer (durations in weeks) and calls keep,
// when set, with each summary as it is read, so that callers hold only what they use of it: at a
// million customers the summaries are the largest per-customer data of the models section (48
// bytes each here, plus what keep retains). Slices are sized up front (see customersHint) instead
// of growing by copies.
func summaries(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string, cal, obs time.Time, keep func(fidelis.CustomerSummary)) ([]btyd.Customer, error) {
	cs := make([]btyd.Customer, 0, customersHint(a))
	repeaters := 0
	err := ms.Summaries(ctx, fidelis.Query{By: by, Segment: a.Segment}, cal, obs, func(c fidelis.CustomerSummary) error {
		cs = append(cs, btyd.Customer{ID: c.Customer, Frequency: c.X, Recency: c.Tx / 7, T: c.T / 7, Monetary: c.Monetary})
		if keep != nil {
			keep(c)
		}
		if c.X > 0 {
			repeaters++
		}
		return nil
	})
	if err == nil && (len(cs) < 30 || repeaters < 10) {
		err = errNoModel
	}
	return cs, err
}

// customersHint is how many per-customer rows to make room for: every customer of the store,
// unless a segment filter keeps only some (then nothing is reserved, so that a small segment of a
// large store does not reserve room for all of it).
func customersHint(a *Analysis) int64 {
	if len(a.Segment) > 0 {
		return 0
	}
	return a.Counts[fidelis.Customers]
}

func runModels(ctx context.Context, st fidelis.Store, o Options, a *Analysis) (any, error) {
	m, err := FitModels(ctx, st, a, o.By)
	if errors.Is(err, errNoModel) {
		a.Notes = append(a.Notes, "customer-base model: "+err.Error())
		return nil, nil
	}
	return m, err
}

// FitModels selects and validates the customer-base model on the store's orders and forecasts
// every customer with it (see SelectModel and ScoresWith).
func FitModels(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string) (*Models, error) {
	sel, err := SelectModel(ctx, ms, a)
	if err != nil {
		return nil, err
	}
	g := sel.Gate
	m := &Models{Unit: "week", CalibrationEnd: sel.CalibrationEnd, ObservationEnd: sel.ObservationEnd, HoldoutWeeks: sel.HoldoutWeeks, Gate: g}
	shown := g.Candidates[0]
	for _, c := range g.Candidates {
		if c.Model == g.Chosen {
			shown = c
		}
	}
	m.Holdout, m.Tracking = shown.Holdout, shown.Tracking
	f, err := ScoresWith(ctx, ms, a, sel, by, false, CLVMonths)
	if err != nil {
		return nil, err
	}
	a.forecast = f
	m.WindowDays = f.WindowDays
	if f.Trusted() {
		am := fidelis.M("%s + Gamma-Gamma; purchases counted in distinct days, time in weeks; CLV = expected revenue over %d months discounted at %.0f%% a month, margin 100%% (revenue, not profit)", ModelNames[f.Fit.Model], CLVMonths, MonthlyDiscount*100)
		m.Assumptions, m.AssumptionsMsg = am.String(), am
		cur := summarize(f.Fit)
		m.Current = &cur
		m.PAliveHistogram = &[10]int{}
		m.PAliveByFrequency = &[10][8]int{}
	} else {
		am := fidelis.M("no purchase model passed the holdout check: a customer is active when their last purchase is within the activity window (%.0f days), lapsed otherwise; value is revenue to date", f.WindowDays)
		m.Assumptions, m.AssumptionsMsg = am.String(), am
	}
	if f.Spend != nil {
		s := FitSummary{Model: "gammagamma", Params: map[string]float64{"p": f.Spend.P, "q": f.Spend.Q, "gamma": f.Spend.Gamma}, Converged: true}
		m.Spend = &s
	}
	seg := map[string]*SegmentValue{}
	var clvs []float64
	for _, s := range f.Scores {
		m.Customers++
		m.RevenueToDate += s.Net
		m.RevenuePerYear += s.Yearly
		if s.Active {
			m.ActiveByWindow++
		}
		if f.Trusted() {
			m.ExpectedPurchases += s.Expected
			m.ExpectedValue += s.CLV
			m.AliveCustomers += s.PAlive
			m.PAliveHistogram[min(9, int(s.PAlive*10))]++
			m.PAliveByFrequency[min(9, int(s.PAlive*10))][min(7, int(s.X))]++
			clvs = append(clvs, s.CLV)
		}
		if by != "" {
			v := seg[s.Segment]
			if v == nil {
				v = &SegmentValue{Segment: s.Segment}
				seg[s.Segment] = v
			}
			v.Customers++
			if s.Active {
				v.Active++
			}
			if f.Trusted() {
				v.PAlive += s.PAlive
				v.CLVTotal += s.CLV
			}
		}
	}
	if len(clvs) > 0 {
		sort.Float64s(clvs)
		for _, p := range metric.ValueProbs {
			m.PredictedCLVQuantiles = append(m.PredictedCLVQuantiles, quantile7(clvs, p))
		}
	}
	for _, v := range seg {
		v.PAlive /= float64(v.Customers)
		v.CLVMean = v.CLVTotal / float64(v.Customers)
		m.BySegment = append(m.BySegment, *v)
	}
	sort.Slice(m.BySegment, func(i, j int) bool { return m.BySegment[i].Segment < m.BySegment[j].Segment })
	if m.PAliveHistogram != nil {
		for b, n := range m.PAliveHistogram {
			band := PAliveBand{Low: float64(b) / 10, High: float64(b+1) / 10, Customers: int64(n), List: PAliveList(b, -1)}
			for j, n := range m.PAliveByFrequency[b] {
				band.ByRepeat = append(band.ByRepeat, CustomerCount{Customers: int64(n), List: PAliveList(b, j)})
			}
			m.PAliveBands = append(m.PAliveBands, band)
		}
	}
	return m, nil
}

// quantile7 is the p-quantile of sorted x by linear interpolation between order statistics
// (Hyndman and Fan 1996, type 7), as the stores' quantile_cont computes historical CLV.
func quantile7(x []float64, p float64) float64 {
	h := float64(len(x)-1) * p
	lo := int(h)
	if lo+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[lo] + (h-float64(lo))*(x[lo+1]-x[lo])
}

// Scores selects the purchase model (see SelectModel) and forecasts every customer: P(alive),
// purchases and CLV over CLVMonths. With withPrev it also computes each customer's P(alive) one
// activity window ago (from their history up to then), so that falling P(alive) can be ranked.
// When no model passes the gate the scores carry only what the data show (see CustomerScore).
func Scores(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string, withPrev bool) (*Forecast, error) {
	return ScoresFor(ctx, ms, a, by, withPrev, CLVMonths)
}

// ScoresFor is Scores with CLV over the given number of months.
func ScoresFor(ctx context.Context, ms fidelis.ModelStore, a *Analysis, by string, withPrev bool, months int) (*Forecast, error) {
	sel, err := SelectModel(ctx, ms, a)
	if err != nil {
		return nil, err
	}
	return ScoresWith(ctx, ms, a, sel, by, withPrev, months)
}

// ScoresWith forecasts every customer with the model sel chose, refitted on all history, or
// fills the history-only scores when sel's gate did not pass.
func ScoresWith(ctx context.Context, ms fidelis.ModelStore, a *Analysis, sel *Selection, by string, withPrev bool, months int) (*Forecast, error) {
	obs := sel.ObservationEnd
	window := float64(a.Window) * a.Grain.Days()
	if window <= 0 {
		window = float64(fidelis.Query{Grain: a.Grain}.ActivityWindow()) * a.Grain.Days()
	}
	f := &Forecast{Selection: sel, Months: months, WindowDays: window,
		CLV: btyd.CLVOptions{Periods: months, PeriodLength: weeksPerMonth, Discount: MonthlyDiscount, Margin: 1}}
	f.Scores = make([]CustomerScore, 0, customersHint(a))
	cs, err := summaries(ctx, ms, a, by, obs, obs, func(r fidelis.CustomerSummary) {
		f.Scores = append(f.Scores, CustomerScore{Customer: r.Customer, Segment: r.Segment, X: r.X, Recency: r.T - r.Tx, Age: r.T, Net: r.Net,
			Active: r.T-r.Tx <= window, Yearly: r.Net / math.Max(r.T, window) * 365.25,
			PAlive: math.NaN(), PAlivePrev: math.NaN(), Expected: math.NaN(), Spend: r.Monetary, CLV: math.NaN()})
	})
	if err != nil {
		return nil, err
	}
	if !sel.Gate.Passed {
		return f, nil
	}
	var fit fitter
	for _, c := range candidates {
		if c.name == sel.Gate.Chosen {
			fit = c.fit
		}
	}
	rows := btyd.Compress(cs)
	model, res, err := fit(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	f.Model, f.Fit = model, res
	if sr := btyd.CompressSpend(cs); len(sr) >= 2 {
		if gg, _, err := btyd.FitGammaGamma(sr, &btyd.FitOptions{Context: ctx}); err == nil {
			f.Spend = &gg
		}
	}
	prev := map[string]float64{}
	if withPrev {
		back := obs.AddDate(0, 0, -int(math.Round(window)))
		pcs, err := summaries(ctx, ms, a, "", back, back, nil)
		if err != nil && !errors.Is(err, errNoModel) {
			return nil, err
		}
		for _, c := range pcs {
			prev[c.ID] = model.PAlive(c.Frequency, c.Recency, c.T)
		}
	}
	btyd.PredictEach(model, f.Spend, cs, rows, f.CLV, func(i int, p btyd.Prediction) {
		s := &f.Scores[i]
		if pp, ok := prev[s.Customer]; ok {
			s.PAlivePrev = pp
		}
		s.PAlive, s.Expected, s.Spend, s.CLV = p.PAlive, p.Expected, p.Spend, p.CLV
	})
	return f, nil
}

// Forecast returns the per-customer forecast the models section computed (nil when it did not
// run or failed), for drill-down lists that show each customer's P(alive) and CLV.
func (a *Analysis) Forecast() *Forecast { return a.forecast }
