package duckdb

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strings"
	"time"

	"fidelis"
)

// Repeated ids and Update mode. An import keeps the first occurrence of each id; a later row with
// the same id and the same values is a duplicate, one with other values a conflict (reported, not
// stored). Update mode then replaces stored records whose values differ from the import's.
// Values are compared field by field with IS DISTINCT FROM (NULL equals NULL); customers also
// compare their free attributes as sets.

// seenRow is the first occurrence of a customer id in a direct import.
type seenRow struct {
	line int64
	sum  uint64
}

// rowSum hashes a row's values and attributes, to tell a repeated customer row from a conflicting
// one (a collision would hide a conflict, never invent one).
func rowSum(r fidelis.Row) uint64 {
	// Typed values hashed directly: fmt per value cost 1.4 s of a million-customer import, on the
	// one goroutine that feeds the appender.
	h := fnv.New64a()
	var b [8]byte
	num := func(tag byte, u uint64) {
		b[0] = tag
		h.Write(b[:1])
		binary.LittleEndian.PutUint64(b[:], u)
		h.Write(b[:])
	}
	for _, v := range r.Values {
		switch v := v.(type) {
		case nil:
			h.Write([]byte{0})
		case string:
			h.Write([]byte{1})
			io.WriteString(h, v)
			h.Write([]byte{0x1f})
		case float64:
			num(2, math.Float64bits(v))
		case int64:
			num(3, uint64(v))
		case time.Time:
			num(4, uint64(v.UnixNano()))
		default:
			fmt.Fprintf(h, "%T:%v\x1f", v, v)
		}
	}
	for _, a := range r.Attrs {
		io.WriteString(h, a.Name)
		h.Write([]byte{'='})
		io.WriteString(h, a.Value)
		h.Write([]byte{0x1e})
	}
	return h.Sum64()
}

// differs is the SQL condition that rows a and b differ in any field of the schema.
func (w *writer) differs(a, b string) string {
	parts := make([]string, len(w.schema.Fields))
	for i, f := range w.schema.Fields {
		parts[i] = fmt.Sprintf(`%s."%s" IS DISTINCT FROM %s."%s"`, a, f.Name, b, f.Name)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// attrsDiffer is the SQL condition that two attribute sets differ; each argument selects (name,
// value) pairs.
func attrsDiffer(a, b string) string {
	return `(EXISTS (` + a + ` EXCEPT ` + b + `) OR EXISTS (` + b + ` EXCEPT ` + a + `))`
}

// directConflicts finds, in rows appended straight into the (otherwise empty) table, later
// occurrences of an id whose values differ from the first. Rows were appended in file order, so
// a row's position (rowid − the first rowid) gives its line (w.lines).
func (w *writer) directConflicts(ctx context.Context) error {
	t, id := "main."+string(w.kind), w.schema.ID
	q := `WITH base AS (SELECT min(rowid) AS r0 FROM ` + t + `),
		rep AS (SELECT t.rowid - base.r0 AS idx, t.* FROM ` + t + ` t, base WHERE t.` + id + ` IN (SELECT ` + id + ` FROM ` + t + ` GROUP BY ` + id + ` HAVING count(*) > 1)),
		f AS (SELECT r.* FROM rep r JOIN (SELECT ` + id + `, min(idx) AS idx FROM rep GROUP BY ` + id + `) m ON r.` + id + ` = m.` + id + ` AND r.idx = m.idx)
		SELECT r.idx, f.idx, r.` + id + ` FROM rep r JOIN f ON r.` + id + ` = f.` + id + ` WHERE r.idx > f.idx AND ` + w.differs("r", "f") + ` ORDER BY r.idx`
	rows, err := w.conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("repeated ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i, first int64
		var c fidelis.Conflict
		if err := rows.Scan(&i, &first, &c.ID); err != nil {
			return err
		}
		c.Line, c.FirstLine = w.lines.at(i), w.lines.at(first)
		w.conflicts = append(w.conflicts, c)
	}
	w.lines = lineRuns{}
	return rows.Err()
}

// lookupMax is the most ids an import keeps to check against the idCache; a larger import is
// joined with the whole table, which costs little next to its own size.
const lookupMax = 10000

// noteID keeps the sum of the first occurrence of each id, and gives up the lookup for an import
// of more than lookupMax rows (w.staged counts them).
func (w *writer) noteID(id string, r fidelis.Row) {
	if w.manyIDs {
		return
	}
	if w.staged > lookupMax || strings.ContainsRune(id, 0) { // a NUL cannot go in a literal
		w.manyIDs, w.firsts, w.distinct = true, nil, nil
		return
	}
	if w.firsts == nil {
		w.firsts = map[string]uint64{}
	}
	if _, ok := w.firsts[id]; !ok {
		w.firsts[id] = rowSum(r)
		w.distinct = append(w.distinct, id)
	}
}

// sqlList is ids as a list of SQL string literals.
func sqlList(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + strings.ReplaceAll(id, "'", "''") + "'")
	}
	return b.String()
}

// mayBeStored sorts the staged ids: those the idCache cannot rule out (maybe) and, among them,
// those it knows to be stored with the same values as their first occurrence here (known:
// recorded by an earlier import of this process, or an earlier segment of the group), which
// need no look at the table. repeats says whether an id repeats in the import; ok is false when
// the ids were too many to keep.
func (w *writer) mayBeStored(ctx context.Context) (maybe, known []string, repeats, ok bool, err error) {
	if w.manyIDs {
		return nil, nil, true, false, nil
	}
	ids := w.distinct
	hashes := make([]uint64, len(ids))
	for i, id := range ids {
		hashes[i] = idHash(id)
	}
	repeats = int64(len(ids)) < w.staged
	may, err := w.cache.mayHold(ctx, w.db, w.kind, hashes)
	if err != nil {
		return nil, nil, false, false, err
	}
	// The import's ids are inserted below or stored already: either way the set may hold them.
	w.cache.add(w.kind, hashes)
	for i, id := range ids {
		if !may[i] {
			continue
		}
		if w.forget { // a segment of the group too large to follow may have replaced them
			maybe = append(maybe, id)
			continue
		}
		sum, ok := w.pending[id]
		if !ok {
			sum, ok = w.cache.stored(w.kind, id)
		}
		if ok && sum == w.firsts[id] {
			known = append(known, id)
		} else {
			maybe = append(maybe, id)
		}
	}
	return maybe, known, repeats, true, nil
}

// commitStaged stores staged rows into a table that had records (applyStaged) and commits.
func (w *writer) commitStaged(ctx context.Context, rejected int64) (fidelis.Committed, error) {
	stored, err := w.applyStaged(ctx)
	if err != nil {
		return fidelis.Committed{}, err
	}
	return w.finishCommit(ctx, stored, rejected)
}

// applyStaged stores the first occurrence of each staged id not stored yet and, in Update mode,
// replaces stored records that differ; it returns the count of new ids. For an import of at most
// lookupMax ids the cost follows the import, not the store: the table is read only for ids the
// idCache cannot rule out and does not know (none, for a batch of new records or one retried
// after this process stored it), and the repeats query runs only when an id repeats.
func (w *writer) applyStaged(ctx context.Context) (int64, error) {
	const none = 0
	kind, id := "main."+string(w.kind), w.schema.ID
	cols := make([]string, len(w.schema.Fields))
	for i, f := range w.schema.Fields {
		cols[i] = `"` + f.Name + `"`
	}
	list := strings.Join(cols, ", ")
	exec := func(q string) (int64, error) {
		res, err := w.conn.ExecContext(ctx, q)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	attrs := w.schema.KeepAttrs
	maybe, known, repeats, small, err := w.mayBeStored(ctx)
	if err != nil {
		return none, err
	}
	ids := sqlList(maybe)
	// at restricts a stored table's column to the import's ids that may be stored (true when
	// they were too many to check).
	at := func(col string) string {
		if !small {
			return "true"
		}
		if ids == "" {
			return "false"
		}
		return col + " IN (" + ids + ")"
	}
	storedAttrs := `(SELECT * FROM main.customer_attrs WHERE ` + at("customer_id") + `)`

	// Conflicting repeats within the import.
	stagedAttrs := func(line string) string {
		return `SELECT name, value FROM temp.stage_attrs WHERE line = ` + line
	}
	src := "temp.stage"
	if repeats {
		cond := w.differs("r", "f")
		if attrs {
			cond = "(" + cond + " OR " + attrsDiffer(stagedAttrs("r.line"), stagedAttrs("f.line")) + ")"
		}
		rows, err := w.conn.QueryContext(ctx, `WITH rep AS (SELECT * FROM temp.stage WHERE `+id+` IN (SELECT `+id+` FROM temp.stage GROUP BY `+id+` HAVING count(*) > 1)),
		f AS (SELECT r.* FROM rep r JOIN (SELECT `+id+`, min(line) AS line FROM rep GROUP BY `+id+`) m ON r.`+id+` = m.`+id+` AND r.line = m.line)
		SELECT r.line, f.line, r.`+id+` FROM rep r JOIN f ON r.`+id+` = f.`+id+` WHERE r.line > f.line AND `+cond+` ORDER BY r.line`)
		if err != nil {
			return none, fmt.Errorf("repeated ids: %w", err)
		}
		for rows.Next() {
			var c fidelis.Conflict
			if err := rows.Scan(&c.Line, &c.FirstLine, &c.ID); err != nil {
				rows.Close()
				return none, err
			}
			w.conflicts = append(w.conflicts, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return none, err
		}
		// The first occurrence of each id. Temporary tables made in the transaction vanish on
		// rollback; on success they are dropped before the connection goes back to the pool.
		if _, err := exec(`CREATE TEMP TABLE fresh AS SELECT * FROM temp.stage s WHERE s.line IN (SELECT min(line) FROM temp.stage GROUP BY ` + id + `)`); err != nil {
			return none, err
		}
		src = "temp.fresh"
	}

	// The first occurrences whose id is stored, and whether the stored record differs.
	cond := w.differs("f", "m")
	if attrs {
		cond = "(" + cond + " OR " + attrsDiffer(stagedAttrs("f.line"), `SELECT name, value FROM `+storedAttrs+` c WHERE c.customer_id = f.customer_id`) + ")"
	}
	var matched, changed int64
	differs := map[string]bool{} // looked-up ids found stored: whether the stored record differs
	lookup := !small || ids != ""
	if lookup {
		if small {
			w.cache.lookups.Add(1)
		}
		if _, err := exec(`CREATE TEMP TABLE matched AS SELECT f.` + id + ` AS id, ` + cond + ` AS differs
			FROM ` + src + ` f JOIN (SELECT * FROM ` + kind + ` WHERE ` + at(id) + `) m ON f.` + id + ` = m.` + id); err != nil {
			return none, err
		}
		if small {
			if err := w.readMatched(ctx, differs); err != nil {
				return none, err
			}
			for _, d := range differs {
				matched++
				if d {
					changed++
				}
			}
		} else if err := w.conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE differs) FROM temp.matched`).Scan(&matched, &changed); err != nil {
			return none, err
		}
	}
	keep := `SELECT id FROM temp.matched` // stored ids to leave as they are
	if w.mode == fidelis.Update {
		keep += ` WHERE NOT differs`
	}
	if !lookup {
		keep = `SELECT NULL::VARCHAR AS id WHERE false`
	}
	if len(known) > 0 { // stored with the same values: kept, in either mode
		keep = keep + ` UNION ALL SELECT unnest([` + sqlList(known) + `])`
		matched += int64(len(known))
	}
	if w.mode == fidelis.Update {
		w.updated = changed
		if changed > 0 {
			if _, err := exec(`DELETE FROM ` + kind + ` WHERE ` + at(id) + ` AND ` + id + ` IN (SELECT id FROM temp.matched WHERE differs)`); err != nil {
				return none, err
			}
			if attrs {
				if _, err := exec(`DELETE FROM main.customer_attrs WHERE ` + at("customer_id") + ` AND customer_id IN (SELECT id FROM temp.matched WHERE differs)`); err != nil {
					return none, err
				}
			}
		}
	} else {
		w.differ = changed
	}

	// Insert the first occurrences not stored (in Update mode, now including the changed ones).
	fresh := src
	if matched > 0 {
		fresh = `(SELECT * FROM ` + src + ` WHERE ` + id + ` NOT IN (` + keep + `))`
	}
	if attrs {
		if _, err := exec(`INSERT INTO main.customer_attrs SELECT f.customer_id, a.name, a.value
			FROM temp.stage_attrs a JOIN ` + fresh + ` f ON a.line = f.line`); err != nil {
			return none, err
		}
	}
	written, err := exec(`INSERT INTO ` + kind + ` (` + list + `) SELECT ` + list + ` FROM ` + fresh)
	if err != nil {
		return none, err
	}
	var drop []string
	if lookup {
		drop = append(drop, `DROP TABLE temp.matched`)
	}
	if repeats {
		drop = append(drop, `DROP TABLE temp.fresh`)
	}
	for _, q := range drop {
		if _, err := exec(q); err != nil {
			return none, err
		}
	}
	// What the import leaves stored, for the idCache once committed: the first occurrence's
	// values under every id inserted or replaced, and under every stored id found equal to it.
	if small {
		if w.pending == nil {
			w.pending = map[string]uint64{}
		}
		for i, sum := range w.firsts {
			if d, found := differs[i]; !found || !d || w.mode == fidelis.Update {
				w.pending[i] = sum
			}
		}
	}
	return written - w.updated, nil
}

// readMatched reads the looked-up ids found stored, and whether each stored record differs.
func (w *writer) readMatched(ctx context.Context, differs map[string]bool) error {
	rows, err := w.conn.QueryContext(ctx, `SELECT id, differs FROM temp.matched`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d bool
		if err := rows.Scan(&id, &d); err != nil {
			return err
		}
		differs[id] = d
	}
	return rows.Err()
}
