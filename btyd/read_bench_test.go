package btyd_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"fidelis/btyd"
)

// BenchmarkReadSummaries1M reads /tmp/bg1m.csv (see fidelis simulate); skipped without it.
func BenchmarkReadSummaries1M(b *testing.B) {
	data, err := os.ReadFile("/tmp/bg1m.csv")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, err := btyd.ReadSummaries(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitBGNBDFile1M fits BG/NBD to the compressed /tmp/bg1m.csv.
func BenchmarkFitBGNBDFile1M(b *testing.B) {
	data, err := os.ReadFile("/tmp/bg1m.csv")
	if err != nil {
		b.Skip(err)
	}
	s, _ := btyd.ReadSummaries(bytes.NewReader(data))
	b.ResetTimer()
	for range b.N {
		_, res, _ := btyd.FitBGNBD(s.Rows, nil)
		b.ReportMetric(float64(res.Evals), "evals")
	}
}

// BenchmarkSummarizeTransactions compares the streaming summary of a 1,000,000-line log with
// reading every transaction first and then summarising (the reference path).
func BenchmarkSummarizeTransactions(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("customer_id,timestamp,amount\n")
	for i := range 1000000 {
		fmt.Fprintf(&buf, "C%07d,%s,%d.%02d\n", i%100000, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*7919%(700*86400))*time.Second).Format(time.RFC3339), i%300, i%100)
	}
	data := buf.Bytes()
	o := btyd.SummaryOptions{Unit: btyd.Day, Divide: 7, CalibrationEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)}
	b.SetBytes(int64(len(data)))
	b.Run("streaming", func(b *testing.B) {
		for range b.N {
			if _, err := btyd.SummarizeTransactions(bytes.NewReader(data), o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read-then-summarize", func(b *testing.B) {
		for range b.N {
			txs, err := btyd.ReadTransactions(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := btyd.Summarize(txs, o); err != nil {
				b.Fatal(err)
			}
		}
	})
}
