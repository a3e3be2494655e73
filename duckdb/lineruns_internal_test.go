package duckdb

import "testing"

// TestLineRuns: positions map to the lines added, across runs broken by skipped lines, and
// positions never added map to 0.
func TestLineRuns(t *testing.T) {
	var l lineRuns
	lines := []int64{2, 3, 4, 7, 8, 10, 11, 12, 13, 20}
	for _, n := range lines {
		l.add(n)
	}
	if len(l.pos) != 4 {
		t.Errorf("%d runs, want 4 (2-4, 7-8, 10-13, 20)", len(l.pos))
	}
	for i, want := range lines {
		if got := l.at(int64(i)); got != want {
			t.Errorf("at(%d) = %d, want %d", i, got, want)
		}
	}
	for _, i := range []int64{-1, int64(len(lines)), 100} {
		if got := l.at(i); got != 0 {
			t.Errorf("at(%d) = %d, want 0", i, got)
		}
	}
	var empty lineRuns
	if got := empty.at(0); got != 0 {
		t.Errorf("empty at(0) = %d", got)
	}
}
