package metric

import (
	"math"

	"fidelis"
)

// SurvivalPoint is the Kaplan-Meier estimate after the events of day Days.
type SurvivalPoint struct {
	Days     int64   `json:"days"`
	AtRisk   int64   `json:"at_risk"`
	Events   int64   `json:"lapsed"`
	Censored int64   `json:"censored"`
	S        float64 `json:"survival"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
}

// Survival is a customer-lifetime survival curve: the share of customers still active d days
// after their first purchase, estimated with Kaplan & Meier (1958, JASA 53(282)) so that
// customers who are still active (right-censored) count only for as long as they were observed —
// the naive mean of observed lifetimes understates how long customers stay (METRICS.md,
// "Right-censoring respected").
//
//	S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)
//
// with d_i lapses on day t_i and n_i customers still at risk then. Pointwise 95% intervals use
// Greenwood's variance, Var S = S² Σ d_i / (n_i (n_i − d_i)), on the log(−log S) scale
// (Kalbfleisch & Prentice 2002, §1.4), which keeps them inside (0, 1).
type Survival struct {
	Segment   string          `json:"segment,omitempty"`
	Customers int64           `json:"customers"`
	Lapsed    int64           `json:"lapsed"`
	Points    []SurvivalPoint `json:"curve"`
	// Median is the first day S ≤ 0.5 (NaN when the curve has not fallen that far); its interval
	// inverts the pointwise one (Brookmeyer & Crowley 1982, Biometrics 38(1)): the first days the
	// lower and the upper bound fall to 0.5.
	Median     float64 `json:"median_days"`
	MedianLow  float64 `json:"median_low"`
	MedianHigh float64 `json:"median_high"`
}

// KaplanMeier estimates one survival curve per segment from lifetime cells sorted by segment and
// day (as stores return them).
func KaplanMeier(cells []fidelis.LifetimeCell) []Survival {
	var out []Survival
	for i := 0; i < len(cells); {
		j := i
		var n int64
		for j < len(cells) && cells[j].Segment == cells[i].Segment {
			n += cells[j].Events + cells[j].Censored
			j++
		}
		out = append(out, km(cells[i:j], n))
		i = j
	}
	return out
}

func km(cells []fidelis.LifetimeCell, n int64) Survival {
	s := Survival{Segment: cells[0].Segment, Customers: n, Median: math.NaN(), MedianLow: math.NaN(), MedianHigh: math.NaN()}
	surv, green := 1.0, 0.0
	atRisk := n
	for _, c := range cells {
		d := c.Events
		if d > 0 && atRisk > 0 {
			surv *= 1 - float64(d)/float64(atRisk)
			if atRisk > d {
				green += float64(d) / (float64(atRisk) * float64(atRisk-d))
			}
		}
		p := SurvivalPoint{Days: c.Days, AtRisk: atRisk, Events: d, Censored: c.Censored, S: surv, Low: surv, High: surv}
		if surv > 0 && surv < 1 {
			logS := math.Log(surv)
			sigma := math.Sqrt(green) / math.Abs(logS) // sqrt(Var S)/(S |log S|), Var S = S²·green
			e := math.Exp(Z95 * sigma)
			p.Low, p.High = math.Pow(surv, e), math.Pow(surv, 1/e)
		} else if surv == 0 {
			p.Low, p.High = 0, 0
		}
		if math.IsNaN(s.Median) && p.S <= 0.5 {
			s.Median = float64(c.Days)
		}
		if math.IsNaN(s.MedianLow) && p.Low <= 0.5 {
			s.MedianLow = float64(c.Days)
		}
		if math.IsNaN(s.MedianHigh) && p.High <= 0.5 {
			s.MedianHigh = float64(c.Days)
		}
		s.Lapsed += d
		s.Points = append(s.Points, p)
		atRisk -= d + c.Censored
	}
	return s
}

// FollowUp is the longest follow-up: the last day on which any customer was still observed
// (lapsed or censored). Beyond it the curve says nothing.
func (s Survival) FollowUp() int64 {
	if n := len(s.Points); n > 0 {
		return s.Points[n-1].Days
	}
	return 0
}

// At returns the survival estimate and its interval on day t (1 before the first point). Past the
// longest follow-up nobody was observed, so the estimate is not defined there: At returns NaN for
// all three, as R's summary(survfit, times = t) leaves such times out (extend = FALSE) instead of
// carrying the last value forward.
func (s Survival) At(t int64) (v, low, high float64) {
	if t > s.FollowUp() {
		return math.NaN(), math.NaN(), math.NaN()
	}
	v, low, high = 1, 1, 1
	for _, p := range s.Points {
		if p.Days > t {
			break
		}
		v, low, high = p.S, p.Low, p.High
	}
	return v, low, high
}
