package duckdb

import (
	"context"
	"slices"
	"sync"

	"fidelis"
)

// currencies remembers the stored orders' currencies for one version of the orders.
type currencies struct {
	mu      sync.Mutex
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
	v := s.Version(fidelis.Orders)
	s.cur.mu.Lock()
	if s.cur.ok && s.cur.version == v {
		codes := slices.Clone(s.cur.codes)
		s.cur.mu.Unlock()
		return codes, nil
	}
	s.cur.mu.Unlock()
	codes, err := s.Shapes.Currencies(ctx)
	if err != nil {
		return nil, err
	}
	s.cur.mu.Lock()
	s.cur.ok, s.cur.version, s.cur.codes = true, v, slices.Clone(codes)
	s.cur.mu.Unlock()
	return codes, nil
}
