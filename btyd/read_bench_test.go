package btyd_test

import (
	"bytes"
	"os"
	"testing"

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
