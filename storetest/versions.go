package storetest

import (
	"context"
	"testing"

	"fidelis"
	"fidelis/ingest"
)

func init() { AddCase("Versions", testVersions) }

// testVersions: each committed change advances the version of the kinds it changed and of no
// other; an import that stores nothing, or a deletion that finds nothing, advances none.
func testVersions(t *testing.T, st fidelis.Store) {
	defer st.Close()
	ctx := context.Background()
	kinds := append(append([]fidelis.Kind{}, fidelis.Kinds...), fidelis.SettingsKind)
	snap := func() map[fidelis.Kind]int64 {
		m := map[fidelis.Kind]int64{}
		for _, k := range kinds {
			m[k] = st.Version(k)
		}
		m[""] = st.Version()
		return m
	}
	step := func(what string, do func(), changed ...fidelis.Kind) {
		t.Helper()
		before := snap()
		do()
		after := snap()
		want := map[fidelis.Kind]bool{}
		for _, k := range changed {
			want[k] = true
		}
		for _, k := range kinds {
			if moved := after[k] > before[k]; moved != want[k] || after[k] < before[k] {
				t.Errorf("%s: version of %s %d → %d, want changed = %t", what, k, before[k], after[k], want[k])
			}
		}
		if moved := after[""] > before[""]; moved != (len(changed) > 0) {
			t.Errorf("%s: overall version %d → %d, want changed = %t", what, before[""], after[""], len(changed) > 0)
		}
	}
	step("import customers and orders", func() { loadOrders(t, st) }, fidelis.Customers, fidelis.Orders)
	step("the same orders again (all duplicates)", func() { importFile(t, st, fidelis.Orders, ordersCSV, ingest.Options{}) })
	step("an order updated", func() {
		importFile(t, st, fidelis.Orders, "order_id,customer_id,date,amount\no1,A,2024-01-15,11\n", ingest.Options{Update: true})
	}, fidelis.Orders)
	step("surveys imported", func() {
		importFile(t, st, fidelis.Surveys, "response_id,customer_id,timestamp,kind,score\ns1,A,2024-02-01,nps,9\n", ingest.Options{})
	}, fidelis.Surveys)
	step("delete of an unknown id", func() {
		if _, err := st.Delete(ctx, fidelis.Orders, []string{"nope"}); err != nil {
			t.Fatal(err)
		}
	})
	step("delete of an order", func() {
		if _, err := st.Delete(ctx, fidelis.Orders, []string{"o2"}); err != nil {
			t.Fatal(err)
		}
	}, fidelis.Orders)
	step("a setting", func() {
		if err := st.SetSetting(ctx, fidelis.SettingIndustry, "retail"); err != nil {
			t.Fatal(err)
		}
	}, fidelis.SettingsKind)
	// A (with an attribute), three orders and the survey answer.
	step("forget A", func() {
		if _, err := st.Forget(ctx, []string{"A"}); err != nil {
			t.Fatal(err)
		}
	}, fidelis.Customers, fidelis.Orders, fidelis.Surveys)
}
