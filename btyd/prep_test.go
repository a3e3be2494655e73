package btyd_test

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fidelis/btyd"
)

// sampleTransactions reads CDNOW_sample.txt (no header: master_id sample_id date cds dollars),
// keyed by sample_id to match the summary files' ID.
func sampleTransactions(t *testing.T) []btyd.Transaction {
	f, err := os.Open(dataFile(t, "cdnow/CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var txs []btyd.Transaction
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 5 {
			continue
		}
		d, err := btyd.ParseDate(fs[2])
		if err != nil {
			t.Fatal(err)
		}
		amt, _ := strconv.ParseFloat(fs[4], 64)
		id, _ := strconv.Atoi(fs[1]) // "0001" in this file, "1" in the summaries
		txs = append(txs, btyd.Transaction{Customer: strconv.Itoa(id), Time: d, Amount: amt})
	}
	return txs
}

// TestSummarizeCDNOW rebuilds cdnow_customers_summary.csv and the zbar column of
// cdnow_customers_summary_with_transactions.csv from the raw sample transactions.
func TestSummarizeCDNOW(t *testing.T) {
	txs := sampleTransactions(t)
	o := btyd.SummaryOptions{Unit: btyd.Day, Divide: 7, CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)}
	s, err := btyd.Summarize(txs, o)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]btyd.Customer{}
	for _, c := range cdnowCustomers(t) {
		want[c.ID] = c
	}
	zb := readCSV(t, dataFile(t, "cdnow/cdnow_customers_summary_with_transactions.csv"))
	zbar := map[string]float64{}
	for i, id := range zb["ID"] {
		zbar[id], _ = strconv.ParseFloat(zb["zbar"][i], 64)
	}
	if len(s.Customers) != 2357 {
		t.Fatalf("%d customers, want 2357", len(s.Customers))
	}
	bad := 0
	for _, c := range s.Customers {
		w := want[c.ID]
		if c.Frequency != w.Frequency || math.Abs(c.Recency-w.Recency) > 0.006 || math.Abs(c.T-w.T) > 0.006 ||
			math.Abs(c.Monetary-zbar[c.ID]) > 0.006 {
			if bad++; bad < 5 {
				t.Errorf("customer %s: got %+v, want %+v zbar %v", c.ID, c, w, zbar[c.ID])
			}
		}
	}
	// Holdout (weeks 40–78): Fader, Hardie & Lee 2005 compare the model with the sample's actual
	// repeat purchases; evaluate BG/NBD on it.
	m, _, _ := btyd.FitBGNBD(btyd.Compress(s.Customers), nil)
	ev, err := btyd.EvaluateHoldout(m, s.Customers, s.Holdout, s.HoldoutLength)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("holdout %.2f weeks: predicted %.1f actual %.0f; MAE %.3f", s.HoldoutLength, ev.Predicted, ev.Actual, ev.MAE)
	for _, g := range ev.Groups {
		t.Logf("  x=%s n=%d predicted %.3f actual %.3f", g.Label, g.Customers, g.Predicted, g.Actual)
	}
	// Actual holdout means by calibration frequency (0.237, 0.697, 1.393, ...) match Fader, Hardie &
	// Lee 2005, figure 4; the model under-forecasts the holdout total by about 12% on these data
	// (1,653 vs 1,882 purchase days), as the paper's tracking plot also shows it running below the
	// actuals after week 39. The check only guards against gross errors.
	if len(ev.Groups) != 8 || math.Abs(ev.Predicted-ev.Actual) > 0.15*ev.Actual || ev.Groups[0].Customers != 1411 {
		t.Errorf("holdout: predicted %.1f vs actual %.0f", ev.Predicted, ev.Actual)
	}
	// Cumulative tracking over 78 weeks: the model tracks the calibration weeks closely.
	pts, err := btyd.Track(m, txs, o, 1, 78)
	if err != nil {
		t.Fatal(err)
	}
	last := pts[len(pts)-1]
	t.Logf("tracking week 39: expected %.0f actual %.0f; week 78: expected %.0f actual %.0f", pts[38].Expected, pts[38].Actual, last.Expected, last.Actual)
	if math.Abs(pts[38].Expected-pts[38].Actual) > 0.05*pts[38].Actual || math.Abs(last.Expected-last.Actual) > 0.1*last.Actual {
		t.Errorf("tracking off: %+v %+v", pts[38], last)
	}
}

func TestReadTransactionsErrors(t *testing.T) {
	_, err := btyd.ReadTransactions(strings.NewReader("customer_id date amount\n1 19970101 5\n2 1997-13-45 3\n"))
	var pe *btyd.ParseError
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "1997-13-45") {
		t.Fatalf("got %v", err)
	}
	_ = pe
	txs, err := btyd.ReadTransactions(strings.NewReader("a,2020-01-01,5.5\nb,20200102,1\n"))
	if err != nil || len(txs) != 2 || txs[0].Amount != 5.5 {
		t.Fatalf("headerless: %v %+v", err, txs)
	}
}

func TestSummarizeUnits(t *testing.T) {
	d := func(s string) time.Time { v, _ := btyd.ParseDate(s); return v }
	txs := []btyd.Transaction{
		{"a", d("2024-01-01"), 10}, {"a", d("2024-01-01"), 5}, {"a", d("2024-01-03"), 20}, {"a", d("2024-02-10"), 30},
		{"b", d("2024-03-01"), 7}, {"c", d("2024-05-01"), 1},
	}
	for _, c := range []struct {
		u              btyd.TimeUnit
		x, tx, T, mean float64
		customers      int
	}{
		{btyd.Day, 2, 40, 90, 25, 2}, // Jan 1 → Jan 3, Feb 10; end Mar 31 = day 90
		{btyd.Week, 1, 5, 12, 30, 2}, // Jan 1 and 3 share the week of Mon Jan 1; Sun Mar 31 ends week 12
		{btyd.Month, 1, 1, 2, 30, 2},
	} {
		s, _ := btyd.Summarize(txs, btyd.SummaryOptions{Unit: c.u, CalibrationEnd: d("2024-03-31")})
		a := s.Customers[0]
		if len(s.Customers) != c.customers || a.Frequency != c.x || a.Recency != c.tx || a.T != c.T || a.Monetary != c.mean {
			t.Errorf("%v: %+v (n=%d)", c.u, a, len(s.Customers))
		}
	}
}

func TestReadSummariesErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "header",
		"a,b\n1,2\n":                          "frequency",
		"frequency,recency,T\n1,2,3\n1,5,3\n": "line 3",
		"frequency,recency,T\n-1,0,3\n":       "column 1",
		"frequency,recency,T\n1,2\n":          "2 fields",
		"frequency,recency,T\n":               "no data",
	} {
		_, err := btyd.ReadSummaries(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
	s, err := btyd.ReadSummaries(strings.NewReader("ID,frequency,recency,T,monetary_value,weights\r\n1,0,0,39,0,10\r\n2,2,30.43,38.86,22.5,3\r\n3,2,30.43,38.86,22.5,1\r\n"))
	if err != nil || len(s.Rows) != 2 || s.N != 14 || len(s.Spend) != 1 || s.Spend[0].Weight != 4 {
		t.Errorf("%v %+v", err, s)
	}
}
