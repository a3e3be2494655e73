package ingest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fidelis"
	"fidelis/ingest"
)

// The fuzz targets import arbitrary bytes through the public entry point and check the promises
// that hold for every input: no panic, read = stored + rejected + duplicates, every physical line
// of UTF-8 text accounted for (lines = header + blank + read + continuation, against a count made
// here from the bytes), and every reject naming a line that exists. Seeds are in testdata/fuzz.

// fuzzImport imports data as a file called name and checks the invariants.
func fuzzImport(t *testing.T, kind fidelis.Kind, name string, data []byte, opt ingest.Options) {
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Rejects = filepath.Join(dir, "rejects.csv")
	sum, err := ingest.Import(context.Background(), &memStore{}, kind, p, opt)
	if err != nil {
		if fidelis.ErrorCode(err) == fidelis.EInternal {
			t.Fatalf("internal error: %v", err)
		}
		if len(err.Error()) > 2000 {
			t.Fatalf("error of %d bytes", len(err.Error()))
		}
		return
	}
	if sum.Read != sum.Stored+sum.Rejected+sum.Duplicates {
		t.Fatalf("read %d ≠ %d + %d + %d", sum.Read, sum.Stored, sum.Rejected, sum.Duplicates)
	}
	if sum.Lines > 0 && sum.Lines != sum.HeaderLines+sum.BlankLines+sum.Read+sum.ContinuationLines {
		t.Fatalf("lines %+v", sum)
	}
	plain := !strings.Contains(sum.Format, ",") && !strings.HasPrefix(sum.Format, "parquet") &&
		!strings.HasPrefix(sum.Format, "xlsx") && !strings.HasPrefix(sum.Format, "json array")
	if plain && strings.HasPrefix(sum.Encoding, "utf-8") {
		if want := physicalLines(data); sum.Lines != want {
			t.Fatalf("%s: %d lines counted, the bytes have %d", sum.Format, sum.Lines, want)
		}
	}
	rej := rejectLines(t, opt.Rejects)
	if int64(len(rej)) != sum.Rejected {
		t.Fatalf("%d rejects written, %d counted", len(rej), sum.Rejected)
	}
	for _, l := range rej {
		if l < 1 || sum.Lines > 0 && l > sum.Lines {
			t.Fatalf("reject names line %d of %d", l, sum.Lines)
		}
	}
}

// physicalLines counts lines as a person would: ends are LF (CRLF), or lone CRs when the start of
// the file has no LF; a last line without an end counts.
func physicalLines(data []byte) int64 {
	head := data[:min(len(data), 64<<10)]
	term := byte('\n')
	if bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0 {
		term = '\r'
	}
	n := int64(bytes.Count(data, []byte{term}))
	if len(data) > 0 && data[len(data)-1] != term {
		n++
	}
	return n
}

func rejectLines(t *testing.T, path string) []int64 {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	recs := readRejects(t, path)
	var out []int64
	for _, r := range recs {
		n, err := strconv.ParseInt(r[1], 10, 64)
		if err != nil {
			t.Fatalf("reject line %q in %q", r[1], b)
		}
		out = append(out, n)
	}
	return out
}

var fuzzSeps = []string{"", ",", ";", "tab", "|", "whitespace"}

// FuzzCSV reads delimited text with every separator (detected, or each given).
func FuzzCSV(f *testing.F) {
	for i, s := range []string{european, tenLines, strings.ReplaceAll(tenLines, "\n", "\r"),
		"order_id;customer_id;date;amount\n\"a;b\";\"x\"\"y\";2024-01-01;\"1,5\"\n;;;\n",
		"order_id|customer_id|date|amount\nx|A|2024.05.01|9.5\n"} {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, sep uint8) {
		fuzzImport(t, fidelis.Orders, "f.csv", data, ingest.Options{Sep: fuzzSeps[int(sep)%len(fuzzSeps)]})
	})
}

// FuzzWhitespace reads whitespace-separated text, like the CDNOW log.
func FuzzWhitespace(f *testing.F) {
	f.Add([]byte("customer_id date amount\n00001 19970101 11.77\n\n00002 19970112 12.00\n"))
	f.Add([]byte("customer_id\tdate\tamount\r\n1 19970101\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, fidelis.Orders, "f.txt", data, ingest.Options{Sep: "whitespace"})
	})
}

// FuzzJSONL reads JSON Lines.
func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"order_id":"x","customer_id":"A","date":"2024-05-01","amount":9.5}` + "\n\n" + `{"order_id":"y","customer_id":"B","date":"2024-05-02","amount":"1"}` + "\n" + `[1]` + "\nnull\n"))
	f.Add([]byte(`{"customer_id":"A","date":"2024-05-01","amount":1e400,"x":{"y":[1,2]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, fidelis.Orders, "f.jsonl", data, ingest.Options{})
	})
}

// FuzzJSONArray reads JSON arrays of objects.
func FuzzJSONArray(f *testing.F) {
	f.Add([]byte("[\n {\"order_id\": \"x\", \"customer_id\": \"A\", \"date\": \"2024-05-01\", \"amount\": 9.5},\n 7, {\"customer_id\": null}\n]\n"))
	f.Add([]byte(`[{"customer_id":"A","date":"2024-05-01","amount":1}] trailing`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, fidelis.Orders, "f.json", data, ingest.Options{})
	})
}

// FuzzParquet reads Parquet files (seeded with a valid one; mutations exercise the decoder's
// handling of damaged files).
func FuzzParquet(f *testing.F) {
	f.Add(parquetBytes(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, fidelis.Orders, "f.parquet", data, ingest.Options{})
	})
}

// FuzzXLSX reads XLSX workbooks (seeded with a valid one).
func FuzzXLSX(f *testing.F) {
	f.Add(xlsxBytes(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, fidelis.Orders, "f.xlsx", data, ingest.Options{})
	})
}
