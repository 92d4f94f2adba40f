package ui

import (
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
	"medibooth/data"
)

// openTestMeetings signs in as the demo's admin and opens the meeting log,
// waiting until the event and our firms are loaded. The travel mart has
// not begun: the demo's meetings are left out.
func openTestMeetings(t *testing.T) (*App, *data.DB, *meetingsScreen) {
	t.Helper()
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	demo.Meetings = nil
	return openTestMeetingsOf(t, demo)
}

// openTestMeetingsOf is openTestMeetings over the demo d, as given.
func openTestMeetingsOf(t *testing.T, demo *booth.Demo) (*App, *data.DB, *meetingsScreen) {
	t.Helper()
	u, db, _ := newTestAppOf(t, demo)
	signInAs(t, u, "Admin", testPIN)
	var s *meetingsScreen
	act(func() { s = u.openMeetings() })
	if s == nil {
		t.Fatal("the meetings screen did not open")
	}
	eventually(t, "our 12 firms and 4 hospitals", func() bool { return s.ev != nil && len(s.firms) == 16 })
	return u, db, s
}

// The demo's travel mart is on the meeting log from the first start: 150
// meetings of 12 firms with 42 agencies, 17 of them ending in an MOU.
func TestB2BMeetingsOfTheDemoFair(t *testing.T) {
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	_, _, s := openTestMeetingsOf(t, demo)
	eventually(t, "the demo's meetings", func() bool {
		c := s.counts
		return c.Meetings == 150 && c.MOUs == 17 && c.Agencies == 42 && c.Firms == 12
	})
	act(func() {
		if s.byFirm.Length() != 12 || s.byAgency.Length() != 42 {
			t.Errorf("%d firms, %d agencies listed", s.byFirm.Length(), s.byAgency.Length())
		}
	})
}

func TestB2BMeetingsScreen(t *testing.T) {
	u, db, s := openTestMeetings(t)
	enter := &fyne.KeyEvent{Name: fyne.KeyReturn}

	// Nothing chosen yet: one sentence, nothing stored.
	act(func() {
		if s.when.Text != "11:00" {
			t.Errorf("the time proposed is %q, want 11:00 (now in Almaty)", s.when.Text)
		}
		test.Type(s.agency, "Koktem")
		s.agency.TypedKey(enter)
	})
	eventually(t, "the firm asked for", func() bool { return s.status.Text == lang.L("Choose the firm that held the meeting.") })
	act(func() {
		s.firm.SetSelected("Hangang Medical Tour")
		s.agency.SetText("")
		s.save()
		if s.status.Text != message(booth.Errorf(booth.EINVALID, "Type the name of the agency.")) {
			t.Errorf("empty agency: %q", s.status.Text)
		}
	})

	// The directory fills as the agency is typed; Down and Enter pick one.
	act(func() { test.Type(s.agency, "sil") })
	eventually(t, "Silk Way offered for \"sil\"", func() bool {
		return len(s.suggest) == 1 && s.suggest[0].Name == "Silk Way Travel Almaty" && len(s.agency.options) == 1
	})
	act(func() {
		if s.agencyHint.Text != lang.L("In the directory: {{.N}}; press ↓ to choose.", map[string]any{"N": 1}) {
			t.Errorf("hint while the directory offers one agency: %q", s.agencyHint.Text)
		}
		s.agency.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		menu := u.win.Canvas().Focused()
		if menu == nil || menu == fyne.Focusable(s.agency) {
			t.Fatalf("Down did not open the directory's list; focus on %T", u.win.Canvas().Focused())
		}
		menu.TypedKey(enter)
		if s.agency.Text != "Silk Way Travel Almaty" || u.win.Canvas().Focused() != s.city {
			t.Fatalf("after picking: agency %q, focus on %T", s.agency.Text, u.win.Canvas().Focused())
		}
		if !strings.HasPrefix(s.agencyHint.Text, strings.Split(lang.L("In the directory; meetings so far: {{.N}}.", map[string]any{"N": 0}), ";")[0]) {
			t.Errorf("hint for a directory agency: %q", s.agencyHint.Text)
		}
		test.Type(s.city, "Almaty")
		test.Type(s.contact, "Aidana +7 701 555 0101")
		test.Type(s.attendees, "Kim Min-ji; Aidana")
		test.Type(s.outcome, "Wants check-up packages.")
		s.mou.SetChecked(true)
		test.Type(s.next, "Send prices by Friday")
		s.next.TypedKey(enter) // Enter saves
	})
	saved := lang.L("Saved: {{.Firm}} met {{.Agency}}.", map[string]any{"Firm": "Hangang Medical Tour", "Agency": "Silk Way Travel Almaty"})
	eventually(t, "the first meeting saved", func() bool { return s.status.Text == saved && s.counts.Meetings == 1 })
	act(func() {
		if s.firm.Selected != "Hangang Medical Tour" || s.agency.Text != "" || s.city.Text != "" || s.outcome.Text != "" || s.mou.Checked {
			t.Errorf("the form was not cleared but for the firm: firm %q agency %q city %q mou %v", s.firm.Selected, s.agency.Text, s.city.Text, s.mou.Checked)
		}
		if u.win.Canvas().Focused() != s.agency {
			t.Errorf("focus after saving on %T, want the agency", u.win.Canvas().Focused())
		}
		// A new agency, met earlier and entered now.
		test.Type(s.agency, "Жаңа Сапар")
		s.when.SetText("10:15")
	})
	eventually(t, "no directory entry for a new name", func() bool {
		return len(s.suggest) == 0 && s.agencyHint.Text == lang.L("A new agency: it joins the directory when you save.")
	})
	act(func() { s.agency.TypedKey(enter) })
	joined := lang.L("Saved; {{.Agency}} joined the agency directory.", map[string]any{"Agency": "Жаңа Сапар"})
	eventually(t, "the second meeting saved", func() bool {
		return s.status.Text == joined && s.counts.Meetings == 2 && len(s.meetings) == 2
	})
	act(func() {
		c := s.counts
		if c.Agencies != 2 || c.MOUs != 1 || c.Firms != 1 || c.ByFirm[0].Firm != "Hangang Medical Tour" || c.ByFirm[0].Meetings != 2 || c.ByFirm[0].Agencies != 2 {
			t.Errorf("counts on screen: %+v", c)
		}
		if !strings.Contains(s.totals.Text, "2") || s.byFirm.Length() != 12 || s.byAgency.Length() != 2 || s.latest.Length() != 2 {
			t.Errorf("totals %q, %d firms, %d agencies, %d meetings listed", s.totals.Text, s.byFirm.Length(), s.byAgency.Length(), s.latest.Length())
		}
		if m := s.meetings[1]; m.Agency != "Жаңа Сапар" || !m.Late || m.At.In(s.ev.Location()).Format("15:04") != "10:15" {
			t.Errorf("the meeting entered later: %+v", m)
		}
		if d := s.describe(s.meetings[0]); !strings.Contains(d, "11:00") || !strings.Contains(d, lang.L("MOU signed")) || !strings.Contains(d, "Wants check-up packages.") {
			t.Errorf("the latest meeting reads %q", d)
		}
		// Known now with its city and contact: choosing it fills them, and
		// typing on past its name takes them away again.
		test.Type(s.agency, "silk")
	})
	eventually(t, "Silk Way with its city", func() bool { return len(s.suggest) == 1 && s.suggest[0].City == "Almaty" })
	act(func() { s.agency.SetText("Silk Way Travel Almaty") }) // as the list's mouse pick does
	eventually(t, "city and contact filled", func() bool {
		return s.city.Text == "Almaty" && s.contact.Text == "Aidana +7 701 555 0101" && s.matched != nil && s.matched.Meetings == 1
	})
	act(func() { test.Type(s.agency, " Group") })
	eventually(t, "city and contact emptied", func() bool { return s.matched == nil && s.city.Text == "" && s.contact.Text == "" })

	// A time nobody can read.
	act(func() {
		s.agency.SetText("Koktem Tour")
		s.when.SetText("25:99")
		s.save()
		_, err := booth.ParseMeetingTime("25:99", eventTime, s.ev.Location())
		if s.status.Text != message(err) || u.win.Canvas().Focused() != s.when {
			t.Errorf("bad time: %q", s.status.Text)
		}
	})
	list, err := db.Meetings(context.Background(), "")
	if err != nil || len(list) != 2 {
		t.Fatalf("stored: %d %v", len(list), err)
	}
	for _, m := range list {
		if m.StaffID != u.staff.ID {
			t.Errorf("meeting %s by %q, want the admin signed in", m.Agency, m.StaffID)
		}
	}

	// Opened again: the counts are read anew, and the firm is remembered.
	act(u.showMeetings)
	totals := lang.L("Meetings: {{.Meetings}} · firms: {{.Firms}} · agencies: {{.Agencies}} · MOUs: {{.MOUs}}",
		map[string]any{"Meetings": 2, "Firms": 1, "Agencies": 2, "MOUs": 1})
	eventually(t, "the screen shown again", func() bool {
		text := textUnder(u.win.Content())
		return strings.Contains(text, lang.L("B2B meetings")) && strings.Contains(text, totals)
	})
	var again *meetingsScreen
	act(func() { again = u.openMeetings() })
	eventually(t, "the firm chosen last time", func() bool { return again.firm.Selected == "Hangang Medical Tour" })
}

// TestB2BScreenshots renders the meetings screen after two meetings in
// Russian and Korean to /tmp/b2b-shots for a person to look at.
// B2B_SHOTS=1 runs it.
func TestB2BScreenshots(t *testing.T) {
	if os.Getenv("B2B_SHOTS") == "" {
		t.Skip("B2B_SHOTS is not set")
	}
	dir := "/tmp/b2b-shots"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer act(func() { SetLanguage(DefaultLanguage) })
	u, _, s := openTestMeetings(t)
	act(func() { s.firm.SetSelected("Seoul Medi Bridge") })
	for _, m := range []struct{ agency, city, outcome, when string }{
		{"Silk Way Travel Almaty", "Алматы", "Хотят пакеты обследования для 20 клиентов в октябре; нужны цены и сроки.", ""},
		{"Туран Саяхат Қызылорда", "Қызылорда", "Стоматология, 5 пациентов; договор до конца месяца.", "10:20"},
	} {
		act(func() {
			s.agency.SetText(m.agency)
			s.city.SetText(m.city)
			s.attendees.SetText("Ким Мин Джи; Айдана Сейітқали")
			s.outcome.SetText(m.outcome)
			s.mou.SetChecked(m.when == "")
			s.next.SetText("Отправить цены до пятницы")
			if m.when != "" {
				s.when.SetText(m.when)
			}
			s.save()
		})
		n := len(s.meetings) + 1
		eventually(t, "saved", func() bool { return len(s.meetings) == n })
	}
	for _, code := range []string{"ru", "ko", "kk"} {
		act(func() { SetLanguage(code) })
		addPendingTranslations(t, "/tmp/tr/b2b.json", code)
		var shot *meetingsScreen
		act(func() { shot = u.openMeetings() })
		eventually(t, "loaded", func() bool { return len(shot.meetings) == 2 && shot.ev != nil })
		act(func() { test.Type(shot.agency, "Т") })
		eventually(t, "suggestions", func() bool { return len(shot.suggest) > 0 })
		captureMeetings(t, u, filepath.Join(dir, code+"-1-typed.png"))
		act(func() { shot.agency.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) })
		captureMeetings(t, u, filepath.Join(dir, code+"-2-list.png"))
		act(func() {
			u.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			shot.when.SetText("25:99")
			shot.save()
			shot.tabs.SelectIndex(1) // the counts per agency
		})
		captureMeetings(t, u, filepath.Join(dir, code+"-3-error.png"))
	}
}

// captureMeetings writes what the window shows at 1280×800 to a PNG file.
func captureMeetings(t *testing.T, u *App, file string) {
	t.Helper()
	act(func() {
		u.Window().Resize(fyne.NewSize(1280, 800))
		img := u.Window().Canvas().Capture()
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	})
}

// addPendingTranslations adds the translations to code of a file not
// merged into assets yet ({"key": ["ko", "ru", "kk"]}), if there.
func addPendingTranslations(t *testing.T, file, code string) {
	t.Helper()
	i := map[string]int{"ko": 0, "ru": 1, "kk": 2}[code]
	b, err := os.ReadFile(file)
	if err != nil {
		return
	}
	var all map[string][]string
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	one := map[string]string{}
	for k, v := range all {
		if len(v) == 3 {
			one[k] = v[i]
		}
	}
	b, _ = json.Marshal(one)
	if err := lang.AddTranslationsForLocale(b, fyne.Locale(code)); err != nil {
		t.Fatal(err)
	}
}
