package ui

import (
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/data"
)

// startTestKiosk signs in as the demo admin and turns the laptop into the
// kiosk.
func startTestKiosk(t *testing.T) (*App, *data.DB, *kiosk) {
	t.Helper()
	u, db, _ := newTestDesk(t)
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	var k *kiosk
	act(func() {
		u.startKiosk()
		k = u.kiosk
	})
	if k == nil {
		t.Fatal("the kiosk did not start")
	}
	return u, db, k
}

// chooseLanguage taps the language button of code on the start page.
func chooseLanguage(t *testing.T, k *kiosk, code string) {
	t.Helper()
	act(func() {
		if k.step != stepStart {
			t.Fatalf("on step %d, not the start", k.step)
		}
		for i, l := range visitorLanguages {
			if l.Code == code {
				test.Tap(k.langBtns[i])
			}
		}
		if k.step != stepAbout || CurrentLanguage() != code || k.lang != code {
			t.Fatalf("after choosing %s: step %d, language %s", code, k.step, CurrentLanguage())
		}
	})
}

// kioskAnswer taps I agree or I do not agree on the consent page shown,
// checking it asks for p.
func kioskAnswer(t *testing.T, k *kiosk, p booth.Purpose, yes bool) {
	t.Helper()
	act(func() {
		if got := kioskConsents[k.step]; got != p {
			t.Fatalf("the page asks for %q, want %q", got, p)
		}
		want, _ := assets.ConsentText(string(p), k.lang)
		if k.consentText.Text != want {
			t.Fatalf("%s consent shows %q, want the %s text", p, k.consentText.Text, k.lang)
		}
		if yes {
			test.Tap(k.agreeBtn)
		} else {
			test.Tap(k.refuseBtn)
		}
	})
}

// A Kazakh visitor registers themself: the visitor is stored as one from
// the kiosk, in Kazakh, with each consent as they answered it, recorded
// under the admin who started the kiosk; the badge is shown and printed once.
func TestKioskVisitorRegistersInKazakh(t *testing.T) {
	u, db, k := startTestKiosk(t)
	admin := k.app.kioskBy
	printer := fakePrinter(u)
	ctx := context.Background()
	before, _ := db.VisitorCount(ctx)

	chooseLanguage(t, k, "kk")
	act(func() {
		if k.nextBtn.Text != translation(t, "kk", "Next") {
			t.Errorf("the Next button reads %q, not Kazakh", k.nextBtn.Text)
		}
		if u.win.Canvas().Focused() != k.name {
			t.Error("the cursor is not in the name field")
		}
		test.Type(k.name, "Әйгерім Қалиева")
		test.Type(k.phone, "701 555 12 34")
		test.Type(k.birth, "1990")
		test.Type(k.city, "Алматы")
		test.Tap(k.typeBtns[0]) // patient
		test.Tap(k.nextBtn)
	})
	kioskAnswer(t, k, booth.PurposeContact, true)
	kioskAnswer(t, k, booth.PurposeHealth, true)
	kioskAnswer(t, k, booth.PurposeTransfer, false)
	kioskAnswer(t, k, booth.PurposeMarketing, false)
	// Without the transfer to Korea no (Korean) hospital is offered; going
	// back to agree offers them.
	eventually(t, "no hospitals without the transfer", func() bool { return k.step == stepHospitals && len(k.hospitalBtns) == 0 })
	act(func() { test.Tap(k.backBtn) })
	act(func() { test.Tap(k.backBtn) })
	kioskAnswer(t, k, booth.PurposeTransfer, true)
	kioskAnswer(t, k, booth.PurposeMarketing, false)
	eventually(t, "the hospitals", func() bool { return k.step == stepHospitals && len(k.hospitalBtns) == 4 })
	var hospital booth.Org
	var specialty string
	act(func() {
		hospital, specialty = k.hospitals[1], k.specialties[0]
		test.Tap(k.hospitalBtns[1])
		test.Tap(k.interestBtns[0])
		test.Tap(k.nextBtn)
	})
	eventually(t, "the badge page", func() bool { return k.step == stepDone && k.visitor != nil && k.badge != nil })
	eventually(t, "the badge printed", func() bool { return k.printed && printer.pdfs() == 1 })

	if after, _ := db.VisitorCount(ctx); after != before+1 {
		t.Fatalf("%d visitors stored, want 1", after-before)
	}
	v, err := db.Visitor(ctx, k.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "Әйгерім Қалиева" || v.Source != booth.SourceKiosk || v.Lang != "kk" || v.Phone != "+77015551234" ||
		v.BirthYear != 1990 || v.City != "Алматы" || v.Type != booth.TypePatient ||
		len(v.Interests) != 1 || v.Interests[0] != specialty {
		t.Fatalf("stored visitor: %+v", v)
	}
	cs, err := db.Consents(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range cs {
		key := string(c.Purpose)
		if c.Purpose == booth.PurposeProvision {
			key += ":" + c.OrgID
		}
		got[key] = c.Granted
		if c.TextVersion == "" || c.TextHash == "" || c.Lang != "kk" || c.StaffID != admin.ID {
			t.Errorf("consent %s without its text, language or staff: %+v", key, c)
		}
		if text, _ := assets.ConsentText(string(c.Purpose), "kk"); c.TextHash != assets.Hash(text) {
			t.Errorf("consent %s: hash of another text", key)
		}
	}
	want := map[string]bool{"contact": true, "health": true, "transfer": true, "marketing": false,
		"provision:" + hospital.ID: true}
	if len(got) != len(want) {
		t.Fatalf("consents %v, want %v", got, want)
	}
	for key, w := range want {
		if g, ok := got[key]; !ok || g != w {
			t.Fatalf("consents %v, want %v", got, want)
		}
	}
	ps, err := db.Prints(ctx, v.ID)
	if err != nil || len(ps) != 1 || !ps[0].IsPaper() || ps[0].Reprint {
		t.Fatalf("print log %+v %v", ps, err)
	}
	act(func() {
		if k.status.Text != translation(t, "kk", "Your badge is printed: please take it from the printer.") {
			t.Errorf("status %q", k.status.Text)
		}
		test.Tap(k.finishBtn)
		if k.step != stepStart || k.visitor != nil || k.badge != nil {
			t.Fatal("Finish does not forget the visitor")
		}
	})
}

// Refusing the consent to contact ends kindly and stores nothing.
func TestKioskRefusingContactStoresNothing(t *testing.T) {
	_, db, k := startTestKiosk(t)
	ctx := context.Background()
	before, _ := db.VisitorCount(ctx)
	chooseLanguage(t, k, "ru")
	act(func() {
		test.Type(k.name, "Ерлан Без Согласия")
		test.Tap(k.nextBtn)
	})
	kioskAnswer(t, k, booth.PurposeContact, false)
	act(func() {
		if k.step != stepRefused || k.startOverBtn == nil || k.backBtn == nil {
			t.Fatalf("step %d after refusing contact", k.step)
		}
		// Refused before any write started: none is on its way.
		if k.busy {
			t.Fatal("a registration was sent without the consent to contact")
		}
	})
	if after, _ := db.VisitorCount(ctx); after != before {
		t.Fatalf("%d visitors stored without the consent to contact", after-before)
	}
	act(func() {
		test.Tap(k.startOverBtn)
		if k.step != stepStart || k.name != nil {
			t.Fatal("Back to the start keeps what was typed")
		}
	})
}

// Mistakes are named in the visitor's language, and nothing moves on.
func TestKioskAsksToCorrectMistakes(t *testing.T) {
	_, _, k := startTestKiosk(t)
	chooseLanguage(t, k, "ru")
	for _, c := range []struct {
		name, phone, email, year, want string
	}{
		{"", "", "", "", "Please write your name."},
		{"Анна", "+7 12", "", "", "Please check your phone number: a country code such as +7, then the number."},
		{"Анна", "", "anna@", "", "Please check your email address, or leave it empty."},
		{"Анна", "", "", "85", "Please write the year you were born, such as 1985, or leave it empty."},
		{"Анна", "", "", "1850", "Please write the year you were born, such as 1985, or leave it empty."},
	} {
		act(func() {
			k.name.SetText(c.name)
			k.phone.SetText(c.phone)
			k.email.SetText(c.email)
			k.birth.SetText(c.year)
			test.Tap(k.nextBtn)
			if k.step != stepAbout || k.problem.Text != translation(t, "ru", c.want) {
				t.Errorf("%+v: step %d, problem %q", c, k.step, k.problem.Text)
			}
		})
	}
	act(func() {
		k.birth.SetText("")
		k.phone.SetText("+7 ") // as filled in: no number
		test.Tap(k.nextBtn)
		if k.step != stepContact {
			t.Fatalf("a name alone does not move on: %q", k.problem.Text)
		}
	})
}

func TestKioskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+7 ":              "",
		"+7":               "",
		"+7 701 555 12 34": "+7 701 555 12 34",
		"+7 87015551234":   "+77015551234",
		"+82 10 1234 5678": "+82 10 1234 5678",
		"87015551234":      "87015551234",
	} {
		if got := kioskPhone(in); got != want {
			t.Errorf("kioskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

// After the idle time the kiosk starts over, and what was typed is gone.
func TestKioskIdleStartsOver(t *testing.T) {
	u, _, k := startTestKiosk(t)
	chooseLanguage(t, k, "ru")
	act(func() {
		test.Type(k.name, "Гульнара")
		test.Type(k.email, "g@example.kz")
		test.Tap(k.nextBtn)
		if k.step != stepContact {
			t.Fatalf("step %d", k.step)
		}
	})
	now := u.cfg.Now()
	act(func() {
		u.checkIdle(now.Add(u.kioskIdle() - time.Second))
		if k.step != stepContact {
			t.Fatal("the kiosk started over before the idle time")
		}
		u.checkIdle(now.Add(u.kioskIdle() + time.Second))
		if k.step != stepStart {
			t.Fatalf("step %d after the idle time", k.step)
		}
	})
	chooseLanguage(t, k, "ru")
	act(func() {
		if k.name.Text != "" || k.email.Text != "" || k.answers.Contact {
			t.Fatalf("the next visitor sees %q, %q", k.name.Text, k.email.Text)
		}
		// The start page idles in peace.
		test.Tap(k.backBtn)
		u.checkIdle(now.Add(10 * u.kioskIdle()))
		if k.step != stepStart || u.kiosk != k {
			t.Fatal("idle on the start page changed the kiosk")
		}
	})
}

// kioskExitDialog taps the Staff button and returns the PIN dialog's
// fields.
func kioskExitDialog(t *testing.T, u *App, k *kiosk) (*widget.Select, *widget.Entry) {
	t.Helper()
	act(func() { test.Tap(k.exitBtn) })
	var who *widget.Select
	var pin *widget.Entry
	eventually(t, "the PIN dialog", func() bool {
		top := u.win.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		for _, o := range test.LaidOutObjects(top) {
			switch w := o.(type) {
			case *widget.Select:
				who = w
			case *escEntry:
				if w.Password {
					pin = &w.Entry
				}
			}
		}
		return who != nil && pin != nil
	})
	return who, pin
}

// Only an admin's PIN leaves the kiosk; a wrong one keeps it.
func TestKioskLeavesWithAnAdminPIN(t *testing.T) {
	u, _, k := startTestKiosk(t)
	chooseLanguage(t, k, "kk")
	act(func() { test.Type(k.name, "Visitor") })
	_, pin := kioskExitDialog(t, u, k)
	act(func() {
		test.Type(pin, "0000")
		pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, "the wrong PIN refused", func() bool { return pin.Text == "" })
	act(func() {
		if u.kiosk != k || u.staff != nil {
			t.Fatal("a wrong PIN left the kiosk")
		}
		test.Type(pin, testPIN)
		pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, "the desk", func() bool { return u.kiosk == nil && u.staff != nil })
	act(func() {
		if u.staff.Role != booth.RoleAdmin || u.staff.Name != "Admin" || u.desk == nil {
			t.Fatalf("signed in after the kiosk: %+v", u.staff)
		}
		if !k.stopped {
			t.Fatal("the kiosk was not stopped")
		}
	})
}

// A desk member may start the kiosk but not leave it: the PIN dialog lists
// admins only, and their own PIN is not an admin's.
func TestKioskDeskStaffCannotLeaveIt(t *testing.T) {
	u, db, demo := newTestApp(t)
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	const deskPIN = "4711"
	var desk booth.Staff
	for _, s := range demo.Staff {
		if s.Role == booth.RoleDesk {
			desk = s
			break
		}
	}
	if err := db.SetPIN(context.Background(), desk.ID, deskPIN); err != nil {
		t.Fatal(err)
	}
	act(func() { u.show() })
	signInAs(t, u, desk.Name, deskPIN)
	act(func() { u.startKiosk() })
	k := u.kiosk
	if k == nil {
		t.Fatal("a desk member cannot start the kiosk")
	}
	act(func() {
		if u.staff != nil || u.kioskBy == nil || u.kioskBy.ID != desk.ID {
			t.Fatalf("kiosk started by %+v, signed in %+v", u.kioskBy, u.staff)
		}
	})
	who, pin := kioskExitDialog(t, u, k)
	act(func() {
		if len(who.Options) != 1 || who.Options[0] != "Admin" {
			t.Fatalf("the dialog offers %v, want the admin alone", who.Options)
		}
		test.Type(pin, deskPIN)
		pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	// The PIN is cleared where the refusal is handled, with the kiosk left
	// as it was.
	eventually(t, "the desk PIN refused", func() bool { return pin.Text == "" })
	act(func() {
		if u.kiosk != k || u.staff != nil {
			t.Fatal("a desk member's PIN left the kiosk")
		}
	})
}

// A registration whose result arrives after the kiosk stopped leaves the
// screen alone; the visitor is stored all the same.
func TestKioskStopDropsLateResults(t *testing.T) {
	u, db, k := startTestKiosk(t)
	ctx := context.Background()
	before, _ := db.VisitorCount(ctx)
	chooseLanguage(t, k, "en")
	act(func() {
		test.Type(k.name, "Late Result")
		test.Tap(k.nextBtn)
	})
	for _, p := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeMarketing} {
		kioskAnswer(t, k, p, true)
	}
	act(func() {
		u.cfg.Print = nil
		test.Tap(k.nextBtn)
		k.stop()
	})
	eventually(t, "the visitor stored", func() bool {
		n, _ := db.VisitorCount(ctx)
		return n == before+1
	})
	time.Sleep(100 * time.Millisecond)
	act(func() {
		if k.step != stepHospitals || k.visitor != nil {
			t.Fatalf("a stopped kiosk moved to step %d", k.step)
		}
	})
}

// A printer that fails loses no registration: the visitor is stored, the
// badge is on screen, and one sentence says the desk will print it.
func TestKioskPrinterFailureKeepsTheRegistration(t *testing.T) {
	u, db, k := startTestKiosk(t)
	ctx := context.Background()
	u.cfg.Print = func(context.Context, []byte) error { return errors.New("printer out of labels") }
	chooseLanguage(t, k, "ru")
	act(func() {
		test.Type(k.name, "Бумага Кончилась")
		test.Tap(k.nextBtn)
	})
	kioskAnswer(t, k, booth.PurposeContact, true)
	kioskAnswer(t, k, booth.PurposeHealth, false)
	kioskAnswer(t, k, booth.PurposeTransfer, false)
	kioskAnswer(t, k, booth.PurposeMarketing, true)
	act(func() { test.Tap(k.nextBtn) })
	want := translation(t, "ru", "Your badge could not be printed, but you are registered: the registration desk will print it for you.")
	eventually(t, "the sentence about the printer", func() bool { return k.step == stepDone && k.status.Text == want })
	act(func() {
		if k.badge == nil || k.printed {
			t.Fatal("no badge on screen, or a print counted")
		}
	})
	v, err := db.Visitor(ctx, k.visitor.ID)
	if err != nil || v.Name != "Бумага Кончилась" || v.Lang != "ru" {
		t.Fatalf("visitor %+v %v", v, err)
	}
	if ps, _ := db.Prints(ctx, v.ID); len(ps) != 0 {
		t.Fatalf("a failed print was logged: %+v", ps)
	}
	cs, _ := db.Consents(ctx, v.ID)
	if !booth.HasConsent(cs, booth.PurposeMarketing, "") || booth.HasConsent(cs, booth.PurposeHealth, "") {
		t.Fatalf("consents %+v", cs)
	}
}

// TestKioskScreenshots renders every kiosk page in Russian and Kazakh to
// /tmp/kiosk-shots for a person to look at. KIOSK_SHOTS=1 runs it.
func TestKioskScreenshots(t *testing.T) {
	if os.Getenv("KIOSK_SHOTS") == "" {
		t.Skip("KIOSK_SHOTS is not set")
	}
	dir := "/tmp/kiosk-shots"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"ru", "kk"} {
		u, _, k := startTestKiosk(t)
		fakePrinter(u)
		shot := func(name string) {
			t.Helper()
			act(func() {
				u.Window().Resize(fyne.NewSize(1280, 800))
				img := u.Window().Canvas().Capture()
				f, err := os.Create(filepath.Join(dir, code+"-"+name+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := png.Encode(f, img); err != nil {
					t.Fatal(err)
				}
			})
		}
		if code == "ru" {
			shot("0-start")
		}
		chooseLanguage(t, k, code)
		shot("1-about-empty")
		act(func() {
			test.Type(k.name, "Шаһмардан Жұмабаев")
			test.Type(k.phone, "705 515 92 51")
			k.email.SetText("shahmardan@")
			test.Tap(k.typeBtns[1])
			test.Tap(k.nextBtn)
		})
		shot("2-about-mistake")
		act(func() {
			k.email.SetText("")
			test.Tap(k.nextBtn)
		})
		shot("3-contact")
		act(func() { test.Tap(k.refuseBtn) })
		shot("4-refused")
		act(func() { test.Tap(k.backBtn) })
		kioskAnswer(t, k, booth.PurposeContact, true)
		shot("5-health")
		kioskAnswer(t, k, booth.PurposeHealth, true)
		shot("6-transfer")
		kioskAnswer(t, k, booth.PurposeTransfer, true)
		kioskAnswer(t, k, booth.PurposeMarketing, false)
		eventually(t, "the hospitals", func() bool { return len(k.hospitalBtns) > 0 })
		act(func() {
			test.Tap(k.hospitalBtns[0])
			test.Tap(k.hospitalBtns[3])
			test.Tap(k.interestBtns[1])
		})
		shot("7-hospitals")
		act(func() { test.Tap(k.nextBtn) })
		eventually(t, "the printed badge", func() bool { return k.printed })
		shot("8-done")
		kioskExitDialog(t, u, k)
		shot("9-exit")
	}
}

// TestLeavingKioskRestoresDeskLanguage: an admin leaves the kiosk while a
// visitor's registration is under way in Russian; the desk is back in the
// staff's language.
func TestLeavingKioskRestoresDeskLanguage(t *testing.T) {
	u, _, k := startTestKiosk(t)
	staffLang := CurrentLanguage()
	visitorLang := "ru"
	if staffLang == "ru" {
		visitorLang = "kk"
	}
	chooseLanguage(t, k, visitorLang)
	admin := k.app.kioskBy
	act(func() { u.leaveKiosk(admin) })
	act(func() {
		if got := CurrentLanguage(); got != staffLang {
			t.Fatalf("the desk is in %s after the kiosk, want %s", got, staffLang)
		}
		if u.desk == nil {
			t.Fatal("no desk after leaving the kiosk")
		}
	})
}
