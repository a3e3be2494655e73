// Package table writes a customer list (named, typed columns; rows of values) as CSV, Parquet or
// XLSX: the files a CRM or a spreadsheet opens. The CLI's action lists and the API's drill-down
// exports share it, so a list reads the same whichever way it was exported.
package table

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"fidelis/internal/csvsafe"
)

// Column is one column: its name and kind, 's' text, 'd' date (YYYY-MM-DD text), 'i' integer,
// 'f' number.
type Column struct {
	Name string
	Kind byte
}

// Row values are nil (empty), string, int64 or float64, aligned with the columns.
type Row = []any

// Required names the columns that are never empty; every other column is optional in Parquet.
var Required = map[string]bool{"rank": true, "customer_id": true}

// WriteCSV writes a header line and the rows; text cells are neutralised against formula
// injection (csvsafe).
func WriteCSV(w io.Writer, cols []Column, rows []Row) error {
	bw := bufio.NewWriter(w)
	cw := csvsafe.NewWriter(bw)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Name
	}
	cw.Write(head)
	rec := make([]string, len(cols))
	for _, row := range rows {
		for i, v := range row {
			switch v := v.(type) {
			case nil:
				rec[i] = ""
			case string:
				rec[i] = v
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteParquet writes the rows with a schema from the columns (Required columns non-null).
func WriteParquet(w io.Writer, cols []Column, rows []Row) error {
	g := parquet.Group{}
	for _, c := range cols {
		var n parquet.Node
		switch c.Kind {
		case 'i':
			n = parquet.Int(64)
		case 'f':
			n = parquet.Leaf(parquet.DoubleType)
		default:
			n = parquet.String()
		}
		if !Required[c.Name] {
			n = parquet.Optional(n)
		}
		g[c.Name] = n
	}
	pw := parquet.NewGenericWriter[map[string]any](w, parquet.NewSchema("customer", g))
	batch := make([]map[string]any, 0, 1024)
	for _, row := range rows {
		m := make(map[string]any, len(cols))
		for i, v := range row {
			m[cols[i].Name] = v
		}
		batch = append(batch, m)
		if len(batch) == cap(batch) {
			if _, err := pw.Write(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if _, err := pw.Write(batch); err != nil {
		return err
	}
	return pw.Close()
}

// WriteXLSX writes one sheet named sheet: a bold header row, then the rows with numbers as
// numbers. Text cells are written as text, never as formulas.
func WriteXLSX(w io.Writer, sheet string, cols []Column, rows []Row) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Name}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("row %d: %w", r+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
