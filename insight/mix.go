package insight

import (
	"fidelis"

	"math"
	"sort"
)

// Cell is one segment's count of successes K out of N in one period (e.g. customers retained out
// of customers active at the start).
type Cell struct {
	Segment string
	K, N    int64
}

// MixSegment is one segment's rates and shares of the base in the two periods.
type MixSegment struct {
	Segment     string  `json:"segment"`
	RateBefore  float64 `json:"rate_before"`
	RateAfter   float64 `json:"rate_after"`
	ShareBefore float64 `json:"share_before"`
	ShareAfter  float64 `json:"share_after"`
}

// Mix is the decomposition of the change of a pooled rate between two periods (fractions, not
// percent). Change = RateEffect + MixEffect exactly.
type Mix struct {
	Metric       string       `json:"metric"`
	By           string       `json:"by"`
	From         string       `json:"from"`
	To           string       `json:"to"`
	PooledBefore float64      `json:"pooled_before"`
	PooledAfter  float64      `json:"pooled_after"`
	Change       float64      `json:"change"`
	RateEffect   float64      `json:"rate_effect"`
	MixEffect    float64      `json:"mix_effect"`
	Segments     []MixSegment `json:"segments"`
	// MixExplains is set when the mix effect is larger than the rate effect and points the same
	// way as the change; Paradox when the pooled rate moves against every segment's rate.
	MixExplains bool   `json:"mix_explains"`
	Paradox     bool   `json:"paradox"`
	Warning     string `json:"warning,omitempty"`
	// WarningMsg is Warning as a message, for translated reports.
	WarningMsg fidelis.Msg `json:"-"`
}

// Decompose splits the change of the pooled rate Σ w_i r_i from before to after into a rate
// (within-segment) effect and a mix effect with Kitagawa's symmetric decomposition (Kitagawa 1955,
// "Components of a difference between two rates", JASA 50(272)):
//
//	Δ = Σ w̄_i (r_i¹ − r_i⁰)  +  Σ r̄_i (w_i¹ − w_i⁰),   w̄ = (w⁰ + w¹)/2,  r̄ = (r⁰ + r¹)/2,
//
// with w the segment's share of the base and r its rate. A segment present in one period only
// has its rate held constant across both (so it contributes to the mix effect alone).
func Decompose(before, after []Cell) Mix {
	type pair struct{ b, a Cell }
	ps := map[string]*pair{}
	var nb, na, kb, ka int64
	for _, c := range before {
		if ps[c.Segment] == nil {
			ps[c.Segment] = &pair{}
		}
		ps[c.Segment].b.K += c.K
		ps[c.Segment].b.N += c.N
		nb += c.N
		kb += c.K
	}
	for _, c := range after {
		if ps[c.Segment] == nil {
			ps[c.Segment] = &pair{}
		}
		ps[c.Segment].a.K += c.K
		ps[c.Segment].a.N += c.N
		na += c.N
		ka += c.K
	}
	m := Mix{PooledBefore: ratio(kb, nb), PooledAfter: ratio(ka, na)}
	m.Change = m.PooledAfter - m.PooledBefore
	names := make([]string, 0, len(ps))
	for s := range ps {
		names = append(names, s)
	}
	sort.Strings(names)
	ups, downs := 0, 0
	for _, s := range names {
		p := ps[s]
		r0, r1 := ratio(p.b.K, p.b.N), ratio(p.a.K, p.a.N)
		w0, w1 := 0.0, 0.0
		if nb > 0 {
			w0 = float64(p.b.N) / float64(nb)
		}
		if na > 0 {
			w1 = float64(p.a.N) / float64(na)
		}
		m.Segments = append(m.Segments, MixSegment{Segment: s, RateBefore: r0, RateAfter: r1, ShareBefore: w0, ShareAfter: w1})
		if math.IsNaN(r0) {
			r0 = r1
		}
		if math.IsNaN(r1) {
			r1 = r0
		}
		if math.IsNaN(r0) {
			continue
		}
		m.RateEffect += (w0 + w1) / 2 * (r1 - r0)
		m.MixEffect += (r0 + r1) / 2 * (w1 - w0)
		if p.b.N > 0 && p.a.N > 0 {
			switch {
			case r1 > r0:
				ups++
			case r1 < r0:
				downs++
			}
		}
	}
	const eps = 1e-12
	if math.Abs(m.Change) > eps {
		m.MixExplains = math.Abs(m.MixEffect) > math.Abs(m.RateEffect) && m.MixEffect*m.Change > 0
		m.Paradox = (m.Change < 0 && ups > 0 && downs == 0) || (m.Change > 0 && downs > 0 && ups == 0)
	}
	if m.Paradox || m.MixExplains {
		key := mixWarnings[[2]bool{m.Change < 0, m.Paradox}]
		m.WarningMsg = fidelis.M(key, 100*m.Change, 100*m.RateEffect, 100*m.MixEffect)
		m.Warning = m.WarningMsg.String()
	}
	return m
}

func ratio(k, n int64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(k) / float64(n)
}

// mixWarnings are the composition warnings, by [pooled rate fell, Simpson's paradox].
var mixWarnings = map[[2]bool]string{
	{false, true}:  "the pooled rate rose by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: every segment's rate fell (Simpson's paradox), so the change is one of composition, not behaviour",
	{true, true}:   "the pooled rate fell by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: every segment's rate rose (Simpson's paradox), so the change is one of composition, not behaviour",
	{false, false}: "the pooled rate rose by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: the change is mostly one of composition, not behaviour",
	{true, false}:  "the pooled rate fell by %+.1f points, but the segment rates account for %+.1f points and the shift in segment mix for %+.1f: the change is mostly one of composition, not behaviour",
}
