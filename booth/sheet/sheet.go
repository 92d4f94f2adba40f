// Package sheet reads visitor lists as HQ and agencies send them: CSV, or
// the first sheet of an Excel workbook (.xlsx). Both give the same
// line-numbered errors, from booth's importer.
package sheet

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"medibooth/booth"
)

// MaxFileSize bounds a visitor list read into memory (200 000 rows of CSV
// fit well within it).
const MaxFileSize = 64 << 20

// Visitors reads the visitor list in r; name (the file's name) tells an
// Excel workbook from CSV by its extension.
func Visitors(name string, r io.Reader) ([]booth.Visitor, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot read %s: %v.", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, booth.Errorf(booth.EINVALID, "%s is larger than 64 MB; split it and import the parts.", name)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xls":
		return nil, booth.Errorf(booth.EINVALID, "%s is an old Excel 97 workbook; save it as .xlsx or CSV and import that.", name)
	case ".xlsx":
		return workbook(name, b)
	}
	return booth.ParseVisitorsCSV(bytes.NewReader(b))
}

func workbook(name string, b []byte) ([]booth.Visitor, error) {
	book, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "%s is not a readable Excel workbook (%v).", name, err)
	}
	defer book.Close()
	sheets := book.GetSheetList()
	if len(sheets) == 0 {
		return nil, booth.Errorf(booth.EINVALID, "%s has no sheets.", name)
	}
	rows, err := book.GetRows(sheets[0])
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "The sheet %q of %s cannot be read (%v).", sheets[0], name, err)
	}
	return booth.ParseVisitorRows(rows)
}
