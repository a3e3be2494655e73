package clickhouse_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
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

// TestKilledImport kills (SIGKILL) a child process importing 150,000 orders, once while rows are
// being staged and once after the import was decided but before its partitions were swapped in.
// The first leaves the store exactly as it was (and the next import clears the leftovers); the
// second is finished by the next Open, so analyses see all of the import or none of it.
func TestKilledImport(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	for _, c := range []struct {
		point string
		want  int64 // orders after the kill
	}{{"flushed", 2}, {"decided", 2 + killRows}} {
		for _, cluster := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/cluster=%v", c.point, cluster), func(t *testing.T) {
				ctx := context.Background()
				dsn := chtest.DSN(t, cluster)
				st, err := clickhouse.Open(ctx, dsn, clickhouse.Options{})
				if err != nil {
					t.Fatal(err)
				}
				small := rows(t, fidelis.Orders, "2|s1|A|2024-01-01|10", "3|s2|B|2024-02-01|20")
				write(t, st, fidelis.Orders, fidelis.Insert, small)
				st.Close()

				cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
				cmd.Env = append(os.Environ(), "FIDELIS_KILL_DSN="+dsn, "FIDELIS_KILL_AT="+c.point)
				out, _ := cmd.StdoutPipe()
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(out)
				killed := false
				for sc.Scan() {
					if sc.Text() == "at "+c.point {
						cmd.Process.Kill()
						killed = true
						break
					}
				}
				cmd.Wait()
				if !killed {
					t.Fatal("the child finished before it could be killed")
				}
				st, err = clickhouse.Open(ctx, dsn, clickhouse.Options{ReadOnly: true})
				if err != nil {
					t.Fatalf("store does not open after the kill: %v", err)
				}
				n, err := st.Counts(ctx)
				st.Close()
				if err != nil || n[fidelis.Orders] != c.want {
					t.Fatalf("after the kill at %s: %d orders (%v), want %d", c.point, n[fidelis.Orders], err, c.want)
				}
				// The store takes imports again (the dead writer's lock is taken over), and no
				// work table is left.
				st, err = clickhouse.Open(ctx, dsn, clickhouse.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				if c := write(t, st, fidelis.Orders, fidelis.Insert, small); c.Duplicates != 2 {
					t.Errorf("import after the kill %+v", c)
				}
				var left uint64
				if err := st.DB().QueryRowContext(ctx, `SELECT count() FROM system.tables WHERE database = currentDatabase() AND name LIKE 'fidelis%'`).Scan(&left); err != nil || left != 0 {
					t.Errorf("%d work tables left (%v)", left, err)
				}
			})
		}
	}
}

const killRows = 150_000

// TestKillChild is the child of TestKilledImport; it does nothing otherwise.
func TestKillChild(t *testing.T) {
	dsn, point := os.Getenv("FIDELIS_KILL_DSN"), os.Getenv("FIDELIS_KILL_AT")
	if dsn == "" {
		t.Skip("only runs as a child process")
	}
	ctx := context.Background()
	st, err := clickhouse.Open(ctx, dsn, clickhouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clickhouse.SetHook(st, func(p string) {
		if p == point {
			fmt.Printf("at %s\n", p)
			time.Sleep(time.Hour)
		}
	})
	w, err := st.Begin(ctx, fidelis.Orders, "big.csv", fidelis.Insert)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var batch []fidelis.Row
	for i := 0; i < killRows; i++ {
		batch = append(batch, fidelis.Row{Line: int64(i + 2), Values: []any{fmt.Sprintf("b%d", i), fmt.Sprintf("C%d", i%5000),
			base.Add(time.Duration(i%300) * 24 * time.Hour), float64(i % 90), nil, nil, nil}})
		if len(batch) == 10_000 {
			if err := w.Write(ctx, batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := w.Commit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	fmt.Println("finished")
}

func TestDeleteForgetSettings(t *testing.T) {
	modes(t, func(t *testing.T, st *clickhouse.Store) {
		ctx := context.Background()
		write(t, st, fidelis.Customers, fidelis.Insert, rows(t, fidelis.Customers, "2|A||North|||#tier=gold", "3|C||South|||#tier=gold", "4|D||South"))
		write(t, st, fidelis.Orders, fidelis.Insert, rows(t, fidelis.Orders, "2|o1|A|2024-01-15|10", "3|o2|A|2024-02-15|10", "4|o6|C|2024-02-15|10", "5|o7|D|2024-03-15|10"))
		write(t, st, fidelis.Referrals, fidelis.Insert, rows(t, fidelis.Referrals, "2|r3|A||2024-01-01|2024-01-10|C", "3|r5|C||2024-02-01", "4|r6|D||2024-02-01"))
		got, err := st.Delete(ctx, fidelis.Orders, []string{"o1", "nope", "o1"})
		if err != nil || !reflect.DeepEqual(got, []string{"o1"}) {
			t.Fatalf("delete %v %v", got, err)
		}
		e, err := st.Forget(ctx, []string{"C", "nobody"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[fidelis.Kind]int64{fidelis.Customers: 1, fidelis.Orders: 1, fidelis.Referrals: 2}
		for k, n := range e.Removed {
			if n == 0 {
				delete(e.Removed, k)
			}
		}
		if !reflect.DeepEqual(e.Removed, want) || e.Attributes != 1 || !reflect.DeepEqual(e.NotFound, []string{"nobody"}) || !e.Reclaimed {
			t.Errorf("forget %+v, want removed %v, 1 attribute, nobody not found, reclaimed", e, want)
		}
		n, _ := st.Counts(ctx)
		if n[fidelis.Customers] != 2 || n[fidelis.Orders] != 2 || n[fidelis.Referrals] != 1 {
			t.Errorf("counts after forget %v", n)
		}
		l, err := st.Erasures(ctx)
		if _, ok := l.ErasedAt("C"); err != nil || !ok || len(l.Erased) != 2 {
			t.Errorf("erasure log %+v %v", l, err)
		}
		for _, v := range []string{"retail", "ecommerce,retail", ""} {
			if err := st.SetSetting(ctx, fidelis.SettingIndustry, v); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Setting(ctx, fidelis.SettingIndustry); got != v || err != nil {
				t.Errorf("setting %q: got %q %v", v, got, err)
			}
		}
	})
}
