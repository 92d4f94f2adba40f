package label

import (
	"fmt"
	"image"
	"math"
	"sort"
	"strconv"
	"time"

	"medibooth/assets"
	"medibooth/booth"
)

// The report summary is one A4 page for a press release: the event, the
// headline numbers, and three bar charts (check-ins per day, consultations
// per hospital and per specialty). It is drawn like a badge, as a grey
// raster at 300 dpi, so Hangul, Cyrillic and Kazakh render with the bundled
// font whatever the reader's PDF viewer has.

// ReportPDF returns the one-page summary of r in the language lang (ko, en,
// ru or kk); ev gives the place and dates.
func ReportPDF(r *booth.Report, ev *booth.Event, lang string, f Fonts) ([]byte, error) {
	rd, err := newRenderer(f)
	if err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, int(math.Round(mmToPx(a4W))), int(math.Round(mmToPx(a4H)))))
	fill(img, img.Rect, 0xff)
	tr := func(key string) string { return assets.Translate(lang, key) }

	// Head: the event, the place and dates, what this is.
	title := ev.Name
	if r.Hospital != "" {
		title += " · " + r.Hospital
	}
	rd.textLeft(img, rd.bold, title, textBox{rect{15, 14, 180, 12}, 24, 2, 18, 0})
	rd.textLeft(img, rd.regular, fmt.Sprintf("%s · %s – %s · %s", ev.City, ev.Start, ev.End, tr("Results of the event")),
		textBox{rect{15, 27, 180, 7}, 12, 1, 0, 0})
	fill(img, rect{15, 36, 180, 0.6}.image(), 0)

	// Headline numbers, six across.
	heads := []struct {
		n   int
		key string
	}{
		{r.VisitorsUnique, "Visitors"}, {r.PatientsConsulted, "Patients consulted"}, {r.Consultations, "Consultations"},
		{r.Meetings, "B2B meetings"}, {r.Agencies, "Agencies"}, {r.MOUs, "MOUs signed"},
	}
	for i, h := range heads {
		x := 15 + float64(i)*30
		rd.text(img, rd.bold, strconv.Itoa(h.n), textBox{rect{x, 41, 28, 14}, 30, 1, 0, 0}, 0)
		rd.text(img, rd.regular, tr(h.key), textBox{rect{x, 56, 28, 9}, 9, 2, 7, 0}, 0x40)
	}

	// Charts.
	days := sortedByKey(r.CheckinsByDay)
	rd.columnChart(img, tr("Check-ins per day"), days, rect{15, 72, 180, 62})
	rd.barChart(img, tr("Consultations per hospital"), sortedByValue(r.ConsultationsByHospital), rect{15, 142, 180, 66})
	rd.barChart(img, tr("Consultations per specialty"), sortedByValue(r.ConsultationsByDepartment), rect{15, 214, 180, 62})

	footer := tr("Generated") + " " + r.GeneratedAt.In(ev.Location()).Format(time.DateTime)
	if r.AppVersion != "" {
		footer += " · medibooth " + r.AppVersion
	}
	rd.textLeft(img, rd.regular, footer,
		textBox{rect{15, 283, 180, 5}, 8, 1, 0, 0})

	w := newPDF()
	w.page(a4W, a4H, []placed{{img: img, x: 0, y: 0, w: a4W, h: a4H}}, "")
	return w.finish(), nil
}

type pair struct {
	key string
	n   int
}

func sortedByKey(m map[string]int) []pair {
	out := make([]pair, 0, len(m))
	for k, n := range m {
		out = append(out, pair{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// sortedByValue orders largest first; ties by name.
func sortedByValue(m map[string]int) []pair {
	out := sortedByKey(m)
	sort.SliceStable(out, func(i, j int) bool { return out[i].n > out[j].n })
	return out
}

// columnChart draws vertical bars, one per item, with the value above each
// bar and the key under it.
func (rd *renderer) columnChart(img *image.Gray, title string, items []pair, at rect) {
	rd.textLeft(img, rd.bold, title, textBox{rect{at.x, at.y, at.w, 7}, 13, 1, 0, 0})
	top, bottom := at.y+16, at.y+at.h-9
	fill(img, rect{at.x, bottom, at.w, 0.3}.image(), 0x80)
	if len(items) == 0 {
		rd.textLeft(img, rd.regular, "—", textBox{rect{at.x, top, at.w, 8}, 11, 1, 0, 0})
		return
	}
	most := 1
	for _, it := range items {
		most = max(most, it.n)
	}
	slot := at.w / float64(len(items))
	bw := min(slot*0.6, 30)
	for i, it := range items {
		h := (bottom - top) * float64(it.n) / float64(most)
		x := at.x + float64(i)*slot + (slot-bw)/2
		fill(img, rect{x, bottom - h, bw, h}.image(), 0x30)
		rd.text(img, rd.bold, strconv.Itoa(it.n), textBox{rect{x - 5, bottom - h - 7, bw + 10, 6}, 11, 1, 0, 0}, 0)
		rd.text(img, rd.regular, it.key, textBox{rect{at.x + float64(i)*slot, bottom + 1, slot, 7}, 9, 1, 0, 0}, 0x40)
	}
}

// barChart draws horizontal bars, largest first, the name on the left and
// the value after the bar; at most as many as fit.
func (rd *renderer) barChart(img *image.Gray, title string, items []pair, at rect) {
	rd.textLeft(img, rd.bold, title, textBox{rect{at.x, at.y, at.w, 7}, 13, 1, 0, 0})
	y := at.y + 10
	const rowH = 8.0
	if len(items) == 0 {
		rd.textLeft(img, rd.regular, "—", textBox{rect{at.x, y, at.w, rowH}, 11, 1, 0, 0})
		return
	}
	most := 1
	for _, it := range items {
		most = max(most, it.n)
	}
	labelW, barX := 70.0, at.x+72
	barMax := at.x + at.w - barX - 14
	for _, it := range items {
		if y+rowH > at.y+at.h {
			break
		}
		rd.textLeft(img, rd.regular, it.key, textBox{rect{at.x, y, labelW, rowH - 1}, 10, 1, 0, 0})
		w := barMax * float64(it.n) / float64(most)
		fill(img, rect{barX, y + 1.5, w, rowH - 3}.image(), 0x30)
		rd.textLeft(img, rd.bold, strconv.Itoa(it.n), textBox{rect{barX + w + 2, y, 14, rowH - 1}, 10, 1, 0, 0})
		y += rowH
	}
}

// textLeft sets s in box, left-aligned, in black.
func (rd *renderer) textLeft(dst *image.Gray, ts *typesetter, s string, box textBox) {
	s = clean(s)
	if s == "" {
		return
	}
	p := box.at.px()
	b := ts.fit(ts.set(s), p.w, p.h, ptToPx(box.maxPt), box.maxLines, ptToPx(box.wrapPt), ptToPx(box.breakPt))
	ts.drawAligned(dst, b, p, 0, true)
}
