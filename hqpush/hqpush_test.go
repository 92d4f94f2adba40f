package hqpush

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medibooth/booth"
)

func TestURL(t *testing.T) {
	for typed, want := range map[string]string{
		"http://hq.local:8080":     "http://hq.local:8080",
		" https://hq.local:8443/ ": "https://hq.local:8443",
		"hq.local":                 "",
		"ftp://hq.local":           "",
		"https://":                 "",
		"":                         "",
	} {
		got, err := URL(typed)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("URL(%q) = %q, %v; want %q", typed, got, err, want)
		}
	}
}

// fakeStore makes a bundle file where asked and records where.
type fakeStore struct {
	dir, out string
	acked    bool
}

func (s *fakeStore) HQCertPin(context.Context) (string, error) { return "", nil }
func (s *fakeStore) Issuer(context.Context) (*booth.Issuer, error) {
	return nil, booth.Errorf(booth.EINTERNAL, "no issuer")
}
func (s *fakeStore) AckBundle(context.Context, string) error { s.acked = true; return nil }
func (s *fakeStore) Dir() string                             { return s.dir }
func (s *fakeStore) ExportBundle(_ context.Context, out string) (*booth.ExportResult, error) {
	s.out = out
	return &booth.ExportResult{File: out}, os.WriteFile(out, []byte("sealed"), 0o600)
}

// The bundle is made beside the data, not in the system's temporary
// folder, and is gone afterwards; a push that failed marks nothing as HQ's.
func TestPushMakesTheBundleBesideTheDataAndRemovesIt(t *testing.T) {
	hq := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"down for maintenance"}`, http.StatusServiceUnavailable)
	}))
	defer hq.Close()
	st := &fakeStore{dir: t.TempDir()}
	_, err := Push(context.Background(), st, hq.URL, false)
	if err == nil {
		t.Fatal("a push to a server that refused succeeded")
	}
	if !strings.HasPrefix(st.out, st.dir+string(filepath.Separator)) {
		t.Fatalf("the bundle was made at %s, not beside the data in %s", st.out, st.dir)
	}
	if left, _ := os.ReadDir(st.dir); len(left) != 0 {
		t.Fatalf("left beside the data: %v", left)
	}
	if st.acked {
		t.Fatal("a bundle HQ did not take was marked as HQ's")
	}
}
