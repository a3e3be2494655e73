package ingest_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"fidelis"
	"fidelis/ingest"
)

// memStore keeps imported rows in memory and deduplicates ids like a real store, so that ingest
// is tested without cgo. Only Begin is implemented.
type memStore struct {
	fidelis.Store
	rows  map[string]fidelis.Row
	kinds map[string]fidelis.Kind
}

type memWriter struct {
	s      *memStore
	kind   fidelis.Kind
	staged []fidelis.Row
}

func (s *memStore) Begin(_ context.Context, k fidelis.Kind, _ string, _ fidelis.ImportMode) (fidelis.Writer, error) {
	if s.rows == nil {
		s.rows, s.kinds = map[string]fidelis.Row{}, map[string]fidelis.Kind{}
	}
	return &memWriter{s: s, kind: k}, nil
}
func (s *memStore) Erasures(context.Context) (fidelis.ErasureLog, error) {
	return fidelis.ErasureLog{}, nil
}
func (w *memWriter) Write(_ context.Context, rows []fidelis.Row) error {
	w.staged = append(w.staged, rows...)
	return nil
}
func (w *memWriter) Commit(context.Context, int64) (c fidelis.Committed, err error) {
	for _, r := range w.staged {
		id := r.Values[0].(string)
		if _, ok := w.s.rows[id]; ok {
			c.Duplicates++
			continue
		}
		w.s.rows[id], w.s.kinds[id] = r, w.kind
		c.Stored++
	}
	return c, nil
}
func (w *memWriter) Rollback() error { return nil }

// Quality reports the currencies of the stored orders, and counts records naming a customer that
// no stored customers row has (any row whose first value is that id counts as a customer here).
func (s *memStore) Quality(context.Context) (fidelis.Quality, error) {
	q := fidelis.Quality{UnknownCustomers: map[fidelis.Kind]int64{}}
	byCur := map[string]*fidelis.CurrencyTotal{}
	for id, r := range s.rows {
		if s.kinds[id] == fidelis.Orders {
			cur, _ := r.Values[4].(string)
			if byCur[cur] == nil {
				byCur[cur] = &fidelis.CurrencyTotal{Code: cur}
			}
			byCur[cur].Orders++
			byCur[cur].Revenue += r.Values[3].(float64)
		}
	}
	for _, c := range byCur {
		q.Currencies = append(q.Currencies, *c)
	}
	return q, nil
}

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readRejects(t *testing.T, p string) [][]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

// A European export: BOM, CRLF, ';', decimal commas, DD.MM.YYYY, a quoted newline, and one of
// each kind of bad row.
const european = "\ufefforder_id;customer_id;order_date;total;channel\r\n" +
	"o1;A;31.12.2024;12,50;web\r\n" + // line 2
	"o2;B;01.01.2025;1.234,56;\"store\r\nnorth\"\r\n" + // lines 3–4: a quoted newline
	"o3;C;31.02.2024;5,00;web\r\n" + // line 5: impossible date
	"o4;;02.01.2025;5,00;web\r\n" + // line 6: missing customer
	"o5;D;03.01.2025;abc;web\r\n" + // line 7: not a number
	"o6;E;04.01.2025;5,00\r\n" + // line 8: a column short
	"o1;A;31.12.2024;12,50;web\r\n" + // line 9: duplicate id
	"o7;F;05.01.2025;-3,00;web\r\n" // line 10: a refund

func TestEuropeanExportReconciles(t *testing.T) {
	p := write(t, "orders.csv", european)
	rej := filepath.Join(t.TempDir(), "rejects.csv")
	st := &memStore{}
	sum, err := ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{Rejects: rej})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 8 || sum.Stored != 3 || sum.Rejected != 4 || sum.Duplicates != 1 {
		t.Fatalf("read %d stored %d rejected %d duplicates %d, want 8 = 3 + 4 + 1", sum.Read, sum.Stored, sum.Rejected, sum.Duplicates)
	}
	if sum.Decimal != "," || sum.Format != "csv (;)" || sum.DateFormats["timestamp"] != "DD.MM.YYYY" {
		t.Errorf("detected %q %q %v", sum.Decimal, sum.Format, sum.DateFormats)
	}
	got := readRejects(t, rej)
	want := [][]string{
		{p, "5", "3", "timestamp", "31.02.2024", "impossible date (day out of range)"},
		{p, "6", "2", "customer_id", "", "missing required value"},
		{p, "7", "4", "amount", "abc", "not a number"},
		{p, "8", "", "", "", "has 4 columns, the header has 5"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejects:\n got %q\nwant %q", got, want)
	}
	o2 := st.rows["o2"]
	if o2.Values[3] != 1234.56 || o2.Values[5] != "store\r\nnorth" && o2.Values[5] != "store\nnorth" {
		t.Errorf("o2 %v", o2.Values)
	}
	if ts := st.rows["o1"].Values[2].(time.Time); !ts.Equal(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("o1 date %v", ts)
	}
	if st.rows["o7"].Values[3] != -3.0 {
		t.Errorf("refund %v", st.rows["o7"].Values)
	}
	// The same file again: everything is a duplicate.
	sum, err = ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{Rejects: rej})
	if err != nil || sum.Stored != 0 || sum.Duplicates != 4 || sum.Rejected != 4 {
		t.Errorf("re-import %+v %v", sum, err)
	}
}

func TestRowsWithoutIDs(t *testing.T) {
	// Two identical orders are both kept; importing the file again adds nothing; a file with one
	// more identical row adds exactly that row.
	body := "customer_id date amount\n00001 19970101 11.77\n00002 19970112 12.00\n00002 19970112 12.00\n"
	st := &memStore{}
	p := write(t, "cdnow.txt", body)
	sum, err := ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{})
	if err != nil || sum.Stored != 3 || sum.Format != "whitespace" {
		t.Fatalf("%+v %v", sum, err)
	}
	sum, _ = ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{})
	if sum.Stored != 0 || sum.Duplicates != 3 {
		t.Fatalf("re-import %+v", sum)
	}
	p2 := write(t, "cdnow2.txt", body+"00002 19970112 12.00\n")
	sum, _ = ingest.Import(context.Background(), st, fidelis.Orders, p2, ingest.Options{})
	if sum.Stored != 1 || sum.Duplicates != 3 {
		t.Fatalf("superset %+v", sum)
	}
}

func TestFormats(t *testing.T) {
	cases := []struct {
		name, body string
		opt        ingest.Options
		stored     int64
		amount     float64
	}{
		{"a.tsv", "order_id\tcustomer_id\ttimestamp\tamount\nx\tA\t2024-05-01T10:00:00Z\t9.5\n", ingest.Options{}, 1, 9.5},
		{"a.jsonl", `{"order_id":"x","customer_id":"A","date":"2024-05-01","amount":9.5}` + "\n\n" + `{"order_id":"y","customer_id":"B","date":"2024-05-02","amount":"1"}` + "\n", ingest.Options{}, 2, 9.5},
		{"a.csv", "id,who,when,brutto\nx,A,05/31/2024,\"1,234.50\"\n", ingest.Options{Map: map[string]string{"order_id": "id", "customer_id": "who", "timestamp": "when", "amount": "brutto"}}, 1, 1234.5},
		{"b.csv", "order_id|customer_id|date|amount\nx|A|2024.05.01|9.5\n", ingest.Options{}, 1, 9.5},
		{"c.csv", "order_id,customer_id,date,amount\nx,A,1.5.2024,9.5\n", ingest.Options{DateFormat: "D.M.YYYY"}, 1, 9.5},
		{"d.csv", "order_id;customer_id;date;amount\nx;A;2024-05-01;9\n", ingest.Options{Sep: ";"}, 1, 9},
	}
	for _, c := range cases {
		st := &memStore{}
		c.opt.Rejects = filepath.Join(t.TempDir(), "rejects.csv")
		sum, err := ingest.Import(context.Background(), st, fidelis.Orders, write(t, c.name, c.body), c.opt)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if sum.Stored != c.stored || sum.Rejected != 0 {
			t.Errorf("%s: %+v", c.name, sum)
			continue
		}
		if v := st.rows["x"].Values[3]; v != c.amount {
			t.Errorf("%s: amount %v, want %v", c.name, v, c.amount)
		}
	}
}

func TestCustomersKeepAttributes(t *testing.T) {
	st := &memStore{}
	p := write(t, "c.csv", "Customer ID,Region,Age Band,gender\nA,North,25-34,f\nB,,35-44,\n")
	sum, err := ingest.Import(context.Background(), st, fidelis.Customers, p, ingest.Options{})
	if err != nil || sum.Stored != 2 {
		t.Fatalf("%+v %v", sum, err)
	}
	if !reflect.DeepEqual(sum.Attributes, []string{"age_band", "gender"}) {
		t.Errorf("attributes %v", sum.Attributes)
	}
	if a := st.rows["A"].Attrs; !reflect.DeepEqual(a, []fidelis.Attr{{Name: "age_band", Value: "25-34"}, {Name: "gender", Value: "f"}}) {
		t.Errorf("A attrs %v", a)
	}
	if st.rows["B"].Values[2] != nil {
		t.Errorf("empty region should be nil, got %v", st.rows["B"].Values[2])
	}
}

func TestClearErrors(t *testing.T) {
	ctx := context.Background()
	st := &memStore{}
	_, err := ingest.Import(ctx, st, fidelis.Orders, write(t, "o.csv", "order,client,when\n1,A,2024-01-01\n"), ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "no column for the required orders fields customer_id (or customer") || !strings.Contains(err.Error(), "found columns: order, client, when") ||
		!strings.Contains(fidelis.ErrorHint(err), "--map customer_id=COLUMN") {
		t.Errorf("unmappable header: %v (hint %q)", err, fidelis.ErrorHint(err))
	}
	_, err = ingest.Import(ctx, st, fidelis.Orders, filepath.Join(t.TempDir(), "missing.csv"), ingest.Options{})
	if fidelis.ErrorCode(err) != fidelis.ENotFound {
		t.Errorf("missing file: %v", err)
	}
	if _, err := fidelis.ParseKind("purchases"); fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), "orders") {
		t.Errorf("unknown kind: %v", err)
	}
	_, err = ingest.Import(ctx, st, fidelis.Orders, write(t, "e.csv", ""), ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: %v", err)
	}
	// Every programme event type is checked against the known ones.
	sum, err := ingest.Import(ctx, st, fidelis.Program, write(t, "p.csv", "event_id,customer_id,date,type,points\ne1,A,2024-01-01,Earn,10\ne2,A,2024-01-02,gift,5\n"), ingest.Options{Rejects: filepath.Join(t.TempDir(), "r.csv")})
	if err != nil || sum.Stored != 1 || sum.Rejected != 1 || st.rows["e1"].Values[3] != "earn" {
		t.Errorf("programme types: %+v %v", sum, err)
	}
}

func TestParquet(t *testing.T) {
	type order struct {
		OrderID  string    `parquet:"order_id"`
		Customer string    `parquet:"Customer"`
		When     time.Time `parquet:"created_at"`
		Total    float64   `parquet:"total"`
		Qty      int64     `parquet:"qty"`
		Channel  *string   `parquet:"channel,optional"`
	}
	web := "web"
	rows := []order{
		{"p1", "A", time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC), 12.5, 2, &web},
		{"p2", "B", time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), -3, 1, nil},
		{"p3", "", time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC), 5, 1, nil}, // no customer: rejected
	}
	p := filepath.Join(t.TempDir(), "orders.parquet")
	if err := parquet.WriteFile(p, rows); err != nil {
		t.Fatal(err)
	}
	st := &memStore{}
	rej := filepath.Join(t.TempDir(), "rej.csv")
	sum, err := ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{Rejects: rej})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Format != "parquet" || sum.Read != 3 || sum.Stored != 2 || sum.Rejected != 1 {
		t.Fatalf("%+v", sum)
	}
	got := st.rows["p1"].Values
	if !got[2].(time.Time).Equal(rows[0].When) || got[3] != 12.5 || got[5] != "web" || got[6] != 2.0 {
		t.Errorf("p1 %v", got)
	}
	if st.rows["p2"].Values[5] != nil || st.rows["p2"].Values[3] != -3.0 {
		t.Errorf("p2 %v", st.rows["p2"].Values)
	}
	if r := readRejects(t, rej); len(r) != 1 || r[0][1] != "4" || r[0][3] != "customer_id" {
		t.Errorf("rejects %v", r)
	}
}

// TestCurrencySpellings: every spelling of a currency (case, symbol, spaces) is stored as its ISO
// code on every row, across chunks converted on several workers, and a code that is not one is
// rejected each time it comes, however often the valid ones came before it.
func TestCurrencySpellings(t *testing.T) {
	st := &memStore{}
	spellings := []string{"eur", "€", " EUR", "EUR", "Eur", "EURO"}
	var b strings.Builder
	b.WriteString("order_id,customer_id,timestamp,amount,currency\n")
	const n = 12000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "o%d,C%d,2024-01-02,1.5,%s\n", i, i%7, spellings[i%len(spellings)])
	}
	p := write(t, "o.csv", b.String())
	sum, err := ingest.Import(context.Background(), st, fidelis.Orders, p, ingest.Options{Rejects: filepath.Join(t.TempDir(), "r.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != n*5/6 || sum.Rejected != n/6 {
		t.Fatalf("stored %d rejected %d (%v), want %d and %d", sum.Stored, sum.Rejected, sum.Reasons, n*5/6, n/6)
	}
	for id, r := range st.rows {
		if r.Values[4] != "EUR" {
			t.Fatalf("%s stored currency %q", id, r.Values[4])
		}
	}
	for reason := range sum.Reasons {
		if !strings.HasPrefix(reason, "currency: not an ISO 4217 currency code") {
			t.Errorf("reason %q", reason)
		}
	}
}
