//go:build unix

package churn_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"fidelis"
	"fidelis/churn"
)

// genRows makes n customers' rows as of a cut-off, a stand-in for the store's query: purchase
// rates and dropout drawn per customer (a BG/NBD-like process), and the outcome drawn from the
// same hazard, so the learners have real signal to find.
func genRows(n int, seed uint64) []fidelis.ChurnRow {
	r := rand.New(rand.NewPCG(seed, 9))
	regions := []string{"North", "South", "East", "West"}
	segments := []string{"consumer", "premium", "business"}
	chans := []string{"email", "web", "app", "support"}
	rows := make([]fidelis.ChurnRow, n)
	for i := range rows {
		lam := r.ExpFloat64() / 30 // purchases per day
		t := math.Floor(30 + r.Float64()*1000)
		x := math.Floor(lam * t * r.Float64())
		tx := 0.0
		if x > 0 {
			tx = math.Floor(t * (0.3 + 0.7*r.Float64()))
		}
		rec := t - tx
		alive := r.Float64() < math.Exp(-rec*lam/3)
		nan := math.NaN()
		row := fidelis.ChurnRow{Customer: fmt.Sprintf("C%07d", i), Region: regions[r.IntN(4)], Segment: segments[r.IntN(3)],
			X: x, Tx: tx, T: t, GapSD: nan, Orders: int64(x) + 1, Revenue: (x + 1) * 40 * (0.5 + r.Float64()),
			NPS: nan, CSAT: nan, CES: nan, SurveyAge: nan, ProgramAge: nan, InteractionAge: nan, ExitAge: nan}
		if x > 1 {
			row.GapSD = tx / x * r.Float64()
		}
		if alive {
			row.Revenue90 = 40 * lam * 90
			row.Interactions90 = int64(r.IntN(5))
		}
		if r.Float64() < 0.3 {
			row.NPS, row.SurveyAge = float64(r.IntN(11)), r.Float64()*300
		}
		if row.Interactions90 > 0 {
			row.ByChannel90 = map[string]int64{chans[r.IntN(4)]: row.Interactions90}
			row.InteractionAge = r.Float64() * 90
		}
		if alive && r.Float64() < 1-math.Exp(-lam*90) {
			row.Future = 1
		}
		rows[i] = row
	}
	return rows
}

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
