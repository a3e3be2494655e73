package insight

import (
	"fidelis"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Comparison is one observation against one benchmark row. Position is "above", "below",
// "in line" (the interval overlaps the benchmark's range, or the value lies inside it) or
// "not comparable" (Reason says why).
type Comparison struct {
	Metric    string    `json:"metric"`
	Name      string    `json:"name"`
	Unit      string    `json:"unit"`
	Value     float64   `json:"value"`
	Low       float64   `json:"low"`
	High      float64   `json:"high"`
	N         int64     `json:"n"`
	Benchmark Benchmark `json:"benchmark"`
	Position  string    `json:"position"`
	// Better is +1 when the position is favourable (above for higher-is-better metrics), −1
	// when unfavourable, 0 in line or not comparable.
	Better int    `json:"better"`
	Reason string `json:"reason,omitempty"`
	// ReasonMsg is Reason as a message, for translated reports.
	ReasonMsg fidelis.Msg `json:"-"`
	// Z is the distance from the nearest end of the benchmark range in standard errors (NaN
	// without an interval).
	Z float64 `json:"z"`
}

// Compare places o against b.
func Compare(o Observation, b Benchmark) Comparison {
	info, _ := Info(o.Metric)
	c := Comparison{Metric: o.Metric, Name: o.Name, Unit: o.Unit, Value: o.Value, Low: o.Low, High: o.High, N: o.N, Benchmark: b, Z: math.NaN()}
	switch {
	case b.NotComparable:
		c.Position, c.Reason = "not comparable", "the benchmark is marked not comparable (a different measure)"
		return c
	case b.Unit != o.Unit:
		c.Position, c.ReasonMsg = "not comparable", fidelis.M("units differ (%s vs %s)", fidelis.M(b.Unit), fidelis.M(o.Unit))
		c.Reason = c.ReasonMsg.String()
		return c
	case b.Period != "" && o.Grain != "" && b.Period != o.Grain:
		c.Position, c.ReasonMsg = "not comparable", fidelis.M("the benchmark's period: %s; this figure's period: %s", fidelis.M(b.Period), fidelis.M(o.Grain))
		c.Reason = c.ReasonMsg.String()
		return c
	case b.Window != "" && b.Window != o.Window:
		ow := o.Window
		if ow == "" {
			ow = "another window"
		}
		c.Position, c.ReasonMsg = "not comparable", fidelis.M("definitions differ: the benchmark counts %s, this figure %s", fidelis.M(b.Window), fidelis.M(ow))
		c.Reason = c.ReasonMsg.String()
		return c
	case math.IsNaN(o.Value):
		c.Position, c.Reason = "not comparable", "no value"
		return c
	}
	lo, hi := b.Range()
	if o.HasInterval() {
		switch {
		case o.Low > hi:
			c.Position = "above"
		case o.High < lo:
			c.Position = "below"
		default:
			c.Position = "in line"
		}
		if se := o.se(); se > 0 {
			switch {
			case o.Value > hi:
				c.Z = (o.Value - hi) / se
			case o.Value < lo:
				c.Z = (o.Value - lo) / se
			default:
				c.Z = 0
			}
		}
	} else {
		switch {
		case o.Value > hi:
			c.Position = "above"
		case o.Value < lo:
			c.Position = "below"
		default:
			c.Position = "in line"
		}
		c.Reason = "no sampling interval: compared by value only"
	}
	if c.Position == "above" {
		c.Better = 1
	} else if c.Position == "below" {
		c.Better = -1
	}
	if !info.Higher {
		c.Better = -c.Better
	}
	return c
}

// Finding is one strength or weakness with its evidence. Kind is "benchmark", "target",
// "trend" or "segment"; Score orders findings (larger = stronger evidence).
type Finding struct {
	Metric   string  `json:"metric"`
	Kind     string  `json:"kind"`
	Strength bool    `json:"strength"`
	Score    float64 `json:"score"`
	Evidence string  `json:"evidence"`
	// Msg is the evidence as a message with its arguments, for translated reports (the first
	// letter is capitalised when rendered).
	Msg fidelis.Msg `json:"-"`
}

// Report is the insight section: benchmark comparisons, targets, ranked strengths and
// weaknesses, observations that are in line (neither), and composition warnings.
type Report struct {
	Industry     string        `json:"industry,omitempty"`
	Observations []Observation `json:"observations"`
	Comparisons  []Comparison  `json:"comparisons"`
	Targets      []Target      `json:"targets,omitempty"`
	Strengths    []Finding     `json:"strengths"`
	Weaknesses   []Finding     `json:"weaknesses"`
	InLine       []Finding     `json:"in_line,omitempty"`
	Mix          []Mix         `json:"mix,omitempty"`
	Notes        []string      `json:"notes,omitempty"`
	// NoteMsgs are the Notes as messages, index for index, for translated reports.
	NoteMsgs []fidelis.Msg `json:"-"`
}

// Assess builds the report: each observation against the benchmarks of its metric (bs already
// filtered to an industry, or all rows), its goals, its last change and its groups.
func Assess(obs []Observation, bs []Benchmark, goals []Goal, mix []Mix) Report {
	r := Report{Observations: obs, Mix: mix}
	byMetric := map[string]*Observation{}
	for i := range obs {
		byMetric[obs[i].Metric] = &obs[i]
	}
	for _, o := range obs {
		info, _ := Info(o.Metric)
		// Comparable rows of one metric are one range with one verdict (SourceRange); the others
		// are listed with the reason they are not compared.
		var cs []Comparison
		var same []Benchmark
		for _, b := range bs {
			if b.Metric != o.Metric {
				continue
			}
			if c := Compare(o, b); c.Position == "not comparable" {
				r.Comparisons = append(r.Comparisons, c)
			} else {
				same = append(same, b)
			}
		}
		switch len(same) {
		case 0:
		case 1:
			cs = append(cs, Compare(o, same[0]))
		default:
			cs = append(cs, Compare(o, SourceRange(same)))
		}
		r.Comparisons = append(r.Comparisons, cs...)
		if f, ok := benchmarkFinding(o, info, cs); ok {
			r.add(f)
		}
		if o.Change != nil {
			r.add(trendFinding(o, info))
		}
		for _, g := range o.Groups {
			if f, ok := groupFinding(o, info, g); ok {
				r.add(f)
			}
		}
	}
	for _, g := range goals {
		t := EvaluateTarget(g, byMetric[g.Metric])
		r.Targets = append(r.Targets, t)
		f := Finding{Metric: g.Metric, Kind: "target", Evidence: "Target " + t.Evidence, Msg: fidelis.M("Target %s", targetMsg(t, info(g.Metric)))}
		switch t.Status {
		case "met, significantly", "met":
			f.Strength, f.Score = true, 1
			r.add(f)
		case "off track":
			f.Score = 1
			if se := (Observation{Low: t.Low, High: t.High}).se(); se > 0 {
				f.Score = t.Gap / se
			}
			r.add(f)
		case "on track", "no trend":
			r.InLine = append(r.InLine, f)
		}
	}
	for _, m := range mix {
		if m.Warning != "" {
			r.Note(fidelis.M("Composition (%s by %s, %s → %s): %s.", fidelis.M(m.Metric), m.By, m.From, m.To, m.WarningMsg))
		}
	}
	sort.SliceStable(r.Strengths, func(i, j int) bool { return r.Strengths[i].Score > r.Strengths[j].Score })
	sort.SliceStable(r.Weaknesses, func(i, j int) bool { return r.Weaknesses[i].Score > r.Weaknesses[j].Score })
	return r
}

func (r *Report) add(f Finding) {
	switch {
	case f.Kind == "" || f.Evidence == "":
	case f.Score == 0:
		r.InLine = append(r.InLine, f)
	case f.Strength:
		r.Strengths = append(r.Strengths, f)
	default:
		r.Weaknesses = append(r.Weaknesses, f)
	}
}

func info(id string) MetricInfo { i, _ := Info(id); return i }

// unitMsg is a value in its unit: "12.5%" or "+34.5" (NPS points).
func unitMsg(v float64, unit string) fidelis.Msg {
	if math.IsNaN(v) {
		return fidelis.M("–")
	}
	if unit == "points" {
		return fidelis.M("%+.1f", v)
	}
	return fidelis.M("%.1f%%", v)
}

// valueMsg is valueText as a message.
func valueMsg(o Observation) fidelis.Msg {
	m := unitMsg(o.Value, o.Unit)
	if o.HasInterval() {
		if o.N > 0 {
			m = fidelis.M("%s (95%% CI %s to %s, n=%d)", m, unitMsg(o.Low, o.Unit), unitMsg(o.High, o.Unit), o.N)
		} else {
			m = fidelis.M("%s (95%% CI %s to %s)", m, unitMsg(o.Low, o.Unit), unitMsg(o.High, o.Unit))
		}
	}
	if o.Period != "" {
		m = fidelis.M("%s in %s", m, fidelis.M(o.Period))
	}
	return m
}

func valueText(o Observation) string {
	s := unitText(o.Value, o.Unit)
	if o.HasInterval() {
		s += fmt.Sprintf(" (95%% CI %s to %s", unitText(o.Low, o.Unit), unitText(o.High, o.Unit))
		if o.N > 0 {
			s += fmt.Sprintf(", n=%d", o.N)
		}
		s += ")"
	}
	if o.Period != "" {
		s += " in " + o.Period
	}
	return s
}

// benchmarkFinding summarises the comparisons of one observation: a strength when it is better
// than every comparable benchmark, a weakness when worse than every one, in line otherwise.
func benchmarkFinding(o Observation, info MetricInfo, cs []Comparison) (Finding, bool) {
	var comp []Comparison
	for _, c := range cs {
		if c.Position != "not comparable" {
			comp = append(comp, c)
		}
	}
	if len(comp) == 0 {
		return Finding{}, false
	}
	better, worse := 0, 0
	score := math.Inf(1)
	var refs []string
	var refMsgs fidelis.Msgs
	for _, c := range comp {
		switch c.Better {
		case 1:
			better++
		case -1:
			worse++
		}
		z := math.Abs(c.Z)
		if math.IsNaN(z) {
			z = 1
		}
		score = math.Min(score, z)
		refs = append(refs, fmt.Sprintf("%s (%s, %s)", c.Benchmark.Text(), c.Benchmark.Industry, c.Benchmark.Citation()))
		lo, hi := c.Benchmark.Range()
		bv := unitMsg(lo, c.Unit)
		if hi != lo {
			bv = fidelis.M("%.0f–%.0f%%", lo, hi)
			if c.Unit == "points" {
				bv = fidelis.M("%+.0f to %+.0f", lo, hi)
			}
		} else if c.Unit == "points" {
			bv = fidelis.M("%.1f points", lo)
		} else {
			bv = fidelis.M("%g%%", lo)
		}
		refMsgs = append(refMsgs, fidelis.M("%s (%s, %s)", bv, fidelis.M(c.Benchmark.Industry), c.Benchmark.CitationMsg()))
	}
	f := Finding{Metric: o.Metric, Kind: "benchmark"}
	lead := fmt.Sprintf("%s %s", capitalise(info.Name), valueText(o))
	note := ""
	if !o.HasInterval() {
		note = " (no sampling interval; compared by value)"
	}
	name, val, noteMsg := fidelis.M(info.Name), valueMsg(o), fidelis.M(note)
	pl := map[bool]string{true: "benchmark", false: "benchmarks"}[len(comp) == 1]
	switch {
	case better == len(comp):
		f.Msg = fidelis.M("%s %s is better than the "+pl+": %s%s.", name, val, refMsgs, noteMsg)
	case worse == len(comp):
		f.Msg = fidelis.M("%s %s is worse than the "+pl+": %s%s.", name, val, refMsgs, noteMsg)
	default:
		f.Msg = fidelis.M("%s %s is in line with the "+pl+" (its interval overlaps, or the sources disagree): %s%s.", name, val, refMsgs, noteMsg)
	}
	switch {
	case better == len(comp):
		f.Strength, f.Score = true, score
		f.Evidence = fmt.Sprintf("%s is better than the benchmark%s: %s%s.", lead, plural(len(comp)), strings.Join(refs, "; "), note)
	case worse == len(comp):
		f.Score = score
		f.Evidence = fmt.Sprintf("%s is worse than the benchmark%s: %s%s.", lead, plural(len(comp)), strings.Join(refs, "; "), note)
	default:
		f.Evidence = fmt.Sprintf("%s is in line with the benchmark%s (its interval overlaps, or the sources disagree): %s%s.", lead, plural(len(comp)), strings.Join(refs, "; "), note)
	}
	return f, true
}

func trendFinding(o Observation, info MetricInfo) Finding {
	c := o.Change
	f := Finding{Metric: o.Metric, Kind: "trend"}
	unit := "points"
	if o.Unit == "points" {
		unit = "NPS points"
	}
	s := fmt.Sprintf("%s changed %+.1f %s from %s to %s (95%% CI %+.1f to %+.1f, p=%.3f, %s)", capitalise(info.Name), c.Diff, unit, c.From, c.To, c.Low, c.High, c.P, c.Method)
	msg := func(verdict string) fidelis.Msg {
		return fidelis.M("%s changed %+.1f "+unit+" from %s to %s (95%% CI %+.1f to %+.1f, p=%.3f, %s): "+verdict, fidelis.M(info.Name), c.Diff,
			fidelis.M(c.From), fidelis.M(c.To), c.Low, c.High, c.P, fidelis.M(c.Method))
	}
	if !c.Significant {
		f.Evidence = s + ": not a significant change."
		f.Msg = msg("not a significant change.")
		return f
	}
	f.Score = math.Abs(c.Z)
	good := (c.Diff > 0) == info.Higher
	f.Strength = good
	if good {
		f.Evidence = s + ": a significant improvement."
		f.Msg = msg("a significant improvement.")
	} else {
		f.Evidence = s + ": a significant deterioration."
		f.Msg = msg("a significant deterioration.")
	}
	return f
}

func groupFinding(o Observation, info MetricInfo, g Group) (Finding, bool) {
	if !g.Significant || math.IsNaN(g.Z) {
		return Finding{}, false
	}
	lead := (g.Value > g.Rest) == info.Higher
	verb := "lags"
	if lead {
		verb = "leads"
	}
	msg := fidelis.M("%s %s "+verb+" the rest of the base on %s: %s (95%% CI %s to %s, n=%d) against %s, z=%.1f, p=%.3g.",
		o.GroupBy, g.Name, fidelis.M(info.Name), unitMsg(g.Value, o.Unit), unitMsg(g.Low, o.Unit), unitMsg(g.High, o.Unit), g.N, unitMsg(g.Rest, o.Unit), g.Z, g.P)
	return Finding{Metric: o.Metric, Kind: "segment", Strength: lead, Score: math.Abs(g.Z), Msg: msg,
		Evidence: fmt.Sprintf("%s %s %s the rest of the base on %s: %s (95%% CI %s to %s, n=%d) against %s, z=%.1f, p=%.3g.",
			o.GroupBy, g.Name, verb, info.Name, unitText(g.Value, o.Unit), unitText(g.Low, o.Unit), unitText(g.High, o.Unit), g.N, unitText(g.Rest, o.Unit), g.Z, g.P)}, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	if s == "NPS" || strings.HasPrefix(s, "ID-") || strings.HasPrefix(s, "CSAT") {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Note adds a note, in English and as a message.
func (r *Report) Note(m fidelis.Msg) {
	r.Notes = append(r.Notes, m.String())
	r.NoteMsgs = append(r.NoteMsgs, m)
}
