package ingest

import (
	"math"
	"strings"
	"testing"
	"time"
)

// FuzzParseNumber: no panic; a parsed number is finite; a number written with a decimal comma
// reads the same as the text with '.' and ',' swapped read with a decimal point.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.234,56", "1,234.56", "-12,5", "1 234.5", "1'234", "NaN", "1e400", "0x1p-2", "+.5", "1,23", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseNumber(s, '.')
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("%q → %v", s, v)
		}
		swapped := strings.Map(func(r rune) rune {
			switch r {
			case '.':
				return ','
			case ',':
				return '.'
			}
			return r
		}, s)
		w, err2 := parseNumber(swapped, ',')
		if (err == nil) != (err2 == nil) || err == nil && v != w {
			t.Fatalf("%q with '.' → %v %v; %q with ',' → %v %v", s, v, err, swapped, w, err2)
		}
		looksDecimalComma(s)
	})
}

// FuzzParseTime: no panic; a parsed time is in UTC, and writing it back in its layout and
// reading it again gives the same instant; layout detection never panics.
func FuzzParseTime(f *testing.F) {
	for i, s := range []string{"2024-02-29", "31.02.2024", "2024-05-01T10:00:00+02:00", "20241231", "1.5.2024", "12/31/2024 23:59", "0000-01-01"} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		layout := dateLayouts[int(k)%len(dateLayouts)]
		tm, err := parseTime(s, layout)
		if err == nil {
			if tm.Location() != time.UTC {
				t.Fatalf("%q: %v not UTC", s, tm)
			}
			back, err := parseTime(tm.Format(layout), layout)
			if err != nil || !back.Equal(tm) {
				t.Fatalf("%q in %s → %v → %q → %v %v", s, layout, tm, tm.Format(layout), back, err)
			}
		}
		chooseLayout([]string{s, strings.TrimSpace(s)}, k%2 == 0)
		parseLayoutFlag(s)
	})
}

// FuzzSniff: the content and encoding detectors never panic, and clip never returns more than
// maxQuoted bytes plus its note, always valid UTF-8 when given UTF-8.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("\xff\xfea\x00,\x00b\x00\n\x00"), "")
	f.Add([]byte("a;b\r1;2\r"), "windows-1250")
	f.Fuzz(func(t *testing.T, b []byte, enc string) {
		sniffMagic(b)
		textEncoding(b, enc)
		term, _ := detectLineEnd(b)
		sniffDelimiter(b, term)
		jsonShape(b, term, ".json")
		c := clip(string(b))
		if len(c) > maxQuoted+40 {
			t.Fatalf("clip kept %d bytes", len(c))
		}
	})
}
