package duckdb_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// TestForgetLeavesNoBytes: DuckDB only marks deleted rows, and CHECKPOINT keeps their row groups,
// so a forgotten customer's id and attributes stayed readable in the store file. Forget now
// rewrites the file; the test reads the bytes of the file and of its .wal. Each marker is first
// checked to be present before the erasure, so its absence after means something (compression
// could otherwise hide a string that is still there).
func TestForgetLeavesNoBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.duckdb")
	st, err := duckdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	const who = "CUST-ZQXJ-4711"
	secret := []string{who, "zqxj.forget@example.org", "Quetzalcoatl Street 9", "my-unique-survey-remark-zqxj"}
	files := map[fidelis.Kind]string{
		fidelis.Customers: "customer_id,region,segment,email,street\n" + who + ",North,consumer,zqxj.forget@example.org,Quetzalcoatl Street 9\nKEEP-1,South,business,keep@example.org,Main Street 1\n",
		fidelis.Orders:    "order_id,customer_id,date,amount\nord-a,KEEP-1,2024-01-02,10\n",
		fidelis.Surveys:   "response_id,customer_id,timestamp,kind,score,scale,comment\nsv-1," + who + ",2024-01-03,nps,9,0-10,my-unique-survey-remark-zqxj\nsv-2,KEEP-1,2024-01-03,nps,7,0-10,fine\n",
		fidelis.Referrals: "referral_id,referrer_id,invited_at,converted_customer_id\nrf-1,KEEP-1,2024-01-04," + who + "\n",
	}
	// Enough of the customer's own orders that the table spans more than one row group.
	var b strings.Builder
	b.WriteString(files[fidelis.Orders])
	for i := 0; i < 130_000; i++ {
		c := "KEEP-1"
		if i%1000 == 7 {
			c = who
		}
		fmt.Fprintf(&b, "ord-%d,%s,2024-02-01,%d\n", i, c, i%50)
	}
	files[fidelis.Orders] = b.String()
	for _, k := range fidelis.Kinds {
		body, ok := files[k]
		if !ok {
			continue
		}
		p := filepath.Join(dir, string(k)+".csv")
		os.WriteFile(p, []byte(body), 0o644)
		if sum, err := ingest.Import(ctx, st, k, p, ingest.Options{Rejects: filepath.Join(dir, "rejects.csv"), KeepPII: true}); err != nil || sum.Rejected > 0 {
			t.Fatalf("import %s: %+v %v", k, sum, err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	contains := func(s string) bool {
		for _, p := range []string{db, db + ".wal"} {
			if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(s)) {
				return true
			}
		}
		return false
	}
	for _, s := range secret {
		if !contains(s) {
			t.Fatalf("%q is not in the store's bytes even before forget: the test proves nothing", s)
		}
	}

	st, err = duckdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Forget(ctx, []string{who})
	if err != nil {
		t.Fatal(err)
	}
	if !e.Reclaimed || e.Removed[fidelis.Customers] != 1 || e.Removed[fidelis.Orders] != 130 || e.Removed[fidelis.Surveys] != 1 || e.Removed[fidelis.Referrals] != 1 || e.Attributes != 2 {
		t.Errorf("forget: %+v", e)
	}
	// The store works after the rewrite, with what was kept.
	n, err := st.Counts(ctx)
	if err != nil || n[fidelis.Customers] != 1 || n[fidelis.Orders] != 129_871 || n[fidelis.Surveys] != 1 {
		t.Errorf("counts after forget %v %v", n, err)
	}
	log, err := st.Erasures(ctx)
	if _, ok := log.ErasedAt(who); err != nil || !ok || len(log.Erased) != 1 {
		t.Errorf("erasure log: %+v %v", log, err)
	}
	if _, ok := log.ErasedAt("KEEP-1"); ok {
		t.Error("KEEP-1 logged as erased")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range secret {
		if contains(s) {
			t.Errorf("%q is still in the store's bytes after forget", s)
		}
	}
	if !contains("keep@example.org") {
		t.Error("the kept customer's data is gone from the file")
	}
	if _, err := os.Stat(db + ".rewrite"); err == nil {
		t.Error("the rewrite file was left behind")
	}
}
