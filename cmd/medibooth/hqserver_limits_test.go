package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"medibooth/booth"
)

// testHQ is an HQ server over a fake import that counts what arrived.
type testHQ struct {
	s        *hqServer
	srv      *httptest.Server
	keys     booth.EventKeys
	root     ed25519.PrivateKey
	imported atomic.Int64
}

func newTestHQ(t *testing.T, tune func(*hqServer)) *testHQ {
	t.Helper()
	h := &testHQ{}
	h.root, h.keys = booth.NewEventKeys()
	h.s = &hqServer{
		check: func(context.Context) (booth.EventKeys, func(string) bool, error) { return h.keys, nil, nil },
		importFile: func(ctx context.Context, path string) (any, error) {
			h.imported.Add(1)
			return map[string]any{"decision": "imported"}, nil
		},
		status: func(context.Context) ([]laptopStatus, error) { return []laptopStatus{{Name: "Desk 1"}}, nil },
		event:  "KITF 2026", now: time.Now, tmpDir: t.TempDir(),
	}
	if tune != nil {
		tune(h.s)
	}
	h.srv = httptest.NewServer(h.s.handler())
	t.Cleanup(h.srv.Close)
	return h
}

func (h *testHQ) laptop() *booth.Issuer {
	pub, priv, _ := ed25519.GenerateKey(nil)
	return &booth.Issuer{Keys: h.keys, Key: priv, Cert: booth.Certify(h.root, h.keys, pub)}
}

// signed is a POST /bundles of body, signed as declaring size bytes.
func (h *testHQ) signed(t *testing.T, is *booth.Issuer, body io.Reader, sum []byte, size int64) *http.Request {
	t.Helper()
	nonce, err := booth.Challenge(context.Background(), h.srv.Client(), h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", h.srv.URL+"/bundles", body)
	req.ContentLength = size
	is.SignRequest(req, sum, size, nonce, time.Now())
	return req
}

func uploads(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "upload-*.bundle"))
	return names
}

// TestHQServerRefusesReplaysAndOversize: a request overheard and sent
// again, a body larger than signed, a declared size over the limit or over
// HQ's free disk are refused before a byte of body is stored.
func TestHQServerRefusesReplaysAndOversize(t *testing.T) {
	var free atomic.Uint64
	free.Store(1 << 40)
	h := newTestHQ(t, func(s *hqServer) {
		s.free = func(string) (uint64, bool) { return free.Load(), true }
	})
	is := h.laptop()
	body := []byte("a bundle's bytes")
	sum := sha256.Sum256(body)
	req := h.signed(t, is, bytes.NewReader(body), sum[:], int64(len(body)))
	replay := req.Clone(context.Background())
	resp, err := h.srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("first upload: %v %v", resp, err)
	}
	replay.Body = io.NopCloser(bytes.NewReader(body))
	if resp, err := h.srv.Client().Do(replay); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replayed upload: %v %v", resp, err)
	}
	if n := h.imported.Load(); n != 1 {
		t.Fatalf("%d imports, want 1", n)
	}

	// More bytes than signed: the body is read up to the signed size only
	// and the upload refused.
	big := bytes.Repeat([]byte("x"), 1<<20)
	bsum := sha256.Sum256(big)
	req = h.signed(t, is, bytes.NewReader(big), bsum[:], 1<<20)
	req.ContentLength = 2 << 20
	req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(big), bytes.NewReader(big)))
	if resp, err := h.srv.Client().Do(req); err == nil && resp.StatusCode == http.StatusOK {
		t.Fatalf("a body larger than signed was taken")
	}
	// Over 2 GB declared: refused at once, nothing read.
	req = h.signed(t, is, strings.NewReader("x"), bsum[:], MaxUpload+1)
	req.ContentLength = -1
	req.Header.Del("Content-Length")
	if resp, err := h.srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("over 2 GB: %v %v", resp, err)
	}
	// HQ's disk nearly full: refused with 507 and a sentence.
	free.Store(200 << 20) // under the 256 MB HQ always keeps free
	req = h.signed(t, is, bytes.NewReader(big), bsum[:], 1<<20)
	resp, err = h.srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusInsufficientStorage {
		t.Fatalf("full disk: %v %v", resp, err)
	}
	msg, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(msg), "no room") {
		t.Errorf("full disk said %s", msg)
	}
	if n := h.imported.Load(); n != 1 || len(uploads(t, h.s.tmpDir)) != 0 {
		t.Fatalf("%d imports, uploads left %v", n, uploads(t, h.s.tmpDir))
	}
}

// TestHQServerCutsSlowBodies: a body that stops arriving is cut after the
// idle time; the temp file goes.
func TestHQServerCutsSlowBodies(t *testing.T) {
	h := newTestHQ(t, func(s *hqServer) { s.idle = 300 * time.Millisecond })
	is := h.laptop()
	pr, pw := io.Pipe()
	defer pw.Close()
	body := bytes.Repeat([]byte("y"), 4096)
	sum := sha256.Sum256(body)
	req := h.signed(t, is, pr, sum[:], int64(len(body)))
	go pw.Write(body[:10]) // then nothing more
	done := make(chan *http.Response, 1)
	go func() {
		resp, _ := h.srv.Client().Do(req)
		done <- resp
	}()
	select {
	case resp := <-done:
		if resp != nil && resp.StatusCode == http.StatusOK {
			t.Fatal("a stalled upload was taken")
		}
	case <-time.After(2 * time.Minute): // a bound, not a wait: the cut comes after 0.3 s
		t.Fatal("a stalled upload was not cut")
	}
	if h.imported.Load() != 0 {
		t.Fatal("a stalled upload was imported")
	}
}

// TestHQServerLeftoversAndStatus: uploads a killed server left are removed
// on start; the status page is for HQ's computer, the JSON status also for
// the event's laptops.
func TestHQServerLeftoversAndStatus(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, "upload-123.bundle")
	os.WriteFile(left, []byte("half an upload"), 0o600)
	h := newTestHQ(t, func(s *hqServer) { s.tmpDir = dir })
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Fatalf("a killed server's upload stays: %v", err)
	}
	handler := h.s.handler()
	for _, path := range []string{"/", "/status"} {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = "192.0.2.7:40000" // someone on the venue's network
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		if w.Code == http.StatusOK || strings.Contains(w.Body.String(), "Desk 1") {
			t.Errorf("%s from the network: %d %s", path, w.Code, w.Body)
		}
		r.RemoteAddr = "127.0.0.1:40000"
		w = httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Desk 1") {
			t.Errorf("%s from HQ's computer: %d %s", path, w.Code, w.Body)
		}
	}
	// A laptop of the event asks with a signed request.
	nonce, err := booth.Challenge(context.Background(), h.srv.Client(), h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/status", nil)
	r.RemoteAddr = "192.0.2.7:40000"
	empty := sha256.Sum256(nil)
	h.laptop().SignRequest(r, empty[:], 0, nonce, time.Now())
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, r)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Desk 1") {
		t.Errorf("signed status: %d %s", w.Code, w.Body)
	}
}

// TestHQServerConcurrentPushes: 200 pushes from 20 laptops at once queue
// for the upload slots: every one is imported exactly once, never more than
// maxUploads at a time on disk.
func TestHQServerConcurrentPushes(t *testing.T) {
	h := newTestHQ(t, nil)
	var laptops []*booth.Issuer
	for range 20 {
		laptops = append(laptops, h.laptop())
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	var failed atomic.Int64
	var peakFiles atomic.Int64
	stop := make(chan struct{})
	go func() { // watch the temp space while the pushes run
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				if n := int64(len(uploads(t, h.s.tmpDir))); n > peakFiles.Load() {
					peakFiles.Store(n)
				}
			}
		}
	}()
	for i := range 200 {
		p := filepath.Join(dir, "push-"+strconv.Itoa(i)+".bundle")
		os.WriteFile(p, bytes.Repeat([]byte(fmt.Sprintf("bundle %d;", i)), 2000), 0o600)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := booth.PushBundle(context.Background(), h.srv.Client(), h.srv.URL, p, laptops[i%20], time.Now()); err != nil {
				failed.Add(1)
				t.Log(err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if failed.Load() != 0 || h.imported.Load() != 200 {
		t.Fatalf("%d failed, %d imported of 200", failed.Load(), h.imported.Load())
	}
	if peakFiles.Load() > defaultMaxUploads {
		t.Fatalf("%d uploads on disk at once, limit %d", peakFiles.Load(), defaultMaxUploads)
	}
	t.Logf("200 pushes from 20 laptops: all imported once; at most %d uploads on disk at once; peak RSS %s", peakFiles.Load(), peakRSS())
}

// peakRSS is this process's peak resident memory, where Linux tells it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
