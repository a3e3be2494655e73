package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

// idTable puts ids into a work table (one column, id) on the first server.
func (c *change) idTable(ctx context.Context, ids []string) (string, error) {
	name, err := c.scratch(ctx, "ids", "id", `SELECT '' AS id LIMIT 0`)
	if err != nil {
		return "", err
	}
	tx, err := c.s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+name+` (id)`)
	if err != nil {
		tx.Rollback()
		return "", err
	}
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, id); err != nil {
			tx.Rollback()
			return "", err
		}
	}
	return name, tx.Commit()
}

// Delete removes the records of kind with the given ids (and a customer's free attributes) as one
// change: all of it or, if interrupted before it is decided, none of it.
func (s *Store) Delete(ctx context.Context, kind fidelis.Kind, ids []string) (deleted []string, err error) {
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		return nil, fidelis.Errorf(fidelis.EInvalid, "unknown kind %q", kind)
	}
	c, err := s.begin(ctx, s.wait)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.abort()
			err = fmt.Errorf("delete %s: %w", kind, err)
		}
	}()
	list, err := c.idTable(ctx, fidelis.UniqueIDs(ids))
	if err != nil {
		return nil, err
	}
	in := ` GLOBAL IN (SELECT id FROM ` + list + `)`
	t := s.tables[string(kind)]
	if _, err = c.rewrite(ctx, t, `SELECT * FROM `+t.name+` WHERE `+schema.ID+in, nil, "", nil); err != nil {
		return nil, err
	}
	if schema.KeepAttrs {
		if _, err = c.rewrite(ctx, s.tables["customer_attrs"], `SELECT * FROM customer_attrs WHERE customer_id`+in, nil, "", nil); err != nil {
			return nil, err
		}
	}
	if deleted, err = sqlstore.Strings(ctx, s.db, `SELECT DISTINCT `+schema.ID+` FROM `+c.work("gone_"+t.name)+allSuffix(t)+` ORDER BY `+schema.ID); err != nil {
		return nil, err
	}
	err = c.commit(ctx)
	if len(deleted) > 0 { // even when the commit failed: a decided change is rolled forward later
		s.Bump(kind)
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(deleted)
	return deleted, nil
}

// allSuffix is the suffix of the Distributed table over a work table of t on a cluster.
func allSuffix(t table) string {
	if t.sharded() {
		return "_all"
	}
	return ""
}

// Forget erases customers: each customer record, its attributes and every record naming the
// customer in a customer field, with the erasure log's entries, as one change. Then it waits until
// ClickHouse has deleted the replaced parts, which still hold the erased rows, from disk (the
// tables keep replaced parts 10 s; Reclaimed says whether they were gone within a minute).
// Backups, replicas and detached parts are beyond the store's reach.
func (s *Store) Forget(ctx context.Context, ids []string) (e fidelis.Erasure, err error) {
	ids = fidelis.UniqueIDs(ids)
	e = fidelis.Erasure{Removed: map[fidelis.Kind]int64{}}
	c, err := s.begin(ctx, s.wait)
	if err != nil {
		return e, err
	}
	defer func() {
		if err != nil {
			c.abort()
			err = fmt.Errorf("forget: %w", err)
		}
	}()
	list, err := c.idTable(ctx, ids)
	if err != nil {
		return e, err
	}
	found := map[string]bool{}
	var touched []table
	for _, k := range fidelis.Kinds {
		t := s.tables[string(k)]
		var conds []string
		for _, f := range fidelis.Schemas[k].CustomerFields() {
			conds = append(conds, f+` GLOBAL IN (SELECT id FROM `+list+`)`)
		}
		n, err := c.rewrite(ctx, t, `SELECT * FROM `+t.name+` WHERE `+strings.Join(conds, " OR "), nil, "", nil)
		if err != nil {
			return e, err
		}
		e.Removed[k] = n
		if n == 0 {
			continue
		}
		touched = append(touched, t)
		for _, f := range fidelis.Schemas[k].CustomerFields() {
			hit, err := sqlstore.Strings(ctx, s.db, `SELECT DISTINCT assumeNotNull(`+f+`) FROM `+c.work("gone_"+t.name)+allSuffix(t)+` WHERE `+f+` GLOBAL IN (SELECT id FROM `+list+`)`)
			if err != nil {
				return e, err
			}
			for _, id := range hit {
				found[id] = true
			}
		}
	}
	attrs := s.tables["customer_attrs"]
	if e.Attributes, err = c.rewrite(ctx, attrs, `SELECT * FROM customer_attrs WHERE customer_id GLOBAL IN (SELECT id FROM `+list+`)`, nil, "", nil); err != nil {
		return e, err
	}
	if e.Attributes > 0 {
		touched = append(touched, attrs)
	}
	// The log: the salt, made at the first erasure, and one hash per requested id.
	salt, err := s.salt(ctx)
	if err != nil {
		return e, err
	}
	if salt == nil {
		salt = make([]byte, 32)
		if _, err := rand.Read(salt); err != nil {
			return e, err
		}
		if _, err = c.rewrite(ctx, s.tables["erasure_salt"], "", nil, `SELECT ?`, []any{hex.EncodeToString(salt)}); err != nil {
			return e, err
		}
	}
	if len(ids) > 0 {
		now := s.now().Format(chTime)
		sel := make([]string, len(ids))
		args := make([]any, 0, 2*len(ids))
		for i, id := range ids {
			sel[i] = `SELECT ? AS id_hash, toDateTime(?, 'UTC') AS erased_at`
			args = append(args, fidelis.ErasureHash(salt, id), now)
		}
		if _, err = c.rewrite(ctx, s.tables["erasures"], "", nil, `SELECT id_hash, erased_at FROM (`+strings.Join(sel, " UNION ALL ")+`)`, args); err != nil {
			return e, err
		}
	}
	err = c.commit(ctx)
	s.Bump(e.Erased()...) // even when the commit failed: a decided change is rolled forward later
	if err != nil {
		return e, err
	}
	for _, id := range ids {
		if !found[id] {
			e.NotFound = append(e.NotFound, id)
		}
	}
	e.Reclaimed, err = s.waitReclaimed(ctx, touched, time.Minute)
	return e, err
}

// waitReclaimed waits until no replaced (inactive) part of the tables remains on any server.
func (s *Store) waitReclaimed(ctx context.Context, ts []table, limit time.Duration) (bool, error) {
	deadline := time.Now().Add(limit)
	for {
		left := uint64(0)
		for _, t := range ts {
			dbs := s.shards
			if !t.sharded() {
				dbs = dbs[:1]
			}
			for _, db := range dbs {
				var n uint64
				if err := db.QueryRowContext(ctx, `SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = ? AND NOT active`, t.local()).Scan(&n); err != nil {
					return false, err
				}
				left += n
			}
		}
		if left == 0 {
			return true, nil
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// salt returns the erasure log's salt, nil before the first erasure.
func (s *Store) salt(ctx context.Context) ([]byte, error) {
	hs, err := sqlstore.Strings(ctx, s.db, `SELECT salt FROM erasure_salt LIMIT 1`)
	if err != nil || len(hs) == 0 {
		return nil, err
	}
	return hex.DecodeString(hs[0])
}

// Erasures returns the erasure log.
func (s *Store) Erasures(ctx context.Context) (fidelis.ErasureLog, error) {
	l := fidelis.ErasureLog{Erased: map[string]time.Time{}}
	salt, err := s.salt(ctx)
	if err != nil || salt == nil {
		return l, err
	}
	l.Salt = salt
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
		l.Erased[h] = t.UTC()
	}
	return l, rows.Err()
}

var _ fidelis.SettingStore = (*Store)(nil)

// Setting returns the named setting, "" when unset.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	vs, err := sqlstore.Strings(ctx, s.db, `SELECT value FROM settings WHERE name = ? LIMIT 1`, name)
	if err != nil || len(vs) == 0 {
		return "", err
	}
	return vs[0], nil
}

// SetSetting replaces the named setting as one change; an empty value removes it.
func (s *Store) SetSetting(ctx context.Context, name, value string) (err error) {
	c, err := s.begin(ctx, s.wait)
	if err != nil {
		return err
	}
	added, args := "", []any(nil)
	if value != "" {
		added, args = `SELECT ?, ?`, []any{name, value}
	}
	if _, err = c.rewrite(ctx, s.tables["settings"], `SELECT * FROM settings WHERE name = ?`, []any{name}, added, args); err != nil {
		c.abort()
		return fmt.Errorf("setting %s: %w", name, err)
	}
	defer s.Bump(fidelis.SettingsKind)
	return c.commit(ctx)
}
