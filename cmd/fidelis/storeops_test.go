package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoreCommands runs import --update, delete and forget through the CLI on a small store, and
// the refusal of a data file given as --db.
func TestStoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.duckdb")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	customers := write("customers.csv", "customer_id,segment\nA,consumer\nB,business\nC,consumer\n")
	orders := write("orders.csv", "order_id,customer_id,date,amount\no1,A,2024-01-01,10\no2,B,2024-01-02,20\no3,C,2024-01-03,30\n")

	// --db naming a data file is refused, and the file stays as it was.
	code, _, errs := cli(t, "import", "orders", orders, "--db", customers)
	if code != 2 || !strings.Contains(errs, "not a DuckDB store") || !strings.Contains(errs, "Try:") {
		t.Errorf("--db a CSV file: exit %d, %s", code, errs)
	}
	if b, _ := os.ReadFile(customers); !strings.HasPrefix(string(b), "customer_id,segment\n") {
		t.Error("the CSV given as --db was changed")
	}

	for _, args := range [][]string{{"customers", customers}, {"orders", orders}} {
		if code, out, errs := cli(t, append([]string{"import", "--db", db}, args...)...); code != 0 {
			t.Fatalf("import %v: %d %s %s", args, code, out, errs)
		}
	}
	refresh := write("customers-dec.csv", "customer_id,segment\nA,consumer\nB,consumer\nC,consumer\n")
	code, out, _ := cli(t, "import", "customers", refresh, "--db", db)
	if code != 0 || !strings.Contains(out, "1 of the duplicates have other values") || !strings.Contains(out, "--update") {
		t.Errorf("re-import without --update: %d %s", code, out)
	}
	code, out, _ = cli(t, "import", "customers", refresh, "--db", db, "--update", "--json")
	var sum struct{ Read, Stored, Updated, Duplicates int64 }
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != 0 || sum.Updated != 1 || sum.Duplicates != 2 || sum.Read != 3 {
		t.Errorf("import --update --json: %d %+v %v %s", code, sum, err, out)
	}

	ids := write("ids.txt", "order_id\no1\n\no9\n")
	code, out, _ = cli(t, "delete", "orders", "--ids", ids, "--db", db)
	if code != 0 || !strings.Contains(out, "deleted 1 orders: o1") || !strings.Contains(out, "1 not found: o9") {
		t.Errorf("delete: %d %s", code, out)
	}
	if code, _, errs = cli(t, "delete", "orders", "--id", "o9", "--db", db); code != 1 || !strings.Contains(errs, "none of the 1 ids") {
		t.Errorf("delete of nothing: %d %s", code, errs)
	}

	code, out, _ = cli(t, "forget", "C", "--db", db, "--json")
	var f struct {
		Removed   map[string]int64 `json:"removed"`
		Rewritten bool             `json:"file_rewritten"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil || code != 0 || f.Removed["customers"] != 1 || f.Removed["orders"] != 1 || !f.Rewritten {
		t.Errorf("forget --json: %d %+v %v %s", code, f, err, out)
	}
	code, out, _ = cli(t, "metrics", "--db", db, "--json")
	if code != 0 || !strings.Contains(out, `"buyers": 1`) {
		t.Errorf("metrics after delete and forget (only B's order left): %d %.300s", code, out)
	}
}

// TestPseudonymiseCLI: with a key, no raw customer id reaches the store file, forget takes the
// raw id and the key, and a short key is refused.
func TestPseudonymiseCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	key := filepath.Join(dir, "fidelis.key")
	os.WriteFile(key, []byte("c2VjcmV0LWtleS1mb3ItdGhlLXRlc3QtMTIzNDU2\n"), 0o600)
	short := filepath.Join(dir, "short.key")
	os.WriteFile(short, []byte("abc"), 0o600)
	customers := filepath.Join(dir, "customers.csv")
	os.WriteFile(customers, []byte("customer_id,segment,email\nRAWID-QX-1,consumer,qx1@example.org\nRAWID-QX-2,business,qx2@example.org\n"), 0o644)
	orders := filepath.Join(dir, "orders.csv")
	os.WriteFile(orders, []byte("order_id,customer_id,date,amount\no1,RAWID-QX-1,2024-01-01,10\no2,RAWID-QX-2,2024-02-01,20\n"), 0o644)

	if code, _, errs := cli(t, "import", "customers", customers, "--db", db, "--pseudonymise-key", short); code != 2 || !strings.Contains(errs, "at least 16") {
		t.Errorf("short key: %d %s", code, errs)
	}
	code, out, errs := cli(t, "import", "customers", customers, "--db", db, "--pseudonymise-key", key)
	if code != 0 || !strings.Contains(out, "pseudonymised") || !strings.Contains(out, `"email" looks like e-mail (by its header): not stored`) {
		t.Fatalf("import customers: %d %s %s", code, out, errs)
	}
	t.Setenv(keyEnv, "c2VjcmV0LWtleS1mb3ItdGhlLXRlc3QtMTIzNDU2")
	if code, out, errs = cli(t, "import", "orders", orders, "--db", db, "--pseudonymise"); code != 0 {
		t.Fatalf("import orders with the key from the environment: %d %s %s", code, out, errs)
	}
	code, out, _ = cli(t, "metrics", "--db", db, "--by", "segment", "--json")
	if code != 0 || !strings.Contains(out, `"consumer"`) || !strings.Contains(out, `"business"`) {
		t.Errorf("breakdown across pseudonymised kinds: %d %.400s", code, out)
	}
	if code, out, _ = cli(t, "forget", "RAWID-QX-1", "--db", db, "--pseudonymise"); code != 0 || !strings.Contains(out, "forgot 1 of 1") {
		t.Errorf("forget with the key: %d %s", code, out)
	}
	for _, p := range []string{db, db + ".wal"} {
		b, _ := os.ReadFile(p)
		for _, s := range []string{"RAWID-QX", "example.org", "c2VjcmV0LWtleS1mb3ItdGhlLXRlc3QtMTIzNDU2"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q", filepath.Base(p), s)
			}
		}
	}
}
