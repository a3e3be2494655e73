package duckdb

// ParseHolder exposes parseHolder to the external tests.
var ParseHolder = parseHolder

// TableLookups counts the reads of a table for a small import's ids.
func (s *Store) TableLookups() int64 { return s.ids.lookups.Load() }
