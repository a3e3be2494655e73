package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// The charts are SVG written here, so a report opens offline with nothing fetched or bundled.

// series is one line of a chart; Low/High, when set, draw an interval band around it.
type series struct {
	Name      string
	Values    []float64
	Low, High []float64
	Color     string
	Dashed    bool
	// Pending marks the last Pending points as not final (still maturing): hollow circles.
	Pending int
}

var palette = []string{"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04"}

const (
	chartW, chartH = 760, 260
	padL, padR     = 56, 16
	padT, padB     = 16, 48
)

// lineChart draws series over shared x labels; yFmt formats axis ticks. NaN values break lines.
func lineChart(labels []string, ss []series, yFmt func(float64) string) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, vs := range [][]float64{s.Values, s.Low, s.High} {
			for _, v := range vs {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	if math.IsInf(lo, 1) {
		return `<p class="muted">No data to chart.</p>`
	}
	if lo > 0 && lo < hi*0.5 {
		lo = 0
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	// Round the axis out to "nice" ticks (1, 2 or 5 × 10^k), without crossing zero or, for shares,
	// 100% when the data do not.
	tick := niceStep((hi - lo) / 4)
	nonNeg, share := lo >= 0, lo >= 0 && hi <= 1
	lo, hi = math.Floor(lo/tick)*tick, math.Ceil(hi/tick)*tick
	if nonNeg {
		lo = math.Max(0, lo)
	}
	if share {
		hi = math.Min(1, hi)
	}
	n := len(labels)
	x := func(i int) float64 {
		if n <= 1 {
			return padL + float64(chartW-padL-padR)/2
		}
		return padL + float64(i)*float64(chartW-padL-padR)/float64(n-1)
	}
	y := func(v float64) float64 { return padT + (hi-v)/(hi-lo)*float64(chartH-padT-padB) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH)
	for v := lo; v <= hi+tick/1e6; v += tick {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="tick" text-anchor="end">%s</text>`,
			padL, chartW-padR, y(v), y(v), padL-6, y(v)+4, html.EscapeString(yFmt(v)))
	}
	step := max(1, (n+11)/12)
	for i := 0; i < n; i += step {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick" text-anchor="end" transform="rotate(-35 %.1f %d)">%s</text>`,
			x(i), chartH-padB+14, x(i), chartH-padB+14, html.EscapeString(labels[i]))
	}
	for k, s := range ss {
		c := s.Color
		if c == "" {
			c = palette[k%len(palette)]
		}
		if s.Low != nil && s.High != nil {
			var up, down []string
			for i := range s.Low {
				if math.IsNaN(s.Low[i]) || math.IsNaN(s.High[i]) {
					continue
				}
				up = append(up, fmt.Sprintf("%.1f,%.1f", x(i), y(s.High[i])))
				down = append([]string{fmt.Sprintf("%.1f,%.1f", x(i), y(s.Low[i]))}, down...)
			}
			if len(up) > 1 {
				fmt.Fprintf(&b, `<polygon points="%s %s" fill="%s" fill-opacity="0.15" stroke="none"/>`, strings.Join(up, " "), strings.Join(down, " "), c)
			}
		}
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				dash := ""
				if s.Dashed {
					dash = ` stroke-dasharray="5 4"`
				}
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, strings.Join(pts, " "), c, dash)
			} else if len(pts) == 1 {
				var px, py float64
				fmt.Sscanf(pts[0], "%f,%f", &px, &py)
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, px, py, c)
			}
			pts = pts[:0]
		}
		for i, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		flush()
		for i := max(0, len(s.Values)-s.Pending); i < len(s.Values); i++ {
			if v := s.Values[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				fmt.Fprintf(&b, `<circle class="pending" cx="%.1f" cy="%.1f" r="4.5" fill="#fff" stroke="%s" stroke-width="2"/>`, x(i), y(v), c)
			}
		}
	}
	b.WriteString(`</svg>`)
	b.WriteString(legend(ss))
	return b.String()
}

func legend(ss []series) string {
	if len(ss) < 2 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<div class="legend">`)
	for k, s := range ss {
		c := s.Color
		if c == "" {
			c = palette[k%len(palette)]
		}
		fmt.Fprintf(&b, `<span><i style="background:%s"></i>%s</span>`, c, html.EscapeString(s.Name))
	}
	b.WriteString(`</div>`)
	return b.String()
}

// textWidth estimates the width in pixels of s in the charts' 11px tick font (an average glyph
// of 6.2px; wide enough for the Latin-script languages the report is written in).
func textWidth(s string) float64 { return 6.2 * float64(len([]rune(s))) }

// barChart draws one horizontal bar per label, with optional interval whiskers. The label column
// is as wide as the longest label, so no label is cut at the chart's left edge.
func barChart(labels []string, values, low, high []float64, vFmt func(float64) string) string {
	hi := 0.0
	for i, v := range values {
		if !math.IsNaN(v) {
			hi = math.Max(hi, v)
		}
		if high != nil && !math.IsNaN(high[i]) {
			hi = math.Max(hi, high[i])
		}
	}
	if hi <= 0 {
		hi = 1
	}
	const rowH, w = 26, 760
	labelW := 60.0
	for _, l := range labels {
		labelW = math.Max(labelW, textWidth(l)+14)
	}
	labelW = math.Min(labelW, 420)
	h := rowH*len(labels) + 8
	x := func(v float64) float64 { return labelW + v/hi*(w-labelW-90) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, w, h)
	for i, l := range labels {
		yy := float64(i*rowH + 4)
		v := values[i]
		if textWidth(l)+14 > labelW { // only past 420px: shorten rather than cut
			r := []rune(l)
			l = string(r[:int((labelW-14)/6.2)-1]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>`, labelW-8, yy+15, html.EscapeString(l))
		if math.IsNaN(v) {
			continue
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="18" fill="%s" rx="2"/>`, labelW, yy+2, math.Max(0, x(v)-labelW), palette[0])
		end := x(v)
		if low != nil && !math.IsNaN(low[i]) && !math.IsNaN(high[i]) {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#111" stroke-width="1.5"/>`, x(low[i]), x(high[i]), yy+11, yy+11)
			end = math.Max(end, x(high[i]))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick">%s</text>`, end+6, yy+15, html.EscapeString(vFmt(v)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// heatColor maps a share in [0, 1] to a white-to-blue scale.
func heatColor(v float64) string {
	if math.IsNaN(v) {
		return "#f3f4f6"
	}
	v = math.Max(0, math.Min(1, v))
	r := int(255 - v*(255-37))
	g := int(255 - v*(255-99))
	bl := int(255 - v*(255-235))
	return fmt.Sprintf("#%02x%02x%02x", r, g, bl)
}

// niceStep returns the smallest of 1, 2 or 5 × 10^k not below raw.
func niceStep(raw float64) float64 {
	if !(raw > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
