package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"fidelis"
)

// BeginGroup starts a transaction in which several imports of kind are applied one after
// another (fidelis.GroupWriter); each segment is checked against the records stored before it,
// the group's earlier segments included.
func (s *Store) BeginGroup(ctx context.Context, kind fidelis.Kind, mode fidelis.ImportMode) (fidelis.GroupWriter, error) {
	w, err := s.begin(ctx, kind, "", mode, true)
	if err != nil {
		return nil, err
	}
	return &groupWriter{writer: w}, nil
}

// groupWriter is a writer in a group's transaction (BeginGroup).
//
// A segment that repeats no id, and whose ids are each either new (the idCache rules it out) or
// stored lately with the same values (by the group's earlier segments or this process's recent
// imports), is settled in Go: its new rows are appended straight to the table, its log row is
// kept for Commit, and it runs no statement of its own. Nearly every API batch is such a segment
// (a new batch, or one sent again); the SQL path (applyStaged) cost ~10 ms per batch of 1,000
// in the one committing thread at 10M orders. Any other segment is staged and checked in SQL,
// after the rows appended so far are flushed so that the check sees them.
type groupWriter struct {
	*writer
	rows       []fidelis.Row  // written since the last segment
	table      *duck.Appender // to main.<kind>, for settled segments
	tableAttrs *duck.Appender // to main.customer_attrs
	appended   bool           // the table appenders hold rows not flushed yet
	logs       []importLog    // settled segments' rows of main.imports
}

// importLog is a row of main.imports.
type importLog struct {
	source                         string
	at                             time.Time
	read, stored, rejected, copies int64
}

func (g *groupWriter) Write(ctx context.Context, rows []fidelis.Row) error {
	if g.done {
		return fmt.Errorf("write: the group's transaction has ended")
	}
	g.rows = append(g.rows, rows...)
	return ctx.Err()
}

// Segment ends one import of the group: its rows are stored as commitStaged would store them and
// the import is logged under source.
func (g *groupWriter) Segment(ctx context.Context, source string, rejected int64) (c fidelis.Committed, err error) {
	defer func() {
		if err != nil {
			g.Rollback()
		}
	}()
	if g.done {
		return c, fmt.Errorf("segment: the group's transaction has ended")
	}
	rows := g.rows
	g.rows = nil
	c, settled, err := g.settle(ctx, rows)
	if err != nil || settled {
		if settled {
			g.logs = append(g.logs, importLog{source, time.Now().UTC(), int64(len(rows)) + rejected, c.Stored, rejected, c.Duplicates})
		}
		return c, err
	}
	return g.staged(ctx, rows, source, rejected)
}

// settle stores a segment in Go if it can (see groupWriter); settled is false if it cannot, and
// then nothing was done.
func (g *groupWriter) settle(ctx context.Context, rows []fidelis.Row) (c fidelis.Committed, settled bool, err error) {
	w := g.writer
	// After a segment too large for its ids to be followed (forget), the recent ids may no longer
	// tell what the transaction holds.
	if len(rows) > lookupMax || w.forget {
		return c, false, nil
	}
	seen := make(map[string]struct{}, len(rows))
	hashes := make([]uint64, len(rows))
	for i, r := range rows {
		id := r.Values[0].(string)
		if _, repeat := seen[id]; repeat || strings.ContainsRune(id, 0) {
			return c, false, nil
		}
		seen[id] = struct{}{}
		hashes[i] = idHash(id)
	}
	may, err := w.cache.mayHold(ctx, w.db, w.kind, hashes)
	if err != nil {
		return c, false, err
	}
	sums := make([]uint64, len(rows))
	for i, r := range rows {
		sums[i] = rowSum(r)
		if !may[i] {
			continue
		}
		id := r.Values[0].(string)
		sum, ok := w.pending[id]
		if !ok {
			sum, ok = w.cache.stored(w.kind, id)
		}
		if !ok || sum != sums[i] {
			return c, false, nil // stored with other values, or perhaps stored: SQL tells
		}
		c.Duplicates++
	}
	c.Stored = int64(len(rows)) - c.Duplicates
	if c.Stored > 0 {
		if err := g.openTable(); err != nil {
			return c, false, err
		}
	}
	if w.pending == nil {
		w.pending = map[string]uint64{}
	}
	for i, r := range rows {
		id := r.Values[0].(string)
		w.pending[id] = sums[i]
		if w.curField >= 0 {
			if cur, ok := r.Values[w.curField].(string); ok && cur != "" {
				w.currencies[cur] = struct{}{}
			}
		}
		if may[i] {
			continue
		}
		w.scratch = w.scratch[:0]
		for _, v := range r.Values {
			w.scratch = append(w.scratch, v)
		}
		if err := g.table.AppendRow(w.scratch...); err != nil {
			return c, false, fmt.Errorf("line %d: %w", r.Line, err)
		}
		for _, a := range r.Attrs {
			if err := g.tableAttrs.AppendRow(id, a.Name, a.Value); err != nil {
				return c, false, fmt.Errorf("line %d: %w", r.Line, err)
			}
		}
		g.appended = true
	}
	// The ids are stored now or were already: either way the set may hold them.
	w.cache.add(w.kind, hashes)
	w.wrote += c.Stored
	return c, true, nil
}

// openTable opens the appenders to the kind's table (and its attributes).
func (g *groupWriter) openTable() error {
	if g.table != nil {
		return nil
	}
	return g.conn.Raw(func(dc any) error {
		var err error
		if g.table, err = duck.NewAppender(dc.(driver.Conn), "", "main", string(g.kind)); err != nil || !g.schema.KeepAttrs {
			return err
		}
		g.tableAttrs, err = duck.NewAppender(dc.(driver.Conn), "", "main", "customer_attrs")
		return err
	})
}

// flushTable makes the rows appended to the table visible to the transaction's statements.
func (g *groupWriter) flushTable() error {
	if !g.appended {
		return nil
	}
	g.appended = false
	if err := g.table.Flush(); err != nil {
		return err
	}
	if g.tableAttrs != nil {
		return g.tableAttrs.Flush()
	}
	return nil
}

// closeTable flushes and closes the table appenders.
func (g *groupWriter) closeTable() error {
	g.appended = false
	return closeAll(&g.table, &g.tableAttrs)
}

// staged stores a segment through the stage, as commitStaged stores an import, and empties the
// stage for the next one.
func (g *groupWriter) staged(ctx context.Context, rows []fidelis.Row, source string, rejected int64) (c fidelis.Committed, err error) {
	w := g.writer
	if !w.stage {
		if err := w.makeStage(ctx); err != nil {
			return c, err
		}
		if err := w.conn.Raw(func(dc any) error { return w.stageAppenders(dc.(driver.Conn)) }); err != nil {
			return c, err
		}
	}
	if err := g.flushTable(); err != nil {
		return c, err
	}
	if err := w.Write(ctx, rows); err != nil {
		return c, err
	}
	if err = w.flushAppenders(); err != nil {
		return c, err
	}
	w.source = source
	stored, err := w.applyStaged(ctx)
	if err != nil {
		return c, err
	}
	if c, err = w.logImport(ctx, stored, rejected); err != nil {
		return c, err
	}
	clear := []string{`DELETE FROM temp.stage`}
	if w.schema.KeepAttrs {
		clear = append(clear, `DELETE FROM temp.stage_attrs`)
	}
	for _, q := range clear {
		if _, err = w.conn.ExecContext(ctx, q); err != nil {
			return c, err
		}
	}
	w.wrote += stored + w.updated
	w.forget = w.forget || w.manyIDs
	w.staged, w.manyIDs, w.conflicts, w.updated, w.differ = 0, false, nil, 0, 0
	w.firsts, w.distinct = nil, nil
	return c, nil
}

// Commit makes every segment durable at once.
func (g *groupWriter) Commit(ctx context.Context) (err error) {
	w := g.writer
	defer func() {
		if err != nil {
			g.Rollback()
		}
	}()
	if w.done {
		return fmt.Errorf("commit: the group's transaction has ended")
	}
	if len(g.rows) > 0 {
		return fmt.Errorf("commit: %d rows written after the last segment", len(g.rows))
	}
	if err = g.closeTable(); err != nil {
		return err
	}
	if err = g.logSettled(ctx); err != nil {
		return err
	}
	if err = w.closeAppenders(); err != nil {
		return err
	}
	return w.commit(ctx, w.wrote, w.forget)
}

// logSettled logs the settled segments in one statement.
func (g *groupWriter) logSettled(ctx context.Context) error {
	if len(g.logs) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO main.imports VALUES `)
	args := make([]any, 0, 7*len(g.logs))
	for i, l := range g.logs {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
		args = append(args, string(g.kind), l.source, l.at, l.read, l.stored, l.rejected, l.copies)
	}
	g.logs = nil
	_, err := g.conn.ExecContext(ctx, q.String(), args...)
	return err
}

// Rollback undoes every segment.
func (g *groupWriter) Rollback() error {
	if g.done {
		return nil
	}
	g.closeTable()
	g.rows, g.logs = nil, nil
	return g.writer.Rollback()
}
