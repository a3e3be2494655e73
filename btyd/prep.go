package btyd

import (
	"bufio"
	"bytes"
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
	div := o.Divide
	if div <= 0 {
		div = 1
	}
	hold := o.ObservationEnd.After(o.CalibrationEnd)
	calP := o.Unit.period(o.CalibrationEnd)
	obsP := o.Unit.period(o.ObservationEnd)
	type pa struct {
		p   int64
		amt float64
	}
	by := map[string][]pa{}
	for _, t := range txs {
		p := o.Unit.period(t.Time)
		if hold && p > obsP || !hold && p > calP {
			continue
		}
		by[t.Customer] = append(by[t.Customer], pa{p, t.Amount})
	}
	ids := make([]string, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	s := &Summary{}
	if hold {
		s.HoldoutLength = float64(obsP-calP) / div
	}
	minFirst := int64(math.MaxInt64)
	var firsts []int64
	for _, id := range ids {
		ps := by[id]
		slices.SortFunc(ps, func(a, b pa) int { return int(a.p - b.p) })
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
	return s, nil
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
		out                []Transaction
		line               int
		idC, dateC, amtC   = 0, 1, -1
		names              []string
		split              func([]byte) [][]byte
		decided, hasHeader bool
	)
	for sc.Scan() {
		line++
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		if split == nil {
			switch {
			case bytes.IndexByte(l, ',') >= 0:
				split = func(b []byte) [][]byte { return bytes.Split(b, []byte{','}) }
			case bytes.IndexByte(l, '\t') >= 0:
				split = func(b []byte) [][]byte { return bytes.Split(b, []byte{'\t'}) }
			default:
				split = bytes.Fields
			}
		}
		f := split(l)
		for i := range f {
			f[i] = bytes.Trim(bytes.TrimSpace(f[i]), `"`)
		}
		if !decided {
			decided = true
			if len(f) < 2 {
				return nil, &ParseError{Line: line, Err: errors.New("need at least a customer and a date column")}
			}
			if _, err := parseDate(string(f[1])); err != nil {
				hasHeader = true
				idC, dateC = -1, -1
				for i, h := range f {
					n := strings.ToLower(string(h))
					names = append(names, string(h))
					switch n {
					case "customer_id", "customer", "id", "cust", "user_id", "customerid":
						idC = i
					case "date", "time", "timestamp", "order_date", "datetime":
						dateC = i
					case "amount", "dollar_value", "value", "revenue", "total", "spend", "sales", "price":
						amtC = i
					}
				}
				if idC < 0 || dateC < 0 {
					return nil, &ParseError{Line: line, Err: fmt.Errorf("header %q needs a customer id and a date column", l)}
				}
				continue
			}
			if len(f) >= 3 {
				amtC = len(f) - 1
			}
			for i := range f {
				names = append(names, fmt.Sprintf("column %d", i+1))
			}
		}
		_ = hasHeader
		need := max(idC, dateC, amtC)
		if len(f) <= need {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%d fields, need %d", len(f), need+1)}
		}
		d, err := parseDate(string(f[dateC]))
		if err != nil {
			return nil, &ParseError{Line: line, Column: dateC + 1, Name: names[dateC], Value: string(f[dateC]), Err: err}
		}
		t := Transaction{Customer: string(f[idC]), Time: d}
		if amtC >= 0 {
			v, ok := parseNumber(f[amtC])
			if !ok {
				return nil, &ParseError{Line: line, Column: amtC + 1, Name: names[amtC], Value: string(f[amtC]), Err: errors.New("not a number")}
			}
			t.Amount = v
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

// ParseDate parses YYYY-MM-DD, YYYYMMDD or an RFC 3339 timestamp (as UTC calendar dates).
func ParseDate(s string) (time.Time, error) { return parseDate(s) }

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "20060102", time.RFC3339, "2006-01-02 15:04:05", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date (YYYY-MM-DD or YYYYMMDD)")
}
