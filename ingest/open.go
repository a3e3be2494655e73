package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"

	"fidelis"
)

// sniffBytes is how much of a file is looked at to tell what it is.
const sniffBytes = 64 << 10

// input is a file opened for reading records: the source and what was found out about the file.
type input struct {
	src      source
	format   string
	encoding string
	lineEnds string
	closers  []io.Closer
}

func (in *input) close() {
	for i := len(in.closers) - 1; i >= 0; i-- {
		in.closers[i].Close()
	}
}

// openInput tells what the file is from its content (the extension only breaks ties), undoes a
// compression, decodes the text to UTF-8 and returns the reader of its records. Content the
// importer cannot read is named in the error rather than read as text.
// A reader that is not the named file (file false: an HTTP body) is spooled to a temporary file
// when its format is read at random (Parquet, XLSX).
func openInput(r io.Reader, path string, file bool, opt Options) (in *input, err error) {
	in = &input{}
	defer func() {
		if err != nil {
			in.close()
		}
	}()
	br := bufio.NewReaderSize(r, 1<<20)
	head, err := peek(br)
	if err != nil {
		return in, err
	}
	name := path
	what := sniffMagic(head)
	if d, ok := decompressors[what]; ok {
		zr, err := d(br)
		if err != nil {
			return in, fmt.Errorf("%s data: %v", what, err)
		}
		in.closers = append(in.closers, zr)
		in.format = what + ", "
		name = strings.TrimSuffix(name, filepath.Ext(name)) // orders.csv.gz reads as orders.csv
		br = bufio.NewReaderSize(zr, 1<<20)
		if head, err = peek(br); err != nil {
			return in, fmt.Errorf("%s data: %v", what, err)
		}
		if what = sniffMagic(head); decompressors[what] != nil {
			return in, fmt.Errorf("%s compressed twice: decompress it first", what)
		}
		if what == "parquet" || what == "zip" {
			if path, err = spool(br, in); err != nil {
				return in, err
			}
		}
	}
	if !file && in.format == "" && (what == "parquet" || what == "zip") {
		if path, err = spool(br, in); err != nil {
			return in, err
		}
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch what {
	case "parquet":
		var s *parquetSource
		if err := guard(func() (err error) { s, err = newParquetSource(path); return err }); err != nil {
			return in, err
		}
		in.closers = append(in.closers, s)
		in.src, in.format = guarded{s}, in.format+"parquet"+named(ext, "parquet")
		return in, nil
	case "zip":
		what, err = zipKind(path)
		if err != nil {
			return in, err
		}
		if what != "xlsx" {
			return in, fmt.Errorf("this is %s, not a table of records", what)
		}
		var s *xlsxSource
		if err := guard(func() (err error) { s, err = newXLSXSource(path, opt.Sheet); return err }); err != nil {
			return in, err
		}
		in.closers = append(in.closers, s)
		in.src, in.format = guardedXLSX{s}, in.format+"xlsx (sheet "+s.sheet+")"+named(ext, "xlsx")
		return in, nil
	case "text":
	default:
		return in, fmt.Errorf("this is %s, not text the importer can read%s", what, unreadableHint[what])
	}
	if opt.Sheet != "" {
		return in, fmt.Errorf("--sheet %s: the file is text, not an XLSX workbook", opt.Sheet)
	}

	enc, encName, bomLen, err := textEncoding(head, opt.Encoding)
	if err != nil {
		return in, err
	}
	in.encoding = encName
	br.Discard(bomLen)
	if enc != nil {
		br = bufio.NewReaderSize(transform.NewReader(br, enc.NewDecoder()), 1<<20)
	}
	if head, err = peek(br); err != nil {
		return in, err
	}
	if binary(head) {
		return in, errBinary
	}
	term, ends := detectLineEnd(head)
	in.lineEnds = ends
	lr := newLineReader(br, term)

	if opt.Sep == "" {
		switch jsonShape(head, term, ext) {
		case "array":
			s, err := newJSONArraySource(br)
			in.src, in.format, in.lineEnds = s, in.format+"json array"+named(ext, "json"), ""
			return in, err
		case "lines":
			s, err := newJSONLSource(lr)
			in.src, in.format = s, in.format+"json lines"+named(ext, "json")
			return in, err
		case "document":
			return in, errors.New("this is one JSON document spanning lines; the importer reads an array of objects or one object per line (JSON Lines)")
		}
	}
	var c rune
	switch strings.ToLower(opt.Sep) {
	case "":
		if ext == ".tsv" || ext == ".tab" {
			c = '\t'
		} else {
			c = sniffDelimiter(head, term)
		}
	case "whitespace", "space", "ws":
		c = 0
	case "tab", `\t`, "\t":
		c = '\t'
	default:
		r, n := utf8.DecodeRuneInString(opt.Sep)
		if n != len(opt.Sep) || r == '"' || r == '\n' || r == '\r' {
			return in, fmt.Errorf("--sep %q: want one character, tab or whitespace", opt.Sep)
		}
		c = r
	}
	if c == 0 {
		s, err := newFieldsSource(lr)
		in.src, in.format = s, in.format+"whitespace"+named(ext, "text")
		return in, err
	}
	s, err := newCSVSource(lr, c)
	f := map[rune]string{',': "csv", ';': "csv (;)", '\t': "tsv", '|': "csv (|)"}[c]
	if f == "" {
		f = fmt.Sprintf("csv (%q)", c)
	}
	in.src, in.format = s, in.format+f+named(ext, "text")
	return in, err
}

// guard runs f, turning a panic in a third-party decoder (a damaged Parquet or XLSX file) into an
// error rather than a crash.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("a damaged file: its decoder failed (%s)", clip(fmt.Sprint(r)))
		}
	}()
	return f()
}

// guarded reads a source through guard.
type guarded struct{ source }

func (g guarded) Next() (rec []string, line int64, err error) {
	err = guard(func() error { rec, line, err = g.source.Next(); return err })
	return rec, line, err
}

// guardedXLSX keeps the sheet's row accounting visible through the guard.
type guardedXLSX struct{ *xlsxSource }

func (g guardedXLSX) Next() (rec []string, line int64, err error) {
	err = guard(func() error { rec, line, err = g.xlsxSource.Next(); return err })
	return rec, line, err
}

func peek(br *bufio.Reader) ([]byte, error) {
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	return head, nil
}

// sniffMagic names the content from its first bytes: "text", a compression the importer undoes,
// a format it reads ("parquet", "zip" for XLSX), or a description of what it cannot read.
func sniffMagic(b []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(b, []byte(m.prefix)) {
			return m.what
		}
	}
	if len(b) >= 12 && string(b[8:12]) == "DUCK" {
		return "a DuckDB database"
	}
	return "text"
}

var magics = []struct{ prefix, what string }{
	{"\x1f\x8b", "gzip"},
	{"BZh", "bzip2"},
	{"\x28\xb5\x2f\xfd", "zstd"},
	{"PK\x03\x04", "zip"},
	{"PK\x05\x06", "zip"},
	{"PAR1", "parquet"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.xls)"},
	{"\xfd7zXZ\x00", "xz-compressed data"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"Rar!", "a RAR archive"},
	{"%PDF", "a PDF document"},
	{"SQLite format 3\x00", "an SQLite database"},
	{"ORC", "an ORC file"},
	{"Obj\x01", "an Avro file"},
	{"\x89PNG", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
}

var unreadableHint = map[string]string{
	"an old-style Office file (.xls)": ": save it as .xlsx or CSV",
	"xz-compressed data":              ": decompress it first (xz -d), or compress with gzip",
	"a 7-Zip archive":                 ": extract it first",
	"a RAR archive":                   ": extract it first",
	"a DuckDB database":               ": it is a store, not an import file (fidelis ... --db FILE)",
}

var decompressors = map[string]func(io.Reader) (io.ReadCloser, error){
	"gzip":  func(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) },
	"bzip2": func(r io.Reader) (io.ReadCloser, error) { return io.NopCloser(bzip2.NewReader(r)), nil },
	"zstd": func(r io.Reader) (io.ReadCloser, error) {
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	},
}

// spool writes decompressed content to a temporary file, for the formats read at random.
func spool(r io.Reader, in *input) (string, error) {
	f, err := os.CreateTemp("", "fidelis-import-*")
	if err != nil {
		return "", err
	}
	in.closers = append(in.closers, removeOnClose{f})
	if _, err := io.Copy(f, r); err != nil {
		return "", fmt.Errorf("reading the data: %v", err)
	}
	return f.Name(), nil
}

type removeOnClose struct{ f *os.File }

func (r removeOnClose) Close() error {
	r.f.Close()
	return os.Remove(r.f.Name())
}

// zipKind tells an XLSX workbook from other ZIP containers.
func zipKind(path string) (string, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return "", fmt.Errorf("a damaged ZIP or XLSX file: %v", err)
	}
	defer z.Close()
	kind := "a ZIP archive (extract it first)"
	for _, f := range z.File {
		switch {
		case f.Name == "xl/workbook.xml":
			return "xlsx", nil
		case strings.HasPrefix(f.Name, "word/"):
			kind = "a Word document"
		case strings.HasPrefix(f.Name, "ppt/"):
			kind = "a PowerPoint presentation"
		case f.Name == "content.xml":
			kind = "an OpenDocument file (save it as .xlsx or CSV)"
		}
	}
	return kind, nil
}

// named notes when the content is not what the file's extension says.
func named(ext, kind string) string {
	byExt := map[string]string{".csv": "text", ".tsv": "text", ".tab": "text", ".txt": "text", ".json": "json",
		".jsonl": "json", ".ndjson": "json", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx"}
	if k, ok := byExt[ext]; ok && k != kind {
		return " (named " + ext + ")"
	}
	return ""
}

// jsonShape tells JSON content from delimited text: "array" for '[' followed by an object or ']',
// "lines" for a first line holding a whole object (or any content named .json, .jsonl, .ndjson),
// "document" for an object that goes on over lines, "" for delimited text.
func jsonShape(head []byte, term byte, ext string) string {
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) > 0 && t[0] == '[' {
		if r := bytes.TrimLeft(t[1:], " \t\r\n"); len(r) > 0 && (r[0] == '{' || r[0] == ']') {
			return "array"
		}
	}
	if len(t) > 0 && t[0] == '{' {
		line := t
		if i := bytes.IndexByte(t, term); i >= 0 {
			line = t[:i]
		}
		line = bytes.TrimSpace(line)
		switch {
		case json.Valid(line):
			return "lines"
		case bytes.HasSuffix(line, []byte("{")) || bytes.HasSuffix(line, []byte("[")):
			return "document"
		}
	}
	if ext == ".json" || ext == ".jsonl" || ext == ".ndjson" {
		return "lines"
	}
	return ""
}

// textEncoding chooses how to decode the text: a byte-order mark decides, then --encoding, then
// UTF-16 recognised by its zero bytes; otherwise the text must be UTF-8. It returns the decoder
// (nil for UTF-8), the name shown in the summary and the length of the mark to skip.
func textEncoding(head []byte, want string) (encoding.Encoding, string, int, error) {
	boms := []struct {
		mark string
		enc  encoding.Encoding
		name string
	}{
		{"\xff\xfe\x00\x00", utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le"},
		{"\x00\x00\xfe\xff", utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be"},
		{"\xef\xbb\xbf", nil, "utf-8"},
		{"\xff\xfe", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"},
		{"\xfe\xff", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"},
	}
	for _, b := range boms {
		if bytes.HasPrefix(head, []byte(b.mark)) {
			if want != "" && !strings.HasPrefix(normEncoding(want), "utf") {
				return nil, "", 0, fidelis.Errorf(fidelis.EInvalid, "--encoding %s, but the file starts with the byte-order mark of %s", want, b.name).
					WithHint("leave --encoding out: the mark says the encoding")
			}
			return b.enc, b.name + " (byte-order mark)", len(b.mark), nil
		}
	}
	if want != "" {
		e, name, err := lookupEncoding(want)
		if err != nil {
			return nil, "", 0, err
		}
		return e, name, 0, nil
	}
	if le, ok := utf16Guess(head); ok {
		order, name := unicode.BigEndian, "utf-16be"
		if le {
			order, name = unicode.LittleEndian, "utf-16le"
		}
		return unicode.UTF16(order, unicode.IgnoreBOM), name + " (detected, no byte-order mark)", 0, nil
	}
	if binary(head) {
		return nil, "", 0, errBinary
	}
	if at := invalidUTF8(head); at >= 0 {
		line := 1 + bytes.Count(head[:at], []byte{'\n'})
		return nil, "", 0, fidelis.Errorf(fidelis.EInvalid, "the file is not UTF-8: line %d has the byte 0x%02X", line, head[at]).
			WithHint("say its encoding: --encoding windows-1250 (Central European: Polish, Czech, Romanian), iso-8859-2, windows-1257 (Baltic: Latvian, Lithuanian), windows-1252 (Western European); --encoding utf-8 reads it anyway and rejects the rows with bad bytes")
	}
	return nil, "utf-8", 0, nil
}

var errBinary = errors.New("this is binary data (it has NUL bytes), not text the importer can read")

// binary reports content with more NUL bytes than a damaged text export has: over one in a
// thousand, or any in its first bytes. A few stray NULs only get their lines rejected.
func binary(head []byte) bool {
	n := bytes.Count(head, []byte{0})
	return n > 0 && (n*1000 > len(head) || bytes.IndexByte(head[:min(len(head), 16)], 0) >= 0)
}

func normEncoding(s string) string {
	return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
}

// lookupEncoding finds an encoding by its IANA or WHATWG name or alias (windows-1250, cp1250,
// iso-8859-2, latin2, utf-16le, ...).
func lookupEncoding(name string) (encoding.Encoding, string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if strings.HasPrefix(n, "cp") && len(n) > 2 && n[2] >= '0' && n[2] <= '9' {
		n = "windows-" + n[2:]
	}
	switch normEncoding(n) {
	case "utf8":
		return nil, "utf-8", nil
	case "utf16le", "utf16":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "utf-16le", nil
	case "utf16be":
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16be", nil
	}
	e, err := ianaindex.IANA.Encoding(n)
	if e == nil || err != nil {
		e, err = htmlindex.Get(n)
	}
	if e == nil || err != nil {
		return nil, "", fidelis.Errorf(fidelis.EInvalid, "--encoding %s: unknown encoding", clip(name)).
			WithHint("e.g. utf-8, utf-16le, windows-1250, iso-8859-2, windows-1252, iso-8859-1, windows-1257, iso-8859-13")
	}
	canon := n
	if c, err := ianaindex.MIME.Name(e); err == nil && c != "" {
		canon = strings.ToLower(c)
	} else if c, err := ianaindex.IANA.Name(e); err == nil && c != "" {
		canon = strings.ToLower(c)
	}
	return e, canon, nil
}

// utf16Guess recognises UTF-16 without a byte-order mark by its zero bytes: text that is mostly
// ASCII has a zero in every other byte, at odd offsets in little-endian order.
func utf16Guess(b []byte) (littleEndian, ok bool) {
	n := min(len(b), 4096) &^ 1
	if n < 4 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*10 >= pairs*6 && even*20 <= pairs:
		return true, true
	case even*10 >= pairs*6 && odd*20 <= pairs:
		return false, true
	}
	return false, false
}

// invalidUTF8 returns the offset of the first byte that is not UTF-8, ignoring a character cut
// off at the end of the sample, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				return -1
			}
			return i
		}
		i += n
	}
	return -1
}

// maxQuoted bounds a value quoted in a message or a rejects file.
const maxQuoted = 256

// clip shortens a value for a message: a 10 MB line is never echoed whole.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes in all)", s[:cut], len(s))
}
