package ingest

import (
	"fmt"
	"math"
	"strings"
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
}

// badValue is the first problem found in a record.
type badValue struct {
	col          int
	field, value string
	reason       string
}

func newConverter(s fidelis.Schema, m mapping, sample []pending, opt Options, header []string, path string) (*converter, error) {
	c := &converter{schema: s, m: m, header: header, decimal: '.', layouts: make([]string, len(s.Fields))}
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

func (c *converter) row(line int64, fields []string) (fidelis.Row, *badValue) {
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
				return fidelis.Row{}, bad("missing required value")
			}
			continue
		}
		if !utf8.ValidString(raw) {
			return fidelis.Row{}, bad("not valid UTF-8 (save the file as UTF-8)")
		}
		switch f.Type {
		case fidelis.Text:
			vals[i] = raw
		case fidelis.Time:
			t, err := parseTime(raw, c.layouts[i])
			if err != nil {
				return fidelis.Row{}, bad(err.Error())
			}
			vals[i] = t
		case fidelis.Float:
			v, err := parseNumber(raw, c.decimal)
			if err != nil {
				return fidelis.Row{}, bad(err.Error())
			}
			vals[i] = v
		case fidelis.Int:
			v, err := parseNumber(raw, c.decimal)
			if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
				return fidelis.Row{}, bad("not a whole number")
			}
			vals[i] = int64(v)
		}
	}
	if b := c.check(vals); b != nil {
		return fidelis.Row{}, b
	}
	row := fidelis.Row{Line: line, Values: vals}
	if c.schema.KeepAttrs {
		for _, j := range c.m.extra {
			if v := strings.TrimSpace(fields[j]); v != "" {
				row.Attrs = append(row.Attrs, fidelis.Attr{Name: fidelis.CleanName(c.header[j]), Value: v})
			}
		}
	}
	return row, nil
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
		vals[i] = strings.ToLower(v.(string))
		if j, s := at("score"); s.(float64) < 0 {
			return bad(j, "a score cannot be negative")
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
