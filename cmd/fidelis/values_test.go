package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fidelis/duckdb"
)

// writeFiles writes name → body into a temp folder and returns the folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustCLI runs a command that must succeed.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s %s", args, code, out, errs)
	}
	return out
}

// shopStore imports c.csv, o.csv and s.csv of dir as customers, orders and surveys into a new
// store, returning its path and the surveys' import summary.
func shopStore(t *testing.T, dir string) (db, surveys string) {
	t.Helper()
	db = filepath.Join(dir, "shop.duckdb")
	mustCLI(t, "import", "customers", filepath.Join(dir, "c.csv"), "--db", db)
	mustCLI(t, "import", "orders", filepath.Join(dir, "o.csv"), "--db", db)
	return db, mustCLI(t, "import", "surveys", filepath.Join(dir, "s.csv"), "--db", db)
}

const smallCustomers = "customer_id,segment\nA,x\nB,y\nC,x\n"

// smallOrders: three customers buying monthly in 2024, one order from D who is no customer.
func smallOrders() string {
	b := strings.Builder{}
	b.WriteString("customer_id,timestamp,amount,currency\n")
	for m := 1; m <= 9; m++ {
		for _, c := range []string{"A", "B", "C"} {
			b.WriteString(c + ",2024-0" + string(rune('0'+m)) + "-10,10.00,eur\n")
		}
	}
	b.WriteString("D,2024-03-03,5,€\n")
	return b.String()
}

// CSAT answers without a scale column were silently left out of every analysis on main; now
// their scale is inferred at import (and said so), and they count.
func TestCSATWithoutScaleCounts(t *testing.T) {
	dir := writeFiles(t, map[string]string{"c.csv": smallCustomers, "o.csv": smallOrders(),
		"s.csv": "customer_id,timestamp,kind,score\nA,2024-05-01,csat,5\nB,2024-05-02,csat,4\nC,2024-05-03,csat,2\nA,2024-05-04,nps,9\n"})
	db, out := shopStore(t, dir)
	if !strings.Contains(out, "csat answers without a scale read on 1-5, inferred from answers 2..5") {
		t.Errorf("summary does not say the scale was inferred:\n%s", out)
	}
	out = mustCLI(t, "voc", "--db", db, "--json")
	var v struct {
		CSAT []struct {
			N     int64   `json:"n"`
			Score float64 `json:"score"`
		} `json:"csat"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Hand-computed: 2 of 3 answers in the 1-5 top box (4, 5) → 66.7.
	if len(v.CSAT) != 1 || v.CSAT[0].N != 3 || v.CSAT[0].Score < 66.6 || v.CSAT[0].Score > 66.7 {
		t.Errorf("CSAT %+v, want n 3, score 66.7", v.CSAT)
	}
}

// A store imported before these checks may hold an off-scale answer, orders in two currencies and
// an order dated 2204 (one typo): voc and report still run with the bad answer left out and
// counted, the mixing is stated with each currency's revenue, and a day grain over the typo's span
// is refused before any table is built.
func TestLegacyStoreProblemsAreStatedNotFatal(t *testing.T) {
	dir := writeFiles(t, map[string]string{"c.csv": smallCustomers, "o.csv": smallOrders(),
		"s.csv": "customer_id,timestamp,kind,score,scale\nA,2024-05-01,satisfaction,4,1-5\nB,2024-05-01,satisfaction,5,1-5\nA,2024-05-01,trust,4,1-5\nB,2024-05-01,trust,5,1-5\nA,2024-05-02,nps,9,0-10\n"})
	db, _ := shopStore(t, dir)
	ctx := context.Background()
	st, err := duckdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO surveys VALUES ('bad1', 'C', TIMESTAMP '2024-05-03', 'satisfaction', 3.5, '1-5', NULL, NULL, NULL)`,
		`INSERT INTO surveys VALUES ('bad2', 'C', TIMESTAMP '2024-05-03', 'nps', 11, '0-10', NULL, NULL, NULL)`,
		`INSERT INTO orders VALUES ('u1', 'A', TIMESTAMP '2024-06-01', 7, 'USD', NULL, NULL)`,
		`INSERT INTO orders VALUES ('typo', 'B', TIMESTAMP '2204-06-01', 7, 'EUR', NULL, NULL)`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	out := mustCLI(t, "voc", "--db", db)
	if !strings.Contains(out, "answers off their scale or not whole numbers were left out") {
		t.Errorf("voc does not count the off-scale answer:\n%s", out)
	}
	code, _, errs := cli(t, "metrics", "--db", db, "--grain", "day")
	if code == 0 || !strings.Contains(errs, "more than the 1500 periods one analysis may span") || !strings.Contains(errs, "--grain week") {
		t.Errorf("day grain over 2024..2204: exit %d, %s", code, errs)
	}
	code, _, errs = cli(t, "cohorts", "--db", db, "--grain", "day")
	if code == 0 || !strings.Contains(errs, "more than the 1500 periods") {
		t.Errorf("cohorts by day: exit %d, %s", code, errs)
	}
	out = mustCLI(t, "metrics", "--db", db, "--grain", "year")
	for _, want := range []string{"Data quality: The orders are in several currencies (EUR, USD)", "EUR          29 orders, net revenue 282.00", "USD           1 orders, net revenue 7.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lacks %q:\n%s", want, out[:min(len(out), 800)])
		}
	}
	rep := filepath.Join(dir, "r.md")
	mustCLI(t, "report", "--db", db, "--grain", "year", "--out", rep)
	md, _ := os.ReadFile(rep)
	for _, want := range []string{"## Data quality", "several currencies (EUR, USD)", "| USD | 1 | 7.00 |", "1 orders record names a customer missing"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// Records for customers missing from the customers table are counted at import (text and
// --json) and stated in the report's data-quality section; the report names the store's
// currency without --currency.
func TestUnknownCustomersAndStoreCurrency(t *testing.T) {
	dir := writeFiles(t, map[string]string{"c.csv": smallCustomers, "o.csv": smallOrders(),
		"p.csv": "customer_id,timestamp,type,points\nA,2024-01-01,enroll,0\nZ,2024-01-02,earn,10\nY,2024-01-02,earn,10\n"})
	db := filepath.Join(dir, "u.duckdb")
	mustCLI(t, "import", "customers", filepath.Join(dir, "c.csv"), "--db", db)
	out := mustCLI(t, "import", "orders", filepath.Join(dir, "o.csv"), "--db", db)
	if !strings.Contains(out, "unknown_customers 1: stored records naming a customer missing from the customers table") || !strings.Contains(out, "currency EUR") {
		t.Errorf("orders summary:\n%s", out)
	}
	out = mustCLI(t, "import", "program", filepath.Join(dir, "p.csv"), "--db", db, "--json")
	var sum struct {
		Unknown int64 `json:"unknown_customers"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Unknown != 2 {
		t.Errorf("program --json: %v %s", err, out)
	}
	rep := filepath.Join(dir, "r.md")
	mustCLI(t, "report", "--db", db, "--out", rep)
	md, _ := os.ReadFile(rep)
	for _, want := range []string{"## Data quality", "1 orders record names a customer missing from the customers table", "2 program records name customers missing", "EUR"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// Ids like =HYPERLINK(...), +cmd|calc or @SUM(1+1) reached risk, predict and rejects CSVs
// verbatim on main; every CSV Fidelis writes now prefixes them with a single quote.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	dir := t.TempDir()
	evil := []string{"=HYPERLINK(http://evil.example)", "+cmd|' /C calc'!A0", "@SUM(1+1)"}

	// predict: a simulated summary whose first ids are formulas (without quotes or commas: the
	// summary reader does not parse quoted fields).
	sim := filepath.Join(dir, "sim.csv")
	mustCLI(t, "simulate", "--model", "bgnbd", "--customers", "400", "--params", "r=0.24,alpha=4.4,a=0.79,b=2.4", "--out", sim)
	recs := readCSV(t, sim)
	for i, id := range evil {
		recs[i+1][0] = id
	}
	writeCSV(t, sim, recs)
	pred := filepath.Join(dir, "pred.csv")
	mustCLI(t, "predict", "--model", "bgnbd", "--input", sim, "--out", pred)
	got := readCSV(t, pred)
	for i, id := range evil {
		if got[i+1][0] != "'"+id {
			t.Errorf("predict: id %q written as %q", id, got[i+1][0])
		}
	}

	// risk: the demo store with three customers renamed to formulas.
	db := demoStore(t)
	st, err := duckdb.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.DB().Query(`SELECT customer_id FROM orders GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for i, id := range ids {
		for _, tbl := range []string{"orders", "customers"} {
			if _, err := st.DB().Exec(`UPDATE `+tbl+` SET customer_id = ? WHERE customer_id = ?`, evil[i], id); err != nil {
				t.Fatal(err)
			}
		}
	}
	st.Close()
	risk := filepath.Join(dir, "risk.csv")
	mustCLI(t, "risk", "--db", db, "--out", risk, "--min-risk", "0", "--min-alive", "0")
	seen := 0
	for _, r := range readCSV(t, risk)[1:] {
		for _, id := range evil {
			if r[1] == id {
				t.Errorf("risk: %q written verbatim", id)
			}
			if r[1] == "'"+id {
				seen++
			}
		}
	}
	if seen != len(evil) {
		t.Errorf("risk: %d of %d formula ids found neutralised", seen, len(evil))
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func writeCSV(t *testing.T, path string, recs [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(recs)
	if err := f.Close(); err != nil || w.Error() != nil {
		t.Fatal(err, w.Error())
	}
}

// A store whose derived ids follow the earlier raw-text rule is flagged when id-less rows are
// imported into it, since they may now be stored twice.
func TestLegacyDerivedIDsAreFlagged(t *testing.T) {
	dir := writeFiles(t, map[string]string{"o.csv": smallOrders()})
	db := filepath.Join(dir, "i.duckdb")
	mustCLI(t, "import", "orders", filepath.Join(dir, "o.csv"), "--db", db)
	st, err := duckdb.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`UPDATE orders SET order_id = '~' || substr(order_id, 5)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := mustCLI(t, "import", "orders", filepath.Join(dir, "o.csv"), "--db", db)
	if !strings.Contains(out, "this store holds 28 orders whose ids were derived from the raw text by an earlier version") {
		t.Errorf("no warning:\n%s", out)
	}
}
