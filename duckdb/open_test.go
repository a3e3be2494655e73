package duckdb_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/duckdb"
)

// TestOpenRefusesDataFiles: --db naming a CSV, Parquet or JSON Lines file used to open it as an
// empty in-memory database, report "stored 5" and discard everything. Each is refused, and the
// file is left as it was; a new path, an empty file and an existing store open.
func TestOpenRefusesDataFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, body, want string }{
		{"orders.csv", "order_id,customer_id,date,amount\no1,A,2024-01-01,10\n", "text file (CSV"},
		{"orders.parquet", "PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x12\x00\x00PAR1", "Parquet"},
		{"orders.jsonl", `{"order_id":"o1","customer_id":"A"}` + "\n", "JSON"},
		{"orders.csv.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"},
		{"shop.sqlite", "SQLite format 3\x00", "SQLite"},
		{"empty.duckdb", "", "empty file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			if err := os.WriteFile(p, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				st, err := duckdb.OpenWith(context.Background(), p, duckdb.Options{ReadOnly: ro})
				if err == nil {
					st.Close()
					t.Fatalf("read-only %v: opened %s as a store", ro, c.name)
				}
				if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), ", not a DuckDB store") || fidelis.ErrorHint(err) == "" {
					t.Errorf("read-only %v: %v (hint %q)", ro, err, fidelis.ErrorHint(err))
				}
			}
			if b, _ := os.ReadFile(p); string(b) != c.body {
				t.Error("the data file was changed")
			}
			if _, err := os.Stat(p + ".wal"); err == nil {
				t.Error("a .wal was created next to the data file")
			}
		})
	}
	for _, name := range []string{"new.duckdb"} {
		p := filepath.Join(dir, name)
		st, err := duckdb.Open(context.Background(), p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st.Close()
		st, err = duckdb.OpenWith(context.Background(), p, duckdb.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s reopened read-only: %v", name, err)
		}
		st.Close()
	}
	_, err := duckdb.OpenWith(context.Background(), filepath.Join(dir, "missing.duckdb"), duckdb.Options{ReadOnly: true})
	if fidelis.ErrorCode(err) != fidelis.ENotFound {
		t.Errorf("read-only open of a missing store: %v", err)
	}
}

// holdEnv makes the test binary a helper process that opens the store it names and holds it until
// its stdin closes (DuckDB's lock is per process: two opens in one process do not conflict).
const holdEnv = "FIDELIS_TEST_HOLD_STORE"

func TestMain(m *testing.M) {
	if p := os.Getenv(holdEnv); p != "" {
		ro := os.Getenv(holdEnv+"_RO") != ""
		st, err := duckdb.OpenWith(context.Background(), p, duckdb.Options{ReadOnly: ro})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		st.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// hold starts a helper process holding the store at p; closing the returned writer releases it.
func hold(t *testing.T, p string, readOnly bool) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+p)
	if readOnly {
		cmd.Env = append(cmd.Env, holdEnv+"_RO=1")
	}
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		in.Close()
		cmd.Wait()
		t.Fatalf("helper: %q", line)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return cmd, in
}

// TestOpenLocked: a second process on the same store used to fail at once with DuckDB's raw lock
// message. Now a writer waits up to Options.Wait and then fails with EConflict naming the holder's
// PID; it succeeds if the holder lets go in time; readers share the store.
func TestOpenLocked(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "shop.duckdb")
	st, err := duckdb.Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	holder, release := hold(t, p, false)
	var told duckdb.Holder
	start := time.Now()
	// Two seconds give several attempts: DuckDB does not always name the holder on the first, and
	// on a loaded machine one attempt can take longer than a short wait.
	const wait = 2 * time.Second
	_, err = duckdb.OpenWith(ctx, p, duckdb.Options{Wait: wait, Waiting: func(h duckdb.Holder) { told = h }})
	if fidelis.ErrorCode(err) != fidelis.EConflict {
		t.Fatalf("open while locked: %v", err)
	}
	if waited := time.Since(start); waited < wait {
		t.Errorf("gave up after %s, before --wait", waited)
	}
	pid := fmt.Sprintf("PID %d", holder.Process.Pid)
	if !strings.Contains(err.Error(), pid) || !strings.Contains(fidelis.ErrorHint(err), fmt.Sprint(holder.Process.Pid)) || strings.Contains(err.Error(), "IO Error") {
		t.Errorf("message %q, hint %q: want the holder's %s and no raw engine text", err, fidelis.ErrorHint(err), pid)
	}
	if told.PID != holder.Process.Pid {
		t.Errorf("Waiting told %+v", told)
	}
	// Readers cannot share with a writer either, and say so the same way.
	if _, err = duckdb.OpenWith(ctx, p, duckdb.Options{ReadOnly: true}); fidelis.ErrorCode(err) != fidelis.EConflict {
		t.Errorf("read-only open while a writer holds the store: %v", err)
	}
	// A writer that waits long enough gets the store once the holder closes it.
	go func() { time.Sleep(300 * time.Millisecond); release.Close() }()
	st, err = duckdb.OpenWith(ctx, p, duckdb.Options{Wait: time.Minute})
	if err != nil {
		t.Fatalf("waiting open: %v", err)
	}
	st.Close()

	// Readers share the store with each other.
	hold(t, p, true)
	st, err = duckdb.OpenWith(ctx, p, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	if _, err := st.Counts(ctx); err != nil {
		t.Error(err)
	}
	st.Close()
	// A cancelled wait returns the context's error.
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err = duckdb.OpenWith(cctx, p, duckdb.Options{Wait: time.Minute}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestParseHolder(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want duckdb.Holder
	}{
		{`IO Error: Could not set lock on file "/x/s.duckdb": Conflicting lock is held in /usr/local/bin/fidelis (PID 2147483) by user root. See also https://duckdb.org/docs/stable/connect/concurrency`,
			duckdb.Holder{PID: 2147483, Program: "/usr/local/bin/fidelis"}},
		{`IO Error: Could not set lock on file "/x/s.duckdb": Conflicting lock is held in C:\Program Files\fidelis.exe (PID 77)`,
			duckdb.Holder{PID: 77, Program: `C:\Program Files\fidelis.exe`}},
		{`IO Error: Could not set lock on file "/x/s.duckdb": Resource temporarily unavailable`, duckdb.Holder{}},
		{`lock held by PID 12`, duckdb.Holder{PID: 12}},
	} {
		got := duckdb.ParseHolder(c.msg)
		got.Command = ""
		if got != c.want {
			t.Errorf("%q: got %+v, want %+v", c.msg, got, c.want)
		}
	}
	if s := (duckdb.Holder{}).String(); s != "another process" {
		t.Errorf("unnamed holder: %q", s)
	}
}

// TestReadOnlyOpenMigrates: a store written before a migration existed is brought up to date
// by a read-only open (briefly as a writer), then read.
func TestReadOnlyOpenMigrates(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "old.duckdb")
	st, err := duckdb.Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE erasures`, `DROP TABLE erasure_salt`, `DELETE FROM schema_migrations WHERE version LIKE '%002_erasures.sql'`} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	st, err = duckdb.OpenWith(ctx, p, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM erasures`).Scan(&n); err != nil {
		t.Errorf("the migration was not applied: %v", err)
	}
	if _, err := st.DB().Exec(`CREATE TABLE x (i INT)`); err == nil {
		t.Error("the store was not reopened read-only")
	}
}
