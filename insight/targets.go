package insight

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"fidelis"
)

// Goal is one target: Metric Op Value, optionally by a date. Op is ">=" or "<=".
type Goal struct {
	Metric string    `json:"metric"`
	Op     string    `json:"op,omitempty"`
	Value  float64   `json:"value"`
	By     time.Time `json:"-"`
	ByText string    `json:"by,omitempty"`
	Line   int       `json:"-"`
}

// ParseGoals reads a goals file: JSON (an array of {"metric","op","value","by"}) or the line format
// `metric: [>=|<=] value[%] [by YYYY-MM-DD]` described in the package doc.
func ParseGoals(r io.Reader) ([]Goal, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var gs []Goal
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &gs); err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "goals: %v", err)
		}
		for i := range gs {
			gs[i].Line = i + 1
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for ln := 1; sc.Scan(); ln++ {
			line := sc.Text()
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			g, err := parseGoalLine(line)
			if err != nil {
				return nil, fidelis.Errorf(fidelis.EInvalid, "goals line %d %q: %v", ln, line, err).
					WithHint("metric: [>=|<=] value[%%] [by YYYY-MM-DD], e.g. retention: 85%% by 2026-12-31")
			}
			g.Line = ln
			gs = append(gs, g)
		}
	}
	for i := range gs {
		g := &gs[i]
		g.Metric = strings.ToLower(strings.TrimSpace(g.Metric))
		info, ok := Info(g.Metric)
		if !ok {
			ids := make([]string, len(Metrics))
			for j, m := range Metrics {
				ids[j] = m.ID
			}
			return nil, fidelis.Errorf(fidelis.EInvalid, "goal %d: unknown metric %q", g.Line, g.Metric).WithHint("one of %s", strings.Join(ids, ", "))
		}
		switch g.Op {
		case "", "≥", "≤", ">=", "<=", ">", "<":
		default:
			return nil, fidelis.Errorf(fidelis.EInvalid, "goal %d: operator %q: want >= or <=", g.Line, g.Op)
		}
		g.Op = normOp(g.Op, info.Higher)
		if g.ByText != "" && g.By.IsZero() {
			t, err := time.Parse("2006-01-02", g.ByText)
			if err != nil {
				return nil, fidelis.Errorf(fidelis.EInvalid, "goal %d: date %q: want YYYY-MM-DD", g.Line, g.ByText)
			}
			g.By = t
		}
		if math.IsNaN(g.Value) || math.IsInf(g.Value, 0) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "goal %d: value is not a number", g.Line)
		}
	}
	return gs, nil
}

func normOp(op string, higher bool) string {
	switch op {
	case "≥", ">=", ">":
		return ">="
	case "≤", "<=", "<":
		return "<="
	}
	if higher {
		return ">="
	}
	return "<="
}

func parseGoalLine(line string) (Goal, error) {
	name, rest, ok := strings.Cut(line, ":")
	if !ok {
		return Goal{}, fmt.Errorf("no ':' after the metric")
	}
	g := Goal{Metric: strings.TrimSpace(name)}
	rest = strings.TrimSpace(rest)
	if v, d, ok := strings.Cut(rest, " by "); ok {
		rest = strings.TrimSpace(v)
		g.ByText = strings.TrimSpace(d)
	}
	for _, op := range []string{">=", "<=", "≥", "≤", ">", "<"} {
		if strings.HasPrefix(rest, op) {
			g.Op = op
			rest = strings.TrimSpace(strings.TrimPrefix(rest, op))
			break
		}
	}
	rest = strings.TrimSpace(strings.TrimSuffix(rest, "%"))
	v, err := strconv.ParseFloat(strings.ReplaceAll(rest, ",", "."), 64)
	if err != nil {
		return Goal{}, fmt.Errorf("value %q is not a number", rest)
	}
	g.Value = v
	return g, nil
}

// ProjectionPeriods is the number of most recent complete periods the trend is fitted on.
const ProjectionPeriods = 6

// Fit is an ordinary least-squares line value = Intercept + Slope·days, days counted from the
// first point used (Origin). N points were used.
type Fit struct {
	Origin    time.Time `json:"origin"`
	Intercept float64   `json:"intercept"`
	Slope     float64   `json:"slope_per_day"`
	N         int       `json:"n"`
}

// At evaluates the line at t.
func (f Fit) At(t time.Time) float64 {
	return f.Intercept + f.Slope*t.Sub(f.Origin).Hours()/24
}

// FitTrend fits the line to the last k points of s (all when k ≤ 0); ok is false with fewer than
// three points or no spread in time.
func FitTrend(s []Point, k int) (Fit, bool) {
	if k > 0 && len(s) > k {
		s = s[len(s)-k:]
	}
	var pts []Point
	for _, p := range s {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			pts = append(pts, p)
		}
	}
	if len(pts) < 3 {
		return Fit{}, false
	}
	f := Fit{Origin: pts[0].Time, N: len(pts)}
	var sx, sy float64
	for _, p := range pts {
		sx += p.Time.Sub(f.Origin).Hours() / 24
		sy += p.Value
	}
	n := float64(len(pts))
	mx, my := sx/n, sy/n
	var sxx, sxy float64
	for _, p := range pts {
		dx := p.Time.Sub(f.Origin).Hours()/24 - mx
		sxx += dx * dx
		sxy += dx * (p.Value - my)
	}
	if sxx == 0 {
		return Fit{}, false
	}
	f.Slope = sxy / sxx
	f.Intercept = my - f.Slope*mx
	return f, true
}

// Target is the evaluation of one goal against its observation.
type Target struct {
	Goal      Goal    `json:"goal"`
	Name      string  `json:"name"`
	Unit      string  `json:"unit"`
	Current   float64 `json:"current"`
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	N         int64   `json:"n"`
	Period    string  `json:"period,omitempty"`
	Progress  float64 `json:"progress"` // 0..1
	Gap       float64 `json:"gap"`      // in the metric's unit, ≥ 0; 0 when met
	Trend     *Fit    `json:"trend,omitempty"`
	Projected float64 `json:"projected"` // value of the trend line at the target date (NaN without one)
	// Status: "met, significantly", "met", "on track", "off track", "no trend", "no data".
	Status        string  `json:"status"`
	GapCustomers  float64 `json:"gap_customers"`
	GapRevenue    float64 `json:"gap_revenue_per_year"`
	GapCustomerOf string  `json:"gap_customers_of"`
	Method        string  `json:"method"`
	Evidence      string  `json:"evidence"`
}

// Meets says whether v satisfies the goal.
func (g Goal) Meets(v float64) bool {
	if g.Op == "<=" {
		return v <= g.Value
	}
	return v >= g.Value
}

// EvaluateTarget compares one goal with its observation (o nil: no data). asOf is used as the
// target date when the goal has none (the projection is then not needed).
func EvaluateTarget(g Goal, o *Observation) Target {
	info, _ := Info(g.Metric)
	t := Target{Goal: g, Name: info.Name, Unit: info.Unit, Current: math.NaN(), Low: math.NaN(), High: math.NaN(),
		Projected: math.NaN(), GapCustomers: math.NaN(), GapRevenue: math.NaN(),
		Method: fmt.Sprintf("ordinary least squares of the metric on time over the last %d complete periods (at least 3), evaluated at the target date", ProjectionPeriods)}
	if o == nil || math.IsNaN(o.Value) {
		t.Status = "no data"
		t.Evidence = fmt.Sprintf("%s: no data in this store to measure the goal", info.Name)
		return t
	}
	t.Current, t.Low, t.High, t.N, t.Period = o.Value, o.Low, o.High, o.N, o.Period
	if g.Op == "<=" {
		t.Gap = math.Max(0, o.Value-g.Value)
		switch {
		case o.Value <= g.Value:
			t.Progress = 1
		case o.Value > 0:
			t.Progress = math.Max(0, g.Value/o.Value)
		}
	} else {
		t.Gap = math.Max(0, g.Value-o.Value)
		switch {
		case o.Value >= g.Value:
			t.Progress = 1
		case g.Value > 0:
			t.Progress = math.Max(0, o.Value/g.Value)
		}
	}
	if f, ok := FitTrend(o.Series, ProjectionPeriods); ok {
		t.Trend = &f
		if !g.By.IsZero() {
			t.Projected = f.At(g.By)
		}
	}
	met := g.Meets(o.Value)
	switch {
	case met && o.HasInterval() && ((g.Op == ">=" && o.Low >= g.Value) || (g.Op == "<=" && o.High <= g.Value)):
		t.Status = "met, significantly"
	case met:
		t.Status = "met"
	case t.Trend == nil:
		t.Status = "no trend"
	case g.By.IsZero():
		t.Status = "off track"
		if (g.Op == ">=" && t.Trend.Slope > 0) || (g.Op == "<=" && t.Trend.Slope < 0) {
			t.Status = "on track"
		}
	case g.Meets(t.Projected):
		t.Status = "on track"
	default:
		t.Status = "off track"
	}
	if t.Gap > 0 && o.Base > 0 {
		if g.Metric == "nps" {
			t.GapCustomers = math.Ceil(t.Gap * o.Base / 200)
			t.GapCustomerOf = fmt.Sprintf("detractors of %.0f respondents who would have to become promoters", o.Base)
		} else if info.Unit == "percent" {
			t.GapCustomers = math.Ceil(t.Gap / 100 * o.Base)
			t.GapCustomerOf = fmt.Sprintf("of %.0f customers the rate applies to", o.Base)
		}
		if !math.IsNaN(t.GapCustomers) && !math.IsNaN(o.PerCustomer) && g.Metric != "nps" {
			t.GapRevenue = t.GapCustomers * o.PerCustomer
		}
	}
	if t.Gap == 0 {
		t.GapCustomers, t.GapRevenue = 0, 0
	}
	t.Evidence = targetSentence(t, info)
	return t
}

func unitText(v float64, unit string) string {
	if math.IsNaN(v) {
		return "–"
	}
	if unit == "points" {
		return fmt.Sprintf("%+.1f", v)
	}
	return fmt.Sprintf("%.1f%%", v)
}

// targetMsg is targetSentence as a message.
func targetMsg(t Target, info MetricInfo) fidelis.Msg {
	op := map[string]string{">=": "≥", "<=": "≤"}[t.Goal.Op]
	goal := fidelis.M("%s "+op+" %s", fidelis.M(info.Name), unitMsg(t.Goal.Value, t.Unit))
	if !t.Goal.By.IsZero() {
		goal = fidelis.M("%s by %s", goal, t.Goal.By)
	}
	now := unitMsg(t.Current, t.Unit)
	if !math.IsNaN(t.Low) {
		if t.N > 0 {
			now = fidelis.M("%s (95%% CI %s to %s, n=%d)", now, unitMsg(t.Low, t.Unit), unitMsg(t.High, t.Unit), t.N)
		} else {
			now = fidelis.M("%s (95%% CI %s to %s)", now, unitMsg(t.Low, t.Unit), unitMsg(t.High, t.Unit))
		}
	}
	if t.Period != "" {
		now = fidelis.M("%s in %s", now, fidelis.M(t.Period))
	}
	parts := fidelis.Msgs{fidelis.M("%s: now %s", goal, now), fidelis.M(t.Status)}
	if t.Trend != nil {
		if !math.IsNaN(t.Projected) {
			parts = append(parts, fidelis.M("trend %+.2f per 30 days over %d periods, projected %s at the date", t.Trend.Slope*30, t.Trend.N, unitMsg(t.Projected, t.Unit)))
		} else {
			parts = append(parts, fidelis.M("trend %+.2f per 30 days over %d periods", t.Trend.Slope*30, t.Trend.N))
		}
	}
	if t.Gap > 0 && !math.IsNaN(t.GapCustomers) {
		u := map[string]string{"percent": "points", "points": "NPS points"}[t.Unit]
		if !math.IsNaN(t.GapRevenue) {
			parts = append(parts, fidelis.M("gap %.1f "+u+" ≈ %.0f customers ≈ %.0f a year in revenue", t.Gap, t.GapCustomers, t.GapRevenue))
		} else {
			parts = append(parts, fidelis.M("gap %.1f "+u+" ≈ %.0f customers", t.Gap, t.GapCustomers))
		}
	}
	return fidelis.M("%s", parts)
}

func targetSentence(t Target, info MetricInfo) string {
	goal := fmt.Sprintf("%s %s %s", info.Name, map[string]string{">=": "≥", "<=": "≤"}[t.Goal.Op], unitText(t.Goal.Value, t.Unit))
	if !t.Goal.By.IsZero() {
		goal += " by " + t.Goal.By.Format("2006-01-02")
	}
	s := fmt.Sprintf("%s: now %s", goal, unitText(t.Current, t.Unit))
	if !math.IsNaN(t.Low) {
		s += fmt.Sprintf(" (95%% CI %s to %s", unitText(t.Low, t.Unit), unitText(t.High, t.Unit))
		if t.N > 0 {
			s += fmt.Sprintf(", n=%d", t.N)
		}
		s += ")"
	}
	if t.Period != "" {
		s += " in " + t.Period
	}
	s += "; " + t.Status
	if t.Trend != nil {
		s += fmt.Sprintf("; trend %+.2f per 30 days over %d periods", t.Trend.Slope*30, t.Trend.N)
		if !math.IsNaN(t.Projected) {
			s += ", projected " + unitText(t.Projected, t.Unit) + " at the date"
		}
	}
	if t.Gap > 0 && !math.IsNaN(t.GapCustomers) {
		s += fmt.Sprintf("; gap %.1f %s ≈ %.0f customers", t.Gap, map[string]string{"percent": "points", "points": "NPS points"}[t.Unit], t.GapCustomers)
		if !math.IsNaN(t.GapRevenue) {
			s += fmt.Sprintf(" ≈ %.0f a year in revenue", t.GapRevenue)
		}
	}
	return s
}
