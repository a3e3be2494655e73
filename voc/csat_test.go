package voc_test

import (
	"encoding/json"
	"strings"
	"testing"

	"fidelis/voc"
)

func TestParseScale(t *testing.T) {
	for in, want := range map[string]voc.Scale{
		"1-5": voc.Scale1to5, "1–7": voc.Scale1to7, " 1 - 10 ": voc.Scale1to10, "0–10": voc.Scale0to10,
		"1-3": voc.Scale1to3, "1 to 5": voc.Scale1to5,
	} {
		got, err := voc.ParseScale(in)
		if err != nil || got != want {
			t.Errorf("ParseScale(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "1-4", "5-1", "one-five", "1-"} {
		if _, err := voc.ParseScale(bad); err == nil {
			t.Errorf("ParseScale(%q) accepted", bad)
		}
	}
}

func TestCSATTopBoxes(t *testing.T) {
	for _, c := range []struct {
		s      voc.Scale
		lo, hi int
	}{{voc.Scale1to3, 3, 3}, {voc.Scale1to5, 4, 5}, {voc.Scale1to7, 5, 7}, {voc.Scale1to10, 8, 10}, {voc.Scale0to10, 8, 10}} {
		lo, hi, err := voc.CSATTopBox(c.s)
		if err != nil || lo != c.lo || hi != c.hi {
			t.Errorf("%v: %d–%d, %v", c.s, lo, hi, err)
		}
	}
}

func TestCSATWorked(t *testing.T) {
	// 1–5 scale, answers 1×2, 2×3, 3×5, 4×6, 5×4: n = 20, top box 4–5 = 10 → CSAT 50.
	// Wilson(10, 20): centre 0.5, half 1.959964·sqrt(0.0125 + 0.0024009)/1.1920729 = 0.200702
	//   → 0.299298 .. 0.700702.
	// Mean: Σx = 2+6+15+24+20 = 67 → 3.35; Σx² = 2+12+45+96+100 = 255;
	//   s² = (255 − 20·3.35²)/19 = 30.55/19 = 1.607895; SE = sqrt(1.607895/20) = 0.283540;
	//   t(0.975; 19) = 2.093024 (any t table); half = 0.593455 → 2.756545 .. 3.943455.
	r, err := voc.CSATMap(voc.Scale1to5, map[int]int64{1: 2, 2: 3, 3: 5, 4: 6, 5: 4})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "score", r.Score, 50, 1e-12)
	near(t, "low", r.Share.Low, 0.299298, 1e-6)
	near(t, "high", r.Share.High, 0.700702, 1e-6)
	near(t, "mean", r.Mean.Value, 3.35, 1e-12)
	near(t, "mean SE", r.Mean.SE, 0.283540, 1e-6)
	near(t, "mean low", r.Mean.Low, 2.756545, 1e-5)
	near(t, "mean high", r.Mean.High, 3.943455, 1e-5)
	if len(r.TopBox) != 2 || r.TopBox[0] != 4 || r.TopBox[1] != 5 || !r.Small {
		t.Errorf("top box %v small %v", r.TopBox, r.Small)
	}
	if _, err := voc.CSAT(voc.Scale1to5, []float64{3, 6}); err == nil {
		t.Error("score 6 on a 1–5 scale accepted")
	}
	if _, err := voc.CSAT(voc.Scale1to5, []float64{3, 4.5}); err == nil {
		t.Error("score 4.5 accepted")
	}
}

func TestCSATByScaleNeverMixes(t *testing.T) {
	// 1–5: 5, 4, 2 → 2/3 satisfied; 1–10 (written with an en dash and without): 8, 7, 10, 9 → 3/4;
	// 1–3: 3, 2 → 1/2. One result per scale, ordered 1–3, 1–5, 1–10.
	rs := []voc.Response{{"1-5", 5}, {"1-10", 8}, {"1–5", 4}, {"1–10", 7}, {"1-5", 2}, {"1-10", 10},
		{"1-3", 3}, {"1-10", 9}, {"1-3", 2}}
	got, err := voc.CSATByScale(rs)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		s    voc.Scale
		k, n int64
	}{{voc.Scale1to3, 1, 2}, {voc.Scale1to5, 2, 3}, {voc.Scale1to10, 3, 4}}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Scale != w.s || got[i].Share.K != w.k || got[i].N != w.n {
			t.Errorf("result %d: %v %d/%d, want %v %d/%d", i, got[i].Scale, got[i].Share.K, got[i].N, w.s, w.k, w.n)
		}
	}
	if _, err := voc.CSATByScale([]voc.Response{{"1-4", 3}}); err == nil {
		t.Error("unknown scale accepted")
	}
}

func TestCES(t *testing.T) {
	// 1–7: answers 7, 6, 5, 4, 2 → easy (5–7) = 3/5; mean 24/5 = 4.8;
	// s² = (49+36+25+16+4 − 5·4.8²)/4 = (130 − 115.2)/4 = 3.7; SE = sqrt(3.7/5) = 0.860233;
	// t(0.975; 4) = 2.776445 → 4.8 ± 2.388388.
	r, err := voc.CES(voc.Scale1to7, []float64{7, 6, 5, 4, 2})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "easy", r.Share.Value, 0.6, 1e-12)
	near(t, "mean", r.Mean.Value, 4.8, 1e-12)
	near(t, "mean low", r.Mean.Low, 4.8-2.388388, 1e-5)
	// 1–5 variant: easy = 4–5. Results per scale, never pooled.
	rs, err := voc.CESByScale([]voc.Response{{"1-7", 6}, {"1-5", 4}, {"1-5", 3}})
	if err != nil || len(rs) != 2 || rs[0].Scale != voc.Scale1to5 || rs[0].Share.K != 1 || rs[1].Share.K != 1 {
		t.Errorf("CESByScale: %+v, %v", rs, err)
	}
	if _, err := voc.CES(voc.Scale1to10, []float64{5}); err == nil {
		t.Error("CES on 1–10 accepted")
	}
}

func TestEmptyScaleResultJSON(t *testing.T) {
	// No answers: NaN share and mean, flagged small, and JSON with nulls rather than an error.
	r, err := voc.CESMap(voc.Scale1to7, map[int]int64{})
	if err != nil || !r.Small || r.N != 0 {
		t.Fatal(r, err)
	}
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"value":null`) || !strings.Contains(string(b), `"scale":"1-7"`) {
		t.Errorf("JSON %s, %v", b, err)
	}
}
