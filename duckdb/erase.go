package duckdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

// Delete removes the records of kind with the given ids in one transaction.
func (s *Store) Delete(ctx context.Context, kind fidelis.Kind, ids []string) ([]string, error) {
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		return nil, fidelis.Errorf(fidelis.EInvalid, "unknown kind %q", kind)
	}
	ids = fidelis.UniqueIDs(ids)
	var deleted []string
	// The idCache must not answer a deleted id as stored: its recent ids of kind go, before the
	// deletion (for imports meanwhile) and after it (for those it raced with).
	s.ids.forgetRecent(kind)
	defer s.ids.forgetRecent(kind)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return sqlstore.EachChunk(ids, func(ph string, args []any) error {
			found, err := sqlstore.Strings(ctx, tx, `SELECT DISTINCT `+schema.ID+` FROM `+string(kind)+` WHERE `+schema.ID+` IN (`+ph+`)`, args...)
			if err != nil {
				return err
			}
			deleted = append(deleted, found...)
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+string(kind)+` WHERE `+schema.ID+` IN (`+ph+`)`, args...); err != nil {
				return err
			}
			if schema.KeepAttrs {
				_, err = tx.ExecContext(ctx, `DELETE FROM customer_attrs WHERE customer_id IN (`+ph+`)`, args...)
			}
			return err
		})
	})
	if len(deleted) > 0 {
		s.Bump(kind)
	}
	if err != nil {
		return nil, fmt.Errorf("delete %s: %w", kind, err)
	}
	slices.Sort(deleted)
	return deleted, nil
}

// Forget erases customers and every record naming them in one transaction, logs the salted hash
// of each id, then rewrites the store file so that the deleted rows' bytes are gone (DuckDB only
// marks deleted rows and reuses freed blocks later; neither CHECKPOINT nor VACUUM clears them).
func (s *Store) Forget(ctx context.Context, ids []string) (fidelis.Erasure, error) {
	ids = fidelis.UniqueIDs(ids)
	e := fidelis.Erasure{Removed: map[fidelis.Kind]int64{}}
	found := map[string]bool{}
	s.ids.forgetRecent() // as in Delete
	defer s.ids.forgetRecent()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := sqlstore.EachChunk(ids, func(ph string, args []any) error {
			for _, k := range fidelis.Kinds {
				for _, f := range fidelis.Schemas[k].CustomerFields() {
					hit, err := sqlstore.Strings(ctx, tx, `SELECT DISTINCT `+f+` FROM `+string(k)+` WHERE `+f+` IN (`+ph+`)`, args...)
					if err != nil {
						return err
					}
					for _, id := range hit {
						found[id] = true
					}
					res, err := tx.ExecContext(ctx, `DELETE FROM `+string(k)+` WHERE `+f+` IN (`+ph+`)`, args...)
					if err != nil {
						return err
					}
					n, _ := res.RowsAffected()
					e.Removed[k] += n
				}
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM customer_attrs WHERE customer_id IN (`+ph+`)`, args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			e.Attributes += n
			return nil
		})
		if err != nil {
			return err
		}
		salt, err := erasureSalt(ctx, tx)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO erasures VALUES (?, ?)`, fidelis.ErasureHash(salt, id), now); err != nil {
				return err
			}
		}
		return nil
	})
	s.Bump(e.Erased()...) // also after a failed COMMIT, whose effect is unknown
	if err != nil {
		return e, fmt.Errorf("forget: %w", err)
	}
	for _, id := range ids {
		if !found[id] {
			e.NotFound = append(e.NotFound, id)
		}
	}
	if s.path == "" || s.path == ":memory:" {
		return e, nil
	}
	// Once the deletion is committed, the rewrite runs to its end even if interrupted: stopping
	// half-way would leave the erased bytes in the file.
	if err := s.rewrite(context.WithoutCancel(ctx)); err != nil {
		return e, fidelis.Errorf(fidelis.EInternal, "forget: the records are deleted, but the store file could not be rewritten, so their bytes may remain in it: %v", err).
			WithHint("run the same fidelis forget again (it rewrites the file even when nothing is left to delete)")
	}
	e.Reclaimed = true
	return e, nil
}

// erasureSalt returns the store's salt, making it at the first erasure.
func erasureSalt(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	var salt []byte
	err := tx.QueryRowContext(ctx, `SELECT salt FROM erasure_salt`).Scan(&salt)
	if errors.Is(err, sql.ErrNoRows) {
		salt = make([]byte, 32)
		if _, err := rand.Read(salt); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO erasure_salt VALUES (?)`, salt)
		return salt, err
	}
	return salt, err
}

// Erasures returns the erasure log.
func (s *Store) Erasures(ctx context.Context) (fidelis.ErasureLog, error) {
	l := fidelis.ErasureLog{Erased: map[string]time.Time{}}
	err := s.db.QueryRowContext(ctx, `SELECT salt FROM erasure_salt`).Scan(&l.Salt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, nil
	}
	if err != nil {
		return l, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id_hash, max(erased_at) FROM erasures GROUP BY id_hash`)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var t time.Time
		if err := rows.Scan(&h, &t); err != nil {
			return l, err
		}
		l.Erased[h] = t
	}
	return l, rows.Err()
}

// rewrite copies the store into a new file and puts it in the old one's place: only live rows
// are copied, so deleted ones leave no bytes behind. A crash before the rename leaves the old
// file (with the rows deleted, their bytes not yet cleared) and a .rewrite file the next rewrite
// replaces.
func (s *Store) rewrite(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return err
	}
	var catalog string
	if err := s.db.QueryRowContext(ctx, `SELECT current_database()`).Scan(&catalog); err != nil {
		return err
	}
	tmp := s.path + ".rewrite"
	for _, p := range []string{tmp, tmp + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	// ATTACH takes a literal path; quotes are doubled. The catalog name is quoted as an identifier.
	if _, err := s.db.ExecContext(ctx, `ATTACH '`+strings.ReplaceAll(tmp, "'", "''")+`' AS fidelis_rewrite`); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `COPY FROM DATABASE "`+strings.ReplaceAll(catalog, `"`, `""`)+`" TO fidelis_rewrite`)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `DETACH fidelis_rewrite`)
	} else {
		s.db.ExecContext(context.Background(), `DETACH fidelis_rewrite`)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := s.db.Close(); err != nil {
		return err
	}
	if fi, err := os.Stat(s.path + ".wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("%s.wal still holds changes after closing", s.path)
	}
	os.Remove(s.path + ".wal")
	if err := os.Rename(tmp, s.path); err != nil {
		return err
	}
	os.Remove(tmp + ".wal")
	re, err := connect(ctx, s.path, false, Options{Wait: 30 * time.Second})
	if err != nil {
		return err
	}
	s.db, s.Shapes = re.db, re.Shapes
	return nil
}

// inTx runs f in one transaction.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
