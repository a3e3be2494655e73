package fidelis

import (
	"fmt"
	"strings"
	"time"
)

// Grain is a calendar granularity for periods. Periods are numbered by an integer index that both
// Go and the stores compute the same way (see Index), so that SQL can group by it and Go can label it.
type Grain string

// The grains. Weeks start on Monday (ISO 8601).
const (
	Day     Grain = "day"
	Week    Grain = "week"
	Month   Grain = "month"
	Quarter Grain = "quarter"
	Year    Grain = "year"
)

// ParseGrain returns the grain named s.
func ParseGrain(s string) (Grain, error) {
	switch g := Grain(strings.ToLower(strings.TrimSpace(s))); g {
	case Day, Week, Month, Quarter, Year:
		return g, nil
	}
	return "", Errorf(EInvalid, "unknown grain %q", s).WithHint("--grain day|week|month|quarter|year")
}

// epochMonday is the Monday on or before 1970-01-01 (a Thursday), the origin of week indices.
var epochMonday = time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC)

// Index returns the period index of t (taken in UTC):
//
//	day:     days since 1970-01-01
//	week:    weeks since Monday 1969-12-29, i.e. floor((days + 3) / 7)
//	month:   year·12 + month − 1
//	quarter: year·4 + (month − 1)/3
//	year:    year
func (g Grain) Index(t time.Time) int64 {
	t = t.UTC()
	y, m := int64(t.Year()), int64(t.Month())
	switch g {
	case Day:
		return floorDiv(t.Unix(), 86400)
	case Week:
		return floorDiv(floorDiv(t.Unix(), 86400)+3, 7)
	case Quarter:
		return y*4 + (m-1)/3
	case Year:
		return y
	}
	return y*12 + m - 1
}

// Start returns the first instant of period i.
func (g Grain) Start(i int64) time.Time {
	switch g {
	case Day:
		return time.Unix(i*86400, 0).UTC()
	case Week:
		return epochMonday.AddDate(0, 0, int(i*7))
	case Quarter:
		return time.Date(int(floorDiv(i, 4)), time.Month(i-4*floorDiv(i, 4))*3+1, 1, 0, 0, 0, 0, time.UTC)
	case Year:
		return time.Date(int(i), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(int(floorDiv(i, 12)), time.Month(i-12*floorDiv(i, 12))+1, 1, 0, 0, 0, 0, time.UTC)
}

// Label names period i for people: 2024-03-05, 2024-W05, 2024-03, 2024-Q1, 2024.
func (g Grain) Label(i int64) string {
	s := g.Start(i)
	switch g {
	case Day:
		return s.Format("2006-01-02")
	case Week:
		y, w := s.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case Quarter:
		return fmt.Sprintf("%d-Q%d", s.Year(), (int(s.Month())-1)/3+1)
	case Year:
		return s.Format("2006")
	}
	return s.Format("2006-01")
}

// Days returns the approximate length of one period in days (for converting day windows).
func (g Grain) Days() float64 {
	return map[Grain]float64{Day: 1, Week: 7, Month: 30.4375, Quarter: 91.3125, Year: 365.25}[g]
}

// DefaultWindow is the activity window, in periods of g, used when none is given: about 90 days
// (a purchase in the last quarter makes a customer active), never less than one period. Ninety days
// is the usual e-commerce convention for "active customer"; state it wherever a rate depends on it.
func (g Grain) DefaultWindow() int {
	w := int(90/g.Days() + 0.5)
	if w < 1 {
		w = 1
	}
	return w
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// MaxPeriods bounds the periods one analysis may span. Per-period tables grow with the periods and
// the cohort matrix with their square: about 105 bytes per cohort cell, so 1,500 periods cost
// about 120 MB at most, while a day grain over 85,000 days (one typo dated 2204) wanted 22.9 GB.
// 1,500 periods are about 4 years of days, 29 years of weeks and 125 years of months.
const MaxPeriods = 1500

// CheckPeriods refuses, before any table is built, an analysis of the data spanning first..last
// (narrowed to the window [from, to) where given) that would exceed MaxPeriods periods of g.
func CheckPeriods(g Grain, first, last, from, to time.Time) error {
	if first.IsZero() || last.IsZero() {
		return nil
	}
	if !from.IsZero() && from.After(first) {
		first = from
	}
	if !to.IsZero() && to.Before(last) {
		last = to.Add(-time.Nanosecond)
	}
	n := g.Index(last) - g.Index(first) + 1
	if n <= MaxPeriods {
		return nil
	}
	coarser := map[Grain]Grain{Day: Week, Week: Month, Month: Quarter, Quarter: Year}[g]
	hint := "--from/--to to narrow the window"
	if coarser != "" {
		hint = "--grain " + string(coarser) + ", or " + hint
	}
	return Errorf(EInvalid, "%s to %s is %d %ss, more than the %d periods one analysis may span (its tables grow with the square of the periods)",
		first.Format("2006-01-02"), last.Format("2006-01-02"), n, g, MaxPeriods).WithHint("%s; check the data for implausible dates", hint)
}
