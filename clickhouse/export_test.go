package clickhouse

// SetHook lets tests stop a change at a named point (see Store.hook).
func SetHook(s *Store, f func(point string)) { s.hook = f }
