package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"fidelis"
)

// writer imports one file inside a transaction. A crash or kill before COMMIT leaves the file
// untouched: DuckDB's write-ahead log only replays committed transactions, and temporary tables
// die with the connection.
//
// Two modes. Into an empty table (the first import of orders, say), rows are appended straight
// into the table. For kinds without attributes the 64-bit hashes of their ids are kept; only if two
// hashes repeat does Commit look for repeated ids and delete every occurrence after the first
// (rowids follow the append order, which is file order). Customers, whose attributes go to a second
// table, are deduplicated exactly as they arrive (a set of ids: customers are few next to orders).
// Otherwise rows are staged in a temporary table and Commit inserts the first occurrence of each id
// not stored yet (an anti-join).
type writer struct {
	conn    *sql.Conn
	db      *sql.DB  // the store's, for reads outside the import's transaction
	cache   *idCache // the store's stored-id hashes (idcache.go)
	kind    fidelis.Kind
	schema  fidelis.Schema
	source  string
	app     *duck.Appender
	attrs   *duck.Appender
	staged  int64
	stage   bool // the stage's temporary tables were made (dropped when the connection goes back)
	done    bool
	scratch []driver.Value
	direct  bool
	hashes  []uint64
	seen    map[string]seenRow // direct mode with attributes: ids appended so far
	skipped int64              // direct mode with attributes: repeated ids not appended
	// See update.go.
	mode      fidelis.ImportMode
	lines     lineRuns // direct mode without attributes: the line of each appended row
	manyIDs   bool     // staged mode: more than lookupMax ids were written (or an id with a NUL)
	conflicts []fidelis.Conflict
	updated   int64
	differ    int64
	versions  *fidelis.Versions // the store's, bumped after COMMIT
	// Staged mode, at most lookupMax rows: the values' sum (rowSum) of each id's first
	// occurrence, and what the import leaves stored under each id (the idCache's recent ids,
	// given to it after COMMIT).
	firsts map[string]uint64
	// ... and the distinct ids in the order written.
	distinct []string
	pending  map[string]uint64
	// A group (BeginGroup): rows stored or updated by its segments so far, and whether one of
	// them was too large for the idCache to follow.
	wrote  int64
	forget bool
	// Orders: the currencies written (for the store's currencies, see currency.go).
	cur        *currencies
	curField   int
	currencies map[string]struct{}
}

// Begin starts the atomic import of one file.
func (s *Store) Begin(ctx context.Context, kind fidelis.Kind, source string, mode fidelis.ImportMode) (fidelis.Writer, error) {
	return s.begin(ctx, kind, source, mode, false)
}

func (s *Store) begin(ctx context.Context, kind fidelis.Kind, source string, mode fidelis.ImportMode, group bool) (*writer, error) {
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		return nil, fidelis.Errorf(fidelis.EInvalid, "unknown kind %q", kind)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn, kind: kind, schema: schema, source: source, mode: mode, versions: &s.Versions, db: s.db, cache: &s.ids,
		cur: &s.cur, curField: -1}
	if kind == fidelis.Orders {
		w.curField, w.currencies = schema.Index("currency"), map[string]struct{}{}
	}
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	if group { // a group makes its stage when a segment needs one (group.go)
		return w, nil
	}
	var existing int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM main.`+string(kind)).Scan(&existing); err != nil {
		w.Rollback()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	w.direct = existing == 0
	if w.direct && schema.KeepAttrs {
		w.seen = map[string]seenRow{}
	}
	if !w.direct {
		if err := w.makeStage(ctx); err != nil {
			w.Rollback()
			return nil, fmt.Errorf("begin import: %w", err)
		}
	}
	err = conn.Raw(func(dc any) error {
		var err error
		if w.direct {
			if w.app, err = duck.NewAppender(dc.(driver.Conn), "", "main", string(kind)); err != nil || !schema.KeepAttrs {
				return err
			}
			w.attrs, err = duck.NewAppender(dc.(driver.Conn), "", "main", "customer_attrs")
			return err
		}
		return w.stageAppenders(dc.(driver.Conn))
	})
	if err != nil {
		w.Rollback()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return w, nil
}

func (w *writer) Write(ctx context.Context, rows []fidelis.Row) error {
	for _, r := range rows {
		w.staged++
		id := r.Values[0].(string)
		if w.curField >= 0 {
			if c, ok := r.Values[w.curField].(string); ok && c != "" {
				w.currencies[c] = struct{}{}
			}
		}
		w.scratch = w.scratch[:0]
		switch {
		case w.seen != nil:
			if first, dup := w.seen[id]; dup {
				w.skipped++
				if first.sum != rowSum(r) {
					w.conflicts = append(w.conflicts, fidelis.Conflict{Line: r.Line, FirstLine: first.line, ID: id})
				}
				continue
			}
			w.seen[id] = seenRow{r.Line, rowSum(r)}
		case w.direct:
			w.hashes = append(w.hashes, hashID(id))
			w.lines.add(r.Line)
		default:
			w.scratch = append(w.scratch, r.Line)
			w.noteID(id, r)
		}
		for _, v := range r.Values {
			w.scratch = append(w.scratch, v)
		}
		if err := w.app.AppendRow(w.scratch...); err != nil {
			return fmt.Errorf("line %d: %w", r.Line, err)
		}
		for _, a := range r.Attrs {
			// Staged attributes carry the line (to follow the customer row chosen at Commit);
			// direct ones the customer id.
			key := any(r.Line)
			if w.direct {
				key = id
			}
			if err := w.attrs.AppendRow(key, a.Name, a.Value); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
		}
	}
	return ctx.Err()
}

func (w *writer) Commit(ctx context.Context, rejected int64) (c fidelis.Committed, err error) {
	defer func() {
		if err != nil {
			w.Rollback()
		}
	}()
	if err = w.closeAppenders(); err != nil {
		return c, err
	}
	if w.direct {
		return w.commitDirect(ctx, rejected)
	}
	return w.commitStaged(ctx, rejected)
}

// commitDirect removes repeated ids from rows appended straight into an empty table.
func (w *writer) commitDirect(ctx context.Context, rejected int64) (fidelis.Committed, error) {
	hs := sortHashes(w.hashes)
	w.hashes = nil
	repeats := false
	for i := 1; i < len(hs); i++ {
		if hs[i] == hs[i-1] {
			repeats = true
			break
		}
	}
	stored := w.staged - w.skipped
	if repeats {
		if err := w.directConflicts(ctx); err != nil {
			return fidelis.Committed{}, err
		}
		t, id := "main."+string(w.kind), w.schema.ID
		res, err := w.conn.ExecContext(ctx, `DELETE FROM `+t+` WHERE rowid IN (
			SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY `+id+` ORDER BY rowid) AS rn FROM `+t+`
				WHERE `+id+` IN (SELECT `+id+` FROM `+t+` GROUP BY `+id+` HAVING count(*) > 1)) WHERE rn > 1)`)
		if err != nil {
			return fidelis.Committed{}, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fidelis.Committed{}, err
		}
		stored -= n
	}
	return w.finishCommit(ctx, stored, rejected)
}

// finishCommit logs the import and commits.
func (w *writer) finishCommit(ctx context.Context, stored, rejected int64) (fidelis.Committed, error) {
	c, err := w.logImport(ctx, stored, rejected)
	if err != nil {
		return c, err
	}
	if err := w.commit(ctx, stored+w.updated, w.direct || w.manyIDs); err != nil {
		return fidelis.Committed{}, err
	}
	return c, nil
}

// logImport counts an import and logs it in the store. Conflicting repeats count as rejected in
// the log, as the caller reports them so.
func (w *writer) logImport(ctx context.Context, stored, rejected int64) (fidelis.Committed, error) {
	c := fidelis.Committed{Stored: stored, Updated: w.updated, Differ: w.differ, Conflicts: w.conflicts}
	c.Duplicates = w.staged - stored - w.updated - int64(len(w.conflicts))
	rejected += int64(len(w.conflicts))
	if _, err := w.conn.ExecContext(ctx, `INSERT INTO main.imports VALUES (?, ?, ?, ?, ?, ?, ?)`,
		string(w.kind), w.source, time.Now().UTC(), w.staged-int64(len(w.conflicts))+rejected, stored+w.updated, rejected, c.Duplicates); err != nil {
		return fidelis.Committed{}, err
	}
	return c, nil
}

// commit commits the transaction, which wrote rows, and tells the store: a new version when
// rows were written, the idCache the ids it stored, or that it must read the kind again when
// they were too many to follow (forget).
func (w *writer) commit(ctx context.Context, wrote int64, forget bool) error {
	_, err := w.conn.ExecContext(ctx, `COMMIT`)
	if wrote > 0 { // even when COMMIT failed: whether it took effect is unknown
		w.cur.bump(w.versions, w.kind, err == nil && w.mode == fidelis.Insert, w.currencies)
	}
	switch {
	case forget:
		w.cache.forget(w.kind) // as above, even on error
	case err == nil:
		w.cache.remember(w.kind, w.pending)
	}
	if err != nil {
		return err
	}
	w.finish()
	return nil
}

// lineRuns maps the position of each row appended to its line in the file, as runs of
// consecutive lines: a run starts only after a line that was not appended (rejected, blank, a
// header), so a clean file of millions of rows is one run instead of an int64 per row.
type lineRuns struct {
	pos, line []int64 // the first position of each run and its line
	n, last   int64   // rows added, the last one's line
}

func (l *lineRuns) add(line int64) {
	if l.n == 0 || line != l.last+1 {
		l.pos, l.line = append(l.pos, l.n), append(l.line, line)
	}
	l.n, l.last = l.n+1, line
}

// at returns the line of the row at position i, 0 if no such row was added.
func (l *lineRuns) at(i int64) int64 {
	if i < 0 || i >= l.n {
		return 0
	}
	k, found := slices.BinarySearch(l.pos, i)
	if !found {
		k--
	}
	return l.line[k] + i - l.pos[k]
}

// hashID is FNV-1a, 64 bits: cheap, and a collision only costs the exact check in SQL.
func hashID(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// makeStage makes the temporary tables rows are staged in.
func (w *writer) makeStage(ctx context.Context) error {
	stmts := []string{`DROP TABLE IF EXISTS temp.stage`,
		`CREATE TEMP TABLE stage AS SELECT 0::BIGINT AS line, * FROM main.` + string(w.kind) + ` LIMIT 0`}
	if w.schema.KeepAttrs {
		stmts = append(stmts, `DROP TABLE IF EXISTS temp.stage_attrs`,
			`CREATE TEMP TABLE stage_attrs (line BIGINT, name VARCHAR, value VARCHAR)`)
	}
	w.stage = true
	for _, q := range stmts {
		if _, err := w.conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// stageAppenders opens the appenders to the stage.
func (w *writer) stageAppenders(dc driver.Conn) (err error) {
	if w.app, err = duck.NewAppender(dc, "temp", "main", "stage"); err != nil {
		return err
	}
	if w.schema.KeepAttrs {
		w.attrs, err = duck.NewAppender(dc, "temp", "main", "stage_attrs")
	}
	return err
}

func (w *writer) flushAppenders() error {
	if err := w.app.Flush(); err != nil {
		return err
	}
	if w.attrs != nil {
		return w.attrs.Flush()
	}
	return nil
}

func (w *writer) closeAppenders() error { return closeAll(&w.app, &w.attrs) }

// closeAll closes the appenders that are open (each flushes its rows) and forgets them.
func closeAll(as ...**duck.Appender) error {
	var err error
	for _, a := range as {
		if *a != nil {
			if e := (*a).Close(); err == nil {
				err = e
			}
			*a = nil
		}
	}
	return err
}

func (w *writer) Rollback() error {
	if w.done {
		return nil
	}
	w.closeAppenders()
	_, err := w.conn.ExecContext(context.Background(), `ROLLBACK`)
	w.finish()
	return err
}

func (w *writer) finish() {
	w.done = true
	if w.stage {
		w.conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.stage`)
		w.conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.stage_attrs`)
	}
	w.conn.Close()
}
