package btyd

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Transaction is one purchase.
type Transaction struct {
	Customer string
	Time     time.Time
	Amount   float64
}

// TimeUnit is the period in which purchases are counted and times measured.
type TimeUnit int

// Time units. Weeks run Monday to Sunday (pandas' "W"), months are calendar months.
const (
	Day TimeUnit = iota
	Week
	Month
)

// ParseTimeUnit parses "day", "week" or "month" (also D, W, M).
func ParseTimeUnit(s string) (TimeUnit, error) {
	switch strings.ToLower(s) {
	case "day", "days", "d":
		return Day, nil
	case "week", "weeks", "w":
		return Week, nil
	case "month", "months", "m":
		return Month, nil
	}
	return 0, fmt.Errorf("unknown time unit %q (day, week or month)", s)
}

func (u TimeUnit) String() string { return [...]string{"day", "week", "month"}[u] }

// period returns the index of the period holding t: days since 1970-01-01, weeks since Monday
// 1969-12-29, or months since January 1970.
func (u TimeUnit) period(t time.Time) int64 {
	y, m, d := t.Date()
	return u.periodOf(y, m, d)
}

// periodOf is period for a calendar date.
func (u TimeUnit) periodOf(y int, m time.Month, d int) int64 {
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	switch u {
	case Week:
		return floorDiv(days+3, 7)
	case Month:
		return int64(y-1970)*12 + int64(m-1)
	}
	return days
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// SummaryOptions controls [Summarize].
type SummaryOptions struct {
	Unit TimeUnit
	// CalibrationEnd is the last instant of the calibration period (purchases on its date count).
	CalibrationEnd time.Time
	// ObservationEnd, when after CalibrationEnd, closes a holdout period whose purchases are counted
	// per customer in [Summary.Holdout].
	ObservationEnd time.Time
	// Divide divides all durations (lifetimes' freq_multiplier): Unit Day with Divide 7 counts
	// distinct purchase days but measures time in weeks, as Fader and Hardie's CDNOW summaries do.
	// 0 means 1.
	Divide float64
}

// Summary is the RFM summary of a transaction log.
type Summary struct {
	Customers []Customer
	// Holdout[i] is customer i's number of purchase periods in the holdout (when ObservationEnd is set).
	Holdout []float64
	// HoldoutSpend[i] is customer i's spend in the holdout.
	HoldoutSpend []float64
	// First[i] is customer i's first purchase period, in units since the earliest first purchase.
	First []float64
	// HoldoutLength is the holdout duration in units (after Divide).
	HoldoutLength float64
}

// Summarize turns a transaction log into per-customer RFM summaries in the manner of lifetimes'
// summary_data_from_transaction_data: purchases are grouped into periods of the unit (amounts
// summed); frequency = distinct purchase periods after the first; recency = last purchase period −
// first; T = calibration-end period − first; monetary value = mean spend of the repeat periods (0
// when frequency is 0). Customers whose first purchase is after CalibrationEnd are left out.
// Customers are returned sorted by ID.
func Summarize(txs []Transaction, o SummaryOptions) (*Summary, error) {
	if o.CalibrationEnd.IsZero() {
		return nil, errors.New("btyd: calibration end not set")
	}
	b := newBounds(o)
	l := newPurchaseLog()
	for _, t := range txs {
		if p, ok := b.keep(t.Time); ok {
			l.add(t.Customer, pa{p, t.Amount})
		}
	}
	return summarizeGroups(groupPurchases([]*purchaseLog{l}), o, b), nil
}

// pa is one purchase: its period and amount.
type pa struct {
	p   int64
	amt float64
}

// purchaseLog gathers purchases in the order read without a slice per customer: each customer id
// gets a dense index and purchases go to fixed-size blocks (20 bytes a purchase, no pointers for
// the garbage collector to scan, and no copying as they grow, which would hold three times the
// purchases at the moment of a copy). A map of growing slices per customer cost 1.7× the CPU at
// 10M purchases, most of it in slice growth, map rehashing and GC scanning.
type purchaseLog struct {
	index  map[string]int32
	ids    []string
	blocks []*purchaseBlock
	n      int   // purchases in the last block
	last   int32 // the previous purchase's customer: logs grouped by customer look each up once
}

const purchaseBlockBits = 16

type purchaseBlock struct {
	cust [1 << purchaseBlockBits]int32 // purchase → customer index
	buys [1 << purchaseBlockBits]pa
}

func newPurchaseLog() *purchaseLog { return &purchaseLog{index: map[string]int32{}, last: -1} }

// add records a purchase of the customer id (a string or a byte slice: neither is copied unless
// the id is new).
func add[S string | []byte](l *purchaseLog, id S, p pa) {
	if l.last < 0 || l.ids[l.last] != string(id) {
		c, ok := l.index[string(id)]
		if !ok {
			c = int32(len(l.ids))
			k := string(id)
			l.ids = append(l.ids, k)
			l.index[k] = c
		}
		l.last = c
	}
	l.push(l.last, p)
}

func (l *purchaseLog) add(id string, p pa) { add(l, id, p) }

func (l *purchaseLog) push(c int32, p pa) {
	if len(l.blocks) == 0 || l.n == 1<<purchaseBlockBits {
		l.blocks, l.n = append(l.blocks, new(purchaseBlock)), 0
	}
	b := l.blocks[len(l.blocks)-1]
	b.cust[l.n], b.buys[l.n] = c, p
	l.n++
}

// len is the number of purchases; at(i) and swap address them by position.
func (l *purchaseLog) len() int {
	if len(l.blocks) == 0 {
		return 0
	}
	return (len(l.blocks)-1)<<purchaseBlockBits + l.n
}

func (l *purchaseLog) at(i int) (*int32, *pa) {
	b, j := l.blocks[i>>purchaseBlockBits], i&(1<<purchaseBlockBits-1)
	return &b.cust[j], &b.buys[j]
}

// purchaseGroups holds every customer's purchases ordered by customer: customer i's are at
// positions off[i] to off[i+1] of the log.
type purchaseGroups struct {
	ids []string
	off []int
	log *purchaseLog
}

// purchases copies customer i's purchases into buf.
func (g purchaseGroups) purchases(i int, buf []pa) []pa {
	buf = buf[:0]
	for j := g.off[i]; j < g.off[i+1]; j++ {
		_, p := g.log.at(j)
		buf = append(buf, *p)
	}
	return buf
}

// groupPurchases merges the logs (one per reading worker) into the first and orders its purchases
// by customer with an in-place counting sort (each purchase is swapped at most once into its
// customer's place), so grouping needs no second copy of the purchases. Within a customer the
// order is arbitrary; summarizeGroups sorts them.
func groupPurchases(logs []*purchaseLog) purchaseGroups {
	g := purchaseGroups{log: logs[0], ids: logs[0].ids}
	for _, l := range logs[1:] {
		global := make([]int32, len(l.ids)) // this log's customer index → the first log's
		for i, id := range l.ids {
			c, ok := g.log.index[id]
			if !ok {
				c = int32(len(g.ids))
				g.ids = append(g.ids, id)
				g.log.index[id] = c
			}
			global[i] = c
		}
		for i := range l.len() {
			c, p := l.at(i)
			g.log.push(global[*c], *p)
			if i&(1<<purchaseBlockBits-1) == 1<<purchaseBlockBits-1 {
				l.blocks[i>>purchaseBlockBits] = nil // copied: the collector may take it
			}
		}
		l.blocks, l.ids, l.index = nil, nil, nil
	}
	g.log.index = nil
	n := g.log.len()
	g.off = make([]int, len(g.ids)+1)
	for i := range n {
		c, _ := g.log.at(i)
		g.off[*c+1]++
	}
	for i := 1; i < len(g.off); i++ {
		g.off[i] += g.off[i-1]
	}
	next := slices.Clone(g.off[:len(g.ids)])
	for c := range next {
		for next[c] < g.off[c+1] {
			ci, pi := g.log.at(next[c])
			d := int(*ci)
			if d == c {
				next[c]++
				continue
			}
			// The purchase belongs to customer d: swap it into d's next free place.
			cj, pj := g.log.at(next[d])
			*ci, *cj = *cj, *ci
			*pi, *pj = *pj, *pi
			next[d]++
		}
	}
	return g
}

// bounds are the periods a summary keeps.
type bounds struct {
	hold       bool
	calP, obsP int64
	unit       TimeUnit
}

func newBounds(o SummaryOptions) bounds {
	return bounds{hold: o.ObservationEnd.After(o.CalibrationEnd), calP: o.Unit.period(o.CalibrationEnd), obsP: o.Unit.period(o.ObservationEnd), unit: o.Unit}
}

// keep returns t's period and whether it falls in the calibration period or the holdout.
func (b bounds) keep(t time.Time) (int64, bool) { return b.keepPeriod(b.unit.period(t)) }

func (b bounds) keepPeriod(p int64) (int64, bool) {
	return p, !(b.hold && p > b.obsP || !b.hold && p > b.calP)
}

// summarizeGroups summarises each customer's purchases (see Summarize).
func summarizeGroups(g purchaseGroups, o SummaryOptions, b bounds) *Summary {
	div := o.Divide
	if div <= 0 {
		div = 1
	}
	hold, calP, obsP := b.hold, b.calP, b.obsP
	order := make([]int32, len(g.ids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(g.ids[a], g.ids[b]) })
	s := &Summary{}
	if hold {
		s.HoldoutLength = float64(obsP-calP) / div
	}
	minFirst := int64(math.MaxInt64)
	var firsts []int64
	var ps []pa
	for _, i := range order {
		id := g.ids[i]
		ps = g.purchases(int(i), ps)
		// By period, then amount: a period's amounts add up in the same order however they came.
		slices.SortFunc(ps, func(a, b pa) int {
			if a.p != b.p {
				return cmp.Compare(a.p, b.p)
			}
			return cmp.Compare(a.amt, b.amt)
		})
		first := ps[0].p
		if first > calP {
			continue
		}
		// Group by period.
		var periods []int64
		var amts []float64
		for _, q := range ps {
			if n := len(periods); n > 0 && periods[n-1] == q.p {
				amts[n-1] += q.amt
				continue
			}
			periods = append(periods, q.p)
			amts = append(amts, q.amt)
		}
		var x, last int64
		var spend, hn, hs float64
		last = first
		for i, p := range periods {
			switch {
			case p <= calP && i > 0:
				x++
				last = p
				spend += amts[i]
			case p > calP:
				hn++
				hs += amts[i]
			}
		}
		c := Customer{ID: id, Frequency: float64(x), Recency: float64(last-first) / div, T: float64(calP-first) / div}
		if x > 0 {
			c.Monetary = spend / float64(x)
		}
		s.Customers = append(s.Customers, c)
		firsts = append(firsts, first)
		minFirst = min(minFirst, first)
		if hold {
			s.Holdout = append(s.Holdout, hn)
			s.HoldoutSpend = append(s.HoldoutSpend, hs)
		}
	}
	s.First = make([]float64, len(firsts))
	for i, f := range firsts {
		s.First[i] = float64(f-minFirst) / div
	}
	return s
}

// ReadTransactions reads a transaction log: comma-, tab- or whitespace-separated, one purchase per
// line with a customer id, a date (YYYY-MM-DD, YYYYMMDD, or RFC 3339) and optionally an amount. With a
// header, columns are found by name (customer_id/customer/id, date/time/timestamp, and
// amount/dollar_value/value/revenue/total/spend); without one, the first column is the customer,
// the second the date and the last (when there are three or more) the amount. The CDNOW master file
// (header "customer_id date number_of_cds dollar_value", CRLF) reads as is. Errors are *ParseError.
func ReadTransactions(r io.Reader) ([]Transaction, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var (
		out  []Transaction
		line int
		ft   *txFormat
		f    [][]byte
	)
	for sc.Scan() {
		line++
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		if ft == nil {
			var header bool
			var err *ParseError
			if ft, header, err = newTxFormat(l, line); err != nil {
				return nil, err
			}
			if header {
				continue
			}
		}
		f = ft.split(l, f)
		id, day, amt, err := ft.parse(f, line)
		if err != nil {
			return nil, err
		}
		out = append(out, Transaction{Customer: string(id), Time: day, Amount: amt})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

// txFormat is a transaction log's layout, decided from its first non-blank line.
type txFormat struct {
	sep              byte // ',' or '\t'; 0 for runs of white space
	idC, dateC, amtC int
	names            []string
}

// newTxFormat decides the layout from the first non-blank line l (trimmed) and reports whether
// it is a header.
func newTxFormat(l []byte, line int) (*txFormat, bool, *ParseError) {
	ft := &txFormat{idC: 0, dateC: 1, amtC: -1}
	switch {
	case bytes.IndexByte(l, ',') >= 0:
		ft.sep = ','
	case bytes.IndexByte(l, '\t') >= 0:
		ft.sep = '\t'
	}
	f := ft.split(l, nil)
	if len(f) < 2 {
		return nil, false, &ParseError{Line: line, Err: errors.New("need at least a customer and a date column")}
	}
	if _, err := parseDate(string(f[1])); err != nil {
		ft.idC, ft.dateC = -1, -1
		for i, h := range f {
			ft.names = append(ft.names, string(h))
			switch strings.ToLower(string(h)) {
			case "customer_id", "customer", "id", "cust", "user_id", "customerid":
				ft.idC = i
			case "date", "time", "timestamp", "order_date", "datetime":
				ft.dateC = i
			case "amount", "dollar_value", "value", "revenue", "total", "spend", "sales", "price":
				ft.amtC = i
			}
		}
		if ft.idC < 0 || ft.dateC < 0 {
			return nil, false, &ParseError{Line: line, Err: fmt.Errorf("header %q needs a customer id and a date column", l)}
		}
		return ft, true, nil
	}
	if len(f) >= 3 {
		ft.amtC = len(f) - 1
	}
	for i := range f {
		ft.names = append(ft.names, fmt.Sprintf("column %d", i+1))
	}
	return ft, false, nil
}

// split cuts a trimmed line into fields, each trimmed of white space and quotes, reusing f.
func (ft *txFormat) split(l []byte, f [][]byte) [][]byte {
	f = f[:0]
	if ft.sep == 0 {
		f = append(f, bytes.Fields(l)...)
	} else {
		for {
			i := bytes.IndexByte(l, ft.sep)
			if i < 0 {
				f = append(f, l)
				break
			}
			f = append(f, l[:i])
			l = l[i+1:]
		}
	}
	for i := range f {
		f[i] = bytes.Trim(bytes.TrimSpace(f[i]), `"`)
	}
	return f
}

// parse reads one data line's fields: customer, purchase time, amount (0 without a column).
func (ft *txFormat) parse(f [][]byte, line int) ([]byte, time.Time, float64, *ParseError) {
	if need := max(ft.idC, ft.dateC, ft.amtC); len(f) <= need {
		return nil, time.Time{}, 0, &ParseError{Line: line, Err: fmt.Errorf("%d fields, need %d", len(f), need+1)}
	}
	d, err := parseDateBytes(f[ft.dateC])
	if err != nil {
		return nil, time.Time{}, 0, &ParseError{Line: line, Column: ft.dateC + 1, Name: ft.names[ft.dateC], Value: string(f[ft.dateC]), Err: err}
	}
	var amt float64
	if ft.amtC >= 0 {
		v, ok := parseNumber(f[ft.amtC])
		if !ok {
			return nil, time.Time{}, 0, &ParseError{Line: line, Column: ft.amtC + 1, Name: ft.names[ft.amtC], Value: string(f[ft.amtC]), Err: errors.New("not a number")}
		}
		amt = v
	}
	return f[ft.idC], d, amt, nil
}

// ParseDate parses YYYY-MM-DD, YYYYMMDD or an RFC 3339 timestamp (as UTC calendar dates).
func ParseDate(s string) (time.Time, error) { return parseDate(s) }

// parseDateBytes is parseDate, going straight to the layout a value's shape calls for (the
// others would fail on it anyway) before trying them all.
func parseDateBytes(b []byte) (time.Time, error) {
	switch {
	case len(b) == 10 && b[4] == '-' && b[7] == '-':
		if y, ok := digits(b[0:4]); ok {
			if m, ok := digits(b[5:7]); ok {
				if d, ok := digits(b[8:10]); ok && validDate(y, m, d) {
					return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
				}
			}
		}
	case len(b) == 8:
		if v, ok := digits(b); ok && validDate(v/10000, v/100%100, v%100) {
			return time.Date(v/10000, time.Month(v/100%100), v%100, 0, 0, 0, 0, time.UTC), nil
		}
	case len(b) > 10 && b[10] == 'T':
		if t, err := time.Parse(time.RFC3339, string(b)); err == nil {
			return t, nil
		}
	}
	return parseDate(string(b))
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// validDate reports whether y-m-d is a calendar date time.Parse accepts.
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "20060102", time.RFC3339, "2006-01-02 15:04:05", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date (YYYY-MM-DD or YYYYMMDD)")
}
