package clickhouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fidelis"
	"fidelis/sqlstore"
)

// A change is one import, deletion, erasure or setting: the partitions it rewrites, built in work
// tables and swapped in at the end (see the package comment for what that promises).
type change struct {
	s     *Store
	id    string // names the change's work tables: fidelis_work_ID_...
	parts []part // partitions to replace, in order
	made  []string
}

// part is one partition of one table that a change replaces.
type part struct{ table, id string }

const (
	workPrefix  = "fidelis_work_"
	readyPrefix = "fidelis_ready_"
	lockTable   = "fidelis_lock"
)

// work names one of the change's work tables.
func (c *change) work(role string) string { return workPrefix + c.id + "_" + role }

// begin takes the store's writer lock (waiting up to wait) and cleans up after killed writers.
func (s *Store) begin(ctx context.Context, wait time.Duration) (*change, error) {
	if err := s.lock(ctx, wait); err != nil {
		return nil, err
	}
	if err := s.cleanUp(ctx); err != nil {
		s.unlock()
		return nil, err
	}
	return &change{s: s, id: strconv.FormatInt(time.Now().UnixNano(), 36)}, nil
}

// exec runs q on every server holding t (all shards for a sharded table, else the first).
func (c *change) exec(ctx context.Context, t table, q string, args ...any) error {
	dbs := c.s.shards
	if !t.sharded() {
		dbs = dbs[:1]
	}
	for _, db := range dbs {
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// like creates a work table shaped as t (on every server holding t, and on a cluster a
// Distributed table over them named role_all) and returns the name to insert into and the local
// name.
func (c *change) like(ctx context.Context, t table, role string) (all, local string, err error) {
	local = c.work(role)
	c.made = append(c.made, local)
	if err := c.exec(ctx, t, `CREATE TABLE `+local+` AS `+t.local()); err != nil {
		return "", "", err
	}
	if !t.sharded() {
		return local, local, nil
	}
	all = local + "_all"
	if _, err := c.s.db.ExecContext(ctx, distributed(t, all, local, c.s.dsn.Database)); err != nil {
		return "", "", err
	}
	return all, local, nil
}

// scratch creates a work table on the first server only from a SELECT (ids, staged rows).
func (c *change) scratch(ctx context.Context, role, order, query string, args ...any) (string, error) {
	name := c.work(role)
	c.made = append(c.made, name)
	_, err := c.s.db.ExecContext(ctx, `CREATE TABLE `+name+` ENGINE = MergeTree ORDER BY (`+order+`) AS `+query, args...)
	return name, err
}

// rewrite plans the replacement of every partition of t that the change touches: gone selects
// (from t, on the first server) whole rows to remove, added selects rows of t's columns to add;
// either may be "". It builds each touched partition's new content in a work table and returns
// how many rows go. Nothing is visible until commit.
func (c *change) rewrite(ctx context.Context, t table, gone string, goneArgs []any, added string, addedArgs []any) (removed int64, err error) {
	db := c.s.db
	nextAll, nextLocal, err := c.like(ctx, t, "next_"+t.name)
	if err != nil {
		return 0, err
	}
	goneAll, goneLocal := "", ""
	if gone != "" {
		if goneAll, goneLocal, err = c.like(ctx, t, "gone_"+t.name); err != nil {
			return 0, err
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO `+goneAll+` (`+t.colList()+`) `+gone, goneArgs...); err != nil {
			return 0, fmt.Errorf("rows to remove from %s: %w", t.name, err)
		}
		if err := db.QueryRowContext(ctx, `SELECT toInt64(count()) FROM `+goneAll).Scan(&removed); err != nil {
			return 0, err
		}
	}
	if added != "" {
		if _, err := db.ExecContext(ctx, `INSERT INTO `+nextAll+` (`+t.colList()+`) `+added, addedArgs...); err != nil {
			return 0, fmt.Errorf("rows to add to %s: %w", t.name, err)
		}
	}
	pq := `SELECT DISTINCT ` + t.partID() + ` AS p FROM ` + nextAll
	if gone != "" {
		pq = `SELECT DISTINCT p FROM (` + pq + ` UNION ALL SELECT DISTINCT ` + t.partID() + ` AS p FROM ` + goneAll + `)`
	}
	ids, err := sqlstore.Strings(ctx, db, pq)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return removed, nil
	}
	sort.Strings(ids)
	// Keep the stored rows of the touched partitions, but those removed, on their own server.
	copyOld := `INSERT INTO ` + nextLocal + ` SELECT * FROM ` + t.local()
	var where []string
	if t.part != "" {
		lits := make([]string, len(ids))
		for i, p := range ids {
			if !partIDRE.MatchString(p) {
				return 0, fmt.Errorf("unexpected partition id %q", p)
			}
			lits[i] = "'" + p + "'"
		}
		where = append(where, t.partID()+` IN (`+strings.Join(lits, ", ")+`)`)
	}
	if gone != "" {
		where = append(where, t.id+` NOT IN (SELECT `+t.id+` FROM `+goneLocal+`)`)
	}
	if len(where) > 0 {
		copyOld += ` WHERE ` + strings.Join(where, " AND ")
	}
	if err := c.exec(ctx, t, copyOld); err != nil {
		return 0, fmt.Errorf("rows kept in %s: %w", t.name, err)
	}
	for _, p := range ids {
		c.parts = append(c.parts, part{t.name, p})
	}
	return removed, nil
}

var partIDRE = regexp.MustCompile(`^(all|[0-9]+)$`)

// commit decides the change (an atomic RENAME of its marker) and applies it.
func (c *change) commit(ctx context.Context) error {
	defer c.s.unlock()
	// Once decided, the change is applied to its end even if ctx is cancelled.
	ctx = context.WithoutCancel(ctx)
	db := c.s.db
	tmp := c.work("ready")
	// The marker is made complete under a scratch name (CREATE … AS SELECT), then renamed.
	sel := []string{`SELECT '' AS tbl, '' AS part LIMIT 0`}
	for _, p := range c.parts {
		sel = append(sel, `SELECT '`+p.table+`' AS tbl, '`+p.id+`' AS part`)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+tmp+` ENGINE = TinyLog AS SELECT tbl, part FROM (`+strings.Join(sel, " UNION ALL ")+`)`); err != nil {
		c.drop(ctx)
		return err
	}
	if _, err := db.ExecContext(ctx, `RENAME TABLE `+tmp+` TO `+readyPrefix+c.id); err != nil {
		c.drop(ctx)
		return err
	}
	c.s.at("decided")
	return c.s.rollForward(ctx, c.id)
}

// abort drops the change's work tables and releases the lock.
func (c *change) abort() {
	c.drop(context.Background())
	c.s.unlock()
}

func (c *change) drop(ctx context.Context) {
	for _, db := range c.s.shards {
		for _, n := range c.made {
			db.ExecContext(ctx, `DROP TABLE IF EXISTS `+n+`_all`)
			db.ExecContext(ctx, `DROP TABLE IF EXISTS `+n)
		}
		db.ExecContext(ctx, `DROP TABLE IF EXISTS `+c.work("ready"))
	}
}

// rollForward replaces the partitions a decided change lists (again, if a killed writer had
// begun: a replacement is idempotent), then forgets the change: marker first, work tables after.
func (s *Store) rollForward(ctx context.Context, id string) error {
	marker := readyPrefix + id
	rows, err := s.db.QueryContext(ctx, `SELECT tbl, part FROM `+marker)
	if err != nil {
		return err
	}
	var parts []part
	for rows.Next() {
		var p part
		if err := rows.Scan(&p.table, &p.id); err != nil {
			rows.Close()
			return err
		}
		parts = append(parts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	c := &change{s: s, id: id}
	for _, p := range parts {
		t, ok := s.tables[p.table]
		if !ok || !partIDRE.MatchString(p.id) {
			return fmt.Errorf("change %s names an unknown partition %s/%s", id, p.table, p.id)
		}
		if err := c.exec(ctx, t, `ALTER TABLE `+t.local()+` REPLACE PARTITION ID '`+p.id+`' FROM `+c.work("next_"+t.name)); err != nil {
			return fmt.Errorf("replace %s partition %s: %w", t.name, p.id, err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `DROP TABLE `+marker); err != nil {
		return err
	}
	return s.dropWork(ctx)
}

// dropWork drops every work table on every server: called with the lock held, when no change is
// under way.
func (s *Store) dropWork(ctx context.Context) error {
	for _, db := range s.shards {
		names, err := sqlstore.Strings(ctx, db, `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, ?) ORDER BY name DESC`, workPrefix)
		if err != nil {
			return err
		}
		for _, n := range names {
			if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS `+n); err != nil {
				return err
			}
		}
	}
	return nil
}

// cleanUp finishes the changes killed writers had decided, in order, and drops the work tables of
// those they had not.
func (s *Store) cleanUp(ctx context.Context) error {
	ready, err := sqlstore.Strings(ctx, s.db, `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, ?) ORDER BY name`, readyPrefix)
	if err != nil {
		return err
	}
	for _, m := range ready {
		if err := s.rollForward(ctx, strings.TrimPrefix(m, readyPrefix)); err != nil {
			return fmt.Errorf("finish an interrupted change: %w", err)
		}
	}
	return s.dropWork(ctx)
}

// recover finishes a decided change a killed writer left, if no live writer holds the lock (one
// that does finishes its own).
func (s *Store) recover(ctx context.Context) error {
	ready, err := sqlstore.Strings(ctx, s.db, `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, ?)`, readyPrefix)
	if err != nil || len(ready) == 0 {
		return err
	}
	if err := s.lock(ctx, 0); err != nil {
		if fidelis.ErrorCode(err) == fidelis.EConflict {
			return nil
		}
		return err
	}
	defer s.unlock()
	return s.cleanUp(ctx)
}

// holder is who holds the writer lock.
type holder struct {
	host  string
	pid   int64
	since time.Time
}

func (h holder) String() string {
	return fmt.Sprintf("process %d on %s (since %s)", h.pid, h.host, h.since.Format(time.RFC3339))
}

// stale reports whether the holder is a process of this host that no longer runs.
func (h holder) stale() bool {
	host, _ := os.Hostname()
	if h.host != host || h.pid <= 0 {
		return false
	}
	err := syscall.Kill(int(h.pid), 0)
	return errors.Is(err, syscall.ESRCH)
}

// lock takes the writer lock: a table created complete under a scratch name and renamed to
// fidelis_lock, which fails while another holds it. A lock whose holder died on this host is
// taken over; otherwise it retries until wait has passed.
func (s *Store) lock(ctx context.Context, wait time.Duration) error {
	host, _ := os.Hostname()
	deadline := time.Now().Add(wait)
	for {
		tmp := fmt.Sprintf("fidelis_locking_%d_%d", os.Getpid(), time.Now().UnixNano())
		_, err := s.db.ExecContext(ctx, `CREATE TABLE `+tmp+` ENGINE = TinyLog AS SELECT ? AS host, toInt64(?) AS pid, toDateTime(?, 'UTC') AS since`,
			host, os.Getpid(), s.now().Format(chTime))
		if err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		_, err = s.db.ExecContext(ctx, `RENAME TABLE `+tmp+` TO `+lockTable)
		if err == nil {
			return nil
		}
		s.db.ExecContext(context.Background(), `DROP TABLE IF EXISTS `+tmp)
		if !strings.Contains(err.Error(), "already exists") {
			return fmt.Errorf("lock: %w", err)
		}
		h, err := s.holder(ctx, lockTable)
		if err != nil && !isMissingTable(err) {
			return fmt.Errorf("lock: %w", err)
		}
		if err == nil && h.stale() {
			// Take the dead writer's lock aside (only one taker succeeds); if what was taken is in
			// fact a live holder's new lock, put it back.
			aside := fmt.Sprintf("fidelis_locking_stale_%d_%d", os.Getpid(), time.Now().UnixNano())
			if _, err := s.db.ExecContext(ctx, `RENAME TABLE `+lockTable+` TO `+aside); err == nil {
				if got, err := s.holder(ctx, aside); err == nil && got != h {
					s.db.ExecContext(ctx, `RENAME TABLE `+aside+` TO `+lockTable)
				} else {
					s.db.ExecContext(ctx, `DROP TABLE IF EXISTS `+aside)
				}
			}
			continue
		}
		if !time.Now().Before(deadline) {
			who := "another writer"
			if err == nil {
				who = h.String()
			}
			return fidelis.Errorf(fidelis.EConflict, "%s is being written by %s", s.dsn, who).
				WithHint("wait for it to finish (--wait 5m waits longer); if that process is gone for good, DROP TABLE %s.%s", s.dsn.Database, lockTable)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (s *Store) holder(ctx context.Context, name string) (holder, error) {
	var h holder
	err := s.db.QueryRowContext(ctx, `SELECT host, pid, since FROM `+name).Scan(&h.host, &h.pid, &h.since)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	return h, err
}

func (s *Store) unlock() {
	s.db.ExecContext(context.Background(), `DROP TABLE IF EXISTS `+lockTable)
}
