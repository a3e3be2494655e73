//go:build unix

package churn_test

import (
	"context"
	"runtime"
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

// BenchmarkTrainScore1M trains the final model on a million customers and scores a million, as
// fidelis churn does after its backtest, and reports each stage's seconds and the peak heap:
//
//	go test ./churn/ -run '^$' -bench TrainScore1M -benchtime 1x -timeout 1h
//
// The rows are generated in Go in place of the store's query (whose time belongs to the store
// benchmarks); the stage "rows" is that generation.
func BenchmarkTrainScore1M(b *testing.B) {
	const n = 1_000_000
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for range b.N {
		// Wall time and the process's CPU time per stage: on a shared machine the CPU seconds say
		// more than the wall clock.
		var mu sync.Mutex
		stages, cpus := map[string]time.Duration{}, map[string]time.Duration{}
		stage, since, cpuSince := "start", time.Now(), cpuTime()
		mark := func(next string) {
			mu.Lock()
			stages[stage] += time.Since(since)
			c := cpuTime()
			cpus[stage] += c - cpuSince
			stage, since, cpuSince = next, time.Now(), c
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
			mark("rows")
			rows := genRows(n, seed)
			seed++
			mark("other")
			return rows, nil
		}
		o := churn.Options{HorizonDays: 90, Seed: 1, Progress: func(msg string) {
			switch {
			case msg == "fitting the customer-base models":
				mark("base models")
			case msg == "features":
				mark("features")
			case len(msg) > 8 && msg[:8] == "boosting":
				mark("gbdt")
			case msg == "logistic regression":
				mark("logistic and calibration")
			case len(msg) > 7 && msg[:7] == "scoring":
				mark("scoring and reasons")
			}
		}}
		start := time.Now()
		sc, err := churn.ScoreAll(context.Background(), src, end, churn.MethodGBDT, o)
		mark("end")
		close(done)
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		for k, v := range stages {
			if k != "start" && k != "end" {
				b.ReportMetric(v.Seconds(), k+"_s")
				b.ReportMetric(cpus[k].Seconds(), k+"_cpu_s")
			}
		}
		b.ReportMetric(total.Seconds(), "total_s")
		b.ReportMetric(float64(peak)/(1<<30), "peak_heap_GiB")
		b.ReportMetric(float64(len(sc.Model.GBDT.Trees)), "trees")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
	}
}
