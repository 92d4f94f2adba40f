package label

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"medibooth/assets"
	"medibooth/booth"
)

// The report summary is one A4 page for a press release: the event, the
// headline numbers, and three bar charts (check-ins per day, consultations
// per hospital and per specialty). Unlike a badge it is set as text in the
// bundled fonts, embedded as subsets of the letters used, and its bars are
// vector rectangles: the file stays small and sharp at any zoom, and a
// reader can search it and copy figures and names out of it. Embedding the
// fonts keeps Hangul, Cyrillic and Kazakh readable whatever fonts the
// reader's PDF viewer has.

// Page geometry in millimetres: A4 with 15 mm side margins.
const (
	repLeft   = 15.0
	repWidth  = a4W - 2*repLeft
	repTop    = 15.0
	repFooter = a4H - 12 // top of the footer line
	ptMM      = 25.4 / 72
)

// Grey levels of the page: text, secondary text, bars and rules.
const (
	inkText  = 0
	inkLabel = 0x40
	inkBar   = 0x30
	inkRule  = 0x80
)

// ReportPDF returns the one-page summary of r in the language lang (ko, en,
// ru or kk); ev gives the place and dates. The same report gives the same
// bytes: the file's dates are r.GeneratedAt.
func ReportPDF(r *booth.Report, ev *booth.Event, lang string, f Fonts) ([]byte, error) {
	p, err := newReportPage(f, lang, r.GeneratedAt)
	if err != nil {
		return nil, err
	}
	title := ev.Name
	if r.Hospital != "" {
		title += " · " + r.Hospital
	}
	p.pdf.SetTitle(clean(title), true)
	p.pdf.SetCreator(strings.TrimSpace("medibooth "+r.AppVersion), true)

	// Head: the event, the place and dates, what this is.
	p.y += p.block(fontBold, title, rect{repLeft, p.y, repWidth, 0}, 22, 14, 2, "L", inkText)
	p.y += 1.5
	sub := []string{ev.City, dateRange(lang, ev.Start, ev.End), p.tr("Results of the event")}
	p.y += p.block(fontRegular, joinNonEmpty(sub, " · "), rect{repLeft, p.y, repWidth, 0}, 11, 8, 1, "L", inkLabel)
	p.y += 3
	p.box(repLeft, p.y, repWidth, 0.5, inkText)
	p.y += 6

	p.headlines([]headline{
		{r.VisitorsUnique, "Visitors"}, {r.PatientsConsulted, "Patients consulted"}, {r.Consultations, "Consultations"},
		{r.Meetings, "B2B meetings"}, {r.Agencies, "Agencies"}, {r.MOUs, "MOUs signed"},
	})

	days := sortedByKey(r.CheckinsByDay)
	for i := range days {
		days[i].key = shortDate(lang, days[i].key)
	}
	p.columnChart(p.tr("Check-ins per day"), days, 56)
	p.y += 7
	p.barCharts(repFooter-4,
		chart{p.tr("Consultations per hospital"), sortedByValue(r.ConsultationsByHospital)},
		chart{p.tr("Consultations per specialty"), sortedByValue(r.ConsultationsByDepartment)})

	footer := p.tr("Generated") + " " + dateTime(lang, r.GeneratedAt.In(ev.Location()))
	if r.AppVersion != "" {
		footer += " · medibooth " + r.AppVersion
	}
	p.block(fontRegular, footer, rect{repLeft, repFooter, repWidth, 0}, 8, 6, 1, "L", inkLabel)
	return p.bytes()
}

// The caller's two fonts are registered with fpdf as one family in two
// styles.
const (
	fontFamily  = "text"
	fontRegular = ""
	fontBold    = "B"
)

// reportPage is the page being drawn and where the next part goes.
type reportPage struct {
	pdf  *fpdf.Fpdf
	ts   *typesetter // the regular font's coverage, to avoid boxes for missing letters
	lang string
	y    float64 // mm from the top
}

func newReportPage(f Fonts, lang string, at time.Time) (*reportPage, error) {
	f = f.withBold()
	// Parsed here first so that a bad font is a clear error: fpdf would
	// only print it.
	rd, err := newRenderer(f)
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(at.UTC())
	pdf.SetModificationDate(at.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetLang(lang)
	pdf.SetMargins(repLeft, repTop, repLeft)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.AddUTF8FontFromBytes(fontFamily, fontRegular, f.Regular)
	pdf.AddUTF8FontFromBytes(fontFamily, fontBold, f.Bold)
	pdf.AddPage()
	if err := pdf.Error(); err != nil {
		return nil, booth.Errorf(booth.EINTERNAL, "The report PDF could not be made: %v.", err)
	}
	return &reportPage{pdf: pdf, ts: rd.regular, lang: lang, y: repTop}, nil
}

func (p *reportPage) tr(key string) string { return assets.Translate(p.lang, key) }

func (p *reportPage) bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := p.pdf.Output(&b); err != nil {
		return nil, booth.Errorf(booth.EINTERNAL, "The report PDF could not be made: %v.", err)
	}
	return b.Bytes(), nil
}

// lineH is the height of a line of text at size pt, in millimetres.
func lineH(pt float64) float64 { return pt * ptMM * 1.25 }

// block sets s in at most n lines of the box's width, at the largest size
// from maxPt down to minPt (in half points) at which it fits; text that
// does not fit even at minPt is cut with "…". The lines start at the box's
// top, or are centred in it when it has a height. align is fpdf's L, C or
// R. It returns the height of the lines.
func (p *reportPage) block(style, s string, at rect, maxPt, minPt float64, n int, align string, ink int) float64 {
	s = p.printable(s)
	if s == "" {
		return 0
	}
	size, lines := p.fit(style, s, at.w, maxPt, minPt, n)
	h := float64(len(lines)) * lineH(size)
	y := at.y + max(0, at.h-h)/2
	p.pdf.SetTextColor(ink, ink, ink)
	for i, ln := range lines {
		p.pdf.SetXY(at.x, y+float64(i)*lineH(size))
		p.pdf.CellFormat(at.w, lineH(size), ln, "", 0, align+"M", false, 0, "")
	}
	return h
}

// fit returns the size and lines block sets s in.
func (p *reportPage) fit(style, s string, w, maxPt, minPt float64, n int) (float64, []string) {
	size := maxPt
	for ; ; size -= 0.5 {
		size = max(size, minPt)
		p.pdf.SetFont(fontFamily, style, size)
		lines := p.pdf.SplitText(s, w)
		if len(lines) <= n && p.widest(lines) <= w {
			return size, lines
		}
		if size == minPt {
			lines = lines[:min(n, len(lines))]
			last := []rune(lines[len(lines)-1])
			for len(last) > 0 && p.pdf.GetStringWidth(string(last)+"…") > w {
				last = last[:len(last)-1]
			}
			lines[len(lines)-1] = strings.TrimSpace(string(last)) + "…"
			return size, lines
		}
	}
}

// widest is the width of the longest line: SplitText leaves a word longer
// than the line whole.
func (p *reportPage) widest(lines []string) float64 {
	w := 0.0
	for _, ln := range lines {
		w = max(w, p.pdf.GetStringWidth(ln))
	}
	return w
}

// printable is s cleaned like a badge's text, each letter the regular font
// lacks replaced by its base letter or '?', so none prints as an empty box.
func (p *reportPage) printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || p.ts.has(0, r) {
			return r
		}
		for _, b := range norm.NFKD.String(string(r)) {
			if !unicode.Is(unicode.Mn, b) && p.ts.has(0, b) {
				return b
			}
		}
		return '?'
	}, clean(s))
}

// box fills a rectangle.
func (p *reportPage) box(x, y, w, h float64, ink int) {
	if w <= 0 || h <= 0 {
		return
	}
	p.pdf.SetFillColor(ink, ink, ink)
	p.pdf.Rect(x, y, w, h, "F")
}

// headline is one of the numbers at the top, with the words under it.
type headline struct {
	n   int
	key string
}

// headlines sets the numbers three across in two rows, each with its label
// on one line under it.
func (p *reportPage) headlines(hs []headline) {
	const cols, numPt, labelPt, rowH = 3, 26, 10, 19.0
	colW := repWidth / cols
	for i, h := range hs {
		x := repLeft + float64(i%cols)*colW
		y := p.y + float64(i/cols)*rowH
		used := p.block(fontBold, strconv.Itoa(h.n), rect{x, y, colW - 4, 0}, numPt, 12, 1, "L", inkText)
		p.block(fontRegular, p.tr(h.key), rect{x, y + used, colW - 4, 0}, labelPt, 6.5, 1, "L", inkLabel)
	}
	p.y += float64((len(hs)+cols-1)/cols)*rowH + 4
}

// chartTitle sets a chart's heading and returns its height.
func (p *reportPage) chartTitle(title string) float64 {
	return p.block(fontBold, title, rect{repLeft, p.y, repWidth, 0}, 13, 9, 1, "L", inkText) + 2
}

// columnChart draws vertical bars, one per item, with the value above each
// bar and the key under it, in a chart of height h.
func (p *reportPage) columnChart(title string, items []pair, h float64) {
	top := p.y + p.chartTitle(title)
	const valueH, keyH = 7.0, 7.0
	bottom := p.y + h - keyH
	p.box(repLeft, bottom, repWidth, 0.3, inkRule)
	p.y += h
	if len(items) == 0 {
		p.block(fontRegular, "—", rect{repLeft, top, repWidth, 0}, 11, 11, 1, "L", inkText)
		return
	}
	most := mostOf(items)
	slot := repWidth / float64(len(items))
	bw := min(slot*0.6, 30)
	for i, it := range items {
		bh := (bottom - top - valueH) * float64(it.n) / float64(most)
		x := repLeft + float64(i)*slot
		p.box(x+(slot-bw)/2, bottom-bh, bw, bh, inkBar)
		p.block(fontBold, strconv.Itoa(it.n), rect{x, bottom - bh - valueH, slot, valueH}, 11, 6, 1, "C", inkText)
		p.block(fontRegular, it.key, rect{x + 1, bottom, slot - 2, keyH}, 9, 6, 1, "C", inkLabel)
	}
}

// chart is a titled list of counts.
type chart struct {
	title string
	items []pair
}

// Rows of the horizontal bar charts: the name on the left, then the bar and
// the value after it.
const (
	rowMax, rowMin = 7.0, 4.5 // row height, mm
	labelW         = 75.0
	valueW         = 14.0
	chartGap       = 7.0
)

// barCharts draws the charts one under the other down to bottom. Rows share
// the room: they shrink from rowMax towards rowMin when there are many, and
// when even those do not fit, the smallest counts give way to one line
// saying how many more there are.
func (p *reportPage) barCharts(bottom float64, cs ...chart) {
	rows := rowsWanted(cs)
	room := bottom - p.y - float64(len(cs))*(lineH(13)+2) - chartGap*float64(len(cs)-1)
	rowH := max(rowMin, min(rowMax, room/float64(rows)))
	fit := int(room / rowH)
	for i, c := range cs {
		if i > 0 {
			p.y += chartGap
		}
		// Each chart keeps at least its share of the rows that fit.
		share := fit
		if i < len(cs)-1 {
			share = max(fit-rowsWanted(cs[i+1:]), fit*max(len(c.items), 1)/rows)
		}
		share = max(min(share, max(len(c.items), 1)), 1)
		fit -= share
		p.barChart(c, share, rowH)
	}
}

// rowsWanted is how many rows the charts need to show every item (an empty
// chart shows a dash).
func rowsWanted(cs []chart) int {
	n := 0
	for _, c := range cs {
		n += max(len(c.items), 1)
	}
	return n
}

// barChart draws one chart of horizontal bars in at most n rows of height
// rowH; the last row says how many more there are when not all fit.
func (p *reportPage) barChart(c chart, n int, rowH float64) {
	p.y += p.chartTitle(c.title)
	if len(c.items) == 0 {
		p.block(fontRegular, "—", rect{repLeft, p.y, labelW, rowH}, 11, 11, 1, "L", inkText)
		p.y += rowH
		return
	}
	most := mostOf(c.items)
	barX := repLeft + labelW + 2
	barMax := repLeft + repWidth - barX - valueW
	textPt := min(10, rowH/ptMM/1.25)
	shown := c.items
	if len(shown) > n {
		shown = shown[:n-1]
	}
	for _, it := range shown {
		p.block(fontRegular, it.key, rect{repLeft, p.y, labelW, rowH}, textPt, min(textPt, 6.5), 1, "L", inkText)
		w := barMax * float64(it.n) / float64(most)
		p.box(barX, p.y+rowH*0.18, w, rowH*0.64, inkBar)
		p.block(fontBold, strconv.Itoa(it.n), rect{barX + w + 2, p.y, valueW, rowH}, textPt, min(textPt, 6.5), 1, "L", inkText)
		p.y += rowH
	}
	if rest := len(c.items) - len(shown); rest > 0 {
		p.block(fontRegular, fmt.Sprintf(p.tr("… and %d more"), rest), rect{repLeft, p.y, labelW, rowH}, textPt, 6.5, 1, "L", inkLabel)
		p.y += rowH
	}
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

// mostOf is the largest count, at least 1.
func mostOf(items []pair) int {
	most := 1
	for _, it := range items {
		most = max(most, it.n)
	}
	return most
}

func joinNonEmpty(ss []string, sep string) string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

// Dates as each language writes them: Korean year first with full stops
// (2026. 9. 17.), Russian and Kazakh day first with dots (17.09.2026),
// English day, month name and year (17 September 2026), which no reader
// takes for the month first.
var dateLayouts = map[string]struct{ long, short string }{
	"ko": {"2006. 1. 2.", "1. 2."},
	"ru": {"02.01.2006", "02.01"},
	"kk": {"02.01.2006", "02.01"},
	"en": {"2 January 2006", "2 Jan"},
}

func layoutsFor(lang string) struct{ long, short string } {
	if l, ok := dateLayouts[lang]; ok {
		return l
	}
	return dateLayouts["en"]
}

// longDate formats a YYYY-MM-DD date for lang; anything else is kept as is.
func longDate(lang, day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format(layoutsFor(lang).long)
}

// shortDate is longDate without the year, for the chart's columns.
func shortDate(lang, day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format(layoutsFor(lang).short)
}

// dateRange is the event's first and last day, or one day when they are
// the same.
func dateRange(lang, start, end string) string {
	if end == "" || end == start {
		return longDate(lang, start)
	}
	return longDate(lang, start) + " – " + longDate(lang, end)
}

// dateTime is a moment to the minute, its date as longDate writes it.
func dateTime(lang string, t time.Time) string {
	return t.Format(layoutsFor(lang).long + " 15:04")
}
