package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"fidelis"
)

// peerFitSeconds are the peers' documented times for the fits of issue #14 on a 1M-customer
// summary, measured on the 2-core test machine (not rerun here: neither is installed): lifetimes'
// BG/NBD 10.6 s and CLVTools' Pareto/NBD (L-BFGS-B) 37.2 s.
var peerFitSeconds = map[string]struct {
	peer string
	secs float64
}{"bgnbd": {"lifetimes", 10.6}, "paretonbd": {"CLVTools", 37.2}}

// selfCommand runs this program with args (tests replace it: their binary is not fidelis).
var selfCommand = func(ctx context.Context, self string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, self, args...)
}

// benchFit times the whole process of `fidelis fit --input FILE --model M --json` (start, reading
// and parsing, fit, output), one child process per run, the models alternating, and prints per
// model the medians of wall and CPU time, the peak resident memory, the time of reading and
// fitting alone (as the child reports it) and the ratio of the peer's documented time to the wall
// time. Every run's parameters and
// log-likelihood must equal the first's, so a faster run cannot be a different fit.
func benchFit(ctx context.Context, e *env, file string, models []string, runs int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if runs < 1 {
		return fidelis.Errorf(fidelis.EInvalid, "bench --fit: --runs must be at least 1")
	}
	type sample struct{ wall, cpu, fit, peakMB []float64 }
	samples := map[string]*sample{}
	first := map[string]fitOutput{}
	for r := range runs {
		for i := range models {
			model := models[(i+r)%len(models)]
			var out bytes.Buffer
			cmd := selfCommand(ctx, self, "fit", "--input", file, "--model", model, "--json")
			cmd.Stdout, cmd.Stderr = &out, e.stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("bench --fit: fit --model %s: %w", model, err)
			}
			wall := time.Since(start).Seconds()
			var fo fitOutput
			if err := json.Unmarshal(out.Bytes(), &fo); err != nil {
				return fmt.Errorf("bench --fit: fit --model %s printed no fit: %w", model, err)
			}
			if f, ok := first[model]; !ok {
				first[model] = fo
			} else if f.LogLikelihood != fo.LogLikelihood || fmt.Sprint(f.Params) != fmt.Sprint(fo.Params) {
				return fmt.Errorf("bench --fit: %s run %d gave a different fit (LL %v, first %v)", model, r+1, fo.LogLikelihood, f.LogLikelihood)
			}
			s := samples[model]
			if s == nil {
				s = &sample{}
				samples[model] = s
			}
			ps := cmd.ProcessState
			s.wall = append(s.wall, wall)
			s.cpu = append(s.cpu, (ps.UserTime() + ps.SystemTime()).Seconds())
			s.fit = append(s.fit, fo.Seconds)
			s.peakMB = append(s.peakMB, float64(childPeakKB(ps))/1024)
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Fprintf(e.stdout, "fit --input %s --json, whole process (start, read, fit, output): medians of %d runs per model, alternating%s\n", file, runs, load)
	fmt.Fprintf(e.stdout, "%-10s %10s %10s %10s %10s  %-28s %8s\n", "model", "wall", "cpu", "read+fit", "peak RSS", "peer (documented, issue #14)", "ratio")
	for _, m := range models {
		s := samples[m]
		line := fmt.Sprintf("%-10s %9.3fs %9.3fs %9.3fs %7.0f MB", m, median(s.wall), median(s.cpu), median(s.fit), median(s.peakMB))
		if p, ok := peerFitSeconds[m]; ok {
			line += fmt.Sprintf("  %-28s %7.1fx", fmt.Sprintf("%s %.1f s", p.peer, p.secs), p.secs/median(s.wall))
		}
		fmt.Fprintln(e.stdout, line)
		fmt.Fprintf(e.stdout, "%-10s LL %.6f, parameters %v\n", "", first[m].LogLikelihood, first[m].Params)
	}
	return nil
}
