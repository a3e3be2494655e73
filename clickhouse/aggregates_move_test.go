//go:build cgo

// This test compares with the embedded DuckDB store, which needs cgo; without it the rest of the
// package's tests still run.

package clickhouse_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fidelis"
	"fidelis/clickhouse"
	"fidelis/duckdb"
	"fidelis/ingest"
	"fidelis/synth"
)

// movedAggregates are the aggregates written once in package sqlstore that a ClickHouse store
// must answer exactly as DuckDB does; each gives its results for several queries.
type movedAggregates interface {
	SubscriptionMovements(ctx context.Context, q fidelis.Query) ([]fidelis.SubscriptionCell, error)
	CustomerIDs(ctx context.Context, sel fidelis.CustomerSelection) ([]string, error)
	Summaries(ctx context.Context, q fidelis.Query, calEnd, obsEnd time.Time, fn func(fidelis.CustomerSummary) error) error
	ProgramCustomers(ctx context.Context, q fidelis.Query, fn func(fidelis.ProgramCustomer) error) error
	ChurnRows(ctx context.Context, asOf, until time.Time, fn func(fidelis.ChurnRow) error) error
}

// TestMovedAggregates imports a small synthetic company (every kind of record) into DuckDB, a
// ClickHouse server and the two-shard cluster, and compares the aggregates moved into sqlstore:
// counts and ids exactly, money and rates to 1e-9 relative (sums of doubles in another order).
func TestMovedAggregates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	man, err := synth.Write(ctx, dir, synth.Config{Customers: 300, Seed: 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	load := func(t *testing.T, st fidelis.Store) {
		for _, k := range fidelis.Kinds {
			p, ok := man.Files[k]
			if !ok {
				continue
			}
			sum, err := ingest.Import(ctx, st, k, p, ingest.Options{Rejects: t.TempDir() + "/rejects.csv"})
			if err != nil {
				t.Fatalf("import %s: %v", k, err)
			}
			if sum.Stored == 0 {
				t.Fatalf("import %s: nothing stored: %+v", k, sum)
			}
		}
	}
	ddb, err := duckdb.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer ddb.Close()
	load(t, ddb)
	want := results(t, ddb)
	if len(want) == 0 {
		t.Fatal("no results")
	}
	modes(t, func(t *testing.T, st *clickhouse.Store) {
		load(t, importer{ch: st})
		got := results(t, st)
		for _, name := range sortedNames(want) {
			if _, ok := got[name]; !ok {
				t.Errorf("%s: missing", name)
				continue
			}
			if d := sameValues(name, reflect.ValueOf(got[name]), reflect.ValueOf(want[name])); d != "" {
				t.Errorf("%s", d)
			}
		}
	})
}

// results runs each moved aggregate with a set of queries and names each result.
func results(t *testing.T, st movedAggregates) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	check := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = v
	}
	from := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []fidelis.Query{
		{Grain: fidelis.Month},
		{Grain: fidelis.Week, From: from, To: to},
		{Grain: fidelis.Quarter, By: "region"},
		{Grain: fidelis.Day, From: from, To: from.AddDate(0, 2, 0), By: "segment"},
	} {
		cells, err := st.SubscriptionMovements(ctx, q)
		check(fmt.Sprintf("SubscriptionMovements %+v", q), cells, err)
	}
	for i, sel := range []fidelis.CustomerSelection{
		{},
		{By: "region", Segment: "West"},
		{By: "segment", Segment: "consumer"},
		{InCohort: true, Grain: fidelis.Month, Cohort: fidelis.Month.Index(time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC)), Offset: 3},
		{InCohort: true, Grain: fidelis.Quarter, Cohort: fidelis.Quarter.Index(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), By: "region", Segment: "North"},
	} {
		ids, err := st.CustomerIDs(ctx, sel)
		check(fmt.Sprintf("CustomerIDs %d %+v", i, sel), ids, err)
	}
	for _, c := range []struct {
		q           fidelis.Query
		calEnd, end time.Time
	}{
		{fidelis.Query{}, from, to},
		{fidelis.Query{By: "region"}, to, to.AddDate(1, 0, 0)},
		{fidelis.Query{By: "segment"}, from.Add(13 * time.Hour), from.AddDate(0, 5, 0)},
	} {
		var sums []fidelis.CustomerSummary
		err := st.Summaries(ctx, c.q, c.calEnd, c.end, func(s fidelis.CustomerSummary) error { sums = append(sums, s); return nil })
		// The order of customers is open.
		slices.SortFunc(sums, func(a, b fidelis.CustomerSummary) int { return strings.Compare(a.Customer, b.Customer) })
		check(fmt.Sprintf("Summaries %+v", c), sums, err)
	}
	for _, q := range []fidelis.Query{{}, {To: from}, {By: "segment", To: to}} {
		var pcs []fidelis.ProgramCustomer
		err := st.ProgramCustomers(ctx, q, func(c fidelis.ProgramCustomer) error { pcs = append(pcs, c); return nil })
		check(fmt.Sprintf("ProgramCustomers %+v", q), pcs, err)
	}
	for _, asOf := range []time.Time{from, to.Add(-5 * time.Hour)} {
		var rows []fidelis.ChurnRow
		err := st.ChurnRows(ctx, asOf, asOf.AddDate(0, 3, 0), func(r fidelis.ChurnRow) error { rows = append(rows, r); return nil })
		check(fmt.Sprintf("ChurnRows %s", asOf), rows, err)
	}
	for name, v := range out {
		if reflect.ValueOf(v).Len() == 0 && !strings.HasPrefix(name, "CustomerIDs") {
			t.Errorf("%s: empty: the fixture does not exercise it", name)
		}
	}
	return out
}

func sortedNames(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
