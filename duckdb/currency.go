package duckdb

import (
	"context"
	"slices"
	"sync"

	"fidelis"
)

// currencies remembers the stored orders' currencies for one version of the orders.
type currencies struct {
	query   sync.Mutex // one query at a time: callers that miss together wait for its answer
	mu      sync.Mutex // guards the rest
	ok      bool
	version int64
	codes   []string
}

// Currencies is sqlstore's, kept until the orders change: every API batch of orders checks its
// currency against the store's, and the query took 22 ms a call at 2.6M orders (the column's
// minimum and maximum are not always answered from statistics), a third of a batch's time. The
// version is read before the query, so a result is never kept under a version older than the
// data it saw; writes by other processes are not seen, as a DuckDB file has one writer.
func (s *Store) Currencies(ctx context.Context) ([]string, error) {
	if codes, ok := s.cur.get(s.Version(fidelis.Orders)); ok {
		return codes, nil
	}
	s.cur.query.Lock()
	defer s.cur.query.Unlock()
	v := s.Version(fidelis.Orders)
	if codes, ok := s.cur.get(v); ok {
		return codes, nil
	}
	codes, err := s.Shapes.Currencies(ctx)
	if err != nil {
		return nil, err
	}
	s.cur.mu.Lock()
	s.cur.ok, s.cur.version, s.cur.codes = true, v, slices.Clone(codes)
	s.cur.mu.Unlock()
	return codes, nil
}

func (c *currencies) get(v int64) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.version == v {
		return slices.Clone(c.codes), true
	}
	return nil, false
}

// bump advances the versions of kind after a committed write and, when the write was an insert
// of orders naming only currencies the store already had (written), keeps the currencies for
// the new version: inserting such orders cannot change them. Anything else (an update, which
// may replace the last order of a currency; a new currency; another write in between) leaves
// them to be read again.
func (c *currencies) bump(v *fidelis.Versions, kind fidelis.Kind, insert bool, written map[string]struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v0 := v.Version(fidelis.Orders)
	v.Bump(kind)
	if kind != fidelis.Orders || !insert || !c.ok || c.version != v0 || v.Version(fidelis.Orders) != v0+1 {
		return
	}
	for code := range written {
		if !slices.Contains(c.codes, code) {
			return
		}
	}
	c.version = v0 + 1
}
