package duckdb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fidelis"
	"fidelis/duckdb"
)

// TestMemoryLimit: a store without the setting runs DuckDB at DefaultMemoryLimit (not DuckDB's
// 80% of the machine); the stored setting applies at once and on every later open, read-only
// too; an open's own limit wins over the stored one; a size DuckDB cannot read is refused and
// not stored.
func TestMemoryLimit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.duckdb")
	limit := func(st *duckdb.Store) string {
		t.Helper()
		v, err := st.MemoryLimit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	st, err := duckdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got := limit(st); got != "1.0 GiB" {
		t.Errorf("default limit %q, want 1.0 GiB", got)
	}
	if err := st.SetSetting(ctx, fidelis.SettingMemoryLimit, "300MiB"); err != nil {
		t.Fatal(err)
	}
	if got := limit(st); got != "300.0 MiB" {
		t.Errorf("after set: %q, want 300.0 MiB at once", got)
	}
	err = st.SetSetting(ctx, fidelis.SettingMemoryLimit, "lots")
	if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), `memory_limit "lots"`) || !strings.Contains(fidelis.ErrorHint(err), "GiB") {
		t.Errorf("set lots: %v, want an invalid-value error naming the setting, the value, and the units in the hint", err)
	}
	if v, _ := st.Setting(ctx, fidelis.SettingMemoryLimit); v != "300MiB" || limit(st) != "300.0 MiB" {
		t.Errorf("a refused value changed the setting: stored %q, in effect %q", v, limit(st))
	}
	st.Close()

	ro, err := duckdb.OpenWith(ctx, path, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := limit(ro); got != "300.0 MiB" {
		t.Errorf("read-only reopen: %q, want the stored 300.0 MiB", got)
	}
	ro.Close()
	ro, err = duckdb.OpenWith(ctx, path, duckdb.Options{ReadOnly: true, MemoryLimit: "2GiB"})
	if err != nil {
		t.Fatal(err)
	}
	if got := limit(ro); got != "2.0 GiB" {
		t.Errorf("open's own limit: %q, want 2.0 GiB", got)
	}
	ro.Close()
	if _, err := duckdb.OpenWith(ctx, path, duckdb.Options{MemoryLimit: "2 parsecs"}); fidelis.ErrorCode(err) != fidelis.EInvalid {
		t.Errorf("open with a bad limit: %v, want EInvalid", err)
	}
}

// TestDefaultMemoryLimit: 1 GiB for a small, missing or in-memory store, three times the file
// above a third of a GiB (sparse files stand in for large stores).
func TestDefaultMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	sized := func(n int64) string {
		p := filepath.Join(dir, fmt.Sprintf("s%d.duckdb", n))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(n); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ path, want string }{
		{"", "1GiB"},
		{filepath.Join(dir, "missing.duckdb"), "1GiB"},
		{sized(360 << 20), "1080MiB"},
		{sized(1 << 30), "3GiB"},
		{sized(100<<20 + 1), "1GiB"},
	} {
		if got := duckdb.DefaultMemoryLimit(c.path); got != c.want {
			t.Errorf("DefaultMemoryLimit(%s) = %s, want %s", c.path, got, c.want)
		}
	}
}

// TestTempDirectory: what exceeds the memory limit spills into a folder of the process's own
// inside the temporary_directory setting, and the folder is gone after Close; a folder that does
// not exist is refused when set.
func TestTempDirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.duckdb")
	spill := filepath.Join(dir, "spill")
	if err := os.Mkdir(spill, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = st.SetSetting(ctx, fidelis.SettingTempDirectory, filepath.Join(dir, "nosuch"))
	if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("set a missing folder: %v, want EInvalid naming it", err)
	}
	if err := st.SetSetting(ctx, fidelis.SettingTempDirectory, spill); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = duckdb.OpenWith(ctx, path, duckdb.Options{MemoryLimit: "64MiB"})
	if err != nil {
		t.Fatal(err)
	}
	// Sorting 4M rows of two 8-byte columns needs ~100 MB: more than the limit, so it spills.
	var n, spilled int64
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT range AS r, hash(range) AS h FROM range(4000000) ORDER BY h)`).Scan(&n); err != nil {
		t.Fatalf("sort beyond the limit: %v", err)
	}
	if n != 4000000 {
		t.Fatalf("sorted %d rows", n)
	}
	var where string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('temp_directory')`).Scan(&where); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if filepath.Dir(where) != spill || !strings.HasPrefix(filepath.Base(where), "fidelis-duckdb-") {
		t.Errorf("temp directory %s, want a folder of this process's own in %s", where, spill)
	}
	if fi, err := os.Stat(where); err == nil && fi.IsDir() {
		spilled = 1
	}
	if spilled == 0 {
		t.Errorf("nothing spilled into %s", where)
	}
	st.Close()
	if _, err := os.Stat(where); !os.IsNotExist(err) {
		t.Errorf("after Close the spill folder is still there (%v)", err)
	}
}
