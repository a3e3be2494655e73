package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fidelis/clickhouse/chtest"
)

// TestClickHouseRefusesEmptyDatabase: commands that must not create a store refuse a ClickHouse
// database that holds none (they used to stat the DSN as a file and refuse every ClickHouse store).
func TestClickHouseRefusesEmptyDatabase(t *testing.T) {
	empty := chtest.DSN(t, true)
	for _, args := range [][]string{{"settings"}, {"serve", "--tokens", filepath.Join(t.TempDir(), "t"), "--audit", "none"}} {
		if code, _, errs := cli(t, append(args, "--db", empty)...); code == 0 || !strings.Contains(errs, "no Fidelis store") {
			t.Errorf("%s on an empty database: exit %d, %s", args[0], code, errs)
		}
	}
}

// everyCommand runs, on the ClickHouse store dsn holding the demo company of dir, every command
// that takes --db as a user would: the analyses, the report, settings, a token and serve answering
// a GET with it, delete and forget.
func everyCommand(t *testing.T, dir, dsn string) {
	t.Helper()
	goals := filepath.Join(dir, "goals.txt")
	os.WriteFile(goals, []byte("retention: 85% by 2030-12-31\n"), 0o644)
	for _, args := range [][]string{
		{"metrics"}, {"metrics", "--by", "region", "--grain", "quarter"}, {"cohorts"}, {"voc"}, {"advocacy"},
		{"program"}, {"engagement"}, {"social"}, {"fit"}, {"actions"}, {"risk"}, {"churn", "--cutoffs", "2"},
		{"whatif", "--retention", "+5"}, {"targets", "--goals", goals}, {"settings"},
	} {
		if code, out, errs := cli(t, append(args, "--db", dsn)...); code != 0 || strings.TrimSpace(out) == "" {
			t.Errorf("%s: exit %d, stdout %.200q, stderr %.500s", strings.Join(args, " "), code, out, errs)
		}
	}
	tokens := filepath.Join(dir, "tokens")
	code, secret, errs := cli(t, "token", "create", "--scope", "read", "--db", dsn, "--tokens", tokens)
	if code != 0 {
		t.Fatalf("token create: exit %d %s", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, serr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{stdout: &out, stderr: &serr, stdin: strings.NewReader("")},
			[]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--tokens", tokens, "--audit", "none", "--read-only"})
	}()
	at := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(time.Minute); base == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if m := at.FindStringSubmatch(serr.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start: %s", serr.String())
	}
	req, _ := http.NewRequest("GET", base+"/v1/metrics?grain=quarter", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(secret))
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"retention"`) {
		t.Errorf("GET /v1/metrics: %d %.300s", resp.StatusCode, b)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d: %s", code, serr.String())
	}
	if code, out, errs := cli(t, "delete", "orders", "--db", dsn, "O0000001-1"); code != 0 {
		t.Errorf("delete: exit %d %s %s", code, out, errs)
	}
	if code, out, errs := cli(t, "forget", "--db", dsn, "C0000001"); code != 0 || !strings.Contains(out, "forgot 1 of 1") {
		t.Errorf("forget: exit %d %s %s", code, out, errs)
	}
}

// TestBeside: files kept beside a ClickHouse store are named after its server and database.
func TestBeside(t *testing.T) {
	for in, want := range map[string]string{
		"shop.duckdb":                             "shop.duckdb",
		"clickhouse://127.0.0.1:19400/fidelis":    "clickhouse-127.0.0.1_19400-fidelis",
		"clickhouse://[::1]:9000/shop?cluster=c2": "clickhouse-__1_9000-shop",
	} {
		if got := beside(in); got != want {
			t.Errorf("beside(%q) = %q, want %q", in, got, want)
		}
	}
}
