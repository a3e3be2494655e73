package storetest

import (
	"context"
	"reflect"
	"testing"

	"fidelis"
	"fidelis/ingest"
)

func init() { AddCase("ImportQuality", testImportQuality) }

// testImportQuality pins what an import reports about its own kind while other kinds hold
// records naming unknown customers: only this file's unknown customers count, customers known is
// the customers table, and a store's KindQuality (what imports ask for) agrees with its Quality
// for that kind. Orders come first (all 10 name customers not imported yet), then the customers,
// then surveys with one answer naming a stranger, then orders naming two.
func testImportQuality(t *testing.T, st fidelis.Store) {
	defer st.Close()
	type want struct{ stored, unknown, known int64 }
	for _, f := range []struct {
		kind fidelis.Kind
		body string
		want want
	}{
		{fidelis.Orders, ordersCSV, want{10, 10, 0}},
		{fidelis.Customers, customersCSV, want{5, 0, 5}},
		{fidelis.Surveys, "response_id,customer_id,date,kind,score\ns1,A,2024-02-01,nps,9\ns2,Z,2024-02-02,nps,3\n", want{2, 1, 5}},
		{fidelis.Orders, "order_id,customer_id,date,amount\no11,Z,2024-05-01,7\no12,Y,2024-05-02,8\no13,A,2024-05-03,9\n", want{3, 2, 5}},
	} {
		sum, _ := importFile(t, st, f.kind, f.body, ingest.Options{})
		if got := (want{sum.Stored, sum.UnknownCustomers, sum.CustomersKnown}); got != f.want {
			t.Errorf("import %s: stored, unknown customers, customers known = %v, want %v", f.kind, got, f.want)
		}
	}
	kq, ok := st.(interface {
		KindQuality(context.Context, fidelis.Kind) (fidelis.Quality, error)
	})
	if !ok {
		return
	}
	ctx := context.Background()
	whole, err := st.Quality(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if whole.UnknownCustomers[fidelis.Orders] != 2 || whole.UnknownCustomers[fidelis.Surveys] != 1 {
		t.Errorf("Quality unknown customers %v, want orders 2, surveys 1", whole.UnknownCustomers)
	}
	for _, k := range []fidelis.Kind{fidelis.Customers, fidelis.Orders, fidelis.Surveys, fidelis.Exits} {
		got, err := kq.KindQuality(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if got.Customers != whole.Customers || got.UnknownCustomers[k] != whole.UnknownCustomers[k] || got.LegacyIDs[k] != whole.LegacyIDs[k] {
			t.Errorf("KindQuality(%s) %+v, Quality says %+v", k, got, whole)
		}
		if k == fidelis.Orders && !reflect.DeepEqual(got.Currencies, whole.Currencies) {
			t.Errorf("KindQuality(orders) currencies %+v, Quality %+v", got.Currencies, whole.Currencies)
		}
	}
}
