package duckdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fidelis"
)

var _ fidelis.SettingStore = (*Store)(nil)

// Setting returns the named setting, "" when unset.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", name, err)
	}
	return v, nil
}

// SetSetting replaces the named setting in one transaction; an empty value removes it. A memory
// limit DuckDB cannot read, or a temporary folder that is not one, is refused; a valid memory
// limit applies at once, the other settings when the store is next opened.
func (s *Store) SetSetting(ctx context.Context, name, value string) error {
	if value != "" {
		switch name {
		case fidelis.SettingMemoryLimit:
			if err := s.setMemoryLimit(ctx, value); err != nil {
				return err
			}
		case fidelis.SettingTempDirectory:
			if err := checkTempDirectory(value); err != nil {
				return err
			}
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE name = ?`, name); err != nil {
		return fmt.Errorf("setting %s: %w", name, err)
	}
	if value != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings VALUES (?, ?)`, name, value); err != nil {
			return fmt.Errorf("setting %s: %w", name, err)
		}
	}
	defer s.Bump(fidelis.SettingsKind)
	return tx.Commit()
}

// DefaultMemoryLimit is DuckDB's memory limit when the store sets none: 1 GiB, or three times the
// store file when that is larger. DuckDB's own default, 80% of the machine's memory, leaves no room
// for what Fidelis holds in Go beside it (the churn rows, the per-customer summaries), and its
// caches and hash tables grow toward it although the queries run as well in far less. The queries
// need memory in proportion to the data, and some (the advocacy features' join) cannot spill: the
// 1M-customer store (360 MB) runs every section at 1 GiB without spilling, spills 184 MB at
// 512 MiB and fails at 256 MiB, so a fixed 1 GiB would fail stores a few times larger. Three
// times the file keeps that margin at every size. Above the limit DuckDB spills to the temporary
// folder; the measured cost is in the README ("Memory").
func DefaultMemoryLimit(path string) string {
	const floor = 1 << 30
	limit := int64(floor)
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		limit = max(limit, 3*fi.Size())
	}
	if limit%floor == 0 {
		return fmt.Sprintf("%dGiB", limit/floor)
	}
	return fmt.Sprintf("%dMiB", (limit+1<<20-1)>>20)
}

// DefaultMemoryLimitRule says DefaultMemoryLimit in words, for help texts.
const DefaultMemoryLimitRule = "1GiB or 3x the store file, whichever is larger"

// configure applies the store's memory settings to the open database: DuckDB's memory_limit
// (o.MemoryLimit, else the stored setting, else DefaultMemoryLimit of the store's file) and a temporary folder of this
// process's own for what spills. The folder sits in o.TempDirectory, else the stored setting, else
// the system's temporary folder: not beside the store, which may be shared read-only by several
// processes (DuckDB's temporary file names would collide) or sit in a folder the reader cannot
// write. DuckDB creates the folder when it first spills and removes it on close.
func (s *Store) configure(ctx context.Context, o Options) error {
	limit, dir := o.MemoryLimit, o.TempDirectory
	var err error
	if limit == "" {
		if limit, err = s.Setting(ctx, fidelis.SettingMemoryLimit); err != nil {
			return err
		}
	}
	if dir == "" {
		if dir, err = s.Setting(ctx, fidelis.SettingTempDirectory); err != nil {
			return err
		}
	}
	if limit == "" {
		limit = DefaultMemoryLimit(s.path)
	}
	if err := s.setMemoryLimit(ctx, limit); err != nil {
		return err
	}
	if dir == "" {
		dir = os.TempDir()
	}
	if err := checkTempDirectory(dir); err != nil {
		return err
	}
	var b [6]byte
	rand.Read(b[:])
	own := filepath.Join(dir, fmt.Sprintf("fidelis-duckdb-%d-%x", os.Getpid(), b))
	if _, err := s.db.ExecContext(ctx, `SET temp_directory = `+quote(own)); err != nil {
		return fidelis.Errorf(fidelis.EInvalid, "%s %s: %v", fidelis.SettingTempDirectory, dir, err)
	}
	return nil
}

// setMemoryLimit sets DuckDB's memory limit for the whole database (the setting is global, not
// per connection), refusing a value DuckDB cannot read with DuckDB's own words for the units.
func (s *Store) setMemoryLimit(ctx context.Context, limit string) error {
	if _, err := s.db.ExecContext(ctx, `SET memory_limit = `+quote(limit)); err != nil {
		msg := err.Error()
		if i := strings.Index(msg, "Error: "); i >= 0 {
			msg = msg[i+len("Error: "):]
		}
		return fidelis.Errorf(fidelis.EInvalid, "%s %q: %s", fidelis.SettingMemoryLimit, limit, msg).
			WithHint("a size such as 2GiB, 1.5GB or 800MiB: fidelis settings set %s 2GiB", fidelis.SettingMemoryLimit)
	}
	return nil
}

// MemoryLimit returns the memory limit in effect, as DuckDB prints it ("1.0 GiB").
func (s *Store) MemoryLimit(ctx context.Context) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&v)
	return v, err
}

// checkTempDirectory refuses a temporary folder that is not an existing folder: DuckDB would only
// find out when a query first spills, and fail it there.
func checkTempDirectory(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return fidelis.Errorf(fidelis.EInvalid, "%s %s: %v", fidelis.SettingTempDirectory, dir, err).
			WithHint("an existing folder with room to spill into, or fidelis settings unset %s", fidelis.SettingTempDirectory)
	case !fi.IsDir():
		return fidelis.Errorf(fidelis.EInvalid, "%s %s is not a folder", fidelis.SettingTempDirectory, dir).
			WithHint("an existing folder with room to spill into, or fidelis settings unset %s", fidelis.SettingTempDirectory)
	}
	return nil
}

// quote writes s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// OutOfMemory reports whether err is DuckDB refusing to exceed its memory limit, for a query it
// could not spill to disk.
func OutOfMemory(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Out of Memory Error")
}
