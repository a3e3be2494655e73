package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"fidelis"
	"fidelis/ingest"
)

// importFile imports body as path's base name with its rejects in a temporary folder.
func importFile(t *testing.T, kind fidelis.Kind, name string, body []byte, opt ingest.Options) (ingest.Summary, *memStore, string, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if opt.Rejects == "" {
		opt.Rejects = filepath.Join(t.TempDir(), "rejects.csv")
	}
	st := &memStore{}
	sum, err := ingest.Import(context.Background(), st, kind, p, opt)
	if err == nil && sum.Lines > 0 && sum.Lines != sum.HeaderLines+sum.BlankLines+sum.Read+sum.ContinuationLines {
		t.Errorf("%s: lines %d ≠ header %d + blank %d + read %d + continuation %d", name, sum.Lines, sum.HeaderLines, sum.BlankLines, sum.Read, sum.ContinuationLines)
	}
	return sum, st, opt.Rejects, err
}

func TestCROnlyLineEnds(t *testing.T) {
	// An old Mac / Excel "CSV (Macintosh)" export: lines end in a lone CR. On main: read 0.
	body := "order_id,customer_id,date,amount\r" +
		"o1,A,2024-01-01,10\r" +
		"o2,B,2024-01-02,\"a\r\"\r" + // line 3: a quoted CR is not a line end... but here it is: rejected, not swallowed
		"o3,C,2024-01-03,12.5\r" +
		"\r" +
		"o4,D,2024-01-04,13"
	sum, st, rej, err := importFile(t, fidelis.Orders, "mac.csv", []byte(body), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.LineEnds != "CR (old Mac)" || sum.Lines != 7 || sum.Read != 4 || sum.Stored != 3 || sum.Rejected != 1 ||
		sum.BlankLines != 1 || sum.ContinuationLines != 1 {
		t.Fatalf("%+v", sum)
	}
	if st.rows["o3"].Values[3] != 12.5 || st.rows["o4"].Values[3] != 13.0 {
		t.Errorf("rows %v", st.rows)
	}
	if r := readRejects(t, rej); len(r) != 1 || r[0][1] != "3" {
		t.Errorf("rejects %q", r)
	}
}

// tenLines is the reproducing file: 10 data lines, one (line 5) with an unbalanced quote. On main
// the lazy CSV reader swallowed the lines after it: read 4, six lines nowhere.
const tenLines = "order_id,customer_id,date,amount,channel\n" +
	"o1,A,2024-01-01,10,web\n" +
	"o2,B,2024-01-02,11,web\n" +
	"o3,C,2024-01-03,12,web\n" +
	"o4,D,2024-01-04,\"13,web\n" + // line 5
	"o5,E,2024-01-05,14,web\n" +
	"o6,F,2024-01-06,15,web\n" +
	"o7,G,2024-01-07,16,web\n" +
	"o8,H,2024-01-08,17,web\n" +
	"o9,I,2024-01-09,18,web\n" +
	"o10,J,2024-01-10,19,web\n"

func TestUnbalancedQuoteRejectsOneLine(t *testing.T) {
	cases := []struct {
		name, body string
		badLine    string
	}{
		{"reproducing file", tenLines, "5"},
		// Later rows quote their channel: the stray quote must still not pair with theirs.
		{"quoted rows after it", strings.Replace(strings.ReplaceAll(tenLines, ",web\n", ",\"web\"\n"), "\"13,\"web\"", "\"13,web", 1), "5"},
		// The last line opens a quote that the file never closes.
		{"last line", strings.Replace(tenLines, "o10,J,2024-01-10,19,web", "o10,J,2024-01-10,\"19,web", 1), "11"},
	}
	for _, c := range cases {
		body := c.body
		if c.badLine == "11" {
			body = strings.Replace(tenLines, "o4,D,2024-01-04,\"13,web", "o4,D,2024-01-04,13,web", 1)
			body = strings.Replace(body, "o10,J,2024-01-10,19,web", "o10,J,2024-01-10,\"19,web", 1)
		}
		sum, st, rej, err := importFile(t, fidelis.Orders, "ten.csv", []byte(body), ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if sum.Lines != 11 || sum.Read != 10 || sum.Stored != 9 || sum.Rejected != 1 {
			t.Errorf("%s: lines %d read %d stored %d rejected %d, want 11 lines, 10 = 9 + 1", c.name, sum.Lines, sum.Read, sum.Stored, sum.Rejected)
		}
		r := readRejects(t, rej)
		if len(r) != 1 || r[0][1] != c.badLine || !strings.Contains(r[0][5], "unbalanced quote in column 4") {
			t.Errorf("%s: rejects %q", c.name, r)
		}
		if len(st.rows) != 9 {
			t.Errorf("%s: stored %d rows", c.name, len(st.rows))
		}
	}
}

func TestQuotedValuesSpanningLines(t *testing.T) {
	body := "response_id;customer_id;date;kind;score;comment\r\n" +
		"r1;A;2024-01-01;nps;9;\"great\r\n\r\nservice; \"\"fast\"\"\r\nthanks\"\r\n" + // lines 2–5
		"r2;B;2024-01-02;nps;3;  \"slow\"  \r\n" + // spaces around a quoted value
		"r3;C;2024-01-03;nps;7;12\" screen\r\n" // a quote inside an unquoted value
	sum, st, _, err := importFile(t, fidelis.Surveys, "s.csv", []byte(body), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != 7 || sum.Read != 3 || sum.Stored != 3 || sum.ContinuationLines != 3 || sum.LineEnds != "CRLF" {
		t.Fatalf("%+v", sum)
	}
	comment := fidelis.Schemas[fidelis.Surveys].Index("comment")
	want := map[string]string{"r1": "great\n\nservice; \"fast\"\nthanks", "r2": "slow", "r3": "12\" screen"}
	for id, w := range want {
		if got := st.rows[id].Values[comment]; got != w {
			t.Errorf("%s comment %q, want %q", id, got, w)
		}
	}
}

func TestRejectsFiles(t *testing.T) {
	dir := t.TempDir()
	jan, feb := filepath.Join(dir, "jan", "orders.csv"), filepath.Join(dir, "feb", "orders.csv")
	got := ingest.DefaultRejects([]string{jan, feb, filepath.Join(dir, "x.csv")})
	if want := []string{"jan-orders.csv.rejects.csv", "feb-orders.csv.rejects.csv", "x.csv.rejects.csv"}; !reflect.DeepEqual(got, want) {
		t.Errorf("default rejects %q, want %q", got, want)
	}
	// --rejects naming the input is refused and the input is left as it was.
	p := filepath.Join(dir, "o.csv")
	body := "order_id,customer_id,date,amount\no1,,2024-01-01,1\n"
	os.WriteFile(p, []byte(body), 0o644)
	_, err := ingest.Import(context.Background(), &memStore{}, fidelis.Orders, p, ingest.Options{Rejects: filepath.Join(dir, ".", "o.csv")})
	if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), "is an input file") {
		t.Errorf("rejects = input: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != body {
		t.Errorf("input overwritten: %q", b)
	}
	if err := ingest.CheckRejects(jan, []string{feb, jan}); err == nil {
		t.Error("rejects naming the second input accepted")
	}
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodings(t *testing.T) {
	polish := "customer_id;region;city\nc1;mazowieckie;Łódź\nc2;pomorskie;Gdańsk\nc3;śląskie;Żółć ąę\n"
	want := map[string]string{"c1": "Łódź", "c2": "Gdańsk", "c3": "Żółć ąę"}
	cases := []struct {
		name     string
		body     []byte
		encoding string
		shown    string
	}{
		{"windows-1250", encode(t, charmap.Windows1250, polish), "windows-1250", "windows-1250"},
		{"cp1250 alias", encode(t, charmap.Windows1250, polish), "CP1250", "windows-1250"},
		{"iso-8859-2", encode(t, charmap.ISO8859_2, polish), "latin2", "iso-8859-2"},
		{"utf-16le with BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), polish), "", "utf-16le (byte-order mark)"},
		{"utf-16be without BOM", encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), polish), "", "utf-16be (detected, no byte-order mark)"},
		{"utf-16le without BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), polish), "", "utf-16le (detected, no byte-order mark)"},
		{"utf-8", []byte(polish), "", "utf-8"},
	}
	for _, c := range cases {
		sum, st, _, err := importFile(t, fidelis.Customers, "c.csv", c.body, ingest.Options{Encoding: c.encoding})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if sum.Stored != 3 || sum.Encoding != c.shown {
			t.Errorf("%s: stored %d encoding %q, want 3 and %q", c.name, sum.Stored, sum.Encoding, c.shown)
		}
		for id, city := range want {
			if a := st.rows[id].Attrs; len(a) != 1 || a[0].Value != city {
				t.Errorf("%s: %s attrs %v, want city %q", c.name, id, a, city)
			}
		}
	}
	// Without --encoding, 8-bit text is refused with the encodings to try, not stored garbled.
	_, _, _, err := importFile(t, fidelis.Customers, "c.csv", encode(t, charmap.Windows1250, polish), ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "not UTF-8: line 2 has the byte 0xA3") || !strings.Contains(fidelis.ErrorHint(err), "--encoding windows-1250") {
		t.Errorf("8-bit without --encoding: %v (hint %q)", err, fidelis.ErrorHint(err))
	}
	_, _, _, err = importFile(t, fidelis.Customers, "c.csv", []byte(polish), ingest.Options{Encoding: "klingon"})
	if fidelis.ErrorCode(err) != fidelis.EInvalid || !strings.Contains(err.Error(), "unknown encoding") {
		t.Errorf("unknown encoding: %v", err)
	}
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func parquetBytes(t testing.TB) []byte {
	type order struct {
		OrderID  string  `parquet:"order_id"`
		Customer string  `parquet:"customer_id"`
		Date     string  `parquet:"date"`
		Amount   float64 `parquet:"amount"`
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []order{{"x", "A", "2024-05-01", 9.5}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxBytes writes a workbook: a Notes sheet first? No: Orders first, with a real date cell, a
// number, a bad date and a row past the header's width; and a second sheet.
func xlsxBytes(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Orders")
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	custom := "dd.mm.yyyy hh:mm"
	dt, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	rows := [][]any{
		{"order_id", "customer_id", "date", "amount"},
		{"x", "A", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), 1234.5},
		{"y", "B", time.Date(2024, 5, 2, 14, 30, 0, 0, time.UTC), 7},
		{},
		{"z", "C", "not a date", 3},
		{"w", "D", time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC), 4, "extra"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Orders", cell, &r)
	}
	f.SetCellStyle("Orders", "C2", "C2", date)
	f.SetCellStyle("Orders", "C3", "C3", dt)
	f.SetCellStyle("Orders", "C6", "C6", date)
	f.SetCellStyle("Orders", "D2", "D2", money)
	f.NewSheet("Returns")
	f.SetSheetRow("Returns", "A1", &[]any{"order_id", "customer_id", "date", "amount"})
	f.SetSheetRow("Returns", "A2", &[]any{"r", "A", "2024-06-01", -5})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	book := xlsxBytes(t)
	sum, st, rej, err := importFile(t, fidelis.Orders, "orders.xlsx", book, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Format != "xlsx (sheet Orders)" || sum.Read != 4 || sum.Stored != 2 || sum.Rejected != 2 || sum.Lines != 6 || sum.BlankLines != 1 {
		t.Fatalf("%+v", sum)
	}
	if ts := st.rows["y"].Values[2].(time.Time); !ts.Equal(time.Date(2024, 5, 2, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("y date %v", ts)
	}
	if ts := st.rows["x"].Values[2].(time.Time); !ts.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) || st.rows["x"].Values[3] != 1234.5 {
		t.Errorf("x %v", st.rows["x"].Values)
	}
	r := readRejects(t, rej)
	if len(r) != 2 || r[0][0] != filepath.Join(filepath.Dir(r[0][0]), "orders.xlsx")+" [sheet Orders]" ||
		r[0][1] != "5" || r[0][2] != "C" || r[0][3] != "timestamp" || r[1][1] != "6" || !strings.Contains(r[1][5], "E6") {
		t.Errorf("rejects %q", r)
	}
	sum, st, _, err = importFile(t, fidelis.Orders, "orders.xlsx", book, ingest.Options{Sheet: "returns"})
	if err != nil || sum.Stored != 1 || st.rows["r"].Values[3] != -5.0 {
		t.Errorf("--sheet returns: %+v %v", sum, err)
	}
	_, _, _, err = importFile(t, fidelis.Orders, "orders.xlsx", book, ingest.Options{Sheet: "Nope"})
	if err == nil || !strings.Contains(err.Error(), "sheets: Orders, Returns") {
		t.Errorf("unknown sheet: %v", err)
	}
}

func TestContentSniffing(t *testing.T) {
	csv := []byte("order_id,customer_id,date,amount\nx,A,2024-05-01,9.5\n")
	jsonArray := []byte("[\n  {\"order_id\": \"x\", \"customer_id\": \"A\", \"date\": \"2024-05-01\", \"amount\": 9.5},\n  {\"order_id\": \"y\",\n   \"customer_id\": \"\", \"date\": \"2024-05-01\", \"amount\": 1},\n  7\n]\n")
	cases := []struct {
		name   string
		body   []byte
		format string
		read   int64
	}{
		{"orders.csv.gz", gz(t, csv), "gzip, csv", 1},
		{"orders.csv", gz(t, csv), "gzip, csv", 1},
		{"orders.csv", parquetBytes(t), "parquet (named .csv)", 1},
		{"orders.parquet.gz", gz(t, parquetBytes(t)), "gzip, parquet", 1},
		{"orders.csv", xlsxBytes(t), "xlsx (sheet Orders) (named .csv)", 4},
		{"orders.txt", jsonArray, "json array (named .txt)", 3},
		{"orders.json", jsonArray, "json array", 3},
		{"orders.csv", []byte(`{"order_id":"x","customer_id":"A","date":"2024-05-01","amount":9.5}` + "\n"), "json lines (named .csv)", 1},
	}
	for _, c := range cases {
		sum, st, rej, err := importFile(t, fidelis.Orders, c.name, c.body, ingest.Options{})
		if err != nil {
			t.Errorf("%s as %s: %v", c.name, c.format, err)
			continue
		}
		if sum.Format != c.format || sum.Read != c.read || st.rows["x"].Values[3] != 9.5 && c.read != 4 {
			t.Errorf("%s: format %q read %d, want %q %d (rows %v)", c.name, sum.Format, sum.Read, c.format, c.read, st.rows)
		}
		if c.format == "json array" {
			// The objects' lines: the second starts on line 3, the 7 on line 5.
			if r := readRejects(t, rej); len(r) != 2 || r[0][1] != "3" || r[1][1] != "5" || !strings.Contains(r[1][5], "not a JSON object") {
				t.Errorf("json array rejects %q", r)
			}
		}
	}
	// What cannot be read is named, never read as text.
	for _, c := range []struct{ body, says string }{
		{"PK\x03\x04\x14\x00\x00\x00", "damaged ZIP"},
		{"%PDF-1.7\n\x00\x01binary", "a PDF document"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", ".xls"},
		{"\xfd7zXZ\x00\x00", "xz-compressed"},
		{"order_id,customer_id\x00\x01\x02\x03\xff\xfe\xfd", "binary data"},
		{"{\n  \"orders\": [\n", "one JSON document"},
		// Found by FuzzParquet: a damaged footer length made the decoder allocate up to 4 GiB.
		{"PAR1\x15\x00\x15\x1c\xff\xff\xff\xffPAR1", "damaged Parquet file: its footer claims 4294967295 bytes"},
	} {
		_, _, _, err := importFile(t, fidelis.Orders, "o.csv", []byte(c.body), ingest.Options{})
		if err == nil || !strings.Contains(err.Error(), c.says) || len(err.Error()) > 400 {
			t.Errorf("%q: %v", c.body, err)
		}
	}
}

func TestLongValuesAreClipped(t *testing.T) {
	long := strings.Repeat("9", 10<<20)
	// A 10 MB header line: the error lists the columns found, clipped.
	_, _, _, err := importFile(t, fidelis.Orders, "h.csv", []byte(long+"\n1\n"), ingest.Options{})
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "bytes in all") {
		t.Errorf("10 MB header: %d bytes of error", len(fmt.Sprint(err)))
	}
	// A 10 MB value in a rejected row: the rejects file quotes a few hundred characters of it.
	sum, _, rej, err := importFile(t, fidelis.Orders, "v.csv", []byte("order_id,customer_id,date,amount\nx,A,2024-01-01,"+long+"x\n"), ingest.Options{})
	if err != nil || sum.Rejected != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	if fi, _ := os.Stat(rej); fi.Size() > 1000 {
		t.Errorf("rejects file is %d bytes", fi.Size())
	}
	// A line over 16 MiB is rejected and skipped, and the next line is still read.
	huge := strings.Repeat("x", 17<<20)
	sum, _, rej, err = importFile(t, fidelis.Orders, "l.csv", []byte("order_id,customer_id,date,amount\n"+huge+"\ny,B,2024-01-01,2\n"), ingest.Options{})
	if err != nil || sum.Read != 2 || sum.Stored != 1 || sum.Lines != 3 {
		t.Fatalf("%+v %v", sum, err)
	}
	if r := readRejects(t, rej); len(r) != 1 || r[0][1] != "2" || !strings.Contains(r[0][5], "longer than 16 MiB") {
		t.Errorf("rejects %q", r)
	}
}

func TestStrayNULRejectsItsLine(t *testing.T) {
	body := "order_id,customer_id,date,amount\n" +
		"o1,A,2024-01-01,1\no2,B,2024-01-\x0002,1\n" + strings.Repeat("o3,C,2024-01-03,1\n", 100)
	sum, _, rej, err := importFile(t, fidelis.Orders, "n.csv", []byte(body), ingest.Options{})
	if err != nil || sum.Read != 102 || sum.Rejected != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	if r := readRejects(t, rej); r[0][1] != "3" || !strings.Contains(r[0][5], "NUL byte") {
		t.Errorf("rejects %q", r)
	}
}
