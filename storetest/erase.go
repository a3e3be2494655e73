package storetest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fidelis"
	"fidelis/ingest"
)

func init() {
	AddCase("Update", testUpdate)
	AddCase("RepeatedIDs", testRepeatedIDs)
	AddCase("Delete", testDelete)
	AddCase("Forget", testForget)
	AddCase("Pseudonymised", testPseudonymised)
}

// testPseudonymised: the fixture imported with pseudonymised customer ids gives the same
// aggregates as testPurchases and testBreakdown (worked there by hand), and forgetting by
// pseudonym erases the customer.
func testPseudonymised(t *testing.T, st fidelis.Store) {
	defer st.Close()
	key := []byte("conformance-key-0123456789")
	for _, f := range []struct {
		kind fidelis.Kind
		body string
	}{{fidelis.Customers, customersCSV}, {fidelis.Orders, ordersCSV}} {
		if sum, _ := importFile(t, st, f.kind, f.body, ingest.Options{Pseudonymise: key}); sum.Rejected != 0 || !sum.Pseudonymised {
			t.Fatalf("import %s: %+v", f.kind, sum)
		}
	}
	got, err := st.Purchases(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	if want := []fidelis.PurchaseCell{{Buyers: 5, Repeaters: 3, Orders: 9, Gross: 110, Refunds: 5, Refunded: 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("purchases %+v, want %+v", got, want)
	}
	if got := buyersBy(t, st, "region"); !reflect.DeepEqual(got, map[string]int64{"North": 3, "South": 2}) {
		t.Errorf("by region %v: the orders no longer meet their customers", got)
	}
	e, err := st.Forget(context.Background(), []string{fidelis.Pseudonym(key, "A")})
	if err != nil || e.Removed[fidelis.Customers] != 1 || e.Removed[fidelis.Orders] != 3 {
		t.Errorf("forget by pseudonym: %+v %v", e, err)
	}
}

// importFile imports body as kind with opt and returns the summary; the rejects file, if any, is
// read back into rejects.
func importFile(t *testing.T, st fidelis.Store, kind fidelis.Kind, body string, opt ingest.Options) (ingest.Summary, [][]string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, string(kind)+".csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Rejects = filepath.Join(dir, "rejects.csv")
	sum, err := ingest.Import(context.Background(), st, kind, p, opt)
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	var rejects [][]string
	if b, err := os.ReadFile(opt.Rejects); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			rejects = append(rejects, strings.Split(l, ","))
		}
	}
	return sum, rejects
}

// buyersBy returns the all-history buyers per segment of a breakdown.
func buyersBy(t *testing.T, st fidelis.Store, by string) map[string]int64 {
	t.Helper()
	got, err := st.Purchases(context.Background(), fidelis.Query{Grain: fidelis.Month, By: by})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range got {
		out[c.Segment] = c.Buyers
	}
	return out
}

// testUpdate: a monthly customer refresh with a changed segment and attribute used to give
// "stored 0, duplicates 5"; Update mode replaces exactly the records that differ.
func testUpdate(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	// B moves from business to consumer, C's tier from gold to silver, F is new; A, D, E as before.
	refresh := `customer_id,region,segment,tier
A,North,consumer,gold
B,North,consumer,silver
C,South,consumer,silver
D,South,consumer,
E,North,business,silver
F,West,consumer,bronze
`
	sum, _ := importFile(t, st, fidelis.Customers, refresh, ingest.Options{})
	if sum.Stored != 1 || sum.Updated != 0 || sum.Duplicates != 5 || sum.Differ != 2 {
		t.Fatalf("insert mode: %+v, want stored 1 (F), duplicates 5 of which 2 differ", sum)
	}
	if got := buyersBy(t, st, "segment"); !reflect.DeepEqual(got, map[string]int64{"business": 2, "consumer": 3}) {
		t.Errorf("insert mode changed segments: %v", got)
	}
	sum, _ = importFile(t, st, fidelis.Customers, refresh, ingest.Options{Update: true})
	if sum.Read != 6 || sum.Stored != 0 || sum.Updated != 2 || sum.Duplicates != 4 || sum.Rejected != 0 {
		t.Fatalf("update: %+v, want updated 2 (B, C), duplicates 4", sum)
	}
	if got := buyersBy(t, st, "segment"); !reflect.DeepEqual(got, map[string]int64{"business": 1, "consumer": 4}) {
		t.Errorf("after update, buyers by segment %v, want business 1 (E), consumer 4", got)
	}
	if got := buyersBy(t, st, "tier"); !reflect.DeepEqual(got, map[string]int64{"(none)": 1, "gold": 1, "silver": 3}) {
		t.Errorf("after update, buyers by tier %v, want gold 1 (A), silver 3 (B, C, E)", got)
	}
	if n, _ := st.Counts(context.Background()); n[fidelis.Customers] != 6 {
		t.Errorf("%d customers after update, want 6", n[fidelis.Customers])
	}
	// Again: nothing differs any more.
	if sum, _ = importFile(t, st, fidelis.Customers, refresh, ingest.Options{Update: true}); sum.Updated != 0 || sum.Duplicates != 6 {
		t.Errorf("second update: %+v", sum)
	}
	// Orders: o8 corrected from 30 to 40, o11 new.
	sum, _ = importFile(t, st, fidelis.Orders, "order_id,customer_id,date,amount\no8,D,2024-04-15,40\no11,E,2024-04-01,10\n", ingest.Options{Update: true})
	if sum.Stored != 1 || sum.Updated != 1 {
		t.Fatalf("orders update: %+v", sum)
	}
	got, err := st.Purchases(context.Background(), fidelis.Query{Grain: fidelis.Month})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Gross != 130 || got[0].Orders != 10 {
		t.Errorf("purchases after the correction %+v, want gross 110 − 30 + 40 + 10 = 130 over 10 orders", got)
	}
}

// testRepeatedIDs: a file repeating an id with other values used to keep the first silently. The
// later row is now rejected naming the line kept, into an empty table and into a filled one, and
// for customers (whose attributes count too); an identical repeat stays a duplicate.
func testRepeatedIDs(t *testing.T, st fidelis.Store) {
	defer st.Close()
	orders := `order_id,customer_id,date,amount
o1,A,2024-01-15,10
o2,A,2024-02-15,10
o1,A,2024-01-15,12
o2,A,2024-02-15,10
`
	customers := `customer_id,region,tier
A,North,gold
A,North,silver
B,South,gold
B,South,gold
`
	for round, mode := range []string{"into an empty table", "into a filled table"} {
		for _, c := range []struct {
			kind fidelis.Kind
			body string
		}{{fidelis.Orders, orders}, {fidelis.Customers, customers}} {
			body := c.body
			if round == 1 {
				body = strings.ReplaceAll(body, "A,", "A2,")
				body = strings.ReplaceAll(body, "o1,", "o3,")
				body = strings.ReplaceAll(body, "o2,", "o4,")
				body = strings.ReplaceAll(body, "B,", "B2,")
			}
			sum, rejects := importFile(t, st, c.kind, body, ingest.Options{})
			if sum.Read != 4 || sum.Stored != 2 || sum.Duplicates != 1 || sum.Rejected != 1 || sum.Conflicts != 1 {
				t.Errorf("%s %s: %+v, want stored 2, duplicates 1, rejected 1 conflict", c.kind, mode, sum)
				continue
			}
			// Lines count from the header (line 1): the orders' conflict is line 4, the customers' 3.
			want := map[fidelis.Kind]string{fidelis.Orders: "4", fidelis.Customers: "3"}[c.kind]
			if len(rejects) != 1 || rejects[0][1] != want || !strings.Contains(rejects[0][5], "line 2") {
				t.Errorf("%s %s: rejects %q, want line %s naming line 2", c.kind, mode, rejects, want)
			}
		}
	}
	if got := buyersBy(t, st, ""); got[""] != 2 {
		t.Errorf("buyers %v", got)
	}
}

func testDelete(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadOrders(t, st)
	ctx := context.Background()
	got, err := st.Delete(ctx, fidelis.Orders, []string{"o1", "o2", "nope", "o1"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"o1", "o2"}) {
		t.Errorf("deleted %v, want o1 o2", got)
	}
	if n, _ := st.Counts(ctx); n[fidelis.Orders] != 8 || n[fidelis.Customers] != 5 {
		t.Errorf("counts after delete %v", n)
	}
	// A customer's attributes go with it; its orders stay (forget erases a person).
	if _, err := st.Delete(ctx, fidelis.Customers, []string{"C"}); err != nil {
		t.Fatal(err)
	}
	if got := buyersBy(t, st, "tier"); !reflect.DeepEqual(got, map[string]int64{"(none)": 2, "gold": 1, "silver": 2}) {
		t.Errorf("by tier after deleting C: %v, want C under (none)", got)
	}
	if n, _ := st.Counts(ctx); n[fidelis.Orders] != 8 || n[fidelis.Customers] != 4 {
		t.Errorf("counts after deleting a customer %v", n)
	}
	// A deleted record can be imported again.
	sum, _ := importFile(t, st, fidelis.Orders, ordersCSV, ingest.Options{})
	if sum.Stored != 2 {
		t.Errorf("re-import after delete: %+v, want o1 and o2 stored again", sum)
	}
}

// testForget erases C, who appears as a customer (with an attribute), in an order, as a referrer
// (r5) and as a converted customer (r3), in two surveys, an interaction, a social mention, an exit
// and a subscription.
func testForget(t *testing.T, st fidelis.Store) {
	defer st.Close()
	loadAdvocacy(t, st)
	Load(t, st, map[fidelis.Kind]string{
		fidelis.Exits:         "exit_id,customer_id,timestamp,reason\nx1,C,2024-04-01,price\nx2,D,2024-04-02,service\n",
		fidelis.Subscriptions: "subscription_id,customer_id,started_at,mrr\nsub1,C,2024-01-01,10\nsub2,A,2024-01-01,10\n",
	})
	ctx := context.Background()
	before, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Forget(ctx, []string{"C", "nobody", "C"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[fidelis.Kind]int64{fidelis.Customers: 1, fidelis.Orders: 1, fidelis.Referrals: 2, fidelis.Surveys: 2,
		fidelis.Interactions: 1, fidelis.Social: 1, fidelis.Exits: 1, fidelis.Subscriptions: 1}
	for k, n := range e.Removed {
		if n == 0 {
			delete(e.Removed, k)
		}
	}
	if !reflect.DeepEqual(e.Removed, want) || e.Attributes != 1 || !reflect.DeepEqual(e.NotFound, []string{"nobody"}) {
		t.Errorf("forget: %+v, want removed %v, 1 attribute, nobody not found", e, want)
	}
	after, _ := st.Counts(ctx)
	for _, k := range fidelis.Kinds {
		if before[k]-after[k] != want[k] {
			t.Errorf("%s: %d → %d, want %d removed", k, before[k], after[k], want[k])
		}
	}
	if got := buyersBy(t, st, "tier"); got["gold"] != 1 {
		t.Errorf("by tier after forgetting C: %v", got)
	}
	// A later export naming C does not bring them back: those rows are rejected, quoting no id.
	sum, rejects := importFile(t, st, fidelis.Orders, ordersCSV, ingest.Options{})
	if sum.Rejected != 1 || len(rejects) != 1 || rejects[0][1] != "7" || rejects[0][4] != "" || !strings.Contains(rejects[0][5], "erased") {
		t.Errorf("re-import after forget: %+v, rejects %q; want line 7 (o6, C's order) rejected", sum, rejects)
	}
	sum, _ = importFile(t, st, fidelis.Customers, customersCSV, ingest.Options{Update: true})
	if sum.Rejected != 1 || sum.Stored != 0 {
		t.Errorf("customers re-import after forget: %+v", sum)
	}
	log, err := st.Erasures(ctx)
	if _, ok := log.ErasedAt("C"); err != nil || !ok || len(log.Erased) != 2 {
		t.Errorf("erasure log %+v %v, want C and nobody", log, err)
	}
	if _, ok := log.ErasedAt("A"); ok {
		t.Error("A is logged as erased")
	}
	// Forgetting again finds nothing and still succeeds.
	if e, err = st.Forget(ctx, []string{"C"}); err != nil || len(e.NotFound) != 1 {
		t.Errorf("second forget: %+v %v", e, err)
	}

}
