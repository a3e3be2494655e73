package clickhouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"fidelis"
)

// column is one column of a table and its ClickHouse type.
type column struct{ name, typ string }

// table describes one of the store's tables.
type table struct {
	name string
	cols []column
	// part is the partition expression ("" for one partition, ClickHouse's tuple()); order the
	// sorting key.
	part, order string
	// key is the sharding expression on a cluster; "" keeps the table on the first shard only.
	key string
	// id is the column that names a row for rewrites: the record id, or customer_id for
	// attributes. Empty for the store's own tables, which are only ever appended to or rewritten
	// whole.
	id string
	// cluster is the cluster's name, "" on a single server.
	cluster string
}

// sharded reports whether the table is spread over a cluster's shards.
func (t table) sharded() bool { return t.cluster != "" && t.key != "" }

// local is the name of the table holding the rows on each server.
func (t table) local() string {
	if t.sharded() {
		return t.name + "_local"
	}
	return t.name
}

// partID is the SQL of a row's partition id (what REPLACE PARTITION ID names).
func (t table) partID() string {
	if t.part == "" {
		return "materialize('all')"
	}
	return "toString(" + t.part + ")"
}

func (t table) colList() string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func (t table) colDefs() string {
	defs := make([]string, len(t.cols))
	for i, c := range t.cols {
		defs[i] = c.name + " " + c.typ
	}
	return strings.Join(defs, ", ")
}

// tableSettings keep replaced parts on disk for 10 s instead of 8 minutes and look for them every
// second, so that Forget can wait until erased rows have left the disk (see Forget).
const tableSettings = `SETTINGS index_granularity = 8192, old_parts_lifetime = 10, cleanup_delay_period = 1, cleanup_delay_period_random_add = 0`

// create returns the DDL of the table's local MergeTree.
func (t table) create() string {
	part := "tuple()"
	if t.part != "" {
		part = t.part
	}
	return `CREATE TABLE IF NOT EXISTS ` + t.local() + ` (` + t.colDefs() + `) ENGINE = MergeTree PARTITION BY ` + part +
		` ORDER BY (` + t.order + `) ` + tableSettings
}

// distributed returns the DDL of a Distributed table named name over the local tables local.
func distributed(t table, name, local, database string) string {
	return `CREATE TABLE IF NOT EXISTS ` + name + ` AS ` + local + ` ENGINE = Distributed(` + t.cluster + `, ` + database + `, ` + local + `, ` + t.key + `)`
}

// chType maps a canonical field to its column type. Ids and required fields are never NULL.
func chType(f fidelis.Field, notNull bool) string {
	t := map[fidelis.FieldType]string{fidelis.Text: "String", fidelis.Time: "DateTime('UTC')", fidelis.Float: "Float64", fidelis.Int: "Int64"}[f.Type]
	if notNull {
		return t
	}
	return "Nullable(" + t + ")"
}

// tables returns every table of the store. Record kinds follow fidelis.Schemas column for column
// (the writer fills them positionally).
func tables(cluster string) map[string]table {
	out := map[string]table{}
	for _, k := range fidelis.Kinds {
		s := fidelis.Schemas[k]
		t := table{name: string(k), id: s.ID, cluster: cluster}
		cust, timeCol := "", ""
		nullable := map[string]bool{}
		for i, f := range s.Fields {
			notNull := i == 0 || f.Required
			nullable[f.Name] = !notNull
			t.cols = append(t.cols, column{f.Name, chType(f, notNull)})
			if timeCol == "" && f.Type == fidelis.Time && f.Required {
				timeCol = f.Name
			}
		}
		cust = s.CustomerFields()[0]
		custExpr := cust
		if nullable[cust] {
			custExpr = "ifNull(" + cust + ", '')"
		}
		t.key = "cityHash64(" + custExpr + ")"
		t.order = custExpr
		if timeCol != "" {
			t.part = "toYYYYMM(" + timeCol + ")"
			t.order += ", " + timeCol
		}
		out[t.name] = t
	}
	out["customer_attrs"] = table{name: "customer_attrs", cluster: cluster, id: "customer_id", key: "cityHash64(customer_id)", order: "customer_id, name",
		cols: []column{{"customer_id", "String"}, {"name", "String"}, {"value", "Nullable(String)"}}}
	own := func(name, order string, cols ...column) {
		out[name] = table{name: name, cluster: cluster, order: order, cols: cols}
	}
	own("imports", "imported_at", column{"kind", "String"}, column{"source", "String"}, column{"imported_at", "DateTime('UTC')"},
		column{"read", "Int64"}, column{"stored", "Int64"}, column{"rejected", "Int64"}, column{"duplicates", "Int64"})
	// The erasure log keeps, per erased customer id, only HMAC-SHA256(salt, id) and the time; the
	// salt (hex) is made at the first erasure.
	own("erasure_salt", "salt", column{"salt", "String"})
	own("erasures", "id_hash", column{"id_hash", "String"}, column{"erased_at", "DateTime('UTC')"})
	own("settings", "name", column{"name", "String"}, column{"value", "String"})
	settings := out["settings"]
	settings.id = "name"
	out["settings"] = settings
	return out
}

// schemaVersion is the version of the tables above. A change to them adds a step to migrate
// (ClickHouse 18.16 alters columns in place, but not partitioning or sorting keys: such a change
// means new tables filled from the old).
const schemaVersion = "clickhouse-1"

// tableOrder lists the tables in creation order (map order is random).
func tableOrder() []string {
	out := []string{}
	for _, k := range fidelis.Kinds {
		out = append(out, string(k))
	}
	return append(out, "customer_attrs", "imports", "erasure_salt", "erasures", "settings")
}

// setUp creates what is missing (not when read-only), checks that the store exists, and finishes
// a change a killed writer had decided.
func (s *Store) setUp(ctx context.Context, readOnly bool) error {
	if !readOnly {
		if err := s.migrate(ctx); err != nil {
			return fmt.Errorf("open %s: %w", s.dsn, err)
		}
	}
	var version string
	err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&version)
	if err != nil || version == "" {
		if err != nil && !isMissingTable(err) {
			return fmt.Errorf("open %s: %w", s.dsn, err)
		}
		return fidelis.Errorf(fidelis.ENotFound, "no Fidelis store in %s", s.dsn).
			WithHint("fidelis import orders FILE --db %s creates it", s.dsn)
	}
	return s.recover(ctx)
}

// migrate creates every table that does not exist yet, on every shard.
func (s *Store) migrate(ctx context.Context) error {
	ts := s.tables
	for i, db := range s.shards {
		stmts := []string{`CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime('UTC')) ENGINE = TinyLog`}
		for _, n := range tableOrder() {
			t := ts[n]
			if t.sharded() || i == 0 {
				stmts = append(stmts, t.create())
			}
		}
		for _, n := range tableOrder() {
			if t := ts[n]; t.sharded() {
				stmts = append(stmts, distributed(t, t.name, t.local(), s.dsn.Database))
			}
		}
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("shard %s: %w", s.cls[i].addr, err)
			}
		}
	}
	var n uint64
	if err := s.db.QueryRowContext(ctx, `SELECT count() FROM schema_migrations WHERE version = ?`, schemaVersion).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		_, err := s.db.ExecContext(ctx, `INSERT INTO schema_migrations SELECT ?, toDateTime(?, 'UTC')`, schemaVersion, s.now().Format(chTime))
		return err
	}
	return nil
}

// isMissingTable tells ClickHouse's "table doesn't exist" (code 60) or "database doesn't exist"
// (81) from other errors.
func isMissingTable(err error) bool {
	m := err.Error()
	return strings.Contains(m, "code: 60") || strings.Contains(m, "code: 81") || strings.Contains(m, "doesn't exist")
}

// exists reports whether db has the named table.
func exists(ctx context.Context, db *sql.DB, name string) (bool, error) {
	var n uint64
	err := db.QueryRowContext(ctx, `SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = ?`, name).Scan(&n)
	return n > 0, err
}

// chTime is how a time is written for toDateTime(?, 'UTC').
const chTime = "2006-01-02 15:04:05"

// validTime checks that a timestamp fits DateTime('UTC').
func validTime(t time.Time) error {
	switch {
	case t.Before(time.Unix(0, 0)) || !t.Before(time.Date(2106, 1, 1, 0, 0, 0, 0, time.UTC)):
		return fmt.Errorf("%s is outside ClickHouse's DateTime range (1970-01-01 to 2105-12-31)", t.Format(time.RFC3339))
	case t.Nanosecond() != 0:
		return fmt.Errorf("%s has fractions of a second, which ClickHouse's DateTime does not keep (the store keeps whole seconds)", t.Format(time.RFC3339Nano))
	}
	return nil
}
