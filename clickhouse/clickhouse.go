// Package clickhouse is Fidelis' scale-out store: a ClickHouse server, or a cluster of shards,
// reached through the official Go driver (github.com/ClickHouse/clickhouse-go/v2, native
// protocol). Its SQL keeps to what ClickHouse 18.16 (Debian's package) and current releases both
// accept; this package holds only opening, the tables, the writer and the dialect.
//
// # Tables
//
// Every record kind is a MergeTree table partitioned by month of its time column and ordered by
// (customer, time); customers and their free attributes are one partition each (they have no
// required time). Timestamps are DateTime('UTC'): whole seconds from 1970 to 2105; the writer
// refuses others, naming the line. On a cluster (?cluster=NAME in the DSN) each shard holds a
// local table NAME_local and a Distributed table NAME over them, sharded by cityHash64 of the
// record's customer, so every per-customer aggregate is computed on the shard holding the
// customer; the right side of a join is evaluated once and sent to the shards. The store's own small tables (import log, erasure log, settings) live on the first
// shard only. Every connection's default database is the store's, so queries name tables
// unqualified.
//
// # What an import promises here, exactly
//
// ClickHouse 18.16 has no transactions, so the DuckDB store's single COMMIT is rebuilt from what
// the engine makes atomic: replacing one partition of one table (ALTER TABLE … REPLACE PARTITION …
// FROM), and renaming a table. An import (and Delete, Forget) works in four steps:
//
//  1. rows are staged in work tables no analysis reads; duplicates and conflicts are found there;
//  2. for every partition the change touches, its complete new content is built in a work table
//     (stored rows kept, rows replaced or deleted left out, new rows added, on the shard that will
//     hold them);
//  3. a marker table listing those partitions is created by an atomic RENAME: from then on, the
//     change is decided;
//  4. each partition is replaced from its work table (idempotent), then the work tables and the
//     marker are dropped.
//
// A process killed in steps 1–2 leaves only work tables, which the next writer drops: analyses
// never see any of it. One killed in step 4 leaves the marker, and the next Open (by any command)
// or writer finishes the replacements, so the store ends with the whole change, never half.
// What ClickHouse does not allow us to promise: while step 4 runs (a few milliseconds per
// partition) a query may see some partitions replaced and others not; a server crash during a
// replacement is as safe as ClickHouse's own part renames. Deletes are rewrites, not mutations:
// mutations apply part by part, cannot be rolled forward, and 18.16 cannot wait for them
// (mutations_sync came later).
//
// Only one writer works at a time: a lock table, created with CREATE TABLE (which fails when it
// exists), names the holding host and process. A lock left by a killed process on this host is
// taken over; one held from another host is reported with its holder.
//
// Inserts through a Distributed table are synchronous (insert_distributed_sync = 1), so a count
// right after an import is exact.
package clickhouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"fidelis"
	"fidelis/sqlstore"
)

var _ fidelis.Store = (*Store)(nil)

// Scheme is the DSN scheme of a ClickHouse store.
const Scheme = "clickhouse://"

// DSN is a parsed clickhouse://HOST:PORT/DATABASE[?cluster=NAME].
type DSN struct {
	Addr     string // host:port of the native protocol (default port 9000)
	Database string
	Cluster  string // "" for a single server
	User     string // from the URL's user info; "" means "default"
	Password string
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseDSN parses a ClickHouse DSN. Database and cluster names are identifiers (they are spliced
// into DDL), so anything else is refused.
func ParseDSN(s string) (DSN, error) {
	var d DSN
	bad := func(format string, a ...any) (DSN, error) {
		return d, fidelis.Errorf(fidelis.EInvalid, "--db %s: "+format, append([]any{s}, a...)...).
			WithHint("--db clickhouse://HOST:PORT/DATABASE, or clickhouse://HOST:PORT/DATABASE?cluster=NAME for a cluster named in the server's remote_servers")
	}
	if !strings.HasPrefix(s, Scheme) {
		return bad("not a ClickHouse DSN")
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("%v", err)
	}
	if u.Host == "" {
		return bad("no host")
	}
	d.Addr = u.Host
	if u.Port() == "" {
		d.Addr = net.JoinHostPort(u.Hostname(), "9000")
	}
	d.Database = strings.Trim(u.Path, "/")
	if d.Database == "" {
		return bad("no database")
	}
	if !identRE.MatchString(d.Database) {
		return bad("database %q: use letters, digits and underscores", d.Database)
	}
	for k, v := range u.Query() {
		switch k {
		case "cluster":
			d.Cluster = v[0]
			if !identRE.MatchString(d.Cluster) {
				return bad("cluster %q: use letters, digits and underscores", d.Cluster)
			}
		default:
			return bad("unknown parameter %q (known: cluster)", k)
		}
	}
	if u.User != nil {
		d.User = u.User.Username()
		d.Password, _ = u.User.Password()
	}
	return d, nil
}

// String gives the DSN back without the password.
func (d DSN) String() string {
	s := Scheme + d.Addr + "/" + d.Database
	if d.Cluster != "" {
		s += "?cluster=" + d.Cluster
	}
	return s
}

// Store is a fidelis.Store on a ClickHouse server or cluster. Its aggregates are the shared
// query shapes in this package's Dialect. It has no CompressedSummaries (the one optional store
// interface): the model inputs are compressed in Go from Summaries (fidelis.CompressSummaries),
// which costs one row per customer over the wire, not a different number.
type Store struct {
	*sqlstore.Shapes
	fidelis.Versions // bumped after each committed write
	dsn              DSN
	db               *sql.DB // the first shard (or the single server): queries, the writer, the store's own tables
	// shards holds one connection per shard, db first; a single server is its only shard.
	shards []*sql.DB
	cls    []shard
	tables map[string]table
	now    func() time.Time
	wait   time.Duration // how long a writer waits for another to finish
	// hook, when set (by tests), is called at named points of a change: "flushed" after a batch
	// is staged, "decided" once the marker exists.
	hook func(point string)
}

func (s *Store) at(point string) {
	if s.hook != nil {
		s.hook(point)
	}
}

// shard is one server of the cluster.
type shard struct{ addr string }

// Options say how to open a store.
type Options struct {
	// ReadOnly opens for reading: the schema is not created, and a store without it is refused.
	ReadOnly bool
	// Wait is how long an import, deletion or setting waits while another writer works.
	Wait time.Duration
}

// Open connects to the store dsn names, creating the database and its tables where needed
// (except ReadOnly), and finishes any change a killed writer had decided (see the package comment).
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	d, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	entry := connect(d, d.Addr, "")
	s := &Store{dsn: d, now: func() time.Time { return time.Now().UTC().Truncate(time.Second) }, wait: o.Wait}
	if err := entry.PingContext(ctx); err != nil {
		entry.Close()
		return nil, fidelis.Errorf(fidelis.EInvalid, "open %s: %v", d, err).
			WithHint("is the server running? scripts/clickhouse.sh start starts a local one")
	}
	s.cls = []shard{{addr: d.Addr}}
	if d.Cluster != "" {
		if s.cls, err = clusterShards(ctx, entry, d); err != nil {
			entry.Close()
			return nil, err
		}
	}
	entry.Close()
	for _, sh := range s.cls {
		if !o.ReadOnly {
			// The database must exist before a pool can name it as its default.
			c := connect(d, sh.addr, "")
			_, err := c.ExecContext(ctx, `CREATE DATABASE IF NOT EXISTS `+d.Database)
			c.Close()
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("open %s: shard %s: %w", d, sh.addr, err)
			}
		}
		s.shards = append(s.shards, connect(d, sh.addr, d.Database))
	}
	s.db = s.shards[0]
	s.Shapes = sqlstore.New(s.db, Dialect{})
	s.tables = tables(d.Cluster)
	if err := s.setUp(ctx, o.ReadOnly); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connect returns a pool to one server. Settings every query needs: synchronous distributed
// inserts (exact counts right after an import); IN and JOIN whose right side reads a Distributed
// table evaluated once and sent to every shard (GLOBAL: exact whatever column a query joins on;
// 'local', each shard joining its own rows, would be exact only for joins on the sharding key);
// and SQL NULLs from outer joins. The driver sends only numeric settings to servers as old as 18.16, so the
// string one is SET on each new connection (a native connection keeps its session's settings).
func connect(d DSN, addr, database string) *sql.DB {
	c := ch.Connector(&ch.Options{
		Addr: []string{addr},
		Auth: ch.Auth{Database: database, Username: d.User, Password: d.Password},
		Settings: ch.Settings{
			"insert_distributed_sync": 1,
			"join_use_nulls":          1,
		},
		DialTimeout: 10 * time.Second,
	})
	db := sql.OpenDB(setConnector{c, []string{`SET distributed_product_mode = 'global'`}})
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	return db
}

// setConnector runs statements on every new connection.
type setConnector struct {
	driver.Connector
	init []string
}

func (c setConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("the ClickHouse driver's connection cannot execute statements")
	}
	for _, q := range c.init {
		if _, err := ex.ExecContext(ctx, q, nil); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return conn, nil
}

// clusterShards reads the cluster's shards from the server's remote_servers (one replica each is
// used: replication is the operator's business).
func clusterShards(ctx context.Context, db *sql.DB, d DSN) ([]shard, error) {
	rows, err := db.QueryContext(ctx, `SELECT host_address, port FROM system.clusters WHERE cluster = ? AND replica_num = 1 ORDER BY shard_num`, d.Cluster)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	defer rows.Close()
	var out []shard
	for rows.Next() {
		var host string
		var port uint16
		if err := rows.Scan(&host, &port); err != nil {
			return nil, err
		}
		out = append(out, shard{addr: net.JoinHostPort(host, fmt.Sprint(port))})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fidelis.Errorf(fidelis.EInvalid, "open %s: the server knows no cluster %q", d, d.Cluster).
			WithHint("name a cluster of the server's remote_servers (SELECT DISTINCT cluster FROM system.clusters)")
	}
	return out, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	var err error
	for _, db := range s.shards {
		if e := db.Close(); err == nil {
			err = e
		}
	}
	return err
}

// DB exposes the connection queries use, for tests and benchmarks in this module.
func (s *Store) DB() *sql.DB { return s.db }

// DSN returns the store's DSN (without password).
func (s *Store) DSN() string { return s.dsn.String() }

// DropDatabase removes the database dsn names from every server (of its cluster): for tests,
// which make one database each, and for trials.
func DropDatabase(ctx context.Context, dsn string) error {
	d, err := ParseDSN(dsn)
	if err != nil {
		return err
	}
	entry := connect(d, d.Addr, "")
	defer entry.Close()
	cls := []shard{{addr: d.Addr}}
	if d.Cluster != "" {
		if cls, err = clusterShards(ctx, entry, d); err != nil {
			return err
		}
	}
	for _, sh := range cls {
		db := connect(d, sh.addr, "")
		_, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+d.Database)
		db.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Servers returns the native-protocol address of each server the store uses (one per shard; the
// single server's alone), for operations and benchmarks.
func (s *Store) Servers() []string {
	out := make([]string, len(s.cls))
	for i, sh := range s.cls {
		out[i] = sh.addr
	}
	return out
}
