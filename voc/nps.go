package voc

import (
	"fmt"
	"math"

	"fidelis"
	"fidelis/metric"
)

// NPSCounts holds the number of answers of each score 0..10 to the 0–10 "how likely are you to
// recommend" question: NPSCounts[s] answers of score s.
type NPSCounts [11]int64

// NPS classes of a 0–10 answer (Reichheld 2003, "The One Number You Need to Grow", HBR 81(12)).
const (
	Detractor = -1 // 0–6
	Passive   = 0  // 7–8
	Promoter  = 1  // 9–10
)

// NPSClass returns Promoter (9–10), Passive (7–8) or Detractor (0–6) for an integer score s in
// 0..10, and an error for anything else (non-integers, NaN, out of range).
func NPSClass(s float64) (int, error) {
	if math.IsNaN(s) || s != math.Trunc(s) || s < 0 || s > 10 {
		return 0, fidelis.Errorf(fidelis.EInvalid, "NPS score %v is not an integer in 0..10", s)
	}
	switch {
	case s >= 9:
		return Promoter, nil
	case s >= 7:
		return Passive, nil
	}
	return Detractor, nil
}

// NPSCountsFromScores tallies raw 0–10 answers. A score outside 0..10 or not a whole number is an
// error naming its index: bad answers are rejected, never dropped.
func NPSCountsFromScores(scores []float64) (NPSCounts, error) {
	var c NPSCounts
	for i, s := range scores {
		if _, err := NPSClass(s); err != nil {
			return NPSCounts{}, fmt.Errorf("answer %d: %w", i, err)
		}
		c[int(s)]++
	}
	return c, nil
}

// NPSCountsFromMap converts a score → count map (the shape a GROUP BY score returns). A key
// outside 0..10 or a negative count is an error.
func NPSCountsFromMap(m map[int]int64) (NPSCounts, error) {
	var c NPSCounts
	for s, k := range m {
		if s < 0 || s > 10 {
			return NPSCounts{}, fidelis.Errorf(fidelis.EInvalid, "NPS score %d outside 0..10 (%d answers)", s, k)
		}
		if k < 0 {
			return NPSCounts{}, fidelis.Errorf(fidelis.EInvalid, "negative count %d for NPS score %d", k, s)
		}
		c[s] += k
	}
	return c, nil
}

// N returns the number of answers.
func (c NPSCounts) N() int64 {
	var n int64
	for _, k := range c {
		n += k
	}
	return n
}

// Classes returns the numbers of promoters (9–10), passives (7–8) and detractors (0–6).
func (c NPSCounts) Classes() (promoters, passives, detractors int64) {
	for s, k := range c {
		switch {
		case s >= 9:
			promoters += k
		case s >= 7:
			passives += k
		default:
			detractors += k
		}
	}
	return
}

// MethodAdjustedWald names the NPS interval of Rocks (2016).
const MethodAdjustedWald = "adjusted Wald (Rocks 2016)"

// NPSResult is a Net Promoter Score with its parts. Score is on the −100..100 scale:
//
//	NPS = 100 · (P − D)/n
//
// with P promoters (9–10), D detractors (0–6) and n all answers, passives (7–8) included (Reichheld
// 2003, HBR 81(12)). Score.Low and Score.High are the 95% adjusted-Wald interval (see NPSWithZ),
// Score.SE its standard error in points, and Adjusted the centre NPS'·100 of that interval (which
// differs slightly from the score). Shares are fractions with Wilson intervals.
type NPSResult struct {
	N          int64     `json:"n"`
	Counts     NPSCounts `json:"counts"`
	Promoters  Share     `json:"promoters"`
	Passives   Share     `json:"passives"`
	Detractors Share     `json:"detractors"`
	Score      Estimate  `json:"score"`
	Adjusted   float64   `json:"adjusted"`
	Margin     float64   `json:"margin"` // half-width of the interval, points
	Small      bool      `json:"small_sample"`
}

// MarshalJSON writes NaN values (n = 0) as null.
func (r NPSResult) MarshalJSON() ([]byte, error) {
	type plain NPSResult
	return marshalNaN(plain(r))
}

// NPS returns the score and its 95% adjusted-Wald interval; see NPSWithZ.
func NPS(c NPSCounts) (NPSResult, error) { return NPSWithZ(c, metric.Z95) }

// NPSWithZ returns the Net Promoter Score of c with an adjusted-Wald interval at normal quantile z
// (Rocks 2016, "Interval Estimation for the 'Net Promoter Score'", The American Statistician
// 70(4)):
//
//	n' = n + 3,  p' = (P + 3/4)/n',  d' = (D + 3/4)/n',  NPS' = p' − d',
//	SE = sqrt((p' + d' − NPS'²)/n'),  interval = 100·(NPS' ± z·SE), clipped to [−100, 100].
//
// The pseudo-counts keep the interval sensible at the extremes (all promoters, n small). With no
// answers the score and interval are NaN and Small is set. Negative counts are an error.
func NPSWithZ(c NPSCounts, z float64) (NPSResult, error) {
	for s, k := range c {
		if k < 0 {
			return NPSResult{}, fidelis.Errorf(fidelis.EInvalid, "negative count %d for NPS score %d", k, s)
		}
	}
	n := c.N()
	p, pa, d := c.Classes()
	r := NPSResult{N: n, Counts: c, Promoters: NewShare(p, n), Passives: NewShare(pa, n),
		Detractors: NewShare(d, n), Small: n < metric.SmallSample}
	r.Score = Estimate{Value: math.NaN(), N: n, Method: MethodAdjustedWald, Small: r.Small}
	if n > 0 {
		r.Score.Value = 100 * float64(p-d) / float64(n)
	}
	adj, se := adjustedWald(p, d, n)
	r.Adjusted = 100 * adj
	r.Score.SE = 100 * se
	r.Margin = 100 * z * se
	r.Score.Low = math.Max(-100, r.Adjusted-r.Margin)
	r.Score.High = math.Min(100, r.Adjusted+r.Margin)
	if n == 0 {
		r.Adjusted, r.Score.SE, r.Margin, r.Score.Low, r.Score.High = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	return r, nil
}

// adjustedWald returns NPS' and its standard error on the −1..1 scale (Rocks 2016).
func adjustedWald(p, d, n int64) (adj, se float64) {
	nn := float64(n) + 3
	pp := (float64(p) + 0.75) / nn
	dd := (float64(d) + 0.75) / nn
	adj = pp - dd
	return adj, math.Sqrt((pp + dd - adj*adj) / nn)
}

// NPSDiff is the difference A − B of two Net Promoter Scores, in points, with its test.
//
// Diff is the difference of the plain scores; AdjustedDiff = 100·(NPS'_A − NPS'_B) and
//
//	SE = sqrt(SE_A² + SE_B²),  z = (NPS'_A − NPS'_B)/SE,  p = 2·(1 − Φ(|z|)),
//
// with NPS' and SE from the adjusted-Wald method (Rocks 2016, The American Statistician 70(4)).
// This respects that promoter and detractor shares come from one sample, which a naive
// two-proportion test does not. Low and High bound the difference: AdjustedDiff ± 1.96·SE.
// Significant is p < 0.05. The two samples must be independent (different respondents). When
// either sample is empty every number is NaN: there is nothing to compare.
type NPSDiff struct {
	A            float64 `json:"a"`
	B            float64 `json:"b"`
	Diff         float64 `json:"diff"`
	AdjustedDiff float64 `json:"adjusted_diff"`
	Low          float64 `json:"low"`
	High         float64 `json:"high"`
	SE           float64 `json:"se"`
	Z            float64 `json:"z"`
	P            float64 `json:"p"`
	NA           int64   `json:"n_a"`
	NB           int64   `json:"n_b"`
	Significant  bool    `json:"significant"`
	Small        bool    `json:"small_sample"`
}

// MarshalJSON writes NaN values as null.
func (d NPSDiff) MarshalJSON() ([]byte, error) {
	type plain NPSDiff
	return marshalNaN(plain(d))
}

// CompareNPS tests whether two independent NPS samples differ; see NPSDiff.
func CompareNPS(a, b NPSCounts) NPSDiff {
	pa, _, da := a.Classes()
	pb, _, db := b.Classes()
	na, nb := a.N(), b.N()
	adjA, seA := adjustedWald(pa, da, na)
	adjB, seB := adjustedWald(pb, db, nb)
	nan := math.NaN()
	r := NPSDiff{A: nan, B: nan, Diff: nan, AdjustedDiff: nan, Low: nan, High: nan, SE: nan, Z: nan, P: nan, NA: na, NB: nb,
		Small: na < metric.SmallSample || nb < metric.SmallSample}
	if na == 0 || nb == 0 {
		// Nothing to compare with: the adjusted-Wald terms would still give numbers (from the
		// ¾ pseudo-counts alone), an interval and a p-value about no data.
		return r
	}
	if na > 0 {
		r.A = 100 * float64(pa-da) / float64(na)
	}
	if nb > 0 {
		r.B = 100 * float64(pb-db) / float64(nb)
	}
	r.Diff = r.A - r.B
	se := math.Sqrt(seA*seA + seB*seB)
	r.AdjustedDiff = 100 * (adjA - adjB)
	r.SE = 100 * se
	r.Z = (adjA - adjB) / se
	r.P = TwoSidedP(r.Z)
	r.Low, r.High = r.AdjustedDiff-metric.Z95*r.SE, r.AdjustedDiff+metric.Z95*r.SE
	r.Significant = r.P < 0.05
	return r
}

// NPSSampleSize returns the number of answers n for which the 95% adjusted-Wald interval has a
// half-width of at most margin points, given planning shares of promoters and detractors
// (fractions; pass 0.5, 0.5 for the worst case). From the formula in NPSWithZ:
//
//	v = p + d − (p − d)²,  n + 3 ≥ z²·v/(margin/100)²,  n = ⌈z²·v/(margin/100)²⌉ − 3 (at least 1).
//
// The worst case v = 1 gives SE ≈ 1/√n: ±10 points needs n = 382 (385 without Rocks'
// adjustment), ±5 points n = 1534. A margin ≤ 0 or shares outside [0, 1] with p + d > 1 are an error.
func NPSSampleSize(margin, promoters, detractors float64) (int64, error) {
	if !(margin > 0) || promoters < 0 || detractors < 0 || promoters+detractors > 1 {
		return 0, fidelis.Errorf(fidelis.EInvalid, "NPS sample size: need margin > 0 and shares with p + d ≤ 1 (got %v, %v, %v)", margin, promoters, detractors)
	}
	v := promoters + detractors - (promoters-detractors)*(promoters-detractors)
	m := margin / 100
	n := int64(math.Ceil(metric.Z95*metric.Z95*v/(m*m)-1e-9)) - 3
	if n < 1 {
		n = 1
	}
	return n, nil
}
