package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fidelis"
)

func init() { AddCase("Currencies", testCurrencies) }

// testCurrencies: Currencies names the store's one currency, or two when orders mix them, and
// agrees with Quality.Currency; orders naming none do not count.
func testCurrencies(t *testing.T, st fidelis.Store) {
	defer st.Close()
	ctx := context.Background()
	check := func(want []string, mixed bool) {
		t.Helper()
		got, err := st.Currencies(ctx)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("currencies %q %v, want %q", got, err, want)
		}
		q, err := st.Quality(ctx)
		if code, m := q.Currency(); err != nil || m != mixed || (!mixed && code != "" && code != want[0]) {
			t.Errorf("quality says %q mixed %v (%v); Currencies %q", code, m, err, got)
		}
	}
	check(nil, false)
	write := func(id, currency string) {
		t.Helper()
		w, err := st.Begin(ctx, fidelis.Orders, "currencies.csv", fidelis.Insert)
		if err != nil {
			t.Fatal(err)
		}
		var cur any
		if currency != "" {
			cur = currency
		}
		if err := w.Write(ctx, []fidelis.Row{{Line: 2, Values: []any{id, "A", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 10.0, cur, nil, nil}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	write("o1", "")
	check(nil, false)
	write("o2", "EUR")
	write("o3", "EUR")
	check([]string{"EUR"}, false)
	write("o4", "USD")
	if got, err := st.Currencies(ctx); err != nil || len(got) != 2 || got[0] == got[1] {
		t.Errorf("a store mixing EUR and USD: currencies %q %v, want both", got, err)
	}
}
