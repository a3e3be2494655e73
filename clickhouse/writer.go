package clickhouse

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"fidelis"
)

// batchRows is how many rows the writer sends in one INSERT: each INSERT makes a part, and
// MergeTree refuses inserts when a partition has too many parts (parts_to_throw_insert, 300).
const batchRows = 100_000

// writer imports one file as one change (see the package comment). Rows are staged, in file
// order with their line, in a MergeTree on the first server that no analysis reads.
type writer struct {
	s       *Store
	c       *change
	kind    fidelis.Kind
	t       table
	source  string
	mode    fidelis.ImportMode
	stage   string
	attrs   string // customers: the staged free attributes (line, name, value)
	buf     []fidelis.Row
	staged  int64
	done    bool
	updated int64
	differ  int64
}

// Begin takes the writer lock (waiting up to the store's Wait) and starts an import.
func (s *Store) Begin(ctx context.Context, kind fidelis.Kind, source string, mode fidelis.ImportMode) (fidelis.Writer, error) {
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		return nil, fidelis.Errorf(fidelis.EInvalid, "unknown kind %q", kind)
	}
	c, err := s.begin(ctx, s.wait)
	if err != nil {
		return nil, err
	}
	w := &writer{s: s, c: c, kind: kind, t: s.tables[string(kind)], source: source, mode: mode}
	w.stage = c.work("stage")
	c.made = append(c.made, w.stage)
	q := `CREATE TABLE ` + w.stage + ` (line Int64, ` + w.t.colDefs() + `) ENGINE = MergeTree ORDER BY line`
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		c.abort()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	if schema.KeepAttrs {
		w.attrs = c.work("stage_attrs")
		c.made = append(c.made, w.attrs)
		if _, err := s.db.ExecContext(ctx, `CREATE TABLE `+w.attrs+` (line Int64, name String, value Nullable(String)) ENGINE = MergeTree ORDER BY line`); err != nil {
			c.abort()
			return nil, fmt.Errorf("begin import: %w", err)
		}
	}
	return w, nil
}

// Write stages rows; timestamps outside DateTime's range or with fractions of a second are
// refused, naming the line (ClickHouse would otherwise change them silently).
func (w *writer) Write(ctx context.Context, rows []fidelis.Row) error {
	for _, r := range rows {
		for i, v := range r.Values {
			if t, ok := v.(time.Time); ok {
				if err := validTime(t); err != nil {
					return fidelis.Errorf(fidelis.EInvalid, "line %d, %s: %v", r.Line, w.t.cols[i].name, err)
				}
			}
		}
		w.buf = append(w.buf, r)
	}
	if len(w.buf) >= batchRows {
		return w.flush(ctx)
	}
	return ctx.Err()
}

// flush sends the buffered rows in one INSERT (and their attributes in another).
func (w *writer) flush(ctx context.Context) error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.insert(ctx, `INSERT INTO `+w.stage+` (line, `+w.t.colList()+`)`, func(stmt *sql.Stmt) error {
		for _, r := range w.buf {
			if _, err := stmt.ExecContext(ctx, append([]any{r.Line}, r.Values...)...); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
		}
		return nil
	})
	if err == nil && w.attrs != "" {
		err = w.insert(ctx, `INSERT INTO `+w.attrs+` (line, name, value)`, func(stmt *sql.Stmt) error {
			for _, r := range w.buf {
				for _, a := range r.Attrs {
					if _, err := stmt.ExecContext(ctx, r.Line, a.Name, a.Value); err != nil {
						return fmt.Errorf("line %d: %w", r.Line, err)
					}
				}
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	w.staged += int64(len(w.buf))
	w.buf = w.buf[:0]
	w.s.at("flushed")
	return nil
}

// insert runs one batch INSERT: the driver sends the rows of a prepared statement in one block at
// Commit.
func (w *writer) insert(ctx context.Context, q string, rows func(*sql.Stmt) error) error {
	tx, err := w.s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := rows(stmt); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (w *writer) Rollback() error {
	if w.done {
		return nil
	}
	w.done = true
	w.c.abort()
	return nil
}

// Commit works out repeats, duplicates and changes in the staged rows, builds the new content of
// every partition they touch, and swaps it in (see the package comment).
func (w *writer) Commit(ctx context.Context, rejected int64) (fidelis.Committed, error) {
	var none fidelis.Committed
	if w.done {
		return none, fmt.Errorf("import already finished")
	}
	c, err := w.commit(ctx, rejected)
	if err != nil {
		w.Rollback()
		return none, err
	}
	w.done = true
	err = w.c.commit(ctx)
	if c.Stored+c.Updated > 0 { // even when the commit failed: a decided change is rolled forward later
		w.s.Bump(w.kind)
	}
	if err != nil {
		return none, fmt.Errorf("import %s: %w", w.source, err)
	}
	return c, nil
}

func (w *writer) commit(ctx context.Context, rejected int64) (fidelis.Committed, error) {
	var none fidelis.Committed
	if err := w.flush(ctx); err != nil {
		return none, err
	}
	db, t, id := w.s.db, w.t, w.t.id
	conflicts, repeats, err := w.conflicts(ctx)
	if err != nil {
		return none, fmt.Errorf("repeated ids: %w", err)
	}
	// The first occurrence of each id (the staged rows themselves when no id repeats, the
	// usual case), and the stored records with those ids (with, for customers, a signature of
	// their free attributes).
	fresh := w.stage
	if repeats {
		fresh, err = w.c.scratch(ctx, "fresh", "line", `SELECT * FROM `+w.stage+` WHERE line IN (SELECT min(line) FROM `+w.stage+` GROUP BY `+id+`)`)
		if err != nil {
			return none, err
		}
	}
	old, err := w.c.scratch(ctx, "old", id, `SELECT `+t.colList()+` FROM `+t.name+` WHERE `+id+` GLOBAL IN (SELECT `+id+` FROM `+fresh+`)`)
	if err != nil {
		return none, err
	}
	cmp := w.differs("f", "o")
	freshSel, oldSel := `SELECT * FROM `+fresh, `SELECT * FROM `+old
	if w.attrs != "" {
		freshSel = `SELECT line, ` + t.colList() + `, sig FROM ` + fresh + ` ALL LEFT JOIN (SELECT line, ` + attrSig + ` AS sig FROM ` + w.attrs + ` GROUP BY line) USING line`
		oldSel = `SELECT ` + t.colList() + `, sig FROM ` + old + ` ALL LEFT JOIN (SELECT customer_id, ` + attrSig + ` AS sig FROM customer_attrs WHERE customer_id GLOBAL IN (SELECT customer_id FROM ` + old + `) GROUP BY customer_id) USING customer_id`
		cmp = "(" + cmp + " OR ifNull(f_sig, '') != ifNull(o_sig, ''))"
	}
	changed, err := w.c.scratch(ctx, "changed", "id", `SELECT id FROM (SELECT f.`+id+` AS id, `+w.prefixed("f", w.attrs != "")+` FROM (`+freshSel+`) f)
		ALL INNER JOIN (SELECT o.`+id+` AS id, `+w.prefixed("o", w.attrs != "")+` FROM (`+oldSel+`) o) USING id WHERE `+cmp)
	if err != nil {
		return none, fmt.Errorf("changed records: %w", err)
	}
	var nFresh, nOld, nChanged int64
	for _, q := range []struct {
		table string
		n     *int64
	}{{fresh, &nFresh}, {old, &nOld}, {changed, &nChanged}} {
		if err := db.QueryRowContext(ctx, `SELECT toInt64(count()) FROM `+q.table).Scan(q.n); err != nil {
			return none, err
		}
	}
	// What goes in: ids not stored, and in Update mode those whose stored record differs.
	addCond := id + ` NOT IN (SELECT ` + id + ` FROM ` + old + `)`
	gone := ""
	if w.mode == fidelis.Update {
		w.updated = nChanged
		addCond = `(` + addCond + ` OR ` + id + ` IN (SELECT id FROM ` + changed + `))`
		gone = `SELECT * FROM ` + t.name + ` WHERE ` + id + ` GLOBAL IN (SELECT id FROM ` + changed + `)`
	} else {
		w.differ = nChanged
	}
	if _, err := w.c.rewrite(ctx, t, gone, nil, `SELECT `+t.colList()+` FROM `+fresh+` WHERE `+addCond, nil); err != nil {
		return none, err
	}
	if w.attrs != "" {
		goneAttrs := ""
		if gone != "" {
			goneAttrs = `SELECT * FROM customer_attrs WHERE customer_id GLOBAL IN (SELECT id FROM ` + changed + `)`
		}
		if _, err := w.c.rewrite(ctx, w.s.tables["customer_attrs"], goneAttrs, nil,
			`SELECT customer_id, name, value FROM `+w.attrs+` ALL INNER JOIN (SELECT line, customer_id FROM `+fresh+` WHERE `+addCond+`) USING line`, nil); err != nil {
			return none, err
		}
	}
	stored := nFresh - nOld
	res := fidelis.Committed{Stored: stored, Updated: w.updated, Differ: w.differ, Conflicts: conflicts}
	res.Duplicates = w.staged - stored - w.updated - int64(len(conflicts))
	rejected += int64(len(conflicts))
	// The import log row goes in with the records.
	_, err = w.c.rewrite(ctx, w.s.tables["imports"], "", nil, `SELECT ?, ?, toDateTime(?, 'UTC'), toInt64(?), toInt64(?), toInt64(?), toInt64(?)`,
		[]any{string(w.kind), w.source, w.s.now().Format(chTime), w.staged - int64(len(conflicts)) + rejected, stored + w.updated, rejected, res.Duplicates})
	return res, err
}

// attrSig is an exact signature of a set of free attributes: each (name, value) written with
// length prefixes (so no two sets give the same text), sorted, joined.
const attrSig = `arrayStringConcat(arraySort(groupArray(concat(toString(length(name)), ':', name,
	if(isNull(value), 'N', concat(toString(length(assumeNotNull(value))), ':', assumeNotNull(value)))))), '')`

// prefixed lists the schema's columns of alias a renamed a_COLUMN (ClickHouse 18.16 cannot tell
// a JOIN's two sides apart by alias), with the attribute signature when sig is set.
func (w *writer) prefixed(a string, sig bool) string {
	var out []string
	for _, c := range w.t.cols {
		out = append(out, a+"."+c.name+" AS "+a+"_"+c.name)
	}
	if sig {
		out = append(out, a+".sig AS "+a+"_sig")
	}
	return strings.Join(out, ", ")
}

// differs is the condition that the prefixed columns of a and b differ in any field (NULL equals
// NULL).
func (w *writer) differs(a, b string) string {
	parts := make([]string, len(w.t.cols))
	for i, c := range w.t.cols {
		x, y := a+"_"+c.name, b+"_"+c.name
		parts[i] = fmt.Sprintf("NOT ((isNull(%s) AND isNull(%s)) OR ifNull(%s = %s, 0))", x, y, x, y)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// conflicts returns the later occurrences of a repeated id whose values (or, for customers,
// attributes) differ from the first, by line, and whether any id repeats. Repeats are compared in
// Go: they are few.
func (w *writer) conflicts(ctx context.Context) (_ []fidelis.Conflict, repeats bool, err error) {
	id := w.t.id
	rows, err := w.s.db.QueryContext(ctx, `SELECT line, `+w.t.colList()+` FROM `+w.stage+
		` WHERE `+id+` IN (SELECT `+id+` FROM `+w.stage+` GROUP BY `+id+` HAVING count() > 1) ORDER BY `+id+`, line`)
	if err != nil {
		return nil, false, err
	}
	type occ struct {
		line int64
		vals []any
	}
	var reps []occ
	for rows.Next() {
		dest := make([]any, len(w.t.cols)+1)
		ptrs := make([]any, len(dest))
		for i := range dest {
			ptrs[i] = &dest[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, false, err
		}
		o := occ{vals: make([]any, len(w.t.cols))}
		o.line = deref(dest[0]).(int64)
		for i := range w.t.cols {
			o.vals[i] = deref(dest[i+1])
		}
		reps = append(reps, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	attrs := map[int64][]string{}
	if w.attrs != "" && len(reps) > 0 {
		ar, err := w.s.db.QueryContext(ctx, `SELECT line, `+attrSig+` FROM `+w.attrs+` WHERE line IN (SELECT line FROM `+w.stage+
			` WHERE `+id+` IN (SELECT `+id+` FROM `+w.stage+` GROUP BY `+id+` HAVING count() > 1)) GROUP BY line`)
		if err != nil {
			return nil, false, err
		}
		for ar.Next() {
			var line int64
			var sig string
			if err := ar.Scan(&line, &sig); err != nil {
				ar.Close()
				return nil, false, err
			}
			attrs[line] = []string{sig}
		}
		ar.Close()
		if err := ar.Err(); err != nil {
			return nil, false, err
		}
	}
	var out []fidelis.Conflict
	for i := 0; i < len(reps); {
		j := i + 1
		for j < len(reps) && reps[j].vals[0] == reps[i].vals[0] {
			if !reflect.DeepEqual(reps[j].vals, reps[i].vals) || !reflect.DeepEqual(attrs[reps[j].line], attrs[reps[i].line]) {
				out = append(out, fidelis.Conflict{Line: reps[j].line, FirstLine: reps[i].line, ID: reps[i].vals[0].(string)})
			}
			j++
		}
		i = j
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Line < out[b].Line })
	return out, len(reps) > 0, nil
}

// deref turns the driver's scanned values (pointers for Nullable columns) into plain values, nil
// for NULL, and times into UTC.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	out := rv.Interface()
	if t, ok := out.(time.Time); ok {
		return t.UTC()
	}
	return out
}
