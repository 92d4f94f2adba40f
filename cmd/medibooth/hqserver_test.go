package main

import (
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// A fake import that records what arrived stands in for the database: the
// server's own checks (signature, enrolment, body hash, size) are what is
// tested here; the bundle's own checks are tested with the bundle.
func TestHQServerTakesSignedBundlesOnly(t *testing.T) {
	root, keys := booth.NewEventKeys()
	pub, priv, _ := ed25519.GenerateKey(nil)
	laptop := &booth.Issuer{Keys: keys, Key: priv, Cert: booth.Certify(root, keys, pub)}
	var imported []string
	revokedID := ""
	s := &hqServer{
		check: func(context.Context) (booth.EventKeys, func(string) bool, error) {
			return keys, func(id string) bool { return id == revokedID }, nil
		},
		importFile: func(_ context.Context, path string) (any, error) {
			b, _ := os.ReadFile(path)
			if string(b) == "bad bundle" {
				return nil, booth.Errorf(booth.EINVALID, "This file is not a medibooth bundle.")
			}
			imported = append(imported, string(b))
			return map[string]any{"decision": "imported", "rows": 3}, nil
		},
		status: func(context.Context) ([]laptopStatus, error) {
			return []laptopStatus{{Name: "Desk 2", LastAt: "2026-09-18 18:00", Bundles: len(imported)}}, nil
		},
		event: "Almaty Health Consultation 2026", now: time.Now, tmpDir: t.TempDir(),
	}
	srv := httptest.NewServer(s.handler())
	defer srv.Close()
	ctx := context.Background()
	write := func(content string) string {
		p := filepath.Join(t.TempDir(), "b.bundle")
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	out, err := booth.PushBundle(ctx, srv.Client(), srv.URL, write("bundle one"), laptop, time.Now())
	if err != nil || out["decision"] != "imported" || len(imported) != 1 {
		t.Fatalf("push: %v %v %v", out, err, imported)
	}
	// The same bundle again is simply imported again (the import is
	// idempotent); a bad bundle is refused with its sentence.
	if _, err := booth.PushBundle(ctx, srv.Client(), srv.URL, write("bad bundle"), laptop, time.Now()); err == nil ||
		booth.ErrorMessage(err) != "This file is not a medibooth bundle." {
		t.Fatalf("bad bundle: %v", err)
	}
	// A laptop of another event, a revoked one, an unsigned request, a
	// body that is not what was signed: refused before any import.
	otherRoot, otherKeys := booth.NewEventKeys()
	stranger := &booth.Issuer{Keys: otherKeys, Key: priv, Cert: booth.Certify(otherRoot, otherKeys, pub)}
	if _, err := booth.PushBundle(ctx, srv.Client(), srv.URL, write("x"), stranger, time.Now()); err == nil || !strings.Contains(booth.ErrorMessage(err), "does not know") {
		t.Errorf("stranger: %v", err)
	}
	revokedID = booth.KeyID(pub)
	if _, err := booth.PushBundle(ctx, srv.Client(), srv.URL, write("x"), laptop, time.Now()); err == nil || !strings.Contains(booth.ErrorMessage(err), "revoked") {
		t.Errorf("revoked: %v", err)
	}
	revokedID = ""
	resp, err := http.Post(srv.URL+"/bundles", "application/octet-stream", strings.NewReader("x"))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned: %v %v", resp.Status, err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/bundles", strings.NewReader("swapped body"))
	sum := make([]byte, 32)
	nonce, err := booth.Challenge(ctx, srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	laptop.SignRequest(req, sum, int64(len("swapped body")), nonce, time.Now())
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("swapped body: %v %v", resp.Status, err)
	}
	if len(imported) != 1 {
		t.Errorf("%d imports, want 1", len(imported))
	}
	// The status page names laptops, never visitors.
	resp, err = http.Get(srv.URL + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status page: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Desk 2") || !strings.Contains(string(page), "Almaty Health Consultation 2026") {
		t.Errorf("status page: %q", page)
	}
	// An unreachable server says so in one sentence.
	if _, err := booth.PushBundle(ctx, srv.Client(), "http://127.0.0.1:1", write("x"), laptop, time.Now()); err == nil ||
		!strings.Contains(booth.ErrorMessage(err), "cannot be reached") {
		t.Errorf("unreachable: %v", err)
	}
}
