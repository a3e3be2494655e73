package ingest_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fidelis"
	"fidelis/ingest"
)

// attrNames returns the sorted attribute names stored for customers.
func attrNames(st *memStore) []string {
	seen := map[string]bool{}
	for _, r := range st.rows {
		for _, a := range r.Attrs {
			seen[a.Name] = true
		}
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// TestPersonalDataNotStored: e-mail, phone, name and address columns of a customers export used
// to be kept as free attributes. They are flagged by header or by values and left out unless
// KeepPII; ordinary attributes (tier, mail_count is not a mail address) stay.
func TestPersonalDataNotStored(t *testing.T) {
	p := write(t, "customers.csv", `customer_id,segment,E-Mail,Phone,First Name,Street,tier,contact,mobile_no,mail_count,account_ref
C1,consumer,ann@example.com,+48 601 234 567,Ann,Main St 1,gold,ann.k@example.org,601-234-567,3,2024-01-15
C2,business,bob@example.com,+40 721 000 111,Bob,Side St 2,silver,bob.k@example.org,721-000-111,0,2023-11-02
`)
	wantFlags := []ingest.PIIColumn{
		{Column: "E-Mail", LooksAs: "e-mail", Evidence: "header", Action: "not stored"},
		{Column: "Phone", LooksAs: "phone", Evidence: "header", Action: "not stored"},
		{Column: "First Name", LooksAs: "name", Evidence: "header", Action: "not stored"},
		{Column: "Street", LooksAs: "address", Evidence: "header", Action: "not stored"},
		{Column: "contact", LooksAs: "e-mail", Evidence: "values", Action: "not stored"},
		{Column: "mobile_no", LooksAs: "phone", Evidence: "header", Action: "not stored"},
	}
	st := &memStore{}
	sum, err := ingest.Import(context.Background(), st, fidelis.Customers, p, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sum.PII, wantFlags) {
		t.Errorf("flagged:\n got %+v\nwant %+v", sum.PII, wantFlags)
	}
	if got, want := attrNames(st), []string{"account_ref", "mail_count", "tier"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored attributes %v, want %v", got, want)
	}
	if sum.Stored != 2 || !reflect.DeepEqual(sum.Attributes, []string{"tier", "mail_count", "account_ref"}) {
		t.Errorf("summary %+v", sum)
	}
	st = &memStore{}
	sum, err = ingest.Import(context.Background(), st, fidelis.Customers, p, ingest.Options{KeepPII: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(attrNames(st)) != 9 || len(sum.PII) != 6 || sum.PII[0].Action != "kept (--keep-pii)" {
		t.Errorf("--keep-pii: attributes %v, flags %+v", attrNames(st), sum.PII)
	}
}

// TestPersonalDataInFields: customer ids that are e-mail addresses are refused unless
// pseudonymised or kept on purpose; a referral's prospect e-mail is left out.
func TestPersonalDataInFields(t *testing.T) {
	orders := write(t, "orders.csv", "order_id,customer_id,date,amount\no1,ann@example.com,2024-01-01,10\no2,bob@example.com,2024-01-02,20\n")
	_, err := ingest.Import(context.Background(), &memStore{}, fidelis.Orders, orders, ingest.Options{})
	if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), "customer_id") || !strings.Contains(fidelis.ErrorHint(err), "--pseudonymise") {
		t.Errorf("e-mail customer ids: %v (hint %q)", err, fidelis.ErrorHint(err))
	}
	st := &memStore{}
	sum, err := ingest.Import(context.Background(), st, fidelis.Orders, orders, ingest.Options{Pseudonymise: []byte("0123456789abcdef0123")})
	if err != nil || sum.Stored != 2 || len(sum.PII) != 1 || sum.PII[0].Action != "pseudonymised" {
		t.Fatalf("pseudonymised: %+v %v", sum, err)
	}
	for _, r := range st.rows {
		if c := r.Values[1].(string); !strings.HasPrefix(c, "p_") || len(c) != 34 {
			t.Errorf("stored customer id %q, want a pseudonym", c)
		}
	}
	if _, err := ingest.Import(context.Background(), &memStore{}, fidelis.Orders, orders, ingest.Options{KeepPII: true}); err != nil {
		t.Errorf("--keep-pii: %v", err)
	}
	refs := write(t, "referrals.csv", "referral_id,referrer_id,prospect,invited_at\nr1,C1,ann@example.com,2024-01-01\nr2,C2,bob@example.com,2024-01-02\n")
	st = &memStore{}
	sum, err = ingest.Import(context.Background(), st, fidelis.Referrals, refs, ingest.Options{})
	if err != nil || sum.Stored != 2 || len(sum.PII) != 1 || sum.PII[0].Action != "not stored" {
		t.Fatalf("prospect e-mails: %+v %v", sum, err)
	}
	for _, r := range st.rows {
		if r.Values[2] != nil {
			t.Errorf("prospect stored: %v", r.Values[2])
		}
	}
}

// TestPseudonymiseConsistent: every customer reference of every kind becomes the same keyed
// pseudonym, rows without an id get keyed derived ids (the same on re-import), and no raw
// customer id is left in any stored value.
func TestPseudonymiseConsistent(t *testing.T) {
	key := []byte("a key of at least sixteen bytes")
	files := []struct {
		kind fidelis.Kind
		body string
	}{
		{fidelis.Customers, "customer_id,segment\nC1,consumer\nC2,business\n"},
		{fidelis.Orders, "customer_id,date,amount\nC1,2024-01-01,10\nC2,2024-01-02,20\n"},
		{fidelis.Referrals, "referral_id,referrer_id,invited_at,converted_customer_id,prospect\nr1,C1,2024-01-01,C2,P-77\n"},
	}
	stores := map[fidelis.Kind]*memStore{}
	for _, f := range files {
		st := &memStore{}
		if _, err := ingest.Import(context.Background(), st, f.kind, write(t, string(f.kind)+".csv", f.body), ingest.Options{Pseudonymise: key}); err != nil {
			t.Fatal(err)
		}
		stores[f.kind] = st
	}
	p1, p2 := fidelis.Pseudonym(key, "C1"), fidelis.Pseudonym(key, "C2")
	if _, ok := stores[fidelis.Customers].rows[p1]; !ok {
		t.Errorf("customers stored under %v, want %s", stores[fidelis.Customers].rows, p1)
	}
	var orderCustomers []string
	for id, r := range stores[fidelis.Orders].rows {
		if !strings.HasPrefix(id, "~") || strings.Contains(id, "C1") || len(id) != 33 {
			t.Errorf("derived order id %q", id)
		}
		orderCustomers = append(orderCustomers, r.Values[1].(string))
	}
	slices.Sort(orderCustomers)
	want := []string{p1, p2}
	slices.Sort(want)
	if !reflect.DeepEqual(orderCustomers, want) {
		t.Errorf("order customers %v, want %v", orderCustomers, want)
	}
	r := stores[fidelis.Referrals].rows["r1"]
	if r.Values[1] != p1 || r.Values[5] != p2 || r.Values[2] != fidelis.Pseudonym(key, "P-77") {
		t.Errorf("referral %v", r.Values)
	}
	for _, st := range stores {
		for _, r := range st.rows {
			for _, v := range r.Values {
				if s, ok := v.(string); ok && (s == "C1" || s == "C2" || s == "P-77") {
					t.Errorf("raw id %q stored", s)
				}
			}
		}
	}
	// The same orders again: the same keyed derived ids, so nothing new.
	st := stores[fidelis.Orders]
	sum, err := ingest.Import(context.Background(), st, fidelis.Orders, write(t, "orders.csv", files[1].body), ingest.Options{Pseudonymise: key})
	if err != nil || sum.Duplicates != 2 {
		t.Errorf("re-import: %+v %v", sum, err)
	}
	if fidelis.Pseudonym([]byte("another key, also long enough"), "C1") == p1 {
		t.Error("the pseudonym does not depend on the key")
	}
}
