package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"
)

func TestAdminImportsWorkbookAndCSV(t *testing.T) {
	u, db, _ := newTestDesk(t)
	before, _ := db.VisitorCount(context.Background())
	f := excelize.NewFile()
	for i, row := range [][]string{{"Имя", "Телефон"}, {"Алия Жумабаева", "+7 705 111 22 33"}, {"Тимур Абенов", "87051112244"}} {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	act(func() { u.importFile("agency.xlsx", io.NopCloser(&b)) })
	eventually(t, "two visitors imported", func() bool {
		n, _ := db.VisitorCount(context.Background())
		return n == before+2
	})
	// Again: nobody twice. A file with a bad row imports nothing and says
	// which line.
	act(func() {
		u.importFile("bad.csv", io.NopCloser(strings.NewReader("Name,Birth year\nЕрлан,1980\nДана,1890\n")))
	})
	eventually(t, "a dialog naming line 3", func() bool {
		for _, o := range u.Window().Canvas().Overlays().List() {
			if strings.Contains(textUnder(o), "3") && strings.Contains(textUnder(o), "bad.csv") {
				return true
			}
		}
		return false
	})
	if n, _ := db.VisitorCount(context.Background()); n != before+2 {
		t.Errorf("%d visitors after a refused file, want %d", n, before+2)
	}
}

// textUnder joins the texts of the labels under o.
func textUnder(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(w)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}
