package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fidelis"
)

// Languages the report is written in. English is the source language: the catalogue keys are the
// English format strings (gettext style), so a key is its own English text, and the catalogue
// holds the Polish, Romanian and Latvian translation of each.
var Languages = []string{"en", "pl", "ro", "lv"}

// locale holds the number and date conventions of a language (CLDR: decimal and group
// separators, minimum grouping digits; the usual numeric date).
type locale struct {
	lang              string
	dec, group        string
	minGroup          int // grouping starts at 3+minGroup integer digits (Polish: 10 000, but 1000)
	dateFmt, dateTime string
	quoteL, quoteR    string
	idx               int // index into the catalogue's translations; -1 for English
	pluralForms       int
	pluralForm        func(n int64) int
	// missing, when set, is told each key the catalogue lacks (Options.Missing).
	missing func(key string)
}

var locales = map[string]locale{
	"en": {lang: "en", dec: ".", group: ",", minGroup: 1, dateFmt: "2 Jan 2006", dateTime: "2 Jan 2006 15:04 UTC", quoteL: "“", quoteR: "”", idx: -1,
		pluralForms: 2, pluralForm: func(n int64) int { return b2i(n != 1) }},
	// Polish: one (1), few (2–4, 22–24, … but not 12–14), many (the rest).
	"pl": {lang: "pl", dec: ",", group: "\u00a0", minGroup: 2, dateFmt: "02.01.2006", dateTime: "02.01.2006, 15:04 UTC", quoteL: "„", quoteR: "”", idx: 0,
		pluralForms: 3, pluralForm: func(n int64) int {
			switch {
			case n == 1:
				return 0
			case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
				return 1
			}
			return 2
		}},
	// Romanian: one (1), few (0, 2–19 and x01–x19: "19 clienți"), other ("20 de clienți").
	"ro": {lang: "ro", dec: ",", group: ".", minGroup: 1, dateFmt: "02.01.2006", dateTime: "02.01.2006, 15:04 UTC", quoteL: "„", quoteR: "”", idx: 1,
		pluralForms: 3, pluralForm: func(n int64) int {
			switch {
			case n == 1:
				return 0
			case n == 0 || (n%100 >= 1 && n%100 <= 19):
				return 1
			}
			return 2
		}},
	// Latvian: zero (ends in 0 or 11–19), one (ends in 1 but not 11), other.
	"lv": {lang: "lv", dec: ",", group: "\u00a0", minGroup: 1, dateFmt: "02.01.2006.", dateTime: "02.01.2006. 15:04 UTC", quoteL: "“", quoteR: "”", idx: 2,
		pluralForms: 3, pluralForm: func(n int64) int {
			switch {
			case n%10 == 0 || (n%100 >= 11 && n%100 <= 19):
				return 0
			case n%10 == 1:
				return 1
			}
			return 2
		}},
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ParseLang checks a --lang value.
func ParseLang(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "en", nil
	}
	if _, ok := locales[s]; ok {
		return s, nil
	}
	return "", fidelis.Errorf(fidelis.EInvalid, "unknown report language %q", s).WithHint("--lang en|pl|ro|lv")
}

// catalogue maps an English key to its Polish, Romanian and Latvian text. Plural keys hold their
// forms separated by "|": English one|other, Polish one|few|many, Romanian one|few|other, Latvian
// zero|one|other. It is built on first use from what add registered, not at program start:
// commands that write no report (fit, import) should not pay for hashing the messages.
var catalogue = sync.OnceValue(func() map[string][3]string {
	m := make(map[string][3]string, len(pending)*64)
	for _, quads := range pending {
		for i := 0; i < len(quads); i += 4 {
			if _, dup := m[quads[i]]; dup {
				panic("report catalogue: duplicate key " + quads[i])
			}
			m[quads[i]] = [3]string{quads[i+1], quads[i+2], quads[i+3]}
		}
	}
	return m
})

// pending holds add's groups until catalogue builds the map.
var pending [][]string

// add registers translations as groups of four strings: English key, Polish, Romanian, Latvian.
func add(quads ...string) bool {
	if len(quads)%4 != 0 {
		panic(fmt.Sprintf("report catalogue: %d strings, not groups of four (after %q)", len(quads), quads[len(quads)-len(quads)%4]))
	}
	pending = append(pending, quads)
	return true
}

// T translates key into the locale's language and formats it with args, numbers in the locale's
// style. A key missing from the catalogue is used as it is (data such as segment names pass
// through T safely) and reported to l.missing when set.
func (l locale) T(key string, args ...any) string {
	format := key
	if l.idx >= 0 {
		if tr, ok := catalogue()[key]; ok {
			format = tr[l.idx]
		} else if l.missing != nil {
			l.missing(key)
		}
	}
	if len(args) == 0 && !strings.Contains(key, "|") {
		return format // a message without arguments is literal text
	}
	if strings.Contains(key, "|") {
		forms := strings.Split(format, "|")
		n, _ := fidelis.PluralCount(args)
		i := l.pluralForm(n)
		if len(forms) != l.pluralForms {
			i = min(i, len(forms)-1)
		}
		format = forms[i]
	}
	return l.sprintf(format, args...)
}

// tm renders a message built in another package.
func (lc locale) tm(m fidelis.Msg) string { return lc.T(m.Key, m.Args...) }

// sf formats like fmt.Sprintf, with numbers in the locale's style (no translation).
func (lc locale) sf(format string, args ...any) string { return lc.sprintf(format, args...) }

// sprintf is fmt.Sprintf with numbers localised: each verb is formatted by fmt and a number's
// decimal point and grouping then follow the locale; %q quotes with the locale's marks; Msg and
// Msgs arguments are translated. Explicit argument indexes (%[2]s) let a translation reorder.
func (l locale) sprintf(format string, args ...any) string {
	var b strings.Builder
	argi := 0
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			i++
			continue
		}
		j := i + 1
		if j < len(format) && format[j] == '%' {
			b.WriteByte('%')
			i = j + 1
			continue
		}
		spec := "%"
		for j < len(format) && strings.IndexByte("+-# 0", format[j]) >= 0 {
			spec += format[j : j+1]
			j++
		}
		if j < len(format) && format[j] == '[' {
			k := strings.IndexByte(format[j:], ']')
			if n, err := strconv.Atoi(format[j+1 : j+k]); err == nil {
				argi = n - 1
			}
			j += k + 1
		}
		for j < len(format) && (format[j] >= '0' && format[j] <= '9' || format[j] == '.') {
			spec += format[j : j+1]
			j++
		}
		if j < len(format) && format[j] == '[' { // an index after the precision: %.1[3]f
			k := strings.IndexByte(format[j:], ']')
			if n, err := strconv.Atoi(format[j+1 : j+k]); err == nil {
				argi = n - 1
			}
			j += k + 1
		}
		if j >= len(format) {
			b.WriteString(format[i:])
			break
		}
		verb, size := utf8.DecodeRuneInString(format[j:])
		i = j + size
		if argi >= len(args) {
			b.WriteString("%!" + string(verb) + "(MISSING)")
			continue
		}
		arg := args[argi]
		argi++
		switch v := arg.(type) {
		case fidelis.Msg:
			b.WriteString(l.T(v.Key, v.Args...))
			continue
		case time.Time:
			b.WriteString(v.Format(l.dateFmt))
			continue
		case fidelis.Msgs:
			for k, m := range v {
				if k > 0 {
					b.WriteString("; ")
				}
				b.WriteString(l.T(m.Key, m.Args...))
			}
			continue
		}
		s := fmt.Sprintf(spec+string(verb), arg)
		switch verb {
		case 'd', 'f', 'g', 'e':
			if isNumber(arg) {
				s = l.number(s)
			}
		case 'q':
			s = l.quoteL + fmt.Sprint(arg) + l.quoteR
		}
		b.WriteString(s)
	}
	return b.String()
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int64, int32, float64, float32, uint64, uint:
		return true
	}
	return false
}

// number rewrites a number formatted by fmt ("-1234.5", "+3.20", "9.77e-06") in the locale's
// style: decimal separator, digit grouping, a true minus sign.
func (l locale) number(s string) string {
	lead := strings.TrimLeft(s, " ")
	pad := s[:len(s)-len(lead)]
	sign := ""
	switch {
	case strings.HasPrefix(lead, "-"):
		sign, lead = "−", lead[1:]
	case strings.HasPrefix(lead, "+"):
		sign, lead = "+", lead[1:]
	}
	if lead == "NaN" || strings.HasPrefix(lead, "Inf") {
		return "–"
	}
	intPart, rest := lead, ""
	if k := strings.IndexAny(lead, ".e"); k >= 0 {
		intPart, rest = lead[:k], lead[k:]
	}
	if strings.HasPrefix(rest, ".") {
		rest = l.dec + rest[1:]
	}
	if len(intPart) >= 3+l.minGroup {
		var g strings.Builder
		for k, r := range intPart {
			if k > 0 && (len(intPart)-k)%3 == 0 {
				g.WriteString(l.group)
			}
			g.WriteRune(r)
		}
		intPart = g.String()
	}
	return pad + sign + intPart + rest
}

// Formatting helpers shared by the sections: every section renders with the locale it is given.

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (lc locale) pct(v float64) string {
	if !finite(v) {
		return "–"
	}
	return lc.sf("%.1f%%", v*100)
}

func (lc locale) pctPoints(v float64) string { return lc.pct(v / 100) }

func (lc locale) money(v float64) string {
	if !finite(v) {
		return "–"
	}
	return lc.sf("%.2f", v)
}

// moneyC is an amount with its currency code ("1 234,50 EUR").
func (lc locale) moneyC(v float64, currency string) string {
	s := lc.money(v)
	if currency == "" || s == "–" {
		return s
	}
	return s + "\u00a0" + currency
}

func (lc locale) num(v float64, dec int) string {
	if !finite(v) {
		return "–"
	}
	return lc.number(strconv.FormatFloat(v, 'f', dec, 64))
}

func (lc locale) count(n int64) string { return lc.sf("%d", n) }

func (lc locale) date(t time.Time) string { return t.Format(lc.dateFmt) }

// Text renders a message in a report language (en, pl, ro or lv; English for any other), with
// that language's numbers, for commands that print translated text.
func Text(lang string, m fidelis.Msg) string {
	l, ok := locales[lang]
	if !ok {
		l = locales["en"]
	}
	return l.tm(m)
}
