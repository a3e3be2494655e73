//go:build unix

package churn_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fidelis"
	"fidelis/churn"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkChurn1M runs what fidelis churn runs on a million customers — the rolling-origin
// backtest (two cut-offs, as the report's section and risk --churn; fidelis churn's default is
// four, each one more training like these) and the final model trained and applied to everyone —
// and reports each stage's wall and CPU seconds, summed over the backtest's cut-offs ("bt") and
// the final model ("final"), and the peak Go heap:
//
//	go test ./churn/ -run '^$' -bench Churn1M -benchtime 1x -timeout 2h
//
// CHURN_BENCH_CUSTOMERS sets another size (e.g. 200000 on a machine too busy for a million).
//
// The rows are generated in Go in place of the store's query (whose time belongs to the store
// benchmarks); the stage "rows" is that generation.
func BenchmarkChurn1M(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("CHURN_BENCH_CUSTOMERS")); err == nil && v > 0 {
		n = v
	}
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for range b.N {
		// Wall time and the process's CPU time per stage: on a shared machine the CPU seconds say
		// more than the wall clock.
		var mu sync.Mutex
		stages, cpus := map[string]time.Duration{}, map[string]time.Duration{}
		phase, stage, since, cpuSince := "bt", "start", time.Now(), cpuTime()
		var start time.Time
		mark := func(next string) {
			mu.Lock()
			stages[stage] += time.Since(since)
			c := cpuTime()
			cpus[stage] += c - cpuSince
			stage, since, cpuSince = phase+" "+next, time.Now(), c
			mu.Unlock()
		}
		var peak uint64
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
			}
		}()
		seed := uint64(1)
		src := func(_ context.Context, asOf, _ time.Time) ([]fidelis.ChurnRow, error) {
			rows := genRows(n, seed)
			seed++
			return rows, nil
		}
		var backtest time.Duration
		o := churn.Options{HorizonDays: 90, Cutoffs: 2, Bootstrap: 200, Seed: 1, Progress: func(msg string) {
			if msg == "final model" {
				mark("done")
				backtest = time.Since(start)
				phase = "final"
			}
			for _, p := range []struct{ prefix, stage string }{
				{"rows as of", "rows"}, {"fitting the customer-base", "base models"}, {"features", "features"},
				{"boosting", "gbdt"}, {"logistic", "logistic and calibration"}, {"scoring", "scoring and reasons"},
				{"backtest metrics", "metrics and bootstrap"},
			} {
				if strings.HasPrefix(msg, p.prefix) {
					mark(p.stage)
				}
			}
		}}
		start = time.Now()
		bt, sc, err := churn.BacktestAndScore(context.Background(), src, end.AddDate(-3, 0, 0), end, o)
		mark("end")
		close(done)
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		for k, v := range stages {
			if k != "start" && !strings.HasSuffix(k, " end") && !strings.HasSuffix(k, " done") {
				b.ReportMetric(v.Seconds(), strings.ReplaceAll(k, " ", "_")+"_s")
				b.ReportMetric(cpus[k].Seconds(), strings.ReplaceAll(k, " ", "_")+"_cpu_s")
			}
		}
		b.ReportMetric(backtest.Seconds(), "backtest_s")
		b.ReportMetric(total.Seconds(), "total_s")
		b.ReportMetric(float64(peak)/(1<<30), "peak_heap_GiB")
		b.ReportMetric(float64(len(sc.Model.GBDT.Trees)), "trees")
		b.ReportMetric(bt.Pooled[churn.MethodGBDT].AUC, "gbdt_auc")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		for _, m := range churn.Methods {
			if s := bt.Pooled[m]; s.Missing != "" {
				b.Logf("%s missing: %s", m, s.Missing)
			}
		}
		b.Logf("winner %s; scoring notes %q", bt.Winner, sc.Notes)
	}
}
