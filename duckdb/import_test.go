package duckdb_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fidelis"
	"fidelis/duckdb"
	"fidelis/ingest"
)

// sharedData is the team's reference data, beside the repository (absent in a fresh clone).
const sharedData = "../../shared/data"

// cdnowStore imports the CDNOW master file into an in-memory store (skipping without the data).
func cdnowStore(t *testing.T) (st *duckdb.Store, path, rejects string, sum ingest.Summary) {
	t.Helper()
	path = filepath.Join(sharedData, "cdnow", "CDNOW_master.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("reference data not found at %s (a fresh clone has no ../shared): %v", path, err)
	}
	st, err := duckdb.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rejects = filepath.Join(t.TempDir(), "rejects.csv")
	if sum, err = ingest.Import(context.Background(), st, fidelis.Orders, path, ingest.Options{Rejects: rejects}); err != nil {
		t.Fatal(err)
	}
	return st, path, rejects, sum
}

func TestCDNOWMasterImport(t *testing.T) {
	ctx := context.Background()
	st, path, rej, sum := cdnowStore(t)
	// The data README: 69,659 rows, 23,570 customers, $2,500,315.63. The file has no order ids
	// and 215 rows identical to an earlier one; every row must still be stored.
	if sum.Read != 69659 || sum.Stored != 69659 || sum.Rejected != 0 || sum.Duplicates != 0 {
		t.Fatalf("import %+v", sum)
	}
	if sum.Format != "whitespace" || sum.DateFormats["timestamp"] != "YYYYMMDD" {
		t.Errorf("detected %s %v", sum.Format, sum.DateFormats)
	}
	var customers int64
	var revenue float64
	if err := st.DB().QueryRow(`SELECT count(DISTINCT customer_id), sum(amount) FROM orders`).Scan(&customers, &revenue); err != nil {
		t.Fatal(err)
	}
	// Tolerance half a cent: the sum of 69,659 doubles with two decimals.
	if customers != 23570 || math.Abs(revenue-2500315.63) > 0.005 {
		t.Errorf("customers %d revenue %.2f", customers, revenue)
	}
	sum, err := ingest.Import(ctx, st, fidelis.Orders, path, ingest.Options{Rejects: rej})
	if err != nil || sum.Stored != 0 || sum.Duplicates != 69659 {
		t.Errorf("re-import %+v %v", sum, err)
	}
}

// TestKilledImportLeavesStoreConsistent imports a large file in a child process, kills it with
// SIGKILL in the middle, and checks that the store opens with exactly what it had before.
func TestKilledImportLeavesStoreConsistent(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "kill.duckdb")
	big := filepath.Join(dir, "big.csv")
	f, _ := os.Create(big)
	w := bufio.NewWriter(f)
	w.WriteString("order_id,customer_id,date,amount\n")
	for i := 0; i < 600000; i++ {
		fmt.Fprintf(w, "b%d,C%d,2024-%02d-%02d,%d.50\n", i, i%5000, i%12+1, i%28+1, i%90)
	}
	w.Flush()
	f.Close()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small.csv")
	os.WriteFile(small, []byte("order_id,customer_id,date,amount\ns1,A,2024-01-01,10\ns2,B,2024-01-02,20\n"), 0o644)
	if _, err := ingest.Import(ctx, st, fidelis.Orders, small, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), "FIDELIS_KILL_DB="+db, "FIDELIS_KILL_FILE="+big)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "rows staged") {
			cmd.Process.Kill()
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child finished before it could be killed")
	}
	st, err = duckdb.Open(ctx, db)
	if err != nil {
		t.Fatalf("store does not open after the kill: %v", err)
	}
	defer st.Close()
	n, err := st.Counts(ctx)
	if err != nil || n[fidelis.Orders] != 2 {
		t.Fatalf("after the kill: %v orders (%v), want 2", n[fidelis.Orders], err)
	}
	// And the store still takes imports.
	if sum, err := ingest.Import(ctx, st, fidelis.Orders, small, ingest.Options{}); err != nil || sum.Duplicates != 2 {
		t.Fatalf("import after kill: %+v %v", sum, err)
	}
}

// TestKillChild is the child of TestKilledImportLeavesStoreConsistent; it does nothing otherwise.
func TestKillChild(t *testing.T) {
	db, file := os.Getenv("FIDELIS_KILL_DB"), os.Getenv("FIDELIS_KILL_FILE")
	if db == "" {
		t.Skip("only runs as a child process")
	}
	st, err := duckdb.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	said := false
	ingest.Import(context.Background(), st, fidelis.Orders, file, ingest.Options{Progress: func(done, total int64) {
		if !said && done > total/3 {
			fmt.Println("rows staged")
			said = true
		}
	}})
	fmt.Println("finished")
}

// TestDuplicateIDsKeepFirst covers both writer modes: the first import into an empty table
// (direct append, repeated ids deleted after the fact) and a later one (staged, anti-join). A
// repeat with other values is rejected as a conflict; a stored id with other values is a
// duplicate that differs (what --update would replace).
func TestDuplicateIDsKeepFirst(t *testing.T) {
	st, imp := importer(t, fidelis.Exits, "exit_id,customer_id,date,reason")
	reasons := func() string {
		var s string
		st.DB().QueryRow(`SELECT string_agg(exit_id || '=' || reason, ' ' ORDER BY exit_id) FROM exits`).Scan(&s)
		return s
	}
	if s := imp("x1,A,2024-01-01,price\nx2,B,2024-01-01,delivery\nx1,A,2024-01-02,support\n"); s.Stored != 2 || s.Conflicts != 1 || s.Rejected != 1 || s.Duplicates != 0 {
		t.Fatalf("first import %+v", s)
	}
	if got := reasons(); got != "x1=price x2=delivery" {
		t.Errorf("direct mode kept %q", got)
	}
	if s := imp("x3,C,2024-01-01,moved\nx2,B,2024-01-05,other\nx3,C,2024-01-06,competitor\n"); s.Stored != 1 || s.Duplicates != 1 || s.Differ != 1 || s.Conflicts != 1 {
		t.Fatalf("second import %+v", s)
	}
	if got := reasons(); got != "x1=price x2=delivery x3=moved" {
		t.Errorf("staged mode kept %q", got)
	}
}

// TestCustomerDuplicatesKeepFirstAttributes: the first customers import (direct mode) keeps the
// first row of a repeated id with its own attributes; a later import (staged) adds only new ids.
func TestCustomerDuplicatesKeepFirstAttributes(t *testing.T) {
	st, imp := importer(t, fidelis.Customers, "customer_id,region,tier")
	state := func() string {
		var s string
		st.DB().QueryRow(`SELECT string_agg(c.customer_id || ':' || c.region || ':' || coalesce(a.value, '-'), ' ' ORDER BY c.customer_id)
			FROM customers c LEFT JOIN customer_attrs a ON a.customer_id = c.customer_id AND a.name = 'tier'`).Scan(&s)
		return s
	}
	if s := imp("A,North,gold\nB,South,silver\nA,West,bronze\n"); s.Stored != 2 || s.Conflicts != 1 || s.Duplicates != 0 {
		t.Fatalf("first import %+v", s)
	}
	if got := state(); got != "A:North:gold B:South:silver" {
		t.Errorf("direct mode kept %q", got)
	}
	if s := imp("C,East,gold\nB,East,bronze\n"); s.Stored != 1 || s.Duplicates != 1 || s.Differ != 1 {
		t.Fatalf("second import %+v", s)
	}
	if got := state(); got != "A:North:gold B:South:silver C:East:gold" {
		t.Errorf("staged mode kept %q", got)
	}
}

// importer opens an in-memory store (closed with the test) and returns a function importing CSV
// bodies of kind under the given header.
func importer(t *testing.T, kind fidelis.Kind, header string) (*duckdb.Store, func(body string) ingest.Summary) {
	t.Helper()
	st, err := duckdb.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	return st, func(body string) ingest.Summary {
		p := filepath.Join(dir, string(kind)+".csv")
		os.WriteFile(p, []byte(header+"\n"+body), 0o644)
		sum, err := ingest.Import(context.Background(), st, kind, p, ingest.Options{Rejects: filepath.Join(dir, "rejects.csv")})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
}

// TestCustomerRepeatsBySignupAndAttribute: a first customers import tells a repeated row (the
// same values, a duplicate) from a conflicting one by every field's typed value and the free
// attributes: a signup a second later or another attribute value is a conflict, the same row
// again a duplicate (also with empty values: NULL equals NULL).
func TestCustomerRepeatsBySignupAndAttribute(t *testing.T) {
	_, imp := importer(t, fidelis.Customers, "customer_id,signup_at,region,tier")
	s := imp("A,2024-01-01T10:00:00Z,North,gold\nA,2024-01-01T10:00:01Z,North,gold\nB,2024-01-01T10:00:00Z,North,gold\n" +
		"B,2024-01-01T10:00:00Z,North,silver\nC,2024-01-01T10:00:00Z,North,gold\nC,2024-01-01T10:00:00Z,North,gold\n" +
		"D,2024-01-01T10:00:00Z,North,\nD,2024-01-01T10:00:00Z,North,\nE,2024-01-01T10:00:00Z,North,gold\nE,2024-01-01T10:00:00Z,,gold\n")
	if s.Stored != 5 || s.Conflicts != 3 || s.Duplicates != 2 || s.Rejected != 3 {
		t.Errorf("stored %d, conflicts %d, duplicates %d, rejected %d (%v); want 5, 3 (A, B, E), 2 (C, D), 3", s.Stored, s.Conflicts, s.Duplicates, s.Rejected, s.Reasons)
	}
}

// TestDirectImportKeepsFileOrder: the first import into an empty table appends rows straight into
// it and then deletes repeated ids after their first occurrence by rowid, so rowids must follow
// the file across every flush of the appender (hundreds of thousands of rows, as in a real file)
// and repeats must resolve to the first occurrence whether they are far apart or adjacent. A
// rejected row and a blank line in between shift the lines the conflicts name.
func TestDirectImportKeepsFileOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := duckdb.Open(ctx, filepath.Join(dir, "store.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 450000
	var b strings.Builder
	b.WriteString("order_id,customer_id,timestamp,amount\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "O%07d,C%d,2024-01-01T00:00:00Z,%d.5\n", i, i%1000, i%500)
		if i == 100000 { // line 100002 is rejected, 100003 blank: order i > 100000 is on line i+3
			b.WriteString("bad,C1,2024-01-01T00:00:00Z,x\n\n")
		}
	}
	// Repeats, on lines n+4 to n+6: of order 10 (line 11) far later, of order 200000 (line
	// 200003) on the next line, and an identical copy of order 300000 (a duplicate, not a conflict).
	b.WriteString("O0000010,C10,2024-01-01T00:00:00Z,999\nO0200000,C0,2024-01-01T00:00:00Z,999\nO0300000,C0,2024-01-01T00:00:00Z,0.5\n")
	p := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Import(ctx, st, fidelis.Orders, p, ingest.Options{KeepRejects: 10})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != n+4 || sum.Stored != n || sum.Rejected != 3 || sum.Conflicts != 2 || sum.Duplicates != 1 {
		t.Fatalf("import %+v, want %d read, %d stored, 3 rejected (2 conflicts), 1 duplicate", sum, n+4, n)
	}
	var lines []string
	for _, r := range sum.Rejects {
		lines = append(lines, fmt.Sprintf("%d %s: %s", r.Line, r.Value, r.Reason))
	}
	want := []string{
		"100002 x: not a number",
		fmt.Sprintf("%d O0000010: same id as line 11 with different values; line 11 is the one stored", n+4),
		fmt.Sprintf("%d O0200000: same id as line 200003 with different values; line 200003 is the one stored", n+5),
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	var amounts string
	if err := st.DB().QueryRow(`SELECT string_agg(order_id || '=' || amount, ' ' ORDER BY order_id) FROM orders
		WHERE order_id IN ('O0000010', 'O0200000', 'O0300000')`).Scan(&amounts); err != nil {
		t.Fatal(err)
	}
	if amounts != "O0000010=10.5 O0200000=0.5 O0300000=0.5" {
		t.Errorf("kept %s, want the first occurrences", amounts)
	}
	var outOfOrder int64
	if err := st.DB().QueryRow(`SELECT count(*) FROM (SELECT order_id, lag(order_id) OVER (ORDER BY rowid) AS prev FROM orders)
		WHERE prev >= order_id`).Scan(&outOfOrder); err != nil {
		t.Fatal(err)
	}
	if outOfOrder != 0 {
		t.Errorf("%d rows stored out of file order", outOfOrder)
	}
}
