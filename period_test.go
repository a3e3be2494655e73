package fidelis_test

import (
	"strings"
	"testing"
	"time"

	"fidelis"
)

func TestGrainIndexRoundTrip(t *testing.T) {
	days := []time.Time{
		time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC),
		time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC), // ISO week 2025-W01
	}
	for _, g := range []fidelis.Grain{fidelis.Day, fidelis.Week, fidelis.Month, fidelis.Quarter, fidelis.Year} {
		for _, d := range days {
			i := g.Index(d)
			s := g.Start(i)
			if s.After(d) || !g.Start(i+1).After(d) || g.Index(s) != i {
				t.Errorf("%s: %v → %d starts %v, next %v", g, d, i, s, g.Start(i+1))
			}
		}
	}
	// Hand-checked labels.
	d := days[3]
	want := map[fidelis.Grain]string{fidelis.Day: "2024-12-30", fidelis.Week: "2025-W01", fidelis.Month: "2024-12", fidelis.Quarter: "2024-Q4", fidelis.Year: "2024"}
	for g, w := range want {
		if got := g.Label(g.Index(d)); got != w {
			t.Errorf("%s label %q, want %q", g, got, w)
		}
	}
	if fidelis.Week.Start(fidelis.Week.Index(d)).Weekday() != time.Monday {
		t.Error("weeks must start on Monday")
	}
	if w := fidelis.Month.DefaultWindow(); w != 3 {
		t.Errorf("month window %d, want 3", w)
	}
}

// A day grain over a span with one typo (an order dated 2204) is refused before any table is
// built, with the way out (184 years with 44 leap days: 67,204 days apart, 67,205 periods); the same span by year is fine, and a window narrows the span.
func TestCheckPeriods(t *testing.T) {
	first, typo := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2204, 1, 1, 0, 0, 0, 0, time.UTC)
	err := fidelis.CheckPeriods(fidelis.Day, first, typo, time.Time{}, time.Time{})
	if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), "2020-01-01 to 2204-01-01 is 67205 days, more than the 1500 periods") ||
		!strings.Contains(fidelis.ErrorHint(err), "--grain week") {
		t.Errorf("day grain: %v (hint %q)", err, fidelis.ErrorHint(err))
	}
	if err := fidelis.CheckPeriods(fidelis.Year, first, typo, time.Time{}, time.Time{}); err != nil {
		t.Errorf("year grain: %v", err)
	}
	if err := fidelis.CheckPeriods(fidelis.Day, first, typo, time.Time{}, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("narrowed by --to: %v", err)
	}
	// 1,500 days exactly is allowed, 1,501 is not.
	last := first.AddDate(0, 0, 1499)
	if err := fidelis.CheckPeriods(fidelis.Day, first, last, time.Time{}, time.Time{}); err != nil {
		t.Errorf("1500 days: %v", err)
	}
	if err := fidelis.CheckPeriods(fidelis.Day, first, last.AddDate(0, 0, 1), time.Time{}, time.Time{}); err == nil {
		t.Error("1501 days accepted")
	}
}
