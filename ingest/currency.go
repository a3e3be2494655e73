package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"fidelis"
)

// currencySymbols are the symbols and local abbreviations read as ISO 4217 codes. "$" is read as
// USD: an assumption (CAD, AUD, MXN ... write "$" too) that the README states; "¥" and "kr" name
// several currencies and are refused.
var currencySymbols = map[string]string{
	"€": "EUR", "$": "USD", "us$": "USD", "£": "GBP", "zł": "PLN", "zl": "PLN", "kč": "CZK",
	"ft": "HUF", "₹": "INR", "₺": "TRY", "₩": "KRW", "₴": "UAH", "₪": "ILS",
}

// normCurrency returns the ISO 4217 code written as s (any case, or a symbol listed above) and
// the number of its minor-unit digits (2 for EUR, 0 for JPY). Codes outside the ISO 4217 list
// that x/text embeds, and its X codes (no currency, test, gold, SDR), are refused.
func normCurrency(s string) (string, int, error) {
	t := strings.TrimSpace(s)
	if code, ok := currencySymbols[strings.ToLower(t)]; ok {
		t = code
	}
	u, err := currency.ParseISO(t)
	if err != nil || strings.HasPrefix(u.String(), "X") {
		return "", 0, fmt.Errorf("not an ISO 4217 currency code (e.g. EUR, USD, PLN; symbols € $ £ zł are read too)")
	}
	digits, _ := currency.Standard.Rounding(u)
	return u.String(), digits, nil
}

// Rates are exchange rates to one base currency, read from a --fx file.
type Rates struct {
	Base string
	File string
	by   map[string][]rate // currency → rates, oldest first
}

type rate struct {
	day   time.Time
	value float64
}

// LoadRates reads an exchange-rate file: CSV with the header date,currency,rate and one row per
// day and currency, rate being the units of base that one unit of the currency buys on that date
// (base EUR: 2024-01-02,USD,0.9050). Dates are YYYY-MM-DD. Rates of the base itself are not
// needed. Every error names the file and line.
func LoadRates(path, base string) (*Rates, error) {
	code, _, err := normCurrency(base)
	if err != nil {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--base %q: %v", base, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s: %v", path, err)
	}
	defer f.Close()
	r := &Rates{Base: code, File: path, by: map[string][]rate{}}
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil || fidelis.CleanName(head[0]) != "date" || fidelis.CleanName(head[1]) != "currency" || fidelis.CleanName(head[2]) != "rate" {
		return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s: the header must be date,currency,rate", path).
			WithHint("one row per day and currency: 2024-01-02,USD,0.9050 (units of %s per unit of USD)", code)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s: %v", path, err)
		}
		day, err := time.Parse("2006-01-02", strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s line %d: date %.200q is not YYYY-MM-DD", path, line, rec[0])
		}
		cur, _, err := normCurrency(rec[1])
		if err != nil {
			return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s line %d: currency %.200q: %v", path, line, rec[1], err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s line %d: rate %.200q is not a positive number", path, line, rec[2])
		}
		r.by[cur] = append(r.by[cur], rate{day, v})
	}
	for c, rs := range r.by {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].day.Before(rs[j].day) })
		for i := 1; i < len(rs); i++ {
			if rs[i].day.Equal(rs[i-1].day) && rs[i].value != rs[i-1].value {
				return nil, fidelis.Errorf(fidelis.EInvalid, "--fx %s: two different %s rates on %s", path, c, rs[i].day.Format("2006-01-02"))
			}
		}
	}
	return r, nil
}

// Convert returns amount in cur at instant t in the base currency, rounded to the base's minor
// units, with the rate of t's day or else the latest one before it (reference rates are published
// on working days only). No rate on or before t is an error.
func (r *Rates) Convert(amount float64, cur string, t time.Time) (float64, error) {
	if cur == r.Base {
		return amount, nil
	}
	rs := r.by[cur]
	i := sort.Search(len(rs), func(i int) bool { return rs[i].day.After(t) })
	if i == 0 {
		return 0, fmt.Errorf("no %s rate on or before %s in %s", cur, t.Format("2006-01-02"), r.File)
	}
	_, digits, _ := normCurrency(r.Base)
	p := math.Pow10(digits)
	return math.Round(amount*rs[i-1].value*p) / p, nil
}
