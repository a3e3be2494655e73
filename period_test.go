package fidelis_test

import (
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
