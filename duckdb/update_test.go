package duckdb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// TestStagedImportCases pins what an import into a filled table does with each kind of row — an
// id stored identical (duplicate) or with other values (differs; replaced in Update mode), an id
// repeated identically (duplicate) or with other values (conflict, rejected naming the first
// line), new ids — for orders and for customers, whose free attributes count as values (added,
// changed, removed). Each case runs with few rows (the import's ids looked up by value) and with
// more than 10,000 (joined with the whole table); a retried batch changes nothing.
func TestStagedImportCases(t *testing.T) {
	ctx := context.Background()
	for _, pad := range []int{0, 10001} {
		t.Run(fmt.Sprintf("padding=%d", pad), func(t *testing.T) {
			st, err := duckdb.Open(ctx, ":memory:")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			imp := func(kind fidelis.Kind, body string, update bool) ingest.Summary {
				t.Helper()
				sum, err := ingest.ImportReader(ctx, st, kind, "batch.csv", strings.NewReader(body), ingest.Options{Batch: true, Update: update, KeepRejects: 10})
				if err != nil {
					t.Fatal(err)
				}
				return sum
			}
			padding := func(format string) string {
				var b strings.Builder
				for i := range pad {
					fmt.Fprintf(&b, format, i)
				}
				return b.String()
			}
			n := int64(pad)

			// Orders. The first import goes straight into the empty table.
			imp(fidelis.Orders, "order_id,customer_id,timestamp,amount\no1,A,2024-01-01,10\no2,A,2024-01-02,20\no3,B,2024-01-03,30\n", false)
			batch := "order_id,customer_id,timestamp,amount\n" +
				"o1,A,2024-01-01,10\n" + // line 2: stored, identical
				"o2,A,2024-01-02,25\n" + // 3: stored, differs
				"o4,B,2024-02-01,40\n" + // 4: new
				"o4,B,2024-02-01,40\n" + // 5: repeat, identical
				"o5,C,2024-02-02,50\n" + // 6: new
				"o5,C,2024-02-03,50\n" + // 7: repeat, differs: conflict with line 6
				padding("p%d,D,2024-03-01,1\n")
			s := imp(fidelis.Orders, batch, false)
			if s.Stored != 2+n || s.Duplicates != 3 || s.Differ != 1 || s.Conflicts != 1 || s.Rejected != 1 || s.Updated != 0 {
				t.Fatalf("orders, insert: %+v", s)
			}
			if len(s.Rejects) != 1 || s.Rejects[0].Line != 7 || !strings.Contains(s.Rejects[0].Reason, "line 6") {
				t.Errorf("orders conflict: %+v, want line 7 naming line 6", s.Rejects)
			}
			value := func(q string) string {
				var got string
				st.DB().QueryRow(q).Scan(&got)
				return got
			}
			amounts := func() string {
				return value(`SELECT string_agg(order_id || '=' || amount, ' ' ORDER BY order_id) FROM orders WHERE order_id LIKE 'o%'`)
			}
			if got := amounts(); got != "o1=10.0 o2=20.0 o3=30.0 o4=40.0 o5=50.0" {
				t.Errorf("after the insert: %s", got)
			}
			s = imp(fidelis.Orders, batch, true)
			if s.Stored != 0 || s.Updated != 1 || s.Duplicates != 4+n || s.Conflicts != 1 {
				t.Fatalf("orders, update: %+v", s)
			}
			if got := amounts(); got != "o1=10.0 o2=25.0 o3=30.0 o4=40.0 o5=50.0" {
				t.Errorf("after the update: %s", got)
			}
			if s = imp(fidelis.Orders, batch, true); s.Stored != 0 || s.Updated != 0 || s.Duplicates != 5+n {
				t.Errorf("orders, retried update: %+v", s)
			}
			if c, _ := st.Counts(ctx); c[fidelis.Orders] != 5+n {
				t.Errorf("%d orders, want %d", c[fidelis.Orders], 5+n)
			}

			// Customers: tier is a free attribute.
			imp(fidelis.Customers, "customer_id,region,tier\nA,North,gold\nB,South,silver\nC,East,\n", false)
			batch = "customer_id,region,tier\n" +
				"A,North,platinum\n" + // 2: attribute changed
				"B,South,\n" + // 3: attribute removed
				"C,East,bronze\n" + // 4: attribute added
				"E,West,gold\n" + // 5: new
				"E,West,silver\n" + // 6: repeat, attribute differs: conflict
				"A,North,platinum\n" + // 7: repeat, identical
				padding("P%d,North,gold\n")
			s = imp(fidelis.Customers, batch, false)
			if s.Stored != 1+n || s.Differ != 3 || s.Duplicates != 4 || s.Conflicts != 1 {
				t.Fatalf("customers, insert: %+v", s)
			}
			tiers := func() string {
				return value(`SELECT string_agg(c.customer_id || ':' || coalesce(a.value, '-'), ' ' ORDER BY c.customer_id)
					FROM customers c LEFT JOIN customer_attrs a ON a.customer_id = c.customer_id AND a.name = 'tier' WHERE c.customer_id NOT LIKE 'P%'`)
			}
			if got := tiers(); got != "A:gold B:silver C:- E:gold" {
				t.Errorf("after the insert: %s", got)
			}
			s = imp(fidelis.Customers, batch, true)
			if s.Stored != 0 || s.Updated != 3 || s.Duplicates != 2+n || s.Conflicts != 1 {
				t.Fatalf("customers, update: %+v", s)
			}
			if got := tiers(); got != "A:platinum B:- C:bronze E:gold" {
				t.Errorf("after the update: %s", got)
			}
			if s = imp(fidelis.Customers, batch, true); s.Updated != 0 || s.Duplicates != 5+n {
				t.Errorf("customers, retried update: %+v", s)
			}
			var attrs int64
			st.DB().QueryRow(`SELECT count(*) FROM customer_attrs`).Scan(&attrs)
			if want := 3 + n; attrs != want {
				t.Errorf("%d attribute rows, want %d (A, C, E and the padding; no stale ones)", attrs, want)
			}
		})
	}
}

// TestStoredIDCache: the stored-id hashes small imports consult stay a superset of the stored
// ids whatever wrote them — a bulk import into the empty table, a large import into a filled one,
// small ones — and a deleted id can be imported again.
func TestStoredIDCache(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	imp := func(body string) ingest.Summary {
		t.Helper()
		sum, err := ingest.ImportReader(ctx, st, fidelis.Orders, "batch.csv", strings.NewReader("order_id,customer_id,timestamp,amount\n"+body), ingest.Options{Batch: true})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	rows := func(prefix string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s%d,A,2024-01-01,1\n", prefix, i)
		}
		return b.String()
	}
	if s := imp(rows("a", 20000)); s.Stored != 20000 { // direct: into the empty table
		t.Fatalf("bulk: %+v", s)
	}
	if s := imp(rows("a", 5) + rows("b", 5)); s.Stored != 5 || s.Duplicates != 5 { // builds the set
		t.Fatalf("small after bulk: %+v", s)
	}
	if s := imp(rows("c", 10001)); s.Stored != 10001 { // staged, too many ids to add one by one
		t.Fatalf("large: %+v", s)
	}
	if s := imp(rows("c", 3) + rows("b", 5) + rows("d", 2)); s.Stored != 2 || s.Duplicates != 8 {
		t.Fatalf("small after large: %+v, want the large import's and the last batch's ids recognised", s)
	}
	if del, err := st.Delete(ctx, fidelis.Orders, []string{"d0"}); err != nil || len(del) != 1 {
		t.Fatalf("delete: %v %v", del, err)
	}
	if s := imp(rows("d", 2)); s.Stored != 1 || s.Duplicates != 1 {
		t.Fatalf("after deleting d0: %+v, want d0 stored again", s)
	}
	if c, _ := st.Counts(ctx); c[fidelis.Orders] != 20000+5+10001+2 {
		t.Errorf("%d orders", c[fidelis.Orders])
	}
}

// TestRetriedBatchReadsNoTable: a batch this process stored, sent again, is recognised from the
// idCache's recent ids without reading the table — also after an update replaced some of its
// records — while a changed row, an id stored by a bulk import, or an id deleted since is still
// checked against the table (and so counted right).
func TestRetriedBatchReadsNoTable(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	imp := func(body string, update bool) ingest.Summary {
		t.Helper()
		sum, err := ingest.ImportReader(ctx, st, fidelis.Orders, "batch.csv", strings.NewReader("order_id,customer_id,timestamp,amount\n"+body),
			ingest.Options{Batch: true, Update: update})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	rows := func(prefix string, n int, amount func(i int) int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s%d,A,2024-01-01,%d\n", prefix, i, amount(i))
		}
		return b.String()
	}
	one := func(int) int { return 1 }
	changed := func(i int) int { return 1 + 10*max(0, 1-i%1000) } // x0 costs 11, the rest 1
	imp(rows("a", 20000, one), false)                             // bulk, into the empty table
	if s := imp(rows("x", 1000, one), false); s.Stored != 1000 {
		t.Fatalf("first batch: %+v", s)
	}
	look := st.TableLookups()
	check := func(what string, s ingest.Summary, stored, updated, dups, differ, lookups int64) {
		t.Helper()
		if s.Stored != stored || s.Updated != updated || s.Duplicates != dups || s.Differ != differ {
			t.Errorf("%s: %+v, want stored %d updated %d duplicates %d differ %d", what, s, stored, updated, dups, differ)
		}
		if got := st.TableLookups() - look; got != lookups {
			t.Errorf("%s: %d table lookups, want %d", what, got, lookups)
		}
		look = st.TableLookups()
	}
	check("retried", imp(rows("x", 1000, one), false), 0, 0, 1000, 0, 0)
	check("retried with x0 changed", imp(rows("x", 1000, changed), false), 0, 0, 1000, 1, 1)
	check("x0 updated", imp(rows("x", 1000, changed), true), 0, 1, 999, 0, 1)
	check("the update retried", imp(rows("x", 1000, changed), true), 0, 0, 1000, 0, 0)
	check("ids of the bulk import", imp(rows("a", 3, one), false), 0, 0, 3, 0, 1)
	if _, err := st.Delete(ctx, fidelis.Orders, []string{"x7"}); err != nil {
		t.Fatal(err)
	}
	check("after deleting x7", imp(rows("x", 1000, changed), false), 1, 0, 999, 0, 1)
	var x0 float64
	st.DB().QueryRow(`SELECT amount FROM orders WHERE order_id = 'x0'`).Scan(&x0)
	if c, _ := st.Counts(ctx); c[fidelis.Orders] != 21000 || x0 != 11 {
		t.Errorf("%d orders, x0 = %v; want 21000 and 11", c[fidelis.Orders], x0)
	}
}

// TestGroupSegments: imports applied in one transaction (BeginGroup) are each accounted as if
// applied alone in turn — a later segment sees the earlier ones' records as stored, repeats and
// conflicts are per segment — nothing is visible or remembered before Commit, and a rolled-back
// group leaves nothing, not even in the idCache.
func TestGroupSegments(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	row := func(line int64, id string, amount float64) fidelis.Row {
		return fidelis.Row{Line: line, Values: []any{id, "A", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), amount, nil, nil, nil}}
	}
	count := func() int64 {
		c, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c[fidelis.Orders]
	}
	if n := len(fidelis.Schemas[fidelis.Orders].Fields); n != 7 {
		t.Fatalf("orders have %d fields; the rows here have 7", n)
	}
	segments := [][]fidelis.Row{
		{row(2, "o1", 10), row(3, "o2", 20)},
		{row(2, "o2", 20), row(3, "o3", 30), row(4, "o3", 31), row(5, "o1", 10)}, // o2, o1 stored by segment 1
		{row(2, "o2", 25), row(3, "o4", 40)},                                     // o2 differs from segment 1's
	}
	want := []fidelis.Committed{
		{Stored: 2},
		{Stored: 1, Duplicates: 2, Conflicts: []fidelis.Conflict{{Line: 4, FirstLine: 3, ID: "o3"}}},
		{Stored: 1, Duplicates: 1, Differ: 1},
	}
	run := func(commit bool) {
		t.Helper()
		g, err := st.BeginGroup(ctx, fidelis.Orders, fidelis.Insert)
		if err != nil {
			t.Fatal(err)
		}
		for i, rows := range segments {
			if err := g.Write(ctx, rows); err != nil {
				t.Fatal(err)
			}
			c, err := g.Segment(ctx, fmt.Sprintf("batch %d", i), 0)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(c) != fmt.Sprint(want[i]) {
				t.Errorf("segment %d: %+v, want %+v", i, c, want[i])
			}
		}
		if n := count(); n != 0 {
			t.Errorf("%d orders visible before the group's commit", n)
		}
		if commit {
			if err := g.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		} else if err := g.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
	run(false)
	if n := count(); n != 0 {
		t.Fatalf("%d orders after a rolled-back group", n)
	}
	run(true) // the same counts: the rolled-back group left nothing behind, in the table or the idCache
	if n := count(); n != 4 {
		t.Errorf("%d orders after the group, want 4", n)
	}
	var logged int64
	st.DB().QueryRow(`SELECT count(*) FROM imports WHERE source LIKE 'batch %'`).Scan(&logged)
	if logged != 3 {
		t.Errorf("%d imports logged, want 3 (the committed group's)", logged)
	}
}

// TestCurrenciesFollowWrites: the orders' currencies, kept between writes, follow every write
// that changes them — a new currency inserted alone or in a group, a deletion, an update that
// replaces the last order of a currency — and stay right across inserts of known ones.
func TestCurrenciesFollowWrites(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	row := func(id, cur string) fidelis.Row {
		return fidelis.Row{Line: 2, Values: []any{id, "A", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1.0, cur, nil, nil}}
	}
	write := func(mode fidelis.ImportMode, rows ...fidelis.Row) {
		t.Helper()
		w, err := st.Begin(ctx, fidelis.Orders, "t", mode)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, rows); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	want := func(what string, codes ...string) {
		t.Helper()
		got, err := st.Currencies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if fmt.Sprint(got) != fmt.Sprint(codes) {
			t.Errorf("%s: currencies %v, want %v", what, got, codes)
		}
	}
	want("empty")
	write(fidelis.Insert, row("o1", "USD"))
	want("first order", "USD")
	write(fidelis.Insert, row("o2", "USD"), row("o3", ""))
	want("orders of the known currency", "USD")
	write(fidelis.Insert, row("o4", "PLN"))
	want("a second currency", "PLN", "USD")
	if _, err := st.Delete(ctx, fidelis.Orders, []string{"o4"}); err != nil {
		t.Fatal(err)
	}
	want("its order deleted", "USD")
	g, err := st.BeginGroup(ctx, fidelis.Orders, fidelis.Insert)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []fidelis.Row{row("o5", "USD"), row("o6", "EUR")} {
		if err := g.Write(ctx, []fidelis.Row{r}); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Segment(ctx, fmt.Sprint(i), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	want("a group naming EUR", "EUR", "USD")
	write(fidelis.Update, row("o6", "USD"))
	want("EUR's one order updated to USD", "USD")
}

// TestEmptyStagedImport: an import whose every row is rejected, into a filled table, alone or as
// a group's segment, stores nothing and fails nothing.
func TestEmptyStagedImport(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	head := "order_id,customer_id,timestamp,amount\n"
	for i, body := range []string{"o1,A,2024-01-01,1\n", "o2,A,2024-01-01,abc\n"} {
		s, err := ingest.ImportReader(ctx, st, fidelis.Orders, "b.csv", strings.NewReader(head+body), ingest.Options{Batch: true, KeepRejects: 1})
		if err != nil || s.Stored+s.Rejected != 1 {
			t.Fatalf("import %d: %v %+v", i, err, s)
		}
	}
	g, err := st.BeginGroup(ctx, fidelis.Orders, fidelis.Insert)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := g.Segment(ctx, "empty", 3); err != nil || c.Stored+c.Duplicates != 0 {
		t.Fatalf("empty segment: %v %+v", err, c)
	}
	if err := g.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
