package voc

import (
	"math"
	"sort"
	"strings"
	"time"

	"fidelis"
	"fidelis/metric"
)

// Exit is one defection: the customer, when they left, the reason given, an optional segment, the
// customer's net revenue to date and their predicted customer lifetime value at the time of exit
// (both supplied by the caller; NaN when unknown).
type Exit struct {
	Customer string    `json:"customer"`
	Time     time.Time `json:"time"`
	Reason   string    `json:"reason"`
	Segment  string    `json:"segment,omitempty"`
	Revenue  float64   `json:"revenue"`
	CLV      float64   `json:"clv"`
}

// Unspecified is the reason recorded for exits with an empty reason; they are counted, not dropped.
const Unspecified = "(unspecified)"

// ReasonStat is one exit reason: Count exits (Share of all exits, Wilson interval), distinct
// Customers, revenue to date and predicted CLV lost with those exits (sums of the known values)
// and their shares of the totals; RevenueKnown and CLVKnown count the exits whose value was
// known (not NaN).
type ReasonStat struct {
	Reason       string  `json:"reason"`
	Count        int64   `json:"count"`
	Share        Share   `json:"share"`
	Customers    int     `json:"customers"`
	Revenue      float64 `json:"revenue"`
	RevenueShare float64 `json:"revenue_share"`
	RevenueKnown int64   `json:"revenue_known"`
	CLV          float64 `json:"clv"`
	CLVShare     float64 `json:"clv_share"`
	CLVKnown     int64   `json:"clv_known"`
}

// MarshalJSON writes NaN shares (zero totals) as null.
func (r ReasonStat) MarshalJSON() ([]byte, error) {
	type plain ReasonStat
	return marshalNaN(plain(r))
}

// ReasonTable ranks the reasons of one group of exits three ways: ByCount (most exits first),
// ByRevenue (most revenue to date lost first) and ByCLV (most predicted CLV lost first); ties go
// to the reason name. N is the number of exits, Revenue and CLV their known totals.
type ReasonTable struct {
	N         int64        `json:"n"`
	Revenue   float64      `json:"revenue"`
	CLV       float64      `json:"clv"`
	ByCount   []ReasonStat `json:"by_count"`
	ByRevenue []ReasonStat `json:"by_revenue"`
	ByCLV     []ReasonStat `json:"by_clv"`
	Small     bool         `json:"small_sample"`
}

// ExitReport is the exit-reason analysis: the ReasonTable of All exits, and the same table for
// each segment and each period, sorted by key (segment name; period label, which sorts in time).
type ExitReport struct {
	All      ReasonTable     `json:"all"`
	Segments []GroupedReason `json:"segments"`
	Periods  []GroupedReason `json:"periods"`
}

// GroupedReason is the ReasonTable of one segment or period.
type GroupedReason struct {
	Key   string      `json:"key"`
	Table ReasonTable `json:"table"`
}

// reasonKey groups reasons case- and space-insensitively; the first spelling seen is shown.
func reasonKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// Reasons tabulates exits by reason (see ReasonTable). Reasons are grouped ignoring case and
// repeated spaces; an empty reason counts as Unspecified. Revenue and CLV that are NaN are left
// out of the sums and counted as unknown; infinite values are an error.
func Reasons(exits []Exit) (ReasonTable, error) {
	type acc struct {
		ReasonStat
		cust map[string]bool
	}
	m := map[string]*acc{}
	var t ReasonTable
	for _, e := range exits {
		if math.IsInf(e.Revenue, 0) || math.IsInf(e.CLV, 0) {
			return ReasonTable{}, fidelis.Errorf(fidelis.EInvalid, "exit of customer %q: infinite revenue or CLV", e.Customer)
		}
		label := strings.TrimSpace(e.Reason)
		if label == "" {
			label = Unspecified
		}
		k := reasonKey(label)
		a := m[k]
		if a == nil {
			a = &acc{ReasonStat: ReasonStat{Reason: label}, cust: map[string]bool{}}
			m[k] = a
		}
		a.Count++
		a.cust[e.Customer] = true
		t.N++
		if !math.IsNaN(e.Revenue) {
			a.Revenue += e.Revenue
			a.RevenueKnown++
			t.Revenue += e.Revenue
		}
		if !math.IsNaN(e.CLV) {
			a.CLV += e.CLV
			a.CLVKnown++
			t.CLV += e.CLV
		}
	}
	t.Small = t.N < metric.SmallSample
	var rows []ReasonStat
	for _, a := range m {
		r := a.ReasonStat
		r.Customers = len(a.cust)
		r.Share = NewShare(r.Count, t.N)
		r.RevenueShare, r.CLVShare = ratio(r.Revenue, t.Revenue), ratio(r.CLV, t.CLV)
		rows = append(rows, r)
	}
	sortBy := func(key func(ReasonStat) float64) []ReasonStat {
		s := append([]ReasonStat(nil), rows...)
		sort.Slice(s, func(i, j int) bool {
			if ki, kj := key(s[i]), key(s[j]); ki != kj {
				return ki > kj
			}
			return s[i].Reason < s[j].Reason
		})
		return s
	}
	t.ByCount = sortBy(func(r ReasonStat) float64 { return float64(r.Count) })
	t.ByRevenue = sortBy(func(r ReasonStat) float64 { return r.Revenue })
	t.ByCLV = sortBy(func(r ReasonStat) float64 { return r.CLV })
	return t, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// ExitReasons returns Reasons for all exits, per segment (empty segment reported as
// Unspecified) and per period (period nil means Month).
func ExitReasons(exits []Exit, period PeriodFunc) (ExitReport, error) {
	if period == nil {
		period = Month
	}
	var r ExitReport
	var err error
	if r.All, err = Reasons(exits); err != nil {
		return ExitReport{}, err
	}
	group := func(key func(Exit) string) ([]GroupedReason, error) {
		m := map[string][]Exit{}
		for _, e := range exits {
			k := key(e)
			m[k] = append(m[k], e)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]GroupedReason, 0, len(keys))
		for _, k := range keys {
			t, err := Reasons(m[k])
			if err != nil {
				return nil, err
			}
			out = append(out, GroupedReason{Key: k, Table: t})
		}
		return out, nil
	}
	if r.Segments, err = group(func(e Exit) string {
		if strings.TrimSpace(e.Segment) == "" {
			return Unspecified
		}
		return strings.TrimSpace(e.Segment)
	}); err != nil {
		return ExitReport{}, err
	}
	r.Periods, err = group(func(e Exit) string { return period(e.Time) })
	return r, err
}
