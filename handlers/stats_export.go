package handlers

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/hzcbec/portal/models"
)

// writeStatsCSV writes every section as one table: a section column, then the union of the
// sections' columns in the order they first appear; a row fills its own section's columns.
func writeStatsCSV(w io.Writer, st *models.Statistics) error {
	header := []string{"section"}
	pos := map[string]int{}
	for _, t := range st.Tables {
		for _, col := range t.Columns {
			if _, ok := pos[col]; !ok {
				pos[col] = len(header)
				header = append(header, col)
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, t := range st.Tables {
		for _, row := range t.Rows {
			rec := make([]string, len(header))
			rec[0] = t.Name
			for i, col := range t.Columns {
				rec[pos[col]] = statsCell(row[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// statsCell writes a number so that it reads back exactly; nil (no value) is empty. Text that
// a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return:
// a product category someone typed) gets a leading apostrophe, as OWASP advises for CSV.
func statsCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// writeStatsXLSX writes a workbook with one sheet per section, its columns in the first row.
func writeStatsXLSX(w io.Writer, st *models.Statistics) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, t := range st.Tables {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.Name); err != nil {
			return err
		}
		header := make([]any, len(t.Columns))
		for c, col := range t.Columns {
			header[c] = col
		}
		if err := f.SetSheetRow(t.Name, "A1", &header); err != nil {
			return err
		}
		last, _ := excelize.CoordinatesToCellName(max(1, len(t.Columns)), 1)
		if err := f.SetCellStyle(t.Name, "A1", last, bold); err != nil {
			return err
		}
		for r, row := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			values := make([]any, len(row))
			copy(values, row)
			if err := f.SetSheetRow(t.Name, cell, &values); err != nil {
				return err
			}
		}
	}
	_, err = f.WriteTo(w)
	return err
}
