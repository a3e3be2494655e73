package duckdb

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"fidelis"
)

// idCache remembers, per record kind, a 64-bit hash of every stored id (idHash), so that an import
// of a small batch asks the table only about ids it may hold: the table has no index on its ids
// (an ART index on 10M order ids doubled the file and made every checkpoint rewrite it), and
// reading its id column costs 0.1–0.5 s at 10M orders — per batch, that kept API ingest under
// 1,000 rows/s. A kind's set is made on the first small import (one pass over the id column) and
// is kept a superset of the stored ids: ids are added as they are inserted, never removed (a
// deleted id only costs an exact check), and a bulk import forgets the kind's set. The hash is
// MD5's first 8 bytes, which DuckDB computes for the table (md5_number) and Go for a batch, so a
// batch's ids are checked without a query.
//
// It also knows, exactly, the ids this process stored lately (the last recentMax to
// recentMax×2 per kind) with the sum of their values (rowSum): a batch sent again, as a client
// does that lost the answer, is then recognised without reading the table (that read cost
// 0.5–0.8 s per retried batch at 10M orders). Unlike the hash set this must never claim a record
// that is not stored: ids are remembered only after their COMMIT, and every deletion or erasure
// of a kind drops its recent ids (forgetRecent). A collision of two rows' 64-bit sums under the
// same id would count a changed record as a duplicate (odds about 2⁻⁶⁴ per retried row).
type idCache struct {
	mu      sync.Mutex
	sets    map[fidelis.Kind]*idSet
	lookups atomic.Int64 // reads of a table for a small import's ids (tests check retries make none)
}

type idSet struct {
	built  bool
	sorted []uint64            // the table's id hashes when the set was built
	bucket []int32             // where each value of the top 16 bits starts in sorted (and its end)
	added  map[uint64]struct{} // hashes of ids inserted since
	// Ids stored by this process lately → rowSum of the stored values; recent is filled until it
	// holds recentMax ids, then becomes older.
	recent, older map[string]uint64
}

const recentMax = 1 << 17

func (s *idSet) has(h uint64) bool {
	if _, ok := s.added[h]; ok {
		return true
	}
	if len(s.sorted) == 0 {
		return false
	}
	_, ok := slices.BinarySearch(s.sorted[s.bucket[h>>48]:s.bucket[h>>48+1]], h)
	return ok
}

// set returns kind's set, made empty if there is none; the caller holds mu.
func (c *idCache) set(kind fidelis.Kind) *idSet {
	if c.sets == nil {
		c.sets = map[fidelis.Kind]*idSet{}
	}
	s := c.sets[kind]
	if s == nil {
		s = &idSet{added: map[uint64]struct{}{}}
		c.sets[kind] = s
	}
	return s
}

// mayHold returns which of the hashes may be stored ids of kind, building the kind's set from the
// table the first time. The set is read through db, outside the import's transaction, so that it
// sees every import committed before it; the lock orders it with forget, which follows a commit.
func (c *idCache) mayHold(ctx context.Context, db *sql.DB, kind fidelis.Kind, hashes []uint64) ([]bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.set(kind)
	if !s.built {
		all, err := storedHashes(ctx, db, kind)
		if err != nil {
			return nil, err
		}
		s.setSorted(slices.Compact(all))
		s.built = true
	}
	out := make([]bool, len(hashes))
	for i, h := range hashes {
		out[i] = s.has(h)
	}
	return out, nil
}

// setSorted keeps sorted hashes with the index of their buckets (a lookup at 10M ids searched
// 23 far-apart places; now about 7 nearby ones).
func (s *idSet) setSorted(sorted []uint64) {
	s.sorted, s.bucket = sorted, nil
	if len(sorted) == 0 {
		return
	}
	s.bucket = make([]int32, 1<<16+1)
	for _, h := range sorted {
		s.bucket[h>>48+1]++
	}
	for i := 1; i < len(s.bucket); i++ {
		s.bucket[i] += s.bucket[i-1]
	}
}

// warm builds the sets of kinds now, so that the first small import of each does not wait.
func (c *idCache) warm(ctx context.Context, db *sql.DB, kinds ...fidelis.Kind) error {
	for _, k := range kinds {
		if _, err := c.mayHold(ctx, db, k, nil); err != nil {
			return err
		}
	}
	return nil
}

// storedHashes reads the hashes of kind's stored ids, sorted. They come as lists of 16,384 (the
// driver's per-row cost made one row per id 2.3 times slower: 1.35 s at 2.6M orders) and are
// sorted by their top 16 bits first, then within each of those buckets, which fit in cache
// (slices.Sort on the whole took 0.8 s at 2.6M).
func storedHashes(ctx context.Context, db *sql.DB, kind fidelis.Kind) ([]uint64, error) {
	// The kind is a fixed schema name, never input.
	t := `main.` + string(kind)
	var n int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
		return nil, fmt.Errorf("stored ids: %w", err)
	}
	if err := checkIDHash(ctx, db); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT list(`+sqlIDHash(fidelis.Schemas[kind].ID)+`) FROM `+t+` GROUP BY rowid >> 14`)
	if err != nil {
		return nil, fmt.Errorf("stored ids: %w", err)
	}
	defer rows.Close()
	all := make([]uint64, 0, n+n/64)
	for rows.Next() {
		var hs []any
		if err := rows.Scan(&hs); err != nil {
			return nil, fmt.Errorf("stored ids: %w", err)
		}
		for _, h := range hs {
			u, ok := h.(uint64)
			if !ok {
				return nil, fmt.Errorf("stored ids: hash is a %T", h)
			}
			all = append(all, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stored ids: %w", err)
	}
	return sortHashes(all), nil
}

// idHash is the hash the idCache keeps of an id: the first 8 bytes of its MD5 digest, read
// little-endian, as DuckDB's md5_number gives them (sqlIDHash).
func idHash(id string) uint64 {
	sum := md5.Sum([]byte(id))
	return binary.LittleEndian.Uint64(sum[:8])
}

// sqlIDHash is idHash of column in DuckDB's SQL: md5_number is the digest as an unsigned 128-bit
// number whose low 64 bits are the digest's first 8 bytes, little-endian.
func sqlIDHash(column string) string {
	return `(md5_number(` + column + `) & 18446744073709551615::UHUGEINT)::UBIGINT`
}

// checkIDHash makes sure that DuckDB and Go hash an id alike: if they did not (a DuckDB version
// that changed md5_number), a stored id would look new and be stored twice. It costs one query
// per reading of a set.
func checkIDHash(ctx context.Context, db *sql.DB) error {
	const probe = "fidelis-order-42"
	var got uint64
	if err := db.QueryRowContext(ctx, `SELECT `+sqlIDHash(`'`+probe+`'`)).Scan(&got); err != nil {
		return fmt.Errorf("stored ids: %w", err)
	}
	if want := idHash(probe); got != want {
		return fmt.Errorf("stored ids: DuckDB hashes %q as %#x, Go as %#x: this DuckDB's md5_number differs, and ids cannot be checked", probe, got, want)
	}
	return nil
}

// sortHashes sorts hashes: a counting sort on the top 16 bits into a new slice, then each
// bucket on its own.
func sortHashes(hs []uint64) []uint64 {
	var start [1<<16 + 1]int
	for _, h := range hs {
		start[h>>48+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]uint64, len(hs))
	next := start
	for _, h := range hs {
		out[next[h>>48]] = h
		next[h>>48]++
	}
	for i := 0; i < 1<<16; i++ {
		slices.Sort(out[start[i]:start[i+1]])
	}
	return out
}

// add records inserted ids of kind. It may run before the transaction commits: an id that ends
// up not stored only costs an exact check later.
func (c *idCache) add(kind fidelis.Kind, hashes []uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.set(kind)
	for _, h := range hashes {
		s.added[h] = struct{}{}
	}
	if len(s.added) > 1<<16 && len(s.added) > len(s.sorted)/8 {
		for h := range s.added {
			s.sorted = append(s.sorted, h)
		}
		slices.Sort(s.sorted)
		s.setSorted(slices.Compact(s.sorted))
		s.added = map[uint64]struct{}{}
	}
}

// stored returns the sum of the values stored under id, if this process stored it lately.
func (c *idCache) stored(kind fidelis.Kind, id string) (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sets[kind]
	if s == nil {
		return 0, false
	}
	if sum, ok := s.recent[id]; ok {
		return sum, true
	}
	sum, ok := s.older[id]
	return sum, ok
}

// remember records ids of kind a committed import left stored, with the sums of their values.
func (c *idCache) remember(kind fidelis.Kind, sums map[string]uint64) {
	if len(sums) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.set(kind)
	for id, sum := range sums {
		if s.recent == nil || len(s.recent) >= recentMax {
			s.older, s.recent = s.recent, make(map[string]uint64, len(sums))
		}
		s.recent[id] = sum
	}
}

// forgetRecent drops the recent ids of kinds (every kind when none is named): records of theirs
// were deleted.
func (c *idCache) forgetRecent(kinds ...fidelis.Kind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, s := range c.sets {
		if len(kinds) == 0 || slices.Contains(kinds, k) {
			s.recent, s.older = nil, nil
		}
	}
}

// forget makes the next small import of kind read the table again, after a committed import
// whose ids were not added one by one (ids added meanwhile are kept: their imports may not have
// committed yet, and the table read would miss them).
func (c *idCache) forget(kind fidelis.Kind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.sets[kind]; s != nil {
		s.built, s.recent, s.older = false, nil, nil
		s.setSorted(nil)
	}
}

// WarmIDs reads the stored ids of kinds for small imports now (a server that takes API ingest
// calls it at start), instead of on each kind's first small import: 1–3 s at 10M orders.
func (s *Store) WarmIDs(ctx context.Context, kinds ...fidelis.Kind) error {
	return s.ids.warm(ctx, s.db, kinds...)
}
