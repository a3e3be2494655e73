package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"fidelis"
	"fidelis/clickhouse"
)

// openBenchClickHouse opens a fresh store for bench --db: the database is dropped first, so its
// name must say it is a benchmark's.
func openBenchClickHouse(ctx context.Context, dsn string) (*clickhouse.Store, error) {
	d, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(d.Database, "bench") {
		return nil, fidelis.Errorf(fidelis.EInvalid, "bench --db %s: the benchmark drops and recreates its database, so its name must start with bench", d).
			WithHint("give it a database of its own, such as clickhouse://%s/bench", d.Addr)
	}
	if err := clickhouse.DropDatabase(ctx, dsn); err != nil {
		return nil, fmt.Errorf("bench --db %s: %w", d, err)
	}
	return clickhouse.Open(ctx, dsn, clickhouse.Options{Wait: time.Minute})
}

// sampleServers samples, every 100 ms, the resident memory (VmRSS) of the ClickHouse server
// processes on this machine that listen on the given native-protocol addresses, and sets
// stage.servers to report each one's peak since the previous report. A server that does not run
// here (or whose config cannot be read) is reported as not measured. The returned function stops
// the sampling.
func sampleServers(addrs []string, stage *stager) func() {
	pids := serverPIDs()
	var mu sync.Mutex
	peak, whole := make([]int64, len(addrs)), make([]int64, len(addrs))
	pid := make([]int, len(addrs))
	for i, a := range addrs {
		if _, port, err := net.SplitHostPort(a); err == nil {
			pid[i] = pids[port]
		}
	}
	sample := func() {
		mu.Lock()
		defer mu.Unlock()
		for i, p := range pid {
			if p == 0 {
				continue
			}
			if kb := rssKB(p); kb > peak[i] {
				peak[i] = kb
				whole[i] = max(whole[i], kb)
			}
		}
	}
	show := func(v []int64) string {
		parts := make([]string, len(addrs))
		for i, a := range addrs {
			if pid[i] == 0 {
				parts[i] = a + " not measured (not a local process)"
			} else {
				parts[i] = a + " " + kb(v[i])
			}
		}
		return strings.Join(parts, ", ")
	}
	stage.servers = func(all bool) string {
		sample()
		mu.Lock()
		defer mu.Unlock()
		s := "server peak RSS " + show(peak)
		if all {
			s = "server peak RSS (run) " + show(whole)
		}
		clear(peak)
		return s
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

var tcpPort = regexp.MustCompile(`<tcp_port>\s*(\d+)\s*</tcp_port>`)

// serverPIDs maps the native port of each ClickHouse server process on this machine (read from
// the config file on its command line) to its process id.
func serverPIDs() map[string]int {
	out := map[string]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(b), "clickhouse") {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		cfg := ""
		for i, a := range args {
			switch {
			case strings.HasPrefix(a, "--config-file="):
				cfg = strings.TrimPrefix(a, "--config-file=")
			case (a == "--config-file" || a == "-C") && i+1 < len(args):
				cfg = args[i+1]
			}
		}
		if cfg == "" {
			continue
		}
		c, err := os.ReadFile(cfg)
		if err != nil {
			continue
		}
		if m := tcpPort.FindSubmatch(c); m != nil {
			if p, err := strconv.Atoi(filepath.Base(d)); err == nil {
				out[string(m[1])] = p
			}
		}
	}
	return out
}

// rssKB is a process's current resident memory in kB (0 when unknown).
func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// benchShapes times, one stage each, the aggregates the core metrics read (monthly, whole base)
// and the model inputs: per-customer summaries streamed to Go, and their compression (in the
// store where it has CompressedSummaries, else in Go from the same stream). It says where the time
// goes on each engine, and which shapes move one row per customer out of the store.
func benchShapes(ctx context.Context, st fidelis.Store, stage stager) error {
	q := fidelis.Query{Grain: fidelis.Month}
	_, last, err := st.Span(ctx)
	if err != nil {
		return err
	}
	last = last.Truncate(24 * time.Hour) // a day boundary, as the models' calibration ends are
	steps := []struct {
		name string
		run  func() (int, error)
	}{
		{"shape Activity", func() (int, error) { c, err := st.Activity(ctx, q); return len(c), err }},
		{"shape Cohorts", func() (int, error) { c, err := st.Cohorts(ctx, q); return len(c), err }},
		{"shape Purchases", func() (int, error) { c, err := st.Purchases(ctx, q); return len(c), err }},
		{"shape Values", func() (int, error) { c, err := st.Values(ctx, q, []float64{0.1, 0.5, 0.9}); return len(c), err }},
		{"shape Summaries", func() (int, error) {
			n := 0
			err := st.Summaries(ctx, fidelis.Query{}, last, last, func(fidelis.CustomerSummary) error { n++; return nil })
			return n, err
		}},
		{"shape Summaries compressed", func() (int, error) { r, _, err := fidelis.CompressSummaries(ctx, st, last); return len(r), err }},
	}
	for _, s := range steps {
		resetPeak()
		t := begin()
		n, err := s.run()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		stage.done(fmt.Sprintf("%s [%d rows]", s.name, n), t)
	}
	return nil
}
