package voc_test

import (
	"testing"

	"fidelis/voc"
)

// FuzzParseScale: no panic; an accepted scale is one of the supported ones and reads back from
// its canonical form.
func FuzzParseScale(f *testing.F) {
	for _, s := range []string{"1-5", "0–10", "1 to 7", "1..3", " 1 — 10 ", "-1-5", "5-1", "1-5-7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := voc.ParseScale(s)
		if err != nil {
			return
		}
		if sc.Points() < 3 || sc.Points() > 11 {
			t.Fatalf("%q → %v", s, sc)
		}
		back, err := voc.ParseScale(sc.String())
		if err != nil || back != sc {
			t.Fatalf("%q → %v → %q → %v %v", s, sc, sc.String(), back, err)
		}
	})
}
