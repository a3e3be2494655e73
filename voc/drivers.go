package voc

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"fidelis"
	"fidelis/metric"
)

// Comment is one free-text answer: its text, language (selects stop words; "" = any of the four),
// the 0–10 likelihood-to-recommend Score given with it (nil when none), and when it was written.
type Comment struct {
	ID string `json:"id,omitempty"`
	// Customer is who wrote it ("" when anonymous); Themes counts detractors by it.
	Customer string    `json:"customer,omitempty"`
	Text     string    `json:"text"`
	Lang     Language  `json:"lang,omitempty"`
	Score    *float64  `json:"score,omitempty"`
	Time     time.Time `json:"time"`
}

// DriverOptions tunes Drivers. Zero values take the documented defaults.
type DriverOptions struct {
	Top      int     `json:"top"`       // terms per side; default 10
	Examples int     `json:"examples"`  // example comments per term; default 3
	MinCount int64   `json:"min_count"` // least pooled count for a term to be ranked; default 3
	Bigrams  bool    `json:"bigrams"`   // also rank bigrams (DefaultDriverOptions sets it)
	Alpha0   float64 `json:"alpha0"`    // prior size α₀; ≤ 0 means the pooled token count (default)
}

// DefaultDriverOptions returns Top 10, Examples 3, MinCount 3, Bigrams true, Alpha0 = pooled
// token count.
func DefaultDriverOptions() DriverOptions {
	return DriverOptions{Top: 10, Examples: 3, MinCount: 3, Bigrams: true}
}

// DriverTerm is a word or bigram that distinguishes one side. Z is the z-score in favour of this
// side (positive = over-represented here), Delta the log-odds ratio δ in this side's favour and SE
// its standard error σ. Count and OtherCount are the term's occurrences on each side, Docs and
// OtherDocs the number of comments containing it, and Examples a few comments from this side that
// contain it (the shortest first).
type DriverTerm struct {
	Term       string   `json:"term"`
	Bigram     bool     `json:"bigram"`
	Z          float64  `json:"z"`
	Delta      float64  `json:"delta"`
	SE         float64  `json:"se"`
	Count      int64    `json:"count"`
	OtherCount int64    `json:"other_count"`
	Docs       int      `json:"docs"`
	OtherDocs  int      `json:"other_docs"`
	Examples   []string `json:"examples"`
}

// DriverSide is one of the two groups compared: its label, number of comments, content tokens
// (unigrams) counted, and its top terms by z.
type DriverSide struct {
	Label    string       `json:"label"`
	Comments int          `json:"comments"`
	Tokens   int64        `json:"tokens"`
	Terms    []DriverTerm `json:"terms"`
}

// DriversResult holds the distinguishing terms of two groups of comments. Alpha0 and
// Alpha0Bigram are the prior sizes used for the unigram and bigram models. Small is set when
// either side has fewer than metric.SmallSample comments.
type DriversResult struct {
	A            DriverSide `json:"a"`
	B            DriverSide `json:"b"`
	Alpha0       float64    `json:"alpha0"`
	Alpha0Bigram float64    `json:"alpha0_bigram"`
	Method       string     `json:"method"`
	Small        bool       `json:"small_sample"`
}

// MethodLogOdds names the drivers method.
const MethodLogOdds = "weighted log-odds, informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)"

type termStats struct {
	count [2]int64
	docs  [2][]int // comment indices per side
}

// Drivers finds the words and phrases that distinguish comments a from comments b by the
// weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
// "Fightin' Words", Political Analysis 16(4), §3.5). For term w with counts y_wa, y_wb and side
// totals n_a, n_b:
//
//	δ_w = log((y_wa+α_w)/(n_a+α₀−y_wa−α_w)) − log((y_wb+α_w)/(n_b+α₀−y_wb−α_w)),
//	σ²_w ≈ 1/(y_wa+α_w) + 1/(y_wb+α_w),   z_w = δ_w/σ_w,
//
// with the prior α_w = α₀·π_w, π_w the term's share of the pooled (a + b) corpus. α₀ defaults to
// the pooled token count, so α_w is the pooled count of w: a prior as strong as the data, which
// shrinks rare terms hard and keeps frequent-but-even terms near z = 0. Unigrams and bigrams are
// separate models (each its own n and α₀) whose terms are ranked together by z. Terms with a
// pooled count below MinCount are not ranked (they still count in n). Stop words never enter.
func Drivers(a, b []Comment, labelA, labelB string, opt DriverOptions) (DriversResult, error) {
	if opt.Top <= 0 {
		opt.Top = 10
	}
	if opt.Examples < 0 {
		opt.Examples = 0
	}
	if opt.MinCount <= 0 {
		opt.MinCount = 3
	}
	if math.IsNaN(opt.Alpha0) || math.IsInf(opt.Alpha0, 0) {
		return DriversResult{}, fidelis.Errorf(fidelis.EInvalid, "drivers: alpha0 %v", opt.Alpha0)
	}
	sides := [2][]Comment{a, b}
	uni, bi := map[string]*termStats{}, map[string]*termStats{}
	var nUni, nBi [2]int64
	add := func(m map[string]*termStats, terms []string, side, doc int) {
		seen := map[string]bool{}
		for _, w := range terms {
			st := m[w]
			if st == nil {
				st = &termStats{}
				m[w] = st
			}
			st.count[side]++
			if !seen[w] {
				seen[w] = true
				st.docs[side] = append(st.docs[side], doc)
			}
		}
	}
	for s, cs := range sides {
		for i, c := range cs {
			u, g := Terms(c.Text, c.Lang, opt.Bigrams)
			add(uni, u, s, i)
			add(bi, g, s, i)
			nUni[s] += int64(len(u))
			nBi[s] += int64(len(g))
		}
	}
	r := DriversResult{Method: MethodLogOdds,
		A:     DriverSide{Label: labelA, Comments: len(a), Tokens: nUni[0]},
		B:     DriverSide{Label: labelB, Comments: len(b), Tokens: nUni[1]},
		Small: len(a) < metric.SmallSample || len(b) < metric.SmallSample}
	var all []DriverTerm
	score := func(m map[string]*termStats, n [2]int64, bigram bool) float64 {
		pooled := float64(n[0] + n[1])
		a0 := opt.Alpha0
		if a0 <= 0 {
			a0 = pooled
		}
		if pooled == 0 {
			return a0
		}
		for w, st := range m {
			if st.count[0]+st.count[1] < opt.MinCount {
				continue
			}
			aw := a0 * float64(st.count[0]+st.count[1]) / pooled
			ya, yb := float64(st.count[0]), float64(st.count[1])
			na, nb := float64(n[0]), float64(n[1])
			d := math.Log((ya+aw)/(na+a0-ya-aw)) - math.Log((yb+aw)/(nb+a0-yb-aw))
			se := math.Sqrt(1/(ya+aw) + 1/(yb+aw))
			all = append(all, DriverTerm{Term: w, Bigram: bigram, Z: d / se, Delta: d, SE: se,
				Count: st.count[0], OtherCount: st.count[1], Docs: len(st.docs[0]), OtherDocs: len(st.docs[1])})
		}
		return a0
	}
	r.Alpha0 = score(uni, nUni, false)
	if opt.Bigrams {
		r.Alpha0Bigram = score(bi, nBi, true)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Z != all[j].Z {
			return all[i].Z > all[j].Z
		}
		return all[i].Term < all[j].Term
	})
	examples := func(t DriverTerm, side int) []string {
		m := uni
		if t.Bigram {
			m = bi
		}
		idx := append([]int(nil), m[t.Term].docs[side]...)
		sort.SliceStable(idx, func(i, j int) bool { return len(sides[side][idx[i]].Text) < len(sides[side][idx[j]].Text) })
		var out []string
		for _, i := range idx {
			if len(out) == opt.Examples {
				break
			}
			out = append(out, clip(sides[side][i].Text, 200))
		}
		return out
	}
	var sideA, sideB []DriverTerm
	for _, t := range all {
		if t.Z > 0 {
			sideA = append(sideA, t)
		}
	}
	for i := len(all) - 1; i >= 0; i-- {
		if t := all[i]; t.Z < 0 {
			t.Z, t.Delta = -t.Z, -t.Delta
			t.Count, t.OtherCount, t.Docs, t.OtherDocs = t.OtherCount, t.Count, t.OtherDocs, t.Docs
			sideB = append(sideB, t)
		}
	}
	r.A.Terms = pick(sideA, opt.Top, func(t DriverTerm) []string { return examples(t, 0) })
	r.B.Terms = pick(sideB, opt.Top, func(t DriverTerm) []string { return examples(t, 1) })
	return r, nil
}

// SubsumedShare is how much of a term's use a longer term containing it must cover for the
// shorter one to be dropped: when "not happy" is in at least 80% of the comments (of one side)
// that contain "not", "not" says nothing "not happy" does not, and listing both (and "happy")
// only repeats one finding three times.
const SubsumedShare = 0.8

// pick takes up to top terms from one side's candidates (strongest first), each term replaced by
// the longer term that subsumes it (see SubsumedShare) and every term listed once.
func pick(cands []DriverTerm, top int, examples func(DriverTerm) []string) []DriverTerm {
	var out []DriverTerm
	shown := map[string]bool{}
	for _, t := range cands {
		if len(out) == top {
			break
		}
		for _, l := range cands { // a longer term's comments are a subset of the shorter's
			if len(strings.Fields(l.Term)) > len(strings.Fields(t.Term)) && contains(l.Term, t.Term) &&
				float64(l.Docs) >= SubsumedShare*float64(t.Docs) {
				t = l
			}
		}
		if shown[t.Term] {
			continue
		}
		shown[t.Term] = true
		t.Examples = examples(t)
		out = append(out, t)
	}
	return out
}

// contains reports whether the words of short appear as a contiguous run in long.
func contains(long, short string) bool {
	l, s := strings.Fields(long), strings.Fields(short)
	for i := 0; i+len(s) <= len(l); i++ {
		if slices.Equal(l[i:i+len(s)], s) {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// NPSDrivers compares the comments of detractors (0–6, side A) with those of promoters (9–10,
// side B) using Drivers. Passives and comments without a score are left out (their numbers are
// returned as skipped); a score outside 0..10 is an error.
func NPSDrivers(comments []Comment, opt DriverOptions) (r DriversResult, skipped int, err error) {
	var det, pro []Comment
	for i, c := range comments {
		if c.Score == nil {
			skipped++
			continue
		}
		cl, err := NPSClass(*c.Score)
		if err != nil {
			return DriversResult{}, 0, fmt.Errorf("comment %d: %w", i, err)
		}
		switch cl {
		case Detractor:
			det = append(det, c)
		case Promoter:
			pro = append(pro, c)
		default:
			skipped++
		}
	}
	r, err = Drivers(det, pro, "detractors", "promoters", opt)
	return r, skipped, err
}
