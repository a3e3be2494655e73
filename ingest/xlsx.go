package ingest

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSource reads one sheet of an XLSX workbook as text rows. A "line" is the sheet's row
// number. Cells hold their raw values (full precision, no thousands separators); a number whose
// cell is formatted as a date or time becomes "YYYY-MM-DD hh:mm:ss", so that dates never depend on
// the display format or the locale of the machine that saved the workbook.
type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	sheet    string
	others   []string
	header   []string
	date1904 bool
	isDate   map[int]bool // style index → a date or time format
	stats    lineStats
	out      []string
}

func newXLSXSource(path, sheet string) (*xlsxSource, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX workbook: %v", err)
	}
	s := &xlsxSource{f: f, isDate: map[int]bool{}}
	list := f.GetSheetList()
	switch {
	case len(list) == 0:
		f.Close()
		return nil, errors.New("the workbook has no sheets")
	case sheet == "":
		s.sheet, s.others = list[0], list[1:]
	default:
		for _, n := range list {
			if strings.EqualFold(n, sheet) {
				s.sheet = n
			}
		}
		if s.sheet == "" {
			f.Close()
			return nil, fmt.Errorf("--sheet %s: the workbook has no such sheet (sheets: %s)", clip(sheet), clip(strings.Join(list, ", ")))
		}
	}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		s.date1904 = *p.Date1904
	}
	if s.rows, err = f.Rows(s.sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet %s: %v", s.sheet, err)
	}
	for {
		rec, _, err := s.read()
		if err != nil {
			s.Close()
			if err == errNoRows {
				return nil, fmt.Errorf("sheet %s is empty: a header row is needed", s.sheet)
			}
			return nil, err
		}
		if allBlank(rec) {
			s.stats.Blank++
			continue
		}
		for len(rec) > 0 && strings.TrimSpace(rec[len(rec)-1]) == "" {
			rec = rec[:len(rec)-1]
		}
		s.header = append([]string(nil), rec...)
		s.stats.Header = 1
		return s, nil
	}
}

var errNoRows = errors.New("no more rows")

// read returns the next row's cells and its number.
func (s *xlsxSource) read() ([]string, int64, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, fmt.Errorf("sheet %s: %v", s.sheet, err)
		}
		return nil, 0, errNoRows
	}
	s.stats.Physical++
	row := s.stats.Physical
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, row, fmt.Errorf("sheet %s row %d: %v", s.sheet, row, err)
	}
	for i, c := range cells {
		if c == "" {
			continue
		}
		if v, err := strconv.ParseFloat(c, 64); err == nil && s.dateCell(i+1, int(row)) {
			if t, err := excelize.ExcelDateToTime(v, s.date1904); err == nil {
				cells[i] = t.Format("2006-01-02 15:04:05")
			}
		}
	}
	return cells, row, nil
}

// dateCell reports whether the cell's number format shows a date or a time.
func (s *xlsxSource) dateCell(col, row int) bool {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return false
	}
	id, err := s.f.GetCellStyle(s.sheet, ref)
	if err != nil || id == 0 {
		return false
	}
	d, ok := s.isDate[id]
	if !ok {
		if st, err := s.f.GetStyle(id); err == nil {
			d = dateFormat(st.NumFmt, st.CustomNumFmt)
		}
		s.isDate[id] = d
	}
	return d
}

// dateFormat reports whether an Excel number format shows a date or time: the built-in ones
// (14–22, 27–36, 45–47, 50–58) or a custom code with y, d, h or s outside quotes and brackets.
func dateFormat(id int, custom *string) bool {
	if custom == nil || *custom == "" {
		return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
	}
	code := strings.ToLower(*custom)
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case bracket:
		case c == 'y' || c == 'd' || c == 'h' || c == 's':
			return true
		}
	}
	return false
}

func (s *xlsxSource) Header() []string     { return s.header }
func (s *xlsxSource) lineStats() lineStats { return s.stats }

func (s *xlsxSource) Next() ([]string, int64, error) {
	for {
		rec, row, err := s.read()
		if err == errNoRows {
			return nil, 0, io.EOF
		}
		if err != nil {
			return nil, row, err
		}
		if allBlank(rec) {
			s.stats.Blank++
			continue
		}
		w := len(s.header)
		for len(rec) > w && strings.TrimSpace(rec[len(rec)-1]) == "" {
			rec = rec[:len(rec)-1]
		}
		if len(rec) > w {
			return nil, row, &recordError{line: row, reason: fmt.Sprintf("has %d columns, the header has %d (the cell %s is past the header)",
				len(rec), w, cellName(len(rec), row))}
		}
		s.out = append(s.out[:0], rec...)
		for len(s.out) < w {
			s.out = append(s.out, "")
		}
		return s.out, row, nil
	}
}

// Close closes the workbook.
func (s *xlsxSource) Close() error {
	s.rows.Close()
	return s.f.Close()
}

// cellName is a cell's reference, such as C5.
func cellName(col int, row int64) string {
	n, _ := excelize.CoordinatesToCellName(col, int(row))
	return n
}

// columnName is a column's letters, such as C.
func columnName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}
