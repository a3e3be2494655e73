package voc

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"fidelis"
	"fidelis/metric"
)

// Scale is an integer answer scale Min..Max, e.g. 1..5.
type Scale struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Supported scales. ParseScale accepts exactly these.
var (
	Scale1to3  = Scale{1, 3}
	Scale1to5  = Scale{1, 5}
	Scale1to7  = Scale{1, 7}
	Scale1to10 = Scale{1, 10}
	Scale0to10 = Scale{0, 10}
)

// String returns the scale as "min-max", the canonical form ParseScale reads.
func (s Scale) String() string { return fmt.Sprintf("%d-%d", s.Min, s.Max) }

// MarshalText writes the canonical "min-max" form, so a Scale can key a JSON object.
func (s Scale) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a scale with ParseScale, so only supported scales load.
func (s *Scale) UnmarshalText(b []byte) error {
	v, err := ParseScale(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Points returns the number of answer options, Max − Min + 1.
func (s Scale) Points() int { return s.Max - s.Min + 1 }

// ParseScale reads a scale written "1-5", "1–5" (en dash), "1—5" (em dash), "1 to 5" or "1..5",
// with optional spaces. Only 1-3, 1-5, 1-7, 1-10 and 0-10 are accepted; anything else is an error,
// so that answers on an unknown scale are never scored by a guess.
func ParseScale(s string) (Scale, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, sep := range []string{"–", "—", "..", " to ", "−"} {
		t = strings.ReplaceAll(t, sep, "-")
	}
	t = strings.ReplaceAll(t, " ", "")
	lo, hi, ok := strings.Cut(t, "-")
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if ok && err1 == nil && err2 == nil {
		sc := Scale{a, b}
		switch sc {
		case Scale1to3, Scale1to5, Scale1to7, Scale1to10, Scale0to10:
			return sc, nil
		}
	}
	return Scale{}, fidelis.Errorf(fidelis.EInvalid, "unsupported answer scale %q", s).
		WithHint("write the scale as one of 1-3, 1-5, 1-7, 1-10, 0-10")
}

// CSATTopBox returns the answers that count as "satisfied" on a scale, lo..hi inclusive:
//
//	1–3: 3;  1–5: 4–5;  1–7: 5–7;  1–10: 8–10;  0–10: 8–10.
//
// The first four are the usual top-box conventions (e.g. Qualtrics and SurveyMonkey CSAT guides;
// see METRICS.md). 0–10 has no settled convention; Fidelis counts 8–10 like the 1–10 scale, so the
// same labelled answers count on both.
func CSATTopBox(s Scale) (lo, hi int, err error) {
	switch s {
	case Scale1to3:
		return 3, 3, nil
	case Scale1to5:
		return 4, 5, nil
	case Scale1to7:
		return 5, 7, nil
	case Scale1to10, Scale0to10:
		return 8, 10, nil
	}
	return 0, 0, fidelis.Errorf(fidelis.EInvalid, "no CSAT top box for scale %s", s)
}

// Counts is a frequency table of answers on one scale: Counts[i] answers of value Scale.Min + i.
type Counts []int64

// countAnswers tallies scores on scale s, rejecting non-integers and values off the scale.
func countAnswers(s Scale, scores []float64) (Counts, error) {
	c := make(Counts, s.Points())
	for i, x := range scores {
		if math.IsNaN(x) || x != math.Trunc(x) || x < float64(s.Min) || x > float64(s.Max) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "answer %d: score %v is not an integer on scale %s", i, x, s)
		}
		c[int(x)-s.Min]++
	}
	return c, nil
}

// countsFromMap converts a score → count map, rejecting scores off the scale and negative counts.
func countsFromMap(s Scale, m map[int]int64) (Counts, error) {
	c := make(Counts, s.Points())
	for x, k := range m {
		if x < s.Min || x > s.Max {
			return nil, fidelis.Errorf(fidelis.EInvalid, "score %d is off scale %s (%d answers)", x, s, k)
		}
		if k < 0 {
			return nil, fidelis.Errorf(fidelis.EInvalid, "negative count %d for score %d", k, x)
		}
		c[x-s.Min] += k
	}
	return c, nil
}

// ScaleResult is a top-box share and mean on one scale; CSATResult and CESResult embed it.
//
// TopBox lists the answers that counted (e.g. [4 5] on 1–5). Share is the fraction of answers in
// the top box with its 95% Wilson interval (metric.NewProportion); Score is Share.Value × 100.
// Mean is the mean answer on the scale's own units with a 95% Student's t interval. Counts[i] is
// the number of answers of value Scale.Min + i.
type ScaleResult struct {
	Scale  Scale    `json:"scale"`
	N      int64    `json:"n"`
	Counts Counts   `json:"counts"`
	TopBox []int    `json:"top_box"`
	Share  Share    `json:"share"`
	Score  float64  `json:"score"`
	Mean   Estimate `json:"mean"`
	Small  bool     `json:"small_sample"`
	Note   string   `json:"note,omitempty"`
}

// MarshalJSON writes NaN values (no answers) as null.
func (r ScaleResult) MarshalJSON() ([]byte, error) {
	type plain ScaleResult
	return marshalNaN(plain(r))
}

func scaleResult(s Scale, c Counts, lo, hi int) ScaleResult {
	var n, k int64
	for i, x := range c {
		n += x
		if v := s.Min + i; v >= lo && v <= hi {
			k += x
		}
	}
	r := ScaleResult{Scale: s, N: n, Counts: c, Share: NewShare(k, n), Mean: meanOfCounts(s.Min, c),
		Small: n < metric.SmallSample}
	for v := lo; v <= hi; v++ {
		r.TopBox = append(r.TopBox, v)
	}
	r.Score = 100 * r.Share.Value
	return r
}

// CSATResult is a customer-satisfaction score on one scale: the top-box share (see CSATTopBox)
// × 100 with its Wilson interval, and the mean answer with a t interval. CSAT is a top-box share,
// not the ACSI (a 0–100 econometric index): the two are never comparable.
type CSATResult struct {
	ScaleResult
}

// CSAT scores raw answers on scale s; see CSATCounts.
func CSAT(s Scale, scores []float64) (CSATResult, error) {
	if _, _, err := CSATTopBox(s); err != nil {
		return CSATResult{}, err
	}
	c, err := countAnswers(s, scores)
	if err != nil {
		return CSATResult{}, err
	}
	return CSATCounts(s, c)
}

// CSATMap scores a score → count map on scale s; see CSATCounts.
func CSATMap(s Scale, m map[int]int64) (CSATResult, error) {
	if _, _, err := CSATTopBox(s); err != nil {
		return CSATResult{}, err
	}
	c, err := countsFromMap(s, m)
	if err != nil {
		return CSATResult{}, err
	}
	return CSATCounts(s, c)
}

// CSATCounts returns CSAT = 100 · (answers in the top box)/(all answers) on scale s, with the
// top box of CSATTopBox, a Wilson interval and the mean answer. c must have s.Points() entries.
func CSATCounts(s Scale, c Counts) (CSATResult, error) {
	lo, hi, err := CSATTopBox(s)
	if err != nil {
		return CSATResult{}, err
	}
	if err := checkCounts(s, c); err != nil {
		return CSATResult{}, err
	}
	r := scaleResult(s, c, lo, hi)
	r.Note = fmt.Sprintf("CSAT on a %s scale: share answering %d–%d; not comparable with other scales or with the ACSI", s, lo, hi)
	return CSATResult{r}, nil
}

func checkCounts(s Scale, c Counts) error {
	if len(c) != s.Points() {
		return fidelis.Errorf(fidelis.EInvalid, "%d counts for scale %s, want %d", len(c), s, s.Points())
	}
	for i, k := range c {
		if k < 0 {
			return fidelis.Errorf(fidelis.EInvalid, "negative count %d for score %d", k, s.Min+i)
		}
	}
	return nil
}

// Response is one survey answer with the scale it was asked on, as written in the data ("1-5",
// "1–7", ...).
type Response struct {
	Scale string  `json:"scale"`
	Score float64 `json:"score"`
}

// groupByScale parses each response's scale and tallies answers per scale, sorted by scale.
func groupByScale(rs []Response, ok func(Scale) error) ([]Scale, map[Scale]Counts, error) {
	m := map[Scale]Counts{}
	for i, r := range rs {
		s, err := ParseScale(r.Scale)
		if err != nil {
			return nil, nil, fmt.Errorf("response %d: %w", i, err)
		}
		if err := ok(s); err != nil {
			return nil, nil, fmt.Errorf("response %d: %w", i, err)
		}
		x := r.Score
		if math.IsNaN(x) || x != math.Trunc(x) || x < float64(s.Min) || x > float64(s.Max) {
			return nil, nil, fidelis.Errorf(fidelis.EInvalid, "response %d: score %v is not an integer on scale %s", i, x, s)
		}
		if m[s] == nil {
			m[s] = make(Counts, s.Points())
		}
		m[s][int(x)-s.Min]++
	}
	keys := make([]Scale, 0, len(m))
	for s := range m {
		keys = append(keys, s)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Max != keys[j].Max {
			return keys[i].Max < keys[j].Max
		}
		return keys[i].Min < keys[j].Min
	})
	return keys, m, nil
}

// CSATByScale groups responses by their scale and returns one CSATResult per scale, ordered by
// scale; answers on different scales are never mixed into one number. A response with an
// unsupported scale or an off-scale score is an error naming its index.
func CSATByScale(rs []Response) ([]CSATResult, error) {
	keys, m, err := groupByScale(rs, func(s Scale) error { _, _, err := CSATTopBox(s); return err })
	if err != nil {
		return nil, err
	}
	out := make([]CSATResult, 0, len(keys))
	for _, s := range keys {
		r, err := CSATCounts(s, m[s])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// CESEasy returns the answers that count as "easy" on a Customer Effort Score 2.0 scale: 5–7 on
// the 1–7 agreement scale ("The company made it easy for me to handle my issue", 1 = strongly
// disagree, 7 = strongly agree; Dixon, Toman & DeLisi 2013, The Effortless Experience), and 4–5 on
// the 1–5 variant. Other scales are an error.
func CESEasy(s Scale) (lo, hi int, err error) {
	switch s {
	case Scale1to7:
		return 5, 7, nil
	case Scale1to5:
		return 4, 5, nil
	}
	return 0, 0, fidelis.Errorf(fidelis.EInvalid, "CES 2.0 is asked on 1-7 (or 1-5), not %s", s)
}

// CESResult is a Customer Effort Score 2.0 on one scale: Mean (the headline CES, with a t
// interval) and Share, the fraction answering "easy" (see CESEasy) with its Wilson interval.
// Results on the 5- and 7-point scales are not comparable and are never pooled.
type CESResult struct {
	ScaleResult
}

// CES scores raw CES 2.0 answers on scale s (1-7 or 1-5); see CESCounts.
func CES(s Scale, scores []float64) (CESResult, error) {
	if _, _, err := CESEasy(s); err != nil {
		return CESResult{}, err
	}
	c, err := countAnswers(s, scores)
	if err != nil {
		return CESResult{}, err
	}
	return CESCounts(s, c)
}

// CESCounts returns the mean CES with a t interval and the share answering "easy" with a Wilson
// interval, from a frequency table on scale s.
func CESCounts(s Scale, c Counts) (CESResult, error) {
	lo, hi, err := CESEasy(s)
	if err != nil {
		return CESResult{}, err
	}
	if err := checkCounts(s, c); err != nil {
		return CESResult{}, err
	}
	r := scaleResult(s, c, lo, hi)
	r.Note = fmt.Sprintf("CES 2.0 on a %d-point scale (easy = %d–%d); 5- and 7-point results are not comparable", s.Points(), lo, hi)
	return CESResult{r}, nil
}

// CESByScale groups CES answers by scale (1-7 and 1-5 kept apart) and returns one result per
// scale. Any other scale, or an off-scale score, is an error naming the response.
func CESByScale(rs []Response) ([]CESResult, error) {
	keys, m, err := groupByScale(rs, func(s Scale) error { _, _, err := CESEasy(s); return err })
	if err != nil {
		return nil, err
	}
	out := make([]CESResult, 0, len(keys))
	for _, s := range keys {
		r, err := CESCounts(s, m[s])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// CESMap scores a score → count map of CES 2.0 answers on scale s (1-7 or 1-5); see CESCounts.
func CESMap(s Scale, m map[int]int64) (CESResult, error) {
	if _, _, err := CESEasy(s); err != nil {
		return CESResult{}, err
	}
	c, err := countsFromMap(s, m)
	if err != nil {
		return CESResult{}, err
	}
	return CESCounts(s, c)
}
