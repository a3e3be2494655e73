package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// SetSetting replaces the named setting in one transaction; an empty value removes it.
func (s *Store) SetSetting(ctx context.Context, name, value string) error {
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
