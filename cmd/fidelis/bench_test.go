package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fidelis/clickhouse"
	"fidelis/clickhouse/chtest"
)

// TestBenchAll runs the full bench on a small synthetic company: every kind imported, a stage per
// section with wall time, CPU time and peak memory, the rendering and the whole report; then the
// same report from the loaded store.
func TestBenchAll(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a synthetic company")
	}
	dir := t.TempDir()
	code, out, errs := runCLI(t, "bench", "--customers", "400", "--dir", dir, "--all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"import customers (400)", "import orders (", "core metrics", "import program (",
		"section core metrics (full run)", "section program", "section advocacy", "section models", "render html", "full report"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q stage in\n%s", want, out)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !stageLine.MatchString(l) {
			t.Errorf("stage line %q does not parse", l)
		}
	}
	code, out, errs = runCLI(t, "bench", "--store", filepath.Join(dir, "fidelis.duckdb"))
	if code != 0 {
		t.Fatalf("bench --store: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "section program") || !strings.Contains(out, "full report") {
		t.Errorf("bench --store:\n%s", out)
	}
}

// TestBenchClickHouse runs the bench's stages on the two-shard cluster: both shards' server memory
// is measured (the servers run here), and a database not named bench* is refused, since the
// benchmark drops it first.
func TestBenchClickHouse(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a synthetic company")
	}
	u, err := url.Parse(chtest.DSN(t, true))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "bench", "--customers", "300", "--dir", t.TempDir(), "--db", u.String()); code == 0 || !strings.Contains(errs, "must start with bench") {
		t.Errorf("a database not named bench*: exit %d, %s", code, errs)
	}
	u.Path = "/bench" + strings.TrimPrefix(u.Path, "/")
	t.Cleanup(func() { clickhouse.DropDatabase(context.Background(), u.String()) })
	code, out, errs := runCLI(t, "bench", "--customers", "300", "--dir", t.TempDir(), "--db", u.String())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"cluster  import customers (300)", "cluster  import orders (", "cluster  core metrics", "cluster  import + core metrics"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q stage in\n%s", want, out)
		}
	}
	if n := strings.Count(out, "server peak RSS"); n != 4 || strings.Contains(out, "not measured") {
		t.Errorf("want each stage with both shards' memory:\n%s", out)
	}
}

// TestBenchTransactions: bench --transactions times fit --transactions and DuckDB's reader with
// the same GROUP BY side by side, and both summarise the same customers (those with a first
// purchase by the calibration end: A and B, not C).
func TestBenchTransactions(t *testing.T) {
	p := filepath.Join(t.TempDir(), "orders.csv")
	log := "order_id,customer_id,timestamp,amount\n1,A,2024-01-02T10:00:00Z,10\n2,A,2024-02-03T11:00:00Z,20\n3,B,2024-02-10T09:00:00Z,5\n" +
		"4,A,2024-03-01T10:00:00Z,7\n5,B,2024-03-02T10:00:00Z,8\n6,C,2024-04-02T10:00:00Z,9\n"
	if err := os.WriteFile(p, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each path in turn: --path both re-runs the executable, which in a test is the test binary.
	for _, path := range []string{"floor", "fidelis"} {
		code, out, errs := runCLI(t, "bench", "--transactions", p, "--calibration-end", "2024-03-31", "--path", path)
		if code != 0 {
			t.Fatalf("--path %s: exit %d: %s", path, code, errs)
		}
		if want := fmt.Sprintf("%-8s transactions → RFM → fit (2)", path); !strings.Contains(out, want) || !stageLine.MatchString(strings.TrimSpace(out)) {
			t.Errorf("no stage line %q in\n%s", want, out)
		}
	}
}

// TestBenchFit times fit --input as whole child processes (here the test binary running main)
// for both models, alternating, and prints each model's medians, the peer's documented time and
// the fit's log-likelihood; a file that does not parse fails the bench.
func TestBenchFit(t *testing.T) {
	defer func(f func(context.Context, string, ...string) *exec.Cmd) { selfCommand = f }(selfCommand)
	selfCommand = func(ctx context.Context, self string, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, self)
		cmd.Env = append(os.Environ(), mainArgsEnv+"="+strings.Join(args, "\n"))
		return cmd
	}
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("ID,frequency,recency,T\n")
	for i := range 3000 {
		x := i % 7
		tx := float64(i%3800) / 100
		if x == 0 {
			tx = 0
		}
		fmt.Fprintf(&b, "%d,%d,%.2f,38.5\n", i, x, tx)
	}
	file := filepath.Join(dir, "summary.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "bench", "--fit", file, "--runs", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"medians of 2 runs per model", "bgnbd ", "lifetimes 10.6 s", "paretonbd ", "CLVTools 37.2 s", "LL -"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("ID,frequency,recency,T\n1,x,2,3\n"), 0o644)
	if code, _, errs := runCLI(t, "bench", "--fit", bad, "--runs", "1"); code == 0 || !strings.Contains(errs, "fit --model bgnbd") {
		t.Errorf("a bad file: exit %d, %s", code, errs)
	}
}
