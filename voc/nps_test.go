package voc_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"fidelis"
	"fidelis/voc"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) != math.IsNaN(want) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.8g, want %.8g (±%g)", what, got, want, tol)
	}
}

// counts builds NPS counts with P promoters (all 10), pa passives (all 8), D detractors (all 3).
func counts(p, pa, d int64) voc.NPSCounts {
	var c voc.NPSCounts
	c[10], c[8], c[3] = p, pa, d
	return c
}

func TestNPSWorkedExample(t *testing.T) {
	// P = 40, passives = 30, D = 30, n = 100.
	// NPS = 100·(40 − 30)/100 = 10.
	// Adjusted Wald (Rocks 2016): n' = 103,
	//   p' = 40.75/103 = 0.395631068,  d' = 30.75/103 = 0.298543689,
	//   NPS' = 10/103 = 0.097087379,
	//   p' + d' − NPS'² = 0.694174757 − 0.009425959 = 0.684748798,
	//   SE = sqrt(0.684748798/103) = sqrt(0.006648047) = 0.081535554,
	//   z·SE = 1.959963985 × 0.081535554 = 0.159806750,
	//   interval = 100·(0.097087379 ± 0.159806750) = −6.271937 .. 25.689413.
	r, err := voc.NPS(counts(40, 30, 30))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "score", r.Score.Value, 10, 1e-12)
	near(t, "adjusted", r.Adjusted, 9.7087379, 1e-6)
	near(t, "SE (points)", r.Score.SE, 8.1535554, 1e-6)
	near(t, "low", r.Score.Low, -6.271937, 1e-5)
	near(t, "high", r.Score.High, 25.689413, 1e-5)
	near(t, "margin", r.Margin, 15.980675, 1e-5)
	if r.N != 100 || r.Promoters.K != 40 || r.Passives.K != 30 || r.Detractors.K != 30 || r.Small {
		t.Errorf("parts: %+v", r)
	}
	// Promoter share 40/100 with its Wilson interval: z²/n = 0.0384146,
	// centre (0.4 + 0.0192073)/1.0384146 = 0.403699,
	// half 1.959964·sqrt(0.0024 + 0.0000960365)/1.0384146 = 0.094298 → 0.309401 .. 0.497997.
	near(t, "promoters low", r.Promoters.Low, 0.309401, 1e-5)
	near(t, "promoters high", r.Promoters.High, 0.497997, 1e-5)
}

func TestNPSClippedAndSmall(t *testing.T) {
	// Ten promoters: n' = 13, p' = 10.75/13, d' = 0.75/13, NPS' = 10/13 = 0.769231,
	// SE = sqrt((11.5/13 − (10/13)²)/13) = sqrt(0.292899/13) = 0.150102,
	// interval 100·(0.769231 ± 1.959964·0.150102) = 47.5036 .. 106.34 → clipped to 100.
	r, _ := voc.NPS(counts(10, 0, 0))
	near(t, "score", r.Score.Value, 100, 0)
	near(t, "low", r.Score.Low, 47.503552, 1e-5)
	near(t, "high", r.Score.High, 100, 0)
	if !r.Small || !r.Score.Small {
		t.Error("n = 10 should be flagged small")
	}
	// No answers: NaN, flagged, and still valid JSON (null).
	e, _ := voc.NPS(voc.NPSCounts{})
	if !math.IsNaN(e.Score.Value) || !e.Small {
		t.Errorf("empty: %+v", e)
	}
	b, err := json.Marshal(e)
	if err != nil || !strings.Contains(string(b), `"adjusted":null`) {
		t.Errorf("empty JSON: %s, %v", b, err)
	}
}

func TestNPSRejectsBadScores(t *testing.T) {
	for _, s := range [][]float64{{5, 11}, {-1}, {7.5}, {math.NaN()}} {
		if _, err := voc.NPSCountsFromScores(s); fidelis.ErrorCode(err) != fidelis.EInvalid {
			t.Errorf("%v: err = %v, want invalid", s, err)
		}
	}
	if _, err := voc.NPSCountsFromMap(map[int]int64{11: 3}); err == nil {
		t.Error("score 11 accepted")
	}
	c, err := voc.NPSCountsFromScores([]float64{0, 6, 7, 8, 9, 10, 10})
	if err != nil {
		t.Fatal(err)
	}
	p, pa, d := c.Classes()
	if p != 3 || pa != 2 || d != 2 {
		t.Errorf("classes %d %d %d, want 3 2 2", p, pa, d)
	}
}

func TestCompareNPS(t *testing.T) {
	// A: P40/pa30/D30 (NPS' = 10/103, SE = 0.0815356, from the worked example).
	// B: P30/pa30/D40, the mirror image: NPS' = −10/103, same SE.
	// SE_diff = sqrt(2)·0.0815356 = 0.1153087; z = (20/103)/0.1153087 = 1.683956;
	// p = 2·(1 − Φ(1.683956)) = 0.092190: not significant at 5%.
	d := voc.CompareNPS(counts(40, 30, 30), counts(30, 30, 40))
	near(t, "diff", d.Diff, 20, 1e-12)
	near(t, "adjusted diff", d.AdjustedDiff, 19.417476, 1e-5)
	near(t, "z", d.Z, 1.683956, 1e-5)
	near(t, "p", d.P, 0.092190, 1e-5)
	if d.Significant {
		t.Error("should not be significant")
	}
	// Ten times the sample: SE shrinks by about √10 and the same 20-point gap is significant.
	d = voc.CompareNPS(counts(400, 300, 300), counts(300, 300, 400))
	if !d.Significant || d.P > 1e-6 {
		t.Errorf("n = 1000 each: p = %g", d.P)
	}
}

func TestCompareNPSWithAnEmptySample(t *testing.T) {
	// "Difference from the rest" when there is no rest: no number, no interval, no p-value (the
	// ¾ pseudo-counts of the adjusted-Wald method would otherwise invent an interval and p = 0.816).
	for _, d := range []voc.NPSDiff{voc.CompareNPS(counts(40, 30, 30), counts(0, 0, 0)), voc.CompareNPS(counts(0, 0, 0), counts(4, 3, 3))} {
		for name, v := range map[string]float64{"diff": d.Diff, "adjusted": d.AdjustedDiff, "low": d.Low, "high": d.High, "se": d.SE, "z": d.Z, "p": d.P} {
			if !math.IsNaN(v) {
				t.Errorf("%s = %v, want NaN", name, v)
			}
		}
		if d.Significant {
			t.Error("significant against nothing")
		}
	}
}

func TestNPSSampleSize(t *testing.T) {
	// Worst case p = d = 0.5: v = 1; 1.959964²/0.1² = 384.146 → 385 − 3 = 382.
	// ±5 points: 1536.584 → 1537 − 3 = 1534.
	// P = 0.6, D = 0.1: v = 0.7 − 0.25 = 0.45; 3.841459·0.45/0.01 = 172.87 → 173 − 3 = 170.
	for _, c := range []struct {
		m, p, d float64
		want    int64
	}{{10, .5, .5, 382}, {5, .5, .5, 1534}, {10, .6, .1, 170}} {
		n, err := voc.NPSSampleSize(c.m, c.p, c.d)
		if err != nil || n != c.want {
			t.Errorf("NPSSampleSize(%v, %v, %v) = %d, %v; want %d", c.m, c.p, c.d, n, err, c.want)
		}
	}
	if _, err := voc.NPSSampleSize(0, .5, .5); err == nil {
		t.Error("margin 0 accepted")
	}
}
