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
	"fidelis/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a fidelis.Store backed by a DuckDB database file.
type Store struct {
	*sqlstore.Shapes // the aggregates, shared with every engine
	fidelis.Versions // bumped after each committed write
	db               *sql.DB
	path             string
	readOnly         bool
	ids              idCache    // stored id hashes for small imports (idcache.go)
	cur              currencies // the orders' currencies per version (currency.go)
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
