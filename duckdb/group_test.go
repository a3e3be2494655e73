package duckdb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/duckdb"
)

// groupRun applies segments of kind in one group and returns each segment's Committed.
func groupRun(t *testing.T, st *duckdb.Store, kind fidelis.Kind, mode fidelis.ImportMode, segments ...[]fidelis.Row) []fidelis.Committed {
	t.Helper()
	ctx := context.Background()
	g, err := st.BeginGroup(ctx, kind, mode)
	if err != nil {
		t.Fatal(err)
	}
	var out []fidelis.Committed
	for i, rows := range segments {
		if err := g.Write(ctx, rows); err != nil {
			t.Fatal(err)
		}
		c, err := g.Segment(ctx, fmt.Sprintf("segment %d", i), 1)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := g.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return out
}

func orderRow(line int64, id string, amount float64) fidelis.Row {
	return fidelis.Row{Line: line, Values: []any{id, "A", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), amount, nil, nil, nil}}
}

// TestGroupSettledSegments: segments settled without SQL (new ids, or ids stored lately with the
// same values) mix with segments checked in SQL in one group: a SQL check sees the rows settled
// before it, a settled segment reads no table, the import log has every segment's counts, and
// customers' attributes appended with a settled segment are replaced by a later update.
func TestGroupSettledSegments(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A first record, so that the table is not empty and the idCache's set is read.
	groupRun(t, st, fidelis.Orders, fidelis.Insert, []fidelis.Row{orderRow(2, "o0", 1)})
	look := st.TableLookups()
	got := groupRun(t, st, fidelis.Orders, fidelis.Insert,
		[]fidelis.Row{orderRow(2, "o1", 10), orderRow(3, "o2", 20)},  // new: settled
		[]fidelis.Row{orderRow(2, "o3", 30), orderRow(3, "o2", 21)},  // o2 differs from segment 0's: SQL
		[]fidelis.Row{orderRow(2, "o1", 10), orderRow(3, "o2", 20)},  // as segment 0: settled, duplicates
		[]fidelis.Row{orderRow(2, "o4", 40), orderRow(3, "o0", 1)},   // o0 stored by the first group: settled
		[]fidelis.Row{orderRow(2, "o5", 50), orderRow(3, "o0", 1.5)}, // o0 differs: SQL
	)
	want := []fidelis.Committed{{Stored: 2}, {Stored: 1, Duplicates: 1, Differ: 1}, {Duplicates: 2}, {Stored: 1, Duplicates: 1}, {Stored: 1, Duplicates: 1, Differ: 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("segments: %+v, want %+v", got, want)
	}
	if n := st.TableLookups() - look; n != 2 {
		t.Errorf("%d table lookups, want 2 (segments 1 and 4)", n)
	}
	var amounts, log string
	st.DB().QueryRow(`SELECT string_agg(order_id || '=' || amount, ' ' ORDER BY order_id) FROM orders`).Scan(&amounts)
	if amounts != "o0=1.0 o1=10.0 o2=20.0 o3=30.0 o4=40.0 o5=50.0" {
		t.Errorf("stored %s", amounts)
	}
	st.DB().QueryRow(`SELECT string_agg(concat_ws(':', source, "read", stored, rejected, duplicates), ' ' ORDER BY source)
		FROM imports WHERE kind = 'orders' AND source LIKE 'segment%' AND stored + duplicates > 1`).Scan(&log)
	if log != "segment 0:3:2:1:0 segment 1:3:1:1:1 segment 2:3:0:1:2 segment 3:3:1:1:1 segment 4:3:1:1:1" {
		t.Errorf("import log: %s", log)
	}

	// Customers in Update mode: attributes appended by a settled segment, then replaced.
	cust := func(line int64, id, tier string) fidelis.Row {
		return fidelis.Row{Line: line, Values: []any{id, nil, nil, nil, nil, nil, nil, nil}[:len(fidelis.Schemas[fidelis.Customers].Fields)],
			Attrs: []fidelis.Attr{{Name: "tier", Value: tier}}}
	}
	groupRun(t, st, fidelis.Customers, fidelis.Insert, []fidelis.Row{cust(2, "Z", "gold")})
	got = groupRun(t, st, fidelis.Customers, fidelis.Update,
		[]fidelis.Row{cust(2, "A", "gold"), cust(3, "B", "silver")}, // new: settled
		[]fidelis.Row{cust(2, "A", "platinum")},                     // replaces segment 0's A
		[]fidelis.Row{cust(2, "B", "silver")},                       // as segment 0: settled
	)
	want = []fidelis.Committed{{Stored: 2}, {Updated: 1}, {Duplicates: 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("customer segments: %+v, want %+v", got, want)
	}
	var tiers string
	st.DB().QueryRow(`SELECT string_agg(customer_id || ':' || value, ' ' ORDER BY customer_id) FROM customer_attrs`).Scan(&tiers)
	if tiers != "A:platinum B:silver Z:gold" {
		t.Errorf("attributes: %s", tiers)
	}
}

// TestGroupAfterLargeSegment: after a segment too large for its ids to be followed replaced a
// record in Update mode, a later segment of the same group that sends the record's earlier
// values is checked against the table (the ids remembered from before no longer tell), so it
// replaces the record again instead of counting a duplicate.
func TestGroupAfterLargeSegment(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	groupRun(t, st, fidelis.Orders, fidelis.Insert, []fidelis.Row{orderRow(2, "seed", 1)})
	groupRun(t, st, fidelis.Orders, fidelis.Insert, []fidelis.Row{orderRow(2, "x0", 10)}) // remembered as recent
	large := []fidelis.Row{orderRow(2, "x0", 11)}
	for i := range 10001 {
		large = append(large, orderRow(int64(i+3), fmt.Sprint("p", i), 1))
	}
	got := groupRun(t, st, fidelis.Orders, fidelis.Update, large, []fidelis.Row{orderRow(2, "x0", 10)})
	if got[0].Updated != 1 || got[0].Stored != 10001 || got[1].Updated != 1 || got[1].Duplicates != 0 {
		t.Errorf("segments: %+v, want x0 replaced by each", got)
	}
	var x0 float64
	st.DB().QueryRow(`SELECT amount FROM orders WHERE order_id = 'x0'`).Scan(&x0)
	if x0 != 10 {
		t.Errorf("x0 = %v, want 10 (the last segment's)", x0)
	}
	if s := strings.TrimSpace(fmt.Sprint(got[1].Conflicts)); s != "[]" {
		t.Errorf("conflicts %s", s)
	}
}
