package ingest

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"fidelis"
)

// converter turns a record's text fields into a typed row, or says why it cannot.
type converter struct {
	schema  fidelis.Schema
	m       mapping
	header  []string
	decimal byte
	layouts []string // per field; "" for non-time fields
	// minDate and maxDate bound every timestamp: [minDate, maxDate].
	minDate, maxDate time.Time
	// scales gives the scale of survey kinds whose answers name none; noScale says why a kind has
	// none (see surveyScales).
	scales, noScale map[string]string
	scaleNotes      []ScaleNote
	// currency is the one currency of the orders ("" when not yet known); fx, when set, converts
	// every amount to fx.Base instead.
	currency string
	fx       *Rates
	// attrNames are the clean names of the extra columns (m.extra), for customers' attributes.
	attrNames []string
	// codes caches currency codes as written → the ISO code (boxed, as a row holds it): a file
	// writes its few currencies millions of times. Only valid codes are kept, at most maxCodes.
	codes  sync.Map
	ncodes atomic.Int32
}

const maxCodes = 256

// rowInfo is what converting a row learnt beyond its values.
type rowInfo struct {
	key       uint64 // rows without an id: hash of the normalised values, before any currency conversion
	converted bool   // the amount was converted with --fx
}

// badValue is the first problem found in a record.
type badValue struct {
	col          int
	field, value string
	reason       string
}

func newConverter(s fidelis.Schema, m mapping, sample []pending, opt Options, header []string, path string) (*converter, error) {
	c := &converter{schema: s, m: m, header: header, decimal: '.', layouts: make([]string, len(s.Fields))}
	for _, j := range m.extra {
		c.attrNames = append(c.attrNames, fidelis.CleanName(header[j]))
	}
	switch opt.Decimal {
	case ",":
		c.decimal = ','
	case ".", "":
	default:
		return nil, fidelis.Errorf(fidelis.EInvalid, "--decimal %q: want . or ,", opt.Decimal)
	}
	if opt.Decimal == "" {
		commas, points := 0, 0
		for i, f := range s.Fields {
			if (f.Type != fidelis.Float && f.Type != fidelis.Int) || m.cols[i] < 0 {
				continue
			}
			for _, p := range sample {
				if p.fields == nil {
					continue
				}
				v := p.fields[m.cols[i]]
				switch {
				case looksDecimalComma(v):
					commas++
				case strings.Contains(v, "."):
					points++
				}
			}
		}
		if commas > points {
			c.decimal = ','
		}
	}
	for i, f := range s.Fields {
		if f.Type != fidelis.Time || m.cols[i] < 0 {
			continue
		}
		if opt.DateFormat != "" {
			c.layouts[i] = parseLayoutFlag(opt.DateFormat)
			continue
		}
		var samples []string
		for _, p := range sample {
			if p.fields != nil {
				if v := strings.TrimSpace(p.fields[m.cols[i]]); v != "" {
					samples = append(samples, v)
				}
			}
		}
		if len(samples) == 0 {
			c.layouts[i] = dateLayouts[0]
			continue
		}
		// Slashed dates with '.' decimals are read month first (US exports), others day first.
		l := chooseLayout(samples, c.decimal == '.')
		if l == "" {
			return nil, fidelis.Errorf(fidelis.EInvalid, "%s: column %q: cannot recognise the date format of %q", path, header[m.cols[i]], samples[0]).
				WithHint("--date-format DD.MM.YYYY (tokens YYYY MM DD hh mm ss)")
		}
		c.layouts[i] = l
	}
	c.minDate, c.maxDate = opt.MinDate, opt.MaxDate
	if c.minDate.IsZero() {
		c.minDate = DefaultMinDate
	}
	if c.maxDate.IsZero() {
		now := opt.Now
		if now.IsZero() {
			now = time.Now()
		}
		c.maxDate = now.UTC().Truncate(24 * time.Hour).Add(48*time.Hour - time.Nanosecond) // to the end of tomorrow
	}
	if !c.minDate.Before(c.maxDate) {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--min-date %s is not before --max-date %s", c.minDate.Format("2006-01-02"), c.maxDate.Format("2006-01-02"))
	}
	c.fx = opt.FX
	if s.Kind == fidelis.Surveys {
		var err error
		if c.scales, c.scaleNotes, c.noScale, err = surveyScales(s, m, sample, c.decimal, opt.Scales); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *converter) layoutNames() map[string]string {
	out := map[string]string{}
	for i, l := range c.layouts {
		if l != "" {
			out[c.schema.Fields[i].Name] = layoutName(l)
		}
	}
	return out
}

// programTypes are the loyalty-programme event types Fidelis understands.
var programTypes = map[string]bool{"enroll": true, "earn": true, "redeem": true, "expire": true, "adjust": true, "tier": true}

func (c *converter) row(line int64, fields []string) (fidelis.Row, rowInfo, *badValue) {
	vals := make([]any, len(c.schema.Fields))
	for i, f := range c.schema.Fields {
		col := c.m.cols[i]
		if col < 0 {
			continue
		}
		raw := strings.TrimSpace(fields[col])
		bad := func(reason string) *badValue {
			return &badValue{col: col, field: f.Name, value: fields[col], reason: reason}
		}
		if raw == "" {
			if f.Required {
				return fidelis.Row{}, rowInfo{}, bad("missing required value")
			}
			continue
		}
		if !utf8.ValidString(raw) {
			return fidelis.Row{}, rowInfo{}, bad("not valid UTF-8 (save the file as UTF-8)")
		}
		switch f.Type {
		case fidelis.Text:
			vals[i] = raw
		case fidelis.Time:
			t, err := parseTime(raw, c.layouts[i])
			if err != nil {
				return fidelis.Row{}, rowInfo{}, bad(err.Error())
			}
			if t.Before(c.minDate) || t.After(c.maxDate) {
				return fidelis.Row{}, rowInfo{}, bad(fmt.Sprintf("implausible date %s: outside %s .. %s (widen with --min-date/--max-date)",
					t.Format("2006-01-02"), c.minDate.Format("2006-01-02"), c.maxDate.Format("2006-01-02")))
			}
			vals[i] = t
		case fidelis.Float:
			v, err := parseNumber(raw, c.decimal)
			if err != nil {
				return fidelis.Row{}, rowInfo{}, bad(err.Error())
			}
			vals[i] = v
		case fidelis.Int:
			v, err := parseNumber(raw, c.decimal)
			if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
				return fidelis.Row{}, rowInfo{}, bad("not a whole number")
			}
			vals[i] = int64(v)
		}
	}
	if b := c.check(vals); b != nil {
		return fidelis.Row{}, rowInfo{}, b
	}
	var info rowInfo
	if vals[0] == nil { // only a row without an id needs its values' hash (derivedID)
		info.key = valuesKey(vals)
	}
	if c.schema.Kind == fidelis.Orders && c.fx != nil {
		ai, ci := c.schema.Index("amount"), c.schema.Index("currency")
		cur, _ := vals[ci].(string)
		if cur == "" {
			cur = c.fx.Base // documented: a blank currency is the base currency
		}
		v, err := c.fx.Convert(vals[ai].(float64), cur, vals[c.schema.Index("timestamp")].(time.Time))
		if err != nil {
			return fidelis.Row{}, rowInfo{}, &badValue{col: c.m.cols[ci], field: "currency", value: cur, reason: err.Error()}
		}
		info.converted = cur != c.fx.Base
		vals[ai], vals[ci] = v, c.fx.Base
	}
	row := fidelis.Row{Line: line, Values: vals}
	if c.schema.KeepAttrs {
		for k, j := range c.m.extra {
			if v := strings.TrimSpace(fields[j]); v != "" {
				if row.Attrs == nil {
					row.Attrs = make([]fidelis.Attr, 0, len(c.m.extra)-k)
				}
				row.Attrs = append(row.Attrs, fidelis.Attr{Name: c.attrNames[k], Value: v})
			}
		}
	}
	return row, info, nil
}

// currencyCode is normCurrency's code for s, boxed, from the cache when s was seen before.
func (c *converter) currencyCode(s string) (any, error) {
	if code, ok := c.codes.Load(s); ok {
		return code, nil
	}
	code, _, err := normCurrency(s)
	if err != nil {
		return nil, err
	}
	boxed := any(code)
	if c.ncodes.Add(1) <= maxCodes {
		c.codes.Store(s, boxed)
	}
	return boxed, nil
}

// check applies the rules that involve a kind's meaning rather than a value's type.
func (c *converter) check(vals []any) *badValue {
	at := func(name string) (int, any) {
		i := c.schema.Index(name)
		return i, vals[i]
	}
	bad := func(i int, reason string) *badValue {
		return &badValue{col: c.m.cols[i], field: c.schema.Fields[i].Name, value: fmt.Sprint(vals[i]), reason: reason}
	}
	switch c.schema.Kind {
	case fidelis.Program:
		i, v := at("type")
		t := strings.ToLower(v.(string))
		if t == "enrol" || t == "enrolment" || t == "enrollment" || t == "join" {
			t = "enroll"
		}
		if !programTypes[t] {
			return bad(i, "unknown programme event type (want enroll, earn, redeem, expire, adjust or tier)")
		}
		vals[i] = t
	case fidelis.Surveys:
		i, v := at("kind")
		kind := strings.ToLower(v.(string))
		vals[i] = kind
		j, s := at("score")
		if s.(float64) < 0 {
			return bad(j, "a score cannot be negative")
		}
		k, sc := at("scale")
		scale, _ := sc.(string)
		canon, reason := c.checkScore(kind, scale, s.(float64))
		if reason != "" {
			if scale != "" && c.m.cols[k] >= 0 && strings.HasPrefix(reason, "unsupported") {
				return bad(k, reason)
			}
			return bad(j, reason)
		}
		vals[k] = canon
	case fidelis.Orders:
		i, v := at("currency")
		if v == nil {
			break
		}
		code, err := c.currencyCode(v.(string))
		if err != nil {
			return bad(i, err.Error())
		}
		vals[i] = code
		if c.fx == nil && c.currency != "" && code != c.currency {
			return bad(i, fmt.Sprintf("%s differs from the store's currency %s: Fidelis never adds two currencies (convert with --fx RATES --base %s)", code, c.currency, c.currency))
		}
	case fidelis.Subscriptions:
		_, s := at("started_at")
		if j, e := at("ended_at"); e != nil {
			if st, en := s.(time.Time), e.(time.Time); en.Before(st) {
				return bad(j, "ends before it starts")
			}
		}
		if j, m := at("mrr"); m.(float64) < 0 {
			return bad(j, "MRR cannot be negative")
		}
	}
	return nil
}

// chooseCurrency fixes the one currency this import's orders may be in: the --fx base, else the
// store's, else the one the sampled rows name. A file whose sample names several currencies, or
// a --fx base other than the store's currency, is refused before anything is stored: Fidelis
// never adds two currencies.
func (c *converter) chooseCurrency(q fidelis.Quality, sample []pending, path string) (string, error) {
	stored, mixed := q.Currency()
	if c.fx != nil {
		if stored != "" && stored != c.fx.Base {
			return "", fidelis.Errorf(fidelis.EInvalid, "--base %s, but the store's orders are in %s", c.fx.Base, stored).
				WithHint("--fx RATES --base %s (rates to the store's currency)", stored)
		}
		return c.fx.Base, nil
	}
	if stored != "" {
		c.currency = stored
		return stored, nil
	}
	col := c.m.cols[c.schema.Index("currency")]
	if col < 0 {
		return "", nil
	}
	counts := map[string]int{}
	for _, p := range sample {
		if p.fields == nil || strings.TrimSpace(p.fields[col]) == "" {
			continue
		}
		if code, _, err := normCurrency(p.fields[col]); err == nil {
			counts[code]++
		}
	}
	switch len(counts) {
	case 0:
		return "", nil
	case 1:
		for code := range counts {
			c.currency = code
		}
		return c.currency, nil
	}
	var parts []string
	for _, code := range sortedKeys(counts) {
		parts = append(parts, fmt.Sprintf("%s (%d rows)", code, counts[code]))
	}
	note := ""
	if mixed {
		note = " (the store already mixes currencies, imported before this check)"
	}
	return "", fidelis.Errorf(fidelis.EInvalid, "%s mixes currencies in its first %d rows: %s; Fidelis never adds two currencies%s",
		path, len(sample), strings.Join(parts, ", "), note).
		WithHint("convert to one: --fx rates.csv --base %s (rows date,currency,rate), or import each currency into its own --db", sortedKeys(counts)[0])
}
