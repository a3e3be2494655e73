// Package duckdb is Fidelis' embedded store: one DuckDB file, opened through the official Go
// driver. It is the only package that needs cgo. All SQL here is plain GROUP BY aggregation with
// window functions; the handful of engine-specific fragments (period index, conditional count,
// quantiles) are the functions at the bottom of sql.go, so that another engine can mirror them.
package duckdb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"fidelis"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a fidelis.Store backed by a DuckDB database file.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
}

var _ fidelis.Store = (*Store)(nil)

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the database for benchmarks and tests in this module.
func (s *Store) DB() *sql.DB { return s.db }

// migrated reports whether every embedded migration has been applied.
func (s *Store) migrated(ctx context.Context) (bool, error) {
	var tables int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'`).Scan(&tables); err != nil {
		return false, err
	}
	if tables == 0 {
		return false, nil
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	var applied int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return false, err
	}
	return applied >= len(names), nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR PRIMARY KEY, applied_at TIMESTAMP)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	for _, n := range names {
		var c int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, n).Scan(&c); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if c > 0 {
			continue
		}
		body, _ := migrations.ReadFile(n)
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", n, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?)`, n, time.Now().UTC()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Counts returns the number of stored records of each kind.
func (s *Store) Counts(ctx context.Context) (map[fidelis.Kind]int64, error) {
	out := map[fidelis.Kind]int64{}
	for _, k := range fidelis.Kinds {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+string(k)).Scan(&n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, nil
}

// Span returns the first and last order timestamps.
func (s *Store) Span(ctx context.Context) (first, last time.Time, err error) {
	var f, l sql.NullTime
	err = s.db.QueryRowContext(ctx, `SELECT min("timestamp"), max("timestamp") FROM orders`).Scan(&f, &l)
	return f.Time, l.Time, err
}

// Dimensions lists the fixed customer columns that hold any value, then the free attributes.
func (s *Store) Dimensions(ctx context.Context) ([]string, error) {
	var out []string
	for _, d := range fidelis.FixedDimensions {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(`+d+`) FROM customers`).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, d)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT name FROM customer_attrs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
