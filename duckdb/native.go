package duckdb

import (
	"context"
	"fmt"
	"strings"

	"fidelis"
)

// LoadNative loads a CSV file whose header holds the kind's canonical field names straight into
// the kind's table with DuckDB's own parallel CSV reader: no validation, no rejects, no
// deduplication. It exists as the floor for benchmarks ("DuckDB alone on the same file"), not as
// an import path.
func (s *Store) LoadNative(ctx context.Context, kind fidelis.Kind, path string) (int64, error) {
	schema, ok := fidelis.Schemas[kind]
	if !ok {
		return 0, fidelis.Errorf(fidelis.EInvalid, "unknown kind %q", kind)
	}
	cols := make([]string, len(schema.Fields))
	types := make([]string, len(schema.Fields))
	for i, f := range schema.Fields {
		cols[i] = `"` + f.Name + `"`
		t := map[fidelis.FieldType]string{fidelis.Text: "VARCHAR", fidelis.Time: "TIMESTAMP", fidelis.Float: "DOUBLE", fidelis.Int: "BIGINT"}[f.Type]
		types[i] = fmt.Sprintf("'%s': '%s'", f.Name, t)
	}
	q := `INSERT INTO ` + string(kind) + ` (` + strings.Join(cols, ", ") + `) SELECT ` + strings.Join(cols, ", ") +
		` FROM read_csv(?, header = true, types = {` + strings.Join(types, ", ") + `})`
	res, err := s.db.ExecContext(ctx, q, path)
	if err != nil {
		return 0, fmt.Errorf("load %s: %w", path, err)
	}
	return res.RowsAffected()
}
