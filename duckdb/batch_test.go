package duckdb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// gatedStore is a DuckDB store whose first write waits at a gate (so that batches queue behind
// it and form a group) and whose writes fail when they carry the order id "poison".
type gatedStore struct {
	*duckdb.Store
	entered, gate chan struct{}
	once          sync.Once
	groups        atomic.Int64
}

var errPoison = errors.New("poisoned batch")

func (s *gatedStore) wait() {
	s.once.Do(func() {
		close(s.entered)
		<-s.gate
	})
}

func (s *gatedStore) close() (entered, gate chan struct{}) {
	s.entered, s.gate, s.once = make(chan struct{}), make(chan struct{}), sync.Once{}
	return s.entered, s.gate
}

func (s *gatedStore) Begin(ctx context.Context, kind fidelis.Kind, source string, mode fidelis.ImportMode) (fidelis.Writer, error) {
	s.wait()
	w, err := s.Store.Begin(ctx, kind, source, mode)
	return &poisonWriter{Writer: w}, err
}

func (s *gatedStore) BeginGroup(ctx context.Context, kind fidelis.Kind, mode fidelis.ImportMode) (fidelis.GroupWriter, error) {
	s.wait()
	s.groups.Add(1)
	g, err := s.Store.BeginGroup(ctx, kind, mode)
	return &poisonGroup{GroupWriter: g}, err
}

func poisoned(rows []fidelis.Row) bool {
	for _, r := range rows {
		if r.Values[0] == "poison" {
			return true
		}
	}
	return false
}

type poisonWriter struct {
	fidelis.Writer
	bad bool
}

func (w *poisonWriter) Write(ctx context.Context, rows []fidelis.Row) error {
	w.bad = w.bad || poisoned(rows)
	return w.Writer.Write(ctx, rows)
}

func (w *poisonWriter) Commit(ctx context.Context, rejected int64) (fidelis.Committed, error) {
	if w.bad {
		w.Rollback()
		return fidelis.Committed{}, errPoison
	}
	return w.Writer.Commit(ctx, rejected)
}

type poisonGroup struct {
	fidelis.GroupWriter
	bad bool
}

func (g *poisonGroup) Write(ctx context.Context, rows []fidelis.Row) error {
	g.bad = poisoned(rows)
	return g.GroupWriter.Write(ctx, rows)
}

// Segment stores the poisoned segment, as a statement failing late would, then fails.
func (g *poisonGroup) Segment(ctx context.Context, source string, rejected int64) (fidelis.Committed, error) {
	c, err := g.GroupWriter.Segment(ctx, source, rejected)
	if err == nil && g.bad {
		g.Rollback()
		return fidelis.Committed{}, errPoison
	}
	return c, err
}

// TestBatcherGroups: batches that queue while one is written are committed in one group, each
// answered with its own accounting (ids overlapping within the group are stored once); when one
// batch of a group fails, the group is rolled back and the others are applied alone — stored
// once, not lost (the rolled-back group must leave no trace in the idCache) — and only the
// failing batch gets an error.
func TestBatcherGroups(t *testing.T) {
	ctx := context.Background()
	db, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := &gatedStore{Store: db}
	b := ingest.NewBatcher(st)
	body := func(ids ...string) []byte {
		var sb strings.Builder
		sb.WriteString("order_id,customer_id,timestamp,amount\n")
		for _, id := range ids {
			fmt.Fprintf(&sb, "%s,C1,2024-01-01,5\n", id)
		}
		return []byte(sb.String())
	}
	type result struct {
		sum ingest.Summary
		err error
	}
	send := func(name string, ids ...string) chan result {
		ch := make(chan result, 1)
		go func() {
			sum, err := b.Import(ctx, fidelis.Orders, name, body(ids...), ingest.Options{KeepRejects: 10})
			ch <- result{sum, err}
		}()
		return ch
	}
	queue := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); b.Waiting() < n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d batches waiting, want %d", b.Waiting(), n)
			}
		}
	}
	check := func(what string, r result, stored, dups int64) {
		t.Helper()
		if r.err != nil || r.sum.Stored != stored || r.sum.Duplicates != dups || r.sum.Read != stored+dups {
			t.Errorf("%s: %v %+v, want %d stored, %d duplicates", what, r.err, r.sum, stored, dups)
		}
	}

	// round sends the first batch, whose write waits at the gate, then the others one by one,
	// each queued behind it, and opens the gate.
	round := func(batches ...[]string) []chan result {
		entered, gate := st.close()
		out := []chan result{send("batch 0", batches[0]...)}
		<-entered
		for i, ids := range batches[1:] {
			out = append(out, send(fmt.Sprint("batch ", i+1), ids...))
			queue(i + 1)
		}
		close(gate)
		return out
	}

	// A good group: b and c overlap on o3, and c repeats a's o1.
	r := round([]string{"o1", "o2"}, []string{"o3", "o4"}, []string{"o3", "o5", "o1"})
	check("a", <-r[0], 2, 0)
	check("b", <-r[1], 2, 0)
	check("c", <-r[2], 1, 2)
	if n := st.groups.Load(); n != 2 {
		t.Errorf("%d groups, want 2 (a, then b and c together)", n)
	}

	// A group with a poisoned batch (e): d and f are stored alone after the group's rollback.
	r = round([]string{"o6"}, []string{"o7", "o8"}, []string{"o9", "poison"}, []string{"o8", "o10", "o2"})
	check("g", <-r[0], 1, 0)
	check("d", <-r[1], 2, 0)
	if e := <-r[2]; !errors.Is(e.err, errPoison) {
		t.Errorf("e: %v %+v, want the poison error", e.err, e.sum)
	}
	check("f", <-r[3], 1, 2)
	if n := st.groups.Load(); n != 4 {
		t.Errorf("%d groups, want 4", n)
	}
	var ids string
	db.DB().QueryRow(`SELECT string_agg(order_id, ' ' ORDER BY order_id) FROM orders`).Scan(&ids)
	if ids != "o1 o10 o2 o3 o4 o5 o6 o7 o8" {
		t.Errorf("stored %q, want o1–o8 and o10 once each, nothing of e", ids)
	}
}

// TestBatcherCustomersKnown: each batch's answer reports the store's customers as they are after
// its commit, whatever changed them in between (the Batcher reads the count again only after a
// change to customers: a batch of them, a file import, a deletion).
func TestBatcherCustomersKnown(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := ingest.NewBatcher(st)
	batch := func(kind fidelis.Kind, body string, want int64) {
		t.Helper()
		sum, err := b.Import(ctx, kind, "batch.csv", []byte(body), ingest.Options{})
		if err != nil || sum.CustomersKnown != want {
			t.Fatalf("%s batch: %v, %d customers known, want %d", kind, err, sum.CustomersKnown, want)
		}
	}
	orders := "order_id,customer_id,timestamp,amount\n"
	batch(fidelis.Customers, "customer_id\nA\nB\n", 2)
	batch(fidelis.Orders, orders+"o1,A,2024-01-01,5\n", 2)
	batch(fidelis.Customers, "customer_id\nC\n", 3)
	batch(fidelis.Orders, orders+"o2,A,2024-01-01,5\n", 3)
	if _, err := ingest.ImportReader(ctx, st, fidelis.Customers, "more.csv", strings.NewReader("customer_id\nD\nE\n"), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	batch(fidelis.Orders, orders+"o3,A,2024-01-01,5\n", 5)
	if _, err := st.Delete(ctx, fidelis.Customers, []string{"B"}); err != nil {
		t.Fatal(err)
	}
	batch(fidelis.Orders, orders+"o4,A,2024-01-01,5\n", 4)
}
