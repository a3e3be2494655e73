package clickhouse_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/clickhouse"
	"fidelis/clickhouse/chtest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

func TestParseDSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want clickhouse.DSN
		err  string
	}{
		{in: "clickhouse://127.0.0.1:9000/shop", want: clickhouse.DSN{Addr: "127.0.0.1:9000", Database: "shop"}},
		{in: "clickhouse://db.example/shop", want: clickhouse.DSN{Addr: "db.example:9000", Database: "shop"}},
		{in: "clickhouse://u:pw@h:9440/shop?cluster=fidelis2", want: clickhouse.DSN{Addr: "h:9440", Database: "shop", Cluster: "fidelis2", User: "u", Password: "pw"}},
		{in: "clickhouse://h:9000/", err: "no database"},
		{in: "clickhouse://h:9000/shop;drop", err: "letters, digits"},
		{in: "clickhouse://h/shop?cluster=a-b", err: "cluster"},
		{in: "clickhouse://h/shop?shards=2", err: "unknown parameter"},
		{in: "shop.duckdb", err: "not a ClickHouse DSN"},
	} {
		got, err := clickhouse.ParseDSN(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one saying %q", c.in, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: %+v %v, want %+v", c.in, got, err, c.want)
		}
	}
}

// modes runs f on a single server and on the two-shard cluster.
func modes(t *testing.T, f func(t *testing.T, st *clickhouse.Store)) {
	for _, m := range []struct {
		name    string
		cluster bool
	}{{"single", false}, {"cluster", true}} {
		t.Run(m.name, func(t *testing.T) { f(t, chtest.Open(t, m.cluster)) })
	}
}

// rows parses "line|v1|v2|..." rows of kind (empty values are NULL; times as 2006-01-02, numbers
// for number fields, "k=v;k=v" after a # for free attributes).
func rows(t *testing.T, kind fidelis.Kind, lines ...string) []fidelis.Row {
	t.Helper()
	schema := fidelis.Schemas[kind]
	var out []fidelis.Row
	for _, l := range lines {
		l, attrs, _ := strings.Cut(l, "#")
		f := strings.Split(l, "|")
		r := fidelis.Row{Values: make([]any, len(schema.Fields))}
		r.Line, _ = strconv.ParseInt(f[0], 10, 64)
		for i, v := range f[1:] {
			if v == "" {
				continue
			}
			switch schema.Fields[i].Type {
			case fidelis.Time:
				tm, err := time.Parse("2006-01-02", v)
				if err != nil {
					t.Fatal(err)
				}
				r.Values[i] = tm
			case fidelis.Float:
				x, _ := strconv.ParseFloat(v, 64)
				r.Values[i] = x
			case fidelis.Int:
				x, _ := strconv.ParseInt(v, 10, 64)
				r.Values[i] = x
			default:
				r.Values[i] = v
			}
		}
		for _, a := range strings.Split(attrs, ";") {
			if k, v, ok := strings.Cut(a, "="); ok {
				r.Attrs = append(r.Attrs, fidelis.Attr{Name: k, Value: v})
			}
		}
		out = append(out, r)
	}
	return out
}

// write imports rows through the store's writer.
func write(t *testing.T, st *clickhouse.Store, kind fidelis.Kind, mode fidelis.ImportMode, rs []fidelis.Row) fidelis.Committed {
	t.Helper()
	ctx := context.Background()
	w, err := st.Begin(ctx, kind, "test.csv", mode)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, rs); err != nil {
		t.Fatal(err)
	}
	c, err := w.Commit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImportRepeatsAndUpdate(t *testing.T) {
	modes(t, func(t *testing.T, st *clickhouse.Store) {
		ctx := context.Background()
		o := fidelis.Orders
		if c := write(t, st, o, fidelis.Insert, rows(t, o, "2|o1|A|2024-01-15|10", "3|o2|B|2024-02-15|20", "4|o1|A|2024-01-15|12", "5|o2|B|2024-02-15|20")); c.Stored != 2 || c.Duplicates != 1 || len(c.Conflicts) != 1 || c.Conflicts[0] != (fidelis.Conflict{Line: 4, FirstLine: 2, ID: "o1"}) {
			t.Fatalf("first import %+v", c)
		}
		second := rows(t, o, "2|o2|B|2024-02-15|25", "3|o3|C|2024-03-15|30")
		if c := write(t, st, o, fidelis.Insert, second); c.Stored != 1 || c.Duplicates != 1 || c.Differ != 1 {
			t.Fatalf("second import %+v", c)
		}
		if c := write(t, st, o, fidelis.Update, second); c.Stored != 0 || c.Updated != 1 || c.Duplicates != 1 {
			t.Fatalf("update %+v", c)
		}
		var sum float64
		var n uint64
		if err := st.DB().QueryRowContext(ctx, `SELECT count(), sum(amount) FROM orders`).Scan(&n, &sum); err != nil || n != 3 || sum != 65 {
			t.Errorf("stored %d orders summing %v (%v), want 3 summing 10+25+30", n, sum, err)
		}
		cu := fidelis.Customers
		if c := write(t, st, cu, fidelis.Insert, rows(t, cu, "2|A||North|||#tier=gold", "3|B||South", "4|A||North|||#tier=silver", "5|B||South")); c.Stored != 2 || c.Duplicates != 1 || len(c.Conflicts) != 1 {
			t.Fatalf("customers %+v", c)
		}
		if c := write(t, st, cu, fidelis.Update, rows(t, cu, "2|A||North|||#tier=bronze", "3|B||South")); c.Updated != 1 || c.Duplicates != 1 {
			t.Fatalf("customers update %+v", c)
		}
		var tier string
		if err := st.DB().QueryRowContext(ctx, `SELECT value FROM customer_attrs WHERE customer_id = 'A' AND name = 'tier'`).Scan(&tier); err != nil || tier != "bronze" {
			t.Errorf("A's tier %q %v", tier, err)
		}
		counts, err := st.Counts(ctx)
		if err != nil || counts[cu] != 2 || counts[o] != 3 {
			t.Errorf("counts %v %v", counts, err)
		}
	})
}
