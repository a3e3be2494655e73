package ingest

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"fidelis"
	"fidelis/voc"
)

// ScaleNote says which scale the answers of one survey kind without a scale of their own were
// read on, and why: "inferred" from the sampled answers or given with "--scale".
type ScaleNote struct {
	Kind   string `json:"kind"`
	Scale  string `json:"scale"`
	Source string `json:"source"`
	// Range is the lowest and highest sampled answer the inference saw ("" for --scale).
	Range string `json:"range,omitempty"`
}

// inferScale names the scale of a survey kind from the lowest and highest of its sampled answers
// (all whole numbers), or "" with the reason when that is ambiguous:
//
//	nps:            0-10 always (NPS is defined on 0-10)
//	csat:           1-5 when every answer is within 1..5 (the usual CSAT scale)
//	any other kind: a 0 answer means 0-10 (the only supported scale with a 0); otherwise the scale
//	                1-3, 1-5 or 1-7 whose top the answers reach; a top of 10 without a 0 could be
//	                1-10 or 0-10 and is left to --scale.
//
// Answers off the inferred scale are rejected row by row, so an inference never scores a guess.
func inferScale(kind string, lo, hi float64) (string, string) {
	switch {
	case kind == "nps":
		return "0-10", ""
	case kind == "csat" && lo >= 1 && hi <= 5:
		return "1-5", ""
	case lo == 0 && hi <= 10:
		return "0-10", ""
	case lo >= 1 && (hi == 3 || hi == 5 || hi == 7):
		return fmt.Sprintf("1-%d", int(hi)), ""
	case lo >= 1 && hi == 10:
		return "", "answers 1..10 fit both 1-10 and 0-10"
	}
	return "", fmt.Sprintf("answers %g..%g fit no supported scale, or several", lo, hi)
}

// surveyScales decides the scale of each survey kind for answers that give none: --scale first,
// then inference from the sampled answers. It returns kind → canonical scale, the notes for the
// summary, and kind → why no scale could be inferred.
func surveyScales(s fidelis.Schema, m mapping, sample []pending, decimal byte, given map[string]string) (map[string]string, []ScaleNote, map[string]string, error) {
	scales, why := map[string]string{}, map[string]string{}
	var notes []ScaleNote
	for k, v := range given {
		sc, err := voc.ParseScale(v)
		if err != nil {
			return nil, nil, nil, fidelis.Errorf(fidelis.EInvalid, "--scale %s=%s: %v", k, v, err).WithHint("%s", fidelis.ErrorHint(err))
		}
		k = strings.ToLower(strings.TrimSpace(k))
		scales[k] = sc.String()
		notes = append(notes, ScaleNote{Kind: k, Scale: sc.String(), Source: "--scale"})
	}
	kc, sc, scaleCol := m.cols[s.Index("kind")], m.cols[s.Index("score")], m.cols[s.Index("scale")]
	type span struct{ lo, hi float64 }
	seen := map[string]*span{}
	for _, p := range sample {
		if p.fields == nil || scaleCol >= 0 && strings.TrimSpace(p.fields[scaleCol]) != "" {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(p.fields[kc]))
		v, err := parseNumber(strings.TrimSpace(p.fields[sc]), decimal)
		if k == "" || err != nil || v != math.Trunc(v) || v < 0 {
			continue // rejected row by row later
		}
		if r := seen[k]; r == nil {
			seen[k] = &span{v, v}
		} else {
			r.lo, r.hi = min(r.lo, v), max(r.hi, v)
		}
	}
	kinds := make([]string, 0, len(seen))
	for k := range seen {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if _, ok := scales[k]; ok {
			continue
		}
		r := seen[k]
		if v, reason := inferScale(k, r.lo, r.hi); v != "" {
			scales[k] = v
			notes = append(notes, ScaleNote{Kind: k, Scale: v, Source: "inferred", Range: fmt.Sprintf("%g..%g", r.lo, r.hi)})
		} else {
			why[k] = reason
		}
	}
	if _, ok := scales["nps"]; !ok {
		scales["nps"] = "0-10" // NPS has one scale; no note unless answers without a scale were seen
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].Kind < notes[j].Kind })
	return scales, notes, why, nil
}

// checkScore validates a survey answer: its scale (the row's own, or the kind's from
// surveyScales), NPS only on 0-10, and a whole score on the scale. It returns the canonical scale.
func (c *converter) checkScore(kind, scale string, score float64) (string, string) {
	if scale == "" {
		scale = c.scales[kind]
		if scale == "" {
			why := c.noScale[kind]
			if why == "" {
				why = "the kind was not among the sampled rows"
			}
			return "", fmt.Sprintf("no scale for %s answers and none could be inferred (%s): add a scale column or --scale %s=RANGE", kind, why, kind)
		}
	}
	sc, err := voc.ParseScale(scale)
	if err != nil {
		return "", "unsupported scale (write it as 1-3, 1-5, 1-7, 1-10 or 0-10)"
	}
	if kind == "nps" && sc != voc.Scale0to10 {
		return "", fmt.Sprintf("NPS is asked on 0-10, not %s", sc)
	}
	if score != math.Trunc(score) {
		return "", fmt.Sprintf("score %g is not a whole number on scale %s", score, sc)
	}
	if score < float64(sc.Min) || score > float64(sc.Max) {
		return "", fmt.Sprintf("score %g is off the scale %s", score, sc)
	}
	return sc.String(), ""
}
