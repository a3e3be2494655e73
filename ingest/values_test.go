package ingest_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/ingest"
)

// importT imports body as kind into st with the rejects in a temp file, returning the summary and
// the rejected rows (line, field, value, reason).
func importT(t *testing.T, st *memStore, kind fidelis.Kind, name, body string, opt ingest.Options) (ingest.Summary, [][]string) {
	t.Helper()
	opt.Rejects = filepath.Join(t.TempDir(), "rejects.csv")
	if opt.Now.IsZero() {
		opt.Now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	}
	sum, err := ingest.Import(context.Background(), st, kind, write(t, name, body), opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var rej [][]string
	if sum.Rejected > 0 {
		for _, r := range readRejects(t, opt.Rejects) {
			rej = append(rej, []string{r[1], r[3], r[4], r[5]})
		}
	}
	return sum, rej
}

// Rows without an id are identified by their parsed values: a re-export writing 5 for 5.00,
// another date layout or its columns in another order adds nothing, while identical rows within
// one file are all kept. (On the raw-text rule each re-export was stored again.)
func TestDerivedIDsFollowValuesNotText(t *testing.T) {
	st := &memStore{}
	sum, _ := importT(t, st, fidelis.Orders, "a.csv", "customer_id,timestamp,amount\nA,2024-01-05,5.00\nA,2024-01-05,5.00\nB,2024-01-06,12.50\n", ingest.Options{})
	if sum.Stored != 3 {
		t.Fatalf("first export: %+v", sum)
	}
	for _, c := range []struct{ name, body string }{
		{"b.csv", "customer_id,timestamp,amount\nA,2024-01-05,5\nA,2024-01-05,5\nB,2024-01-06,12.5\n"},
		{"c.csv", "amount;timestamp;customer_id\n5,00;05.01.2024;A\n5,00;05.01.2024;A\n12,50;06.01.2024;B\n"},
		{"d.csv", "customer_id,timestamp,amount,note\nA,2024-01-05 00:00:00,5.0,x\nA,2024-01-05 00:00:00,5.0,y\nB,2024-01-06 00:00:00,12.500,z\n"},
	} {
		sum, _ := importT(t, st, fidelis.Orders, c.name, c.body, ingest.Options{})
		if sum.Stored != 0 || sum.Duplicates != 3 {
			t.Errorf("%s: stored %d, duplicates %d; want 0 and 3", c.name, sum.Stored, sum.Duplicates)
		}
	}
	// One more identical order in a later export is a new order.
	sum, _ = importT(t, st, fidelis.Orders, "e.csv", "customer_id,timestamp,amount\nA,2024-01-05,5\nA,2024-01-05,5\nA,2024-01-05,5\n", ingest.Options{})
	if sum.Stored != 1 || sum.Duplicates != 2 {
		t.Errorf("third identical row: %+v", sum)
	}
	for id := range st.rows {
		if !strings.HasPrefix(id, "~v2.") {
			t.Errorf("derived id %q lacks the rule's prefix", id)
		}
	}
}

// Survey scores are checked against their scale at import, and a missing scale is inferred per
// kind only where that is unambiguous. (On main all of these were stored.)
func TestSurveyScoresOnTheirScale(t *testing.T) {
	body := "response_id,timestamp,kind,score,scale\n" +
		"r1,2024-01-01,nps,11,0-10\n" + // line 2: off scale
		"r2,2024-01-01,csat,7,1-5\n" + // line 3: off scale
		"r3,2024-01-01,csat,3.5,1-5\n" + // line 4: not whole
		"r4,2024-01-01,nps,9,1-10\n" + // line 5: NPS on another scale
		"r5,2024-01-01,csat,4,1 to 4\n" + // line 6: unsupported scale
		"r6,2024-01-01,nps,10,0–10\n" + // stored, scale written canonically
		"r7,2024-01-01,csat,5,1-5\n"
	st := &memStore{}
	sum, rej := importT(t, st, fidelis.Surveys, "s.csv", body, ingest.Options{})
	want := [][]string{
		{"2", "score", "11", "score 11 is off the scale 0-10"},
		{"3", "score", "7", "score 7 is off the scale 1-5"},
		{"4", "score", "3.5", "score 3.5 is not a whole number on scale 1-5"},
		{"5", "score", "9", "NPS is asked on 0-10, not 1-10"},
		{"6", "scale", "1 to 4", "unsupported scale (write it as 1-3, 1-5, 1-7, 1-10 or 0-10)"},
	}
	if sum.Stored != 2 || !reflect.DeepEqual(rej, want) {
		t.Errorf("stored %d, rejects:\n got %q\nwant %q", sum.Stored, rej, want)
	}
	if got := st.rows["r6"].Values[5]; got != "0-10" {
		t.Errorf("r6 scale %v, want 0-10", got)
	}
}

func TestSurveyScaleInference(t *testing.T) {
	cases := []struct {
		name, body string
		scales     map[string]string
		stored     int64
		notes      []ingest.ScaleNote
		reason     string // of the first reject, if any
	}{
		{"csat within 1..5", "timestamp,kind,score\n2024-01-01,csat,4\n2024-01-02,CSAT,2\n2024-01-03,nps,7\n", nil, 3,
			[]ingest.ScaleNote{{Kind: "csat", Scale: "1-5", Source: "inferred", Range: "2..4"}, {Kind: "nps", Scale: "0-10", Source: "inferred", Range: "7..7"}}, ""},
		{"ces reaches 7", "timestamp,kind,score\n2024-01-01,ces,7\n2024-01-02,ces,1\n", nil, 2,
			[]ingest.ScaleNote{{Kind: "ces", Scale: "1-7", Source: "inferred", Range: "1..7"}}, ""},
		{"1..10 is ambiguous", "timestamp,kind,score\n2024-01-01,recommend,10\n2024-01-02,recommend,1\n", nil, 0, nil,
			"no scale for recommend answers and none could be inferred (answers 1..10 fit both 1-10 and 0-10): add a scale column or --scale recommend=RANGE"},
		{"--scale states it", "timestamp,kind,score\n2024-01-01,recommend,10\n2024-01-02,recommend,1\n", map[string]string{"recommend": "0-10"}, 2,
			[]ingest.ScaleNote{{Kind: "recommend", Scale: "0-10", Source: "--scale"}}, ""},
		{"--scale rejects what is off it", "timestamp,kind,score\n2024-01-01,csat,6\n", map[string]string{"csat": "1-5"}, 0,
			[]ingest.ScaleNote{{Kind: "csat", Scale: "1-5", Source: "--scale"}}, "score 6 is off the scale 1-5"},
	}
	for _, c := range cases {
		st := &memStore{}
		sum, rej := importT(t, st, fidelis.Surveys, "s.csv", c.body, ingest.Options{Scales: c.scales})
		if sum.Stored != c.stored || !reflect.DeepEqual(sum.Scales, c.notes) {
			t.Errorf("%s: stored %d (want %d), scales %+v (want %+v)", c.name, sum.Stored, c.stored, sum.Scales, c.notes)
		}
		if c.reason != "" && (len(rej) == 0 || rej[0][3] != c.reason) {
			t.Errorf("%s: rejects %q, want reason %q", c.name, rej, c.reason)
		}
		for id, r := range st.rows {
			if r.Values[5] == nil {
				t.Errorf("%s: %s stored without a scale", c.name, id)
			}
		}
	}
}

// Dates outside 1970-01-01 .. one day after the import are rejected; flags widen the window.
func TestImplausibleDates(t *testing.T) {
	body := "customer_id,timestamp,amount\nA,0001-01-03,5\nA,2204-01-01,5\nA,9999-12-31,5\nA,1969-12-31,5\nA,2026-12-01,5\nA,2026-12-02,5\nA,2024-01-01,5\n"
	st := &memStore{}
	sum, rej := importT(t, st, fidelis.Orders, "o.csv", body, ingest.Options{})
	if sum.Stored != 2 || sum.Rejected != 5 {
		t.Fatalf("stored %d rejected %d, want 2 and 5: %q", sum.Stored, sum.Rejected, rej)
	}
	if want := "implausible date 0001-01-03: outside 1970-01-01 .. 2026-12-01 (widen with --min-date/--max-date)"; rej[0][3] != want {
		t.Errorf("reason %q, want %q", rej[0][3], want)
	}
	if sum.DateWindow != [2]string{"1970-01-01", "2026-12-01"} {
		t.Errorf("window %v", sum.DateWindow)
	}
	st = &memStore{}
	sum, _ = importT(t, st, fidelis.Orders, "o.csv", body, ingest.Options{MinDate: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), MaxDate: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)})
	if sum.Stored != 5 {
		t.Errorf("widened window: stored %d, want 5", sum.Stored)
	}
}

// Currencies are normalised to ISO 4217; unknown codes are rejected; two currencies are never
// added: a file mixing them is refused, rows in another currency than the store's are rejected,
// and --fx converts at the order's date.
func TestCurrencies(t *testing.T) {
	st := &memStore{}
	sum, rej := importT(t, st, fidelis.Orders, "o.csv", "order_id,customer_id,timestamp,amount,currency\n"+
		"o1,A,2024-01-01,5,EUR\no2,A,2024-01-02,5,eur\no3,A,2024-01-03,5,€\no4,A,2024-01-04,5,XXXXXX\no5,A,2024-01-05,5, Eur \no6,A,2024-01-06,5,\n", ingest.Options{})
	if sum.Stored != 5 || sum.Currency != "EUR" || len(rej) != 1 || rej[0][2] != "XXXXXX" || !strings.Contains(rej[0][3], "not an ISO 4217 currency code") {
		t.Fatalf("%+v %q", sum, rej)
	}
	for _, id := range []string{"o1", "o2", "o3", "o5"} {
		if c := st.rows[id].Values[4]; c != "EUR" {
			t.Errorf("%s currency %v", id, c)
		}
	}
	// The store is in EUR now: USD rows are rejected with the way out.
	sum, rej = importT(t, st, fidelis.Orders, "u.csv", "order_id,customer_id,timestamp,amount,currency\nu1,A,2024-02-01,9,USD\nu2,A,2024-02-01,9,EUR\n", ingest.Options{})
	if sum.Stored != 1 || len(rej) != 1 || rej[0][3] != "USD differs from the store's currency EUR: Fidelis never adds two currencies (convert with --fx RATES --base EUR)" {
		t.Errorf("%+v %q", sum, rej)
	}
	// A new store and a file mixing currencies: refused before anything is stored.
	_, err := ingest.Import(context.Background(), &memStore{}, fidelis.Orders, write(t, "m.csv", "customer_id,timestamp,amount,currency\nA,2024-01-01,5,EUR\nB,2024-01-01,5,$\n"), ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "mixes currencies in its first 2 rows: EUR (1 rows), USD (1 rows)") || !strings.Contains(fidelis.ErrorHint(err), "--fx") {
		t.Errorf("mixed file: %v", err)
	}
	// --fx converts at the rate of the order's day or the last one before it.
	rates := write(t, "rates.csv", "date,currency,rate\n2024-01-02,USD,0.90\n2024-01-05,USD,0.80\n2024-01-02,PLN,0.23\n")
	fx, err := ingest.LoadRates(rates, "eur")
	if err != nil {
		t.Fatal(err)
	}
	st = &memStore{}
	sum, rej = importT(t, st, fidelis.Orders, "x.csv", "order_id,customer_id,timestamp,amount,currency\n"+
		"x1,A,2024-01-03,10,USD\nx2,A,2024-01-06,10,$\nx3,A,2024-01-06,10,EUR\nx4,A,2024-01-01,10,USD\nx5,A,2024-01-06,10,zł\nx6,A,2024-01-06,10,GBP\n", ingest.Options{FX: fx})
	if sum.Stored != 4 || sum.Converted != 3 || sum.Currency != "EUR" || len(rej) != 2 {
		t.Fatalf("%+v %q", sum, rej)
	}
	if !strings.Contains(rej[0][3], "no USD rate on or before 2024-01-01") || !strings.Contains(rej[1][3], "no GBP rate") {
		t.Errorf("rejects %q", rej)
	}
	// Hand-computed: 10 × 0.90, 10 × 0.80 (the 5th's rate on the 6th), 10, 10 × 0.23.
	for id, want := range map[string]float64{"x1": 9, "x2": 8, "x3": 10, "x5": 2.3} {
		if v := st.rows[id].Values; v[3] != want || v[4] != "EUR" {
			t.Errorf("%s: %v %v, want %v EUR", id, v[3], v[4], want)
		}
	}
	for _, c := range []struct{ body, want string }{
		{"day,currency,rate\n", "header must be date,currency,rate"},
		{"date,currency,rate\n2024-01-02,XXXXXX,1\n", "line 2: currency \"XXXXXX\""},
		{"date,currency,rate\n02.01.2024,USD,1\n", "line 2: date \"02.01.2024\" is not YYYY-MM-DD"},
		{"date,currency,rate\n2024-01-02,USD,-1\n", "line 2: rate \"-1\" is not a positive number"},
	} {
		if _, err := ingest.LoadRates(write(t, "r.csv", c.body), "EUR"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("rates %q: %v, want %q", c.body, err, c.want)
		}
	}
}

// A rejected value that is a formula is neutralised in the rejects file, and recoverable.
func TestRejectsNeutraliseFormulas(t *testing.T) {
	st := &memStore{}
	_, rej := importT(t, st, fidelis.Orders, "o.csv", "order_id,customer_id,timestamp,amount\no1,A,2024-01-01,=HYPERLINK(\"http://x\")\no2,A,2024-01-01,@SUM(1+1)\n", ingest.Options{})
	if len(rej) != 2 || rej[0][2] != `'=HYPERLINK("http://x")` || rej[1][2] != "'@SUM(1+1)" {
		t.Errorf("rejects %q", rej)
	}
}
