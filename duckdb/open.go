package duckdb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

// Options say how to open a store.
type Options struct {
	// ReadOnly opens an existing store for reading: any number of read-only processes can share
	// the file, but none can while a writer has it open (DuckDB's file lock is single-writer or
	// many-readers).
	ReadOnly bool
	// Wait is how long to keep retrying while another process holds a conflicting lock; zero fails
	// at once.
	Wait time.Duration
	// Waiting, if set, is called once when the store is found locked and Open starts to wait.
	Waiting func(holder Holder)
	// MemoryLimit and TempDirectory, when set, replace the store's settings of those names for
	// this open (fidelis.SettingMemoryLimit, fidelis.SettingTempDirectory): a run against a store
	// it must not write, such as a benchmark of another limit.
	MemoryLimit, TempDirectory string
}

// Holder describes the process holding a store's lock, as far as DuckDB's message tells.
type Holder struct {
	PID     int    // 0 when the message did not name one
	Program string // the holder's executable as DuckDB names it, or ""
	Command string // its command line from /proc, where readable, or ""
}

// String names the holder for messages: "PID 123 (fidelis report --db x)".
func (h Holder) String() string {
	if h.PID == 0 {
		return "another process"
	}
	s := "PID " + strconv.Itoa(h.PID)
	switch {
	case h.Command != "":
		s += " (" + h.Command + ")"
	case h.Program != "":
		s += " (" + h.Program + ")"
	}
	return s
}

// Open opens (creating if needed) the DuckDB file at path for reading and writing, and brings its
// schema up to date. An empty path or ":memory:" opens an in-memory database.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith opens the store at path as o says. It refuses a path that exists and is not a DuckDB
// file (DuckDB would otherwise open a CSV or Parquet file as an empty in-memory database and
// discard every import), and a read-only open of a store that does not exist.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	memory := path == "" || path == ":memory:"
	if !memory {
		if err := checkFile(path, o.ReadOnly); err != nil {
			return nil, err
		}
	}
	if o.ReadOnly && !memory {
		// A store written by an older version may need migrating, which needs a writer: do that
		// first, briefly, then reopen read-only.
		s, err := connect(ctx, path, true, o)
		if err != nil {
			return nil, err
		}
		current, err := s.migrated(ctx)
		if err == nil && !current {
			s.Close()
			if s, err = OpenWith(ctx, path, Options{Wait: o.Wait, Waiting: o.Waiting}); err != nil {
				return nil, err
			}
			s.Close()
			if s, err = connect(ctx, path, true, o); err != nil {
				return nil, err
			}
		}
		if err == nil {
			err = s.configure(ctx, o)
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	s, err := connect(ctx, path, false, o)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.configure(ctx, o); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connect opens the database, retrying while another process holds a conflicting lock, until
// o.Wait has passed or ctx is done.
func connect(ctx context.Context, path string, readOnly bool, o Options) (*Store, error) {
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	if readOnly {
		dsn += "?access_mode=READ_ONLY"
	}
	deadline := time.Now().Add(o.Wait)
	told := false
	for {
		db, err := sql.Open("duckdb", dsn)
		if err == nil {
			if err = db.PingContext(ctx); err == nil {
				return &Store{Shapes: sqlstore.New(db, Dialect{}), db: db, path: path, readOnly: readOnly}, nil
			}
			db.Close()
		}
		if !isLockError(err) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fidelis.Errorf(fidelis.EInvalid, "open %s: %v", path, err).WithHint("--db PATH of a Fidelis DuckDB file")
		}
		h := parseHolder(err.Error())
		if !time.Now().Before(deadline) {
			hint := "wait for it to finish, or use another --db"
			if o.Wait > 0 {
				hint = "wait for it to finish (--wait 5m waits longer), or use another --db"
			}
			if h.PID != 0 {
				hint += fmt.Sprintf("; to stop it: kill %d", h.PID)
			}
			waited := ""
			if o.Wait > 0 {
				waited = fmt.Sprintf(" (waited %s)", o.Wait)
			}
			return nil, fidelis.Errorf(fidelis.EConflict, "open %s: the store is in use by %s%s", path, h, waited).WithHint("%s", hint)
		}
		// Tell once, as soon as the holder is named (DuckDB does not always name it on the first
		// attempt), or after a second without a name.
		if !told && o.Waiting != nil && (h.PID != 0 || time.Since(deadline.Add(-o.Wait)) > time.Second) {
			o.Waiting(h)
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(200*time.Millisecond, time.Until(deadline)+time.Millisecond)):
		}
	}
}

func isLockError(err error) bool {
	if err == nil {
		return false
	}
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "could not set lock") || strings.Contains(m, "conflicting lock")
}

// holderRE reads DuckDB's lock message: `Conflicting lock is held in /usr/bin/fidelis (PID 123)`.
// Other versions and platforms word it differently or leave the PID out; then the holder is
// unnamed.
var holderRE = regexp.MustCompile(`held in (.*?) \(PID (\d+)\)`)

func parseHolder(msg string) Holder {
	var h Holder
	m := holderRE.FindStringSubmatch(msg)
	if m == nil {
		if m = regexp.MustCompile(`PID (\d+)`).FindStringSubmatch(msg); m == nil {
			return h
		}
		m = []string{m[0], "", m[1]}
	}
	h.PID, _ = strconv.Atoi(m[2])
	h.Program = strings.TrimSpace(m[1])
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", h.PID)); err == nil && len(b) > 0 {
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if i := strings.LastIndexByte(args[0], '/'); i >= 0 {
			args[0] = args[0][i+1:]
		}
		h.Command = strings.Join(args, " ")
		if len(h.Command) > 120 {
			h.Command = h.Command[:117] + "..."
		}
	}
	return h
}

// checkFile refuses an existing path that is not a DuckDB database, naming what it looks like.
// DuckDB's main header puts the magic "DUCK" at byte 8. DuckDB refuses an empty file too, so it
// is named here with the way out.
func checkFile(path string, mustExist bool) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if mustExist {
			return fidelis.Errorf(fidelis.ENotFound, "no store at %s", path).
				WithHint("fidelis import orders FILE --db %s, or fidelis demo", path)
		}
		return nil
	}
	if err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "--db %s: %v", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fidelis.Errorf(fidelis.EInvalid, "--db %s is a folder, not a store file", path).
			WithHint("--db %s", strings.TrimRight(path, "/")+"/fidelis.duckdb")
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n >= 12 && string(head[8:12]) == "DUCK" {
		return nil
	}
	if n == 0 {
		return fidelis.Errorf(fidelis.EInvalid, "--db %s is an empty file, not a DuckDB store", path).
			WithHint("remove it (rm %s) and Fidelis creates the store there, or name a new path", path)
	}
	return fidelis.Errorf(fidelis.EInvalid, "--db %s is %s, not a DuckDB store; refusing to open it (DuckDB would discard whatever is imported)", path, sniffKind(head)).
		WithHint("--db names the store (a new path such as shop.duckdb, or an existing store); data files go after the kind: fidelis import orders %s --db shop.duckdb", path)
}

// sniffKind names a file's format from its first bytes.
func sniffKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("PAR1")):
		return "a Parquet file"
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return "a gzip file"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a ZIP or XLSX file"
	case bytes.HasPrefix(b, []byte("SQLite format 3")):
		return "an SQLite database"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(t) > 0 && (t[0] == '{' || t[0] == '['):
		return "a JSON file"
	case bytes.IndexByte(b, 0) < 0:
		return "a text file (CSV or similar)"
	}
	return "a file of another format"
}
