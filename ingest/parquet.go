package ingest

import (
	bin "encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// parquetSource reads a Parquet file's flat columns as text, so that Parquet rows go through the
// same mapping, coercion and validation as CSV rows. Timestamps become RFC 3339 in UTC, dates
// YYYY-MM-DD and decimals their exact decimal text; a "line" is the row's 1-based position plus one
// (the header line of a CSV), so that messages read the same for both.
type parquetSource struct {
	f      *os.File
	r      *parquet.Reader
	header []string
	conv   []func(parquet.Value) string
	buf    []parquet.Row
	pos    int
	n      int
	row    int64
	fields []string
}

func newParquetSource(path string) (*parquetSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkParquetFooter(f, fi.Size()); err != nil {
		f.Close()
		return nil, err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("not a Parquet file: %w", err)
	}
	schema := pf.Schema()
	s := &parquetSource{f: f, r: parquet.NewReader(f), buf: make([]parquet.Row, 256)}
	for _, path := range schema.Columns() {
		leaf, ok := schema.Lookup(path...)
		if !ok {
			continue
		}
		if leaf.MaxRepetitionLevel > 0 {
			f.Close()
			return nil, fmt.Errorf("column %s is a list: only flat columns can be imported", strings.Join(path, "."))
		}
		s.header = append(s.header, strings.Join(path, "."))
		s.conv = append(s.conv, parquetText(leaf.Node.Type()))
	}
	if len(s.header) == 0 {
		f.Close()
		return nil, errors.New("the Parquet file has no columns")
	}
	s.fields = make([]string, len(s.header))
	return s, nil
}

// checkParquetFooter refuses a file whose footer length does not fit in it, before the decoder
// allocates that length (up to 4 GiB for a damaged file).
func checkParquetFooter(f *os.File, size int64) error {
	var tail [8]byte
	if size < 12 {
		return errors.New("not a Parquet file: too short")
	}
	if _, err := f.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(tail[4:]) != "PAR1" {
		return errors.New("not a Parquet file: it does not end with PAR1 (cut off or damaged?)")
	}
	if n := int64(bin.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return fmt.Errorf("a damaged Parquet file: its footer claims %d bytes in a file of %d", n, size)
	}
	return nil
}

func (s *parquetSource) Header() []string { return s.header }

// Close closes the file.
func (s *parquetSource) Close() error { return s.f.Close() }

func (s *parquetSource) Next() ([]string, int64, error) {
	if s.pos == s.n {
		n, err := s.r.ReadRows(s.buf)
		if n == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return nil, 0, io.EOF
			}
			return nil, 0, err
		}
		s.pos, s.n = 0, n
	}
	row := s.buf[s.pos]
	s.pos++
	s.row++
	for i := range s.fields {
		s.fields[i] = ""
	}
	for _, v := range row {
		if c := v.Column(); c >= 0 && c < len(s.fields) && !v.IsNull() {
			s.fields[c] = s.conv[c](v)
		}
	}
	return s.fields, s.row + 1, nil
}

// parquetText returns the function that writes one value of type t as text.
func parquetText(t parquet.Type) func(parquet.Value) string {
	if lt := t.LogicalType(); lt != nil {
		switch l := lt.Value.(type) {
		case *format.TimestampType:
			unit := time.Millisecond
			if l.Unit.Value != nil {
				unit = l.Unit.Value.Duration()
			}
			return func(v parquet.Value) string {
				return time.Unix(0, 0).Add(time.Duration(v.Int64()) * unit).UTC().Format(time.RFC3339Nano)
			}
		case *format.DateType:
			return func(v parquet.Value) string {
				return time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01-02")
			}
		case *format.DecimalType:
			scale := int(l.Scale)
			return func(v parquet.Value) string { return decimalText(v, scale) }
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return func(v parquet.Value) string { return strconv.FormatBool(v.Boolean()) }
	case parquet.Int32:
		return func(v parquet.Value) string { return strconv.FormatInt(int64(v.Int32()), 10) }
	case parquet.Int64:
		return func(v parquet.Value) string { return strconv.FormatInt(v.Int64(), 10) }
	case parquet.Float:
		return func(v parquet.Value) string { return strconv.FormatFloat(float64(v.Float()), 'g', -1, 32) }
	case parquet.Double:
		return func(v parquet.Value) string { return strconv.FormatFloat(v.Double(), 'g', -1, 64) }
	}
	return func(v parquet.Value) string { return string(v.ByteArray()) }
}

// decimalText writes an unscaled decimal (int32, int64 or big-endian two's complement bytes) with
// its scale, exactly.
func decimalText(v parquet.Value, scale int) string {
	var u *big.Int
	switch v.Kind() {
	case parquet.Int32:
		u = big.NewInt(int64(v.Int32()))
	case parquet.Int64:
		u = big.NewInt(v.Int64())
	default:
		b := v.ByteArray()
		u = new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
	}
	if scale <= 0 {
		return u.String()
	}
	r := new(big.Rat).SetFrac(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	return r.FloatString(scale)
}
