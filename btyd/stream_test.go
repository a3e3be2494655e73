package btyd_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fidelis/btyd"
)

// twoStep is the reference: read every transaction, then summarise.
func twoStep(data []byte, o btyd.SummaryOptions) (*btyd.Summary, error) {
	txs, err := btyd.ReadTransactions(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return btyd.Summarize(txs, o)
}

// sameSummary compares two summaries: identical customers, counts and periods; amounts to 1e-12
// relative (a period's amounts may be added in another order).
func sameSummary(t *testing.T, got, want *btyd.Summary) {
	t.Helper()
	if len(got.Customers) != len(want.Customers) {
		t.Fatalf("%d customers, want %d", len(got.Customers), len(want.Customers))
	}
	near := func(a, b float64) bool { return a == b || math.Abs(a-b) <= 1e-12*math.Abs(b) }
	for i, w := range want.Customers {
		g := got.Customers[i]
		if g.ID != w.ID || g.Frequency != w.Frequency || g.Recency != w.Recency || g.T != w.T || !near(g.Monetary, w.Monetary) {
			t.Fatalf("customer %d: %+v, want %+v", i, g, w)
		}
	}
	if !reflect.DeepEqual(got.Holdout, want.Holdout) || !reflect.DeepEqual(got.First, want.First) || got.HoldoutLength != want.HoldoutLength {
		t.Fatal("holdout counts, first periods or holdout length differ")
	}
	for i := range want.HoldoutSpend {
		if !near(got.HoldoutSpend[i], want.HoldoutSpend[i]) {
			t.Fatalf("holdout spend %d: %v, want %v", i, got.HoldoutSpend[i], want.HoldoutSpend[i])
		}
	}
}

// TestSummarizeTransactionsMatchesTwoSteps: the streaming summary (parallel chunks, aggregated per
// customer as it reads) gives what reading every transaction and then summarising gives, on the
// CDNOW master file and on a generated log of 300,000 lines (several chunks) with RFC 3339 times
// in other zones, CRLF, quotes and blank lines, in every unit, with and without a holdout.
func TestSummarizeTransactionsMatchesTwoSteps(t *testing.T) {
	var gen bytes.Buffer
	gen.WriteString("\"customer_id\",date,amount\r\n")
	for i := range 300000 {
		day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*7919)%900)
		switch i % 5 {
		case 0:
			fmt.Fprintf(&gen, "c%d,%s,%d.%02d\r\n", i%20011, day.Format("2006-01-02"), i%300, i%100)
		case 1:
			fmt.Fprintf(&gen, "\"c%d\",%s,%d\r\n", i%20011, day.Format("20060102"), i%50)
		case 2:
			fmt.Fprintf(&gen, "c%d,%s,-%d.5\r\n", i%20011, day.Add(23*time.Hour).In(time.FixedZone("", 5*3600)).Format(time.RFC3339), i%7)
		case 3:
			fmt.Fprintf(&gen, "c%d , %s , 1e1\r\n\r\n", i%20011, day.Add(time.Hour).Format("2006-01-02 15:04:05"))
		default:
			fmt.Fprintf(&gen, "c%d,%s,0\n", i%20011, day.Format("2006/01/02"))
		}
	}
	inputs := map[string][]byte{"generated": gen.Bytes()}
	if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "cdnow", "CDNOW_master.txt")); err == nil {
		inputs["cdnow"] = b // absent in a fresh clone
	}
	for name, data := range inputs {
		for _, o := range []btyd.SummaryOptions{
			{Unit: btyd.Day, Divide: 7, CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC), ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)},
			{Unit: btyd.Week, CalibrationEnd: time.Date(2021, 3, 31, 0, 0, 0, 0, time.UTC)},
			{Unit: btyd.Month, CalibrationEnd: time.Date(2021, 3, 31, 0, 0, 0, 0, time.UTC), ObservationEnd: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		} {
			t.Run(fmt.Sprintf("%s/%v", name, o.Unit), func(t *testing.T) {
				want, err := twoStep(data, o)
				if err != nil {
					t.Fatal(err)
				}
				got, err := btyd.SummarizeTransactions(bytes.NewReader(data), o)
				if err != nil {
					t.Fatal(err)
				}
				sameSummary(t, got, want)
			})
		}
	}
}

// TestSummarizeTransactionsErrors: the first bad line is reported as ReadTransactions reports it,
// wherever it falls among the chunks.
func TestSummarizeTransactionsErrors(t *testing.T) {
	var big strings.Builder
	big.WriteString("customer_id,date,amount\n")
	for i := range 200000 {
		fmt.Fprintf(&big, "c%d,2021-01-%02d,%d\n", i, i%28+1, i)
	}
	cases := map[string]string{
		"bad date late":    big.String() + "x,2021-02-30,1\n" + "y,2021-13-01,1\n",
		"bad amount early": "customer_id date amount\n1 19970101 5\n2 19970102 five\n" + big.String(),
		"short line":       "a,2020-01-01,5\nb\n",
		"one column":       "a\n",
		"no id column":     "name,date\nx,2020-01-01\n",
	}
	o := btyd.SummaryOptions{Unit: btyd.Day, CalibrationEnd: time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, want := twoStep([]byte(in), o)
			_, got := btyd.SummarizeTransactions(strings.NewReader(in), o)
			var wp, gp *btyd.ParseError
			if !errors.As(want, &wp) || !errors.As(got, &gp) {
				t.Fatalf("errors %v and %v, want two *ParseError", got, want)
			}
			if got.Error() != want.Error() {
				t.Errorf("error %q, want %q", got, want)
			}
		})
	}
}
