package insight

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"fidelis"
)

//go:embed benchmarks.json
var shippedJSON []byte

// Benchmark is one published figure. Value is a point figure; Low/High a range (either may be
// given; Range returns the pair). Unit is "percent" (0–100) or "points" (NPS). Period is the
// period a per-period rate refers to ("month", "year"), "" when none applies.
type Benchmark struct {
	Metric   string   `json:"metric"`
	Industry string   `json:"industry"`
	Value    *float64 `json:"value,omitempty"`
	Low      *float64 `json:"low,omitempty"`
	High     *float64 `json:"high,omitempty"`
	Unit     string   `json:"unit"`
	Period   string   `json:"period,omitempty"`
	// Window says what the figure counts when a metric's definitions differ by window (e.g. "a
	// second purchase within 12 months of the first"); a figure is compared only with an
	// observation counted the same way.
	Window     string `json:"window,omitempty"`
	Population string `json:"population"`
	Source     string `json:"source"`
	Year       int    `json:"year"`
	URL        string `json:"url,omitempty"`
	// Kind is "survey" (vendor survey or vendor customer data) or "study" (peer-reviewed or
	// independent).
	Kind string `json:"kind"`
	// NotComparable keeps a figure for reference that must never be compared with a Fidelis
	// metric (e.g. an ACSI index against a top-box CSAT share).
	NotComparable bool   `json:"not_comparable,omitempty"`
	Note          string `json:"note,omitempty"`
	// User marks rows from a user's benchmark file (set by MergeBenchmarks).
	User bool `json:"user,omitempty"`
	// Sources are the published rows a range row was made of (see SourceRange); nil otherwise.
	Sources []Benchmark `json:"sources,omitempty"`
}

// SourceRange merges several comparable rows of one metric into one: the range from the lowest
// to the highest figure, every source named. Sources of one metric disagree (two retail NPS
// studies 28 and 62 points apart); comparing with each separately gives contradictory verdicts
// (above one, below the other), while one range gives one: above or below only when the whole
// interval is past every source.
func SourceRange(rows []Benchmark) Benchmark {
	r := Benchmark{Metric: rows[0].Metric, Unit: rows[0].Unit, Period: rows[0].Period, Window: rows[0].Window, Kind: "study", Sources: rows}
	lo, hi := math.Inf(1), math.Inf(-1)
	var inds, pops []string
	for _, b := range rows {
		l, h := b.Range()
		lo, hi = math.Min(lo, l), math.Max(hi, h)
		if !slices.Contains(inds, b.Industry) {
			inds = append(inds, b.Industry)
		}
		pops = append(pops, b.Population)
		r.Year = max(r.Year, b.Year)
		if b.Kind == "survey" {
			r.Kind = "survey"
		}
		if r.URL == "" {
			r.URL = b.URL
		}
	}
	r.Low, r.High = &lo, &hi
	r.Industry = strings.Join(inds, ", ")
	r.Population = strings.Join(pops, " | ")
	cites := make([]string, len(rows))
	for i, b := range rows {
		cites[i] = b.Citation()
	}
	r.Source = strings.Join(cites, "; ")
	return r
}

// Range returns the benchmark as an interval: [Value, Value] for a point figure.
func (b Benchmark) Range() (lo, hi float64) {
	lo, hi = math.NaN(), math.NaN()
	if b.Value != nil {
		lo, hi = *b.Value, *b.Value
	}
	if b.Low != nil {
		lo = *b.Low
	}
	if b.High != nil {
		hi = *b.High
	}
	if math.IsNaN(lo) {
		lo = hi
	}
	if math.IsNaN(hi) {
		hi = lo
	}
	return lo, hi
}

// Text formats the figure with its unit, e.g. "5.48%" or "25–35%" or "28.4 points".
func (b Benchmark) Text() string {
	lo, hi := b.Range()
	u := "%"
	if b.Unit == "points" {
		u = " points"
	}
	if lo == hi {
		return trimNum(lo) + u
	}
	return trimNum(lo) + "–" + trimNum(hi) + u
}

// Citation is the source, year and kind in one line (every source's, for a range row).
func (b Benchmark) Citation() string {
	if len(b.Sources) > 0 {
		return b.Source
	}
	s := fmt.Sprintf("%s, %d", b.Source, b.Year)
	if b.Kind == "survey" {
		s += " (vendor survey)"
	}
	return s
}

// CitationMsg is Citation as a message (source and year, and the vendor-survey mark).
func (b Benchmark) CitationMsg() fidelis.Msg {
	if len(b.Sources) > 0 {
		m := b.Sources[0].CitationMsg()
		for _, s := range b.Sources[1:] {
			m = fidelis.M("%s; %s", m, s.CitationMsg())
		}
		return m
	}
	if b.Kind == "survey" {
		return fidelis.M("%s, %s (vendor survey)", b.Source, fmt.Sprint(b.Year))
	}
	return fidelis.M("%s, %s", b.Source, fmt.Sprint(b.Year))
}

func trimNum(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// Shipped returns the benchmarks embedded in the binary.
func Shipped() []Benchmark {
	bs, err := ParseBenchmarks(bytes.NewReader(shippedJSON))
	if err != nil {
		panic("insight: embedded benchmarks.json: " + err.Error())
	}
	return bs
}

// ParseBenchmarks reads a JSON array of benchmark rows and validates each: metric, industry,
// a value or range, unit percent|points, source, year and kind survey|study are required.
func ParseBenchmarks(r io.Reader) ([]Benchmark, error) {
	var bs []Benchmark
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bs); err != nil {
		return nil, fidelis.Errorf(fidelis.EInvalid, "benchmarks: %v", err).WithHint("a JSON array of rows; see fidelis benchmarks --json")
	}
	for i := range bs {
		b := &bs[i]
		b.Metric = strings.ToLower(strings.TrimSpace(b.Metric))
		b.Industry = strings.ToLower(strings.TrimSpace(b.Industry))
		var miss []string
		if b.Metric == "" {
			miss = append(miss, "metric")
		}
		if b.Industry == "" {
			miss = append(miss, "industry")
		}
		if b.Value == nil && b.Low == nil && b.High == nil {
			miss = append(miss, "value or low/high")
		}
		if strings.TrimSpace(b.Source) == "" {
			miss = append(miss, "source")
		}
		if b.Year < 1900 {
			miss = append(miss, "year")
		}
		if len(miss) > 0 {
			return nil, fidelis.Errorf(fidelis.EInvalid, "benchmark row %d (%s, %s): missing %s", i+1, b.Metric, b.Industry, strings.Join(miss, ", ")).
				WithHint("no number without a source: every row needs metric, industry, value, unit, source, year and kind")
		}
		if b.Unit != "percent" && b.Unit != "points" {
			return nil, fidelis.Errorf(fidelis.EInvalid, "benchmark row %d (%s, %s): unit %q: want percent or points", i+1, b.Metric, b.Industry, b.Unit)
		}
		if b.Kind != "survey" && b.Kind != "study" {
			return nil, fidelis.Errorf(fidelis.EInvalid, "benchmark row %d (%s, %s): kind %q: want survey (vendor) or study (independent)", i+1, b.Metric, b.Industry, b.Kind)
		}
		if lo, hi := b.Range(); lo > hi {
			return nil, fidelis.Errorf(fidelis.EInvalid, "benchmark row %d (%s, %s): low %v above high %v", i+1, b.Metric, b.Industry, lo, hi)
		}
	}
	return bs, nil
}

// MergeBenchmarks lays user rows over base rows: a user row replaces every base row of the same
// metric and industry; other base rows are kept. The result is sorted by metric, industry, year.
func MergeBenchmarks(base, user []Benchmark) []Benchmark {
	type key struct{ m, i string }
	over := map[key]bool{}
	for _, u := range user {
		over[key{u.Metric, u.Industry}] = true
	}
	var out []Benchmark
	for _, b := range base {
		if !over[key{b.Metric, b.Industry}] {
			out = append(out, b)
		}
	}
	for _, u := range user {
		u.User = true
		out = append(out, u)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Metric != out[j].Metric {
			return out[i].Metric < out[j].Metric
		}
		if out[i].Industry != out[j].Industry {
			return out[i].Industry < out[j].Industry
		}
		return out[i].Year > out[j].Year
	})
	return out
}

// industryList splits "ecommerce, retail" into its lower-cased names (a business can sit in more
// than one benchmark population: an online retailer is both).
func industryList(industry string) []string {
	var out []string
	for _, s := range strings.Split(industry, ",") {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ForIndustry returns the rows of the industry, or of any of a comma-separated list, and of "all"
// (industry-independent figures). With no industry it returns the "all" rows only: a figure is
// compared with its own industry's benchmarks or with none, never with every industry's.
func ForIndustry(bs []Benchmark, industry string) []Benchmark {
	want := industryList(industry)
	var out []Benchmark
	for _, b := range bs {
		if b.Industry == "all" || slices.Contains(want, b.Industry) {
			out = append(out, b)
		}
	}
	return out
}

// Industries lists the industries with at least one row, sorted.
func Industries(bs []Benchmark) []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range bs {
		if !seen[b.Industry] && b.Industry != "all" {
			seen[b.Industry] = true
			out = append(out, b.Industry)
		}
	}
	sort.Strings(out)
	return out
}

// CheckIndustry returns an error naming the known industries when industry has no rows.
func CheckIndustry(bs []Benchmark, industry string) error {
	known := Industries(bs)
	for _, want := range industryList(industry) {
		if slices.Contains(known, want) {
			continue
		}
		return fidelis.Errorf(fidelis.EInvalid, "no benchmarks for industry %q", want).
			WithHint("--industry %s, or several separated by commas (or add your own rows with --benchmarks FILE)", strings.Join(known, "|"))
	}
	return nil
}
