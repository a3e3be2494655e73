package btyd_test

import (
	"fmt"
	"math"
	"os"
	"testing"

	"fidelis/btyd"
)

// benchCustomers simulates n customers with T = 39 and recency rounded to 2 decimals, as in
// summary files (cdnow_customers_summary.csv has 2 decimals).
var benchCache = map[string][]btyd.Customer{}

func benchCustomers(model string, n int) []btyd.Customer {
	key := fmt.Sprint(model, n)
	if cs, ok := benchCache[key]; ok {
		return cs
	}
	var s btyd.Simulator = bgCDNOW
	if model == "paretonbd" {
		s = pnCDNOW
	}
	cs := btyd.SimulateCustomers(s, n, 39, 1)
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*100) / 100
		if cs[i].Frequency > 0 && cs[i].Recency == 0 {
			cs[i].Recency = 0.01
		}
	}
	benchCache[key] = cs
	return cs
}

func benchSizes() []int {
	s := []int{2357, 100_000, 1_000_000}
	if os.Getenv("BTYD_BENCH_10M") != "" {
		s = append(s, 10_000_000)
	}
	return s
}

// BenchmarkFit times complete fits (optimisation plus standard errors). "compressed" includes the
// Compress call; "raw" fits one row per customer.
func BenchmarkFit(b *testing.B) {
	for _, model := range []string{"bgnbd", "paretonbd"} {
		for _, n := range benchSizes() {
			for _, mode := range []string{"compressed", "raw"} {
				if mode == "raw" && model == "paretonbd" && n > 1_000_000 {
					continue
				}
				b.Run(fmt.Sprintf("%s/n=%d/%s", model, n, mode), func(b *testing.B) {
					cs := benchCustomers(model, n)
					b.ReportAllocs()
					b.ResetTimer()
					var res *btyd.Result
					for range b.N {
						var rows []btyd.Row
						if mode == "compressed" {
							rows = btyd.Compress(cs)
						} else {
							rows = btyd.Rows(cs)
						}
						if model == "bgnbd" {
							_, res, _ = btyd.FitBGNBD(rows, nil)
						} else {
							_, res, _ = btyd.FitParetoNBD(rows, nil)
						}
					}
					b.ReportMetric(float64(res.Rows), "rows")
					b.ReportMetric(float64(res.Evals), "evals")
					if !res.Converged {
						b.Fatalf("not converged: %s", res.Reason)
					}
				})
			}
		}
	}
}

// BenchmarkCompress times Compress alone.
func BenchmarkCompress(b *testing.B) {
	cs := benchCustomers("bgnbd", 1_000_000)
	b.ReportAllocs()
	for range b.N {
		btyd.Compress(cs)
	}
}
