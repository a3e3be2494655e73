package duckdb

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"time"

	"fidelis"
)

// LoadNative loads a CSV file whose header holds the kind's canonical field names straight into
// the kind's table with DuckDB's own parallel CSV reader: no validation, no rejects, no
// deduplication. It exists as the floor for benchmarks ("DuckDB alone on the same file"), not as
// an import path. For customers it also stores the other columns' non-blank values as
// attributes (customer_attrs, by UNPIVOT), as an import does: without them the floor would skip
// work that the import must do (2 of the 8 columns of a synth customers file).
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
	if schema.KeepAttrs {
		if err := s.loadNativeAttrs(ctx, schema, path); err != nil {
			return 0, fmt.Errorf("load %s: %w", path, err)
		}
	}
	return res.RowsAffected()
}

// loadNativeAttrs stores the non-blank values of a customers file's columns that are not schema
// fields as attributes named as an import names them (fidelis.CleanName).
func (s *Store) loadNativeAttrs(ctx context.Context, schema fidelis.Schema, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	header, err := csv.NewReader(f).Read()
	f.Close()
	if err != nil {
		return err
	}
	// Go's reader keeps a byte-order mark in the first name; DuckDB's drops it.
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	var names []string
	for _, h := range header {
		if schema.Index(h) < 0 {
			names = append(names, `"`+strings.ReplaceAll(h, `"`, `""`)+`" AS "`+strings.ReplaceAll(fidelis.CleanName(h), `"`, `""`)+`"`)
		}
	}
	if len(names) == 0 {
		return nil
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO customer_attrs SELECT `+schema.ID+`, name, trim(value) FROM (
		UNPIVOT (SELECT `+schema.ID+`, `+strings.Join(names, ", ")+` FROM read_csv(?, header = true, all_varchar = true))
		ON COLUMNS(* EXCLUDE (`+schema.ID+`)) INTO NAME name VALUE value) WHERE trim(value) <> ''`, path)
	return err
}

// SummarizeNative is the floor for `fit --transactions` benchmarks: DuckDB's own parallel CSV
// reader and one GROUP BY giving each customer's repeat purchase days, recency, age and spend up
// to the end of calEnd's day (the RFM summary the BG/NBD fit reads), in an in-memory database,
// without validation. The file's header must name customer_id, timestamp and amount. It returns
// the number of customers summarised.
func SummarizeNative(ctx context.Context, path string, calEnd time.Time) (int64, error) {
	s, err := Open(ctx, ":memory:")
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var n int64
	err = s.db.QueryRowContext(ctx, `WITH days AS (
			SELECT customer_id, CAST("timestamp" AS DATE) AS d, sum(amount) AS amt
			FROM read_csv(?, header = true, types = {'customer_id': 'VARCHAR', 'timestamp': 'TIMESTAMP', 'amount': 'DOUBLE'})
			WHERE CAST("timestamp" AS DATE) <= ?::DATE GROUP BY ALL),
		rfm AS (
			SELECT customer_id, count(*) - 1 AS x, max(d) - min(d) AS recency, ?::DATE - min(d) AS age, sum(amt) AS spend
			FROM days GROUP BY customer_id)
		SELECT count(*) FROM rfm WHERE x >= 0 AND recency >= 0 AND age >= 0 AND spend IS NOT NULL`,
		path, calEnd.Format("2006-01-02"), calEnd.Format("2006-01-02")).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("summarise %s: %w", path, err)
	}
	return n, nil
}
