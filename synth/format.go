package synth

import (
	"strconv"
	"time"
)

// appendTS appends the timestamp Start + days as 2006-01-02T15:04:05Z, from a per-day table.
func (g *gen) appendTS(b []byte, days float64) []byte {
	secs := int64(days * 86400)
	if secs < 0 {
		secs = 0
	}
	d := secs / 86400
	if d >= int64(len(g.dayStr)) {
		return g.cfg.Start.Add(time.Duration(secs)*time.Second).AppendFormat(b, "2006-01-02T15:04:05Z")
	}
	b = append(b, g.dayStr[d]...)
	s := int(secs % 86400)
	b = append2(b, s/3600)
	b = append(b, ':')
	b = append2(b, s/60%60)
	b = append(b, ':')
	b = append2(b, s%60)
	return append(b, 'Z')
}

// appendDate appends the date of Start + days.
func (g *gen) appendDate(b []byte, days float64) []byte {
	d := max(int(days), 0)
	if d >= len(g.dayStr) {
		return g.cfg.Start.AddDate(0, 0, d).AppendFormat(b, "2006-01-02")
	}
	s := g.dayStr[d]
	return append(b, s[:len(s)-1]...)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

// appendID appends prefix and the 1-based customer number n zero-padded to the id width.
func (g *gen) appendID(b []byte, prefix byte, i int) []byte {
	b = append(b, prefix)
	n := i + 1
	var tmp [20]byte
	k := len(tmp)
	for n > 0 || k > len(tmp)-g.idWidth {
		k--
		tmp[k] = byte('0' + n%10)
		n /= 10
	}
	return append(b, tmp[k:]...)
}

// appendSub appends "-k".
func appendSub(b []byte, k int) []byte {
	b = append(b, '-')
	return strconv.AppendInt(b, int64(k), 10)
}

// appendCents appends an amount in cents as a decimal with two places ('.' separator).
func appendCents(b []byte, c int64) []byte {
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, c/100, 10)
	return append(b, '.', byte('0'+c/10%10), byte('0'+c%10))
}
