package ui

import (
	"context"
	"errors"
	"log"
	"maps"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"medibooth/booth"
	"medibooth/leadfiles"
)

// reportsUnlock is a hospital whose notes are to be opened, with the
// passphrase typed for it.
type reportsUnlock struct {
	org  booth.Org
	pass string
}

func (s *reportsScreen) onLeads() {
	s.app.touch()
	if s.leadsBtn.Disabled() {
		return
	}
	dir, ok := s.dir()
	if !ok {
		return
	}
	var tries []reportsUnlock
	for _, h := range s.hospitals {
		if p := s.passes[h.ID].Text; s.keys[h.ID] == nil && strings.TrimSpace(p) != "" {
			tries = append(tries, reportsUnlock{h, p})
		}
	}
	o := booth.LeadOptions{Dir: dir, Format: "xlsx", Lang: s.langCode(), HospitalID: s.orgID, Keys: maps.Clone(s.keys)}
	if s.leadFormat.Selected == lang.L("CSV table") {
		o.Format = "csv"
	}
	ctx := s.app.ctx()
	s.busy(true)
	go func() {
		opened, failed, err := s.unlock(ctx, tries)
		if err != nil {
			s.app.do(func() { s.unlockFailed(opened, failed, err) })
			return
		}
		maps.Copy(o.Keys, opened)
		files, err := s.writeLeads(ctx, o)
		var openErr error
		if err == nil && len(files) > 0 {
			openErr = reportsOpenFolder(dir)
		}
		s.app.do(func() { s.leadsDone(opened, files, err, dir, openErr) })
	}()
}

// unlock opens the notes keys of the hospitals tried, stopping at the first
// that stays closed.
func (s *reportsScreen) unlock(ctx context.Context, tries []reportsUnlock) (map[string]*booth.NotesKey, booth.Org, error) {
	opened := map[string]*booth.NotesKey{}
	for _, t := range tries {
		k, err := s.app.cfg.Store.UnlockHospital(ctx, t.org.ID, t.pass)
		if err != nil {
			return opened, t.org, err
		}
		opened[t.org.ID] = k
	}
	return opened, booth.Org{}, nil
}

// writeLeads writes the lead files and notes each one's size.
func (s *reportsScreen) writeLeads(ctx context.Context, o booth.LeadOptions) ([]reportsWritten, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, &reportsFileError{o.Dir, err}
	}
	o.Progress = s.step
	lfs, err := leadfiles.Write(ctx, s.store, o)
	out := make([]reportsWritten, len(lfs))
	for i := range lfs {
		out[i] = reportsWritten{path: lfs[i].Path, lead: &lfs[i]}
		if fi, serr := os.Stat(lfs[i].Path); serr == nil {
			out[i].size = fi.Size()
		}
	}
	return out, err
}

// keep holds the keys opened on this screen.
func (s *reportsScreen) keep(opened map[string]*booth.NotesKey) {
	maps.Copy(s.keys, opened)
	s.refreshNotes()
}

// unlockFailed says which hospital's notes stayed closed and that nothing
// was written.
func (s *reportsScreen) unlockFailed(opened map[string]*booth.NotesKey, h booth.Org, err error) {
	if s.gone() {
		return
	}
	s.keep(opened)
	s.busy(false)
	s.passes[h.ID].SetText("")
	log.Printf("open the notes of %s: %v", h.Name, err)
	say(s.status, h.Name+": "+reportsUnlockMessage(err)+" "+lang.L("No lead file was written."), true)
}

// reportsUnlockMessage is the sentence for a hospital's notes that stayed
// closed.
func reportsUnlockMessage(err error) string {
	var se *booth.SignInError
	if !errors.As(err, &se) {
		return message(err)
	}
	if !se.LockedUntil.IsZero() {
		return lang.L("Too many wrong passphrases. The notes stay closed until {{.Time}}.",
			map[string]any{"Time": se.LockedUntil.Local().Format("15:04:05")})
	}
	return lang.L("Wrong passphrase. {{.Left}} tries left before a lockout.", map[string]any{"Left": se.TriesLeft})
}

func (s *reportsScreen) leadsDone(opened map[string]*booth.NotesKey, files []reportsWritten, err error, dir string, openErr error) {
	if s.gone() {
		return
	}
	s.keep(opened)
	s.busy(false)
	s.showFiles(files)
	switch {
	case err != nil:
		log.Printf("lead files: %v", err)
		say(s.status, reportsMessage(err), true)
	case len(files) == 0:
		say(s.status, lang.L("There is no hospital to write a lead file for."), true)
	default:
		s.done(lang.L("Wrote {{.Count}} lead files.", map[string]any{"Count": len(files)}), dir, openErr)
	}
}
