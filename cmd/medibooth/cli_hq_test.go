package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the server goroutine writes and the test
// reads.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // a signal after each write
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.written == nil {
		l.written = make(chan struct{}, 1)
	}
	select {
	case l.written <- struct{}{}:
	default:
	}
	return l.b.Write(p)
}

// waitFor waits until the text written holds a match of re, signalled by
// each write; the minute only bounds a failure.
func (l *lockedBuffer) waitFor(re *regexp.Regexp) string {
	l.mu.Lock()
	if l.written == nil {
		l.written = make(chan struct{}, 1)
	}
	written := l.written
	l.mu.Unlock()
	timeout := time.After(time.Minute)
	for {
		if m := re.FindString(l.String()); m != "" {
			return m
		}
		select {
		case <-written:
		case <-timeout:
			return ""
		}
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestCLIHQServeTakesPushes(t *testing.T) {
	hq, pkg := syncEvent(t, "Almaty Health Consultation 2026")
	desk := syncLaptop(t, pkg, "Desk 1")
	syncWork(t, desk, "Айгерім", 3)

	ctx, cancel := context.WithCancel(context.Background())
	var out, errs lockedBuffer
	done := make(chan int)
	go func() {
		m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Getenv: func(k string) string { return hq.env[k] }}
		done <- m.Run(ctx, []string{"hq", "serve", "--addr", "127.0.0.1:0"})
	}()
	url := out.waitFor(regexp.MustCompile(`http://127\.0\.0\.1:\d+`))
	if url == "" {
		cancel()
		t.Fatalf("the server did not start: %q %q", out.String(), errs.String())
	}

	var pushed struct{ Decision string }
	desk.mustJSON(&pushed, "sync", "push", "--to", url)
	if pushed.Decision != "imported" {
		t.Fatalf("push: %+v", pushed)
	}
	var st struct {
		LastExport struct {
			AckedAt *time.Time `json:"acked_at"`
		} `json:"last_export"`
	}
	desk.mustJSON(&st, "sync", "status")
	if st.LastExport.AckedAt == nil {
		t.Error("the pushed bundle is not marked as acknowledged")
	}
	// A laptop of another event is turned away; the page lists Desk 1.
	_, otherPkg := syncEvent(t, "Almaty Health Consultation 2026")
	stranger := syncLaptop(t, otherPkg, "Intruder")
	if code, _, e := stranger.run("sync", "push", "--to", url); code != 1 || !strings.Contains(e, "does not know") {
		t.Errorf("stranger's push: exit %d %q", code, e)
	}
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Desk 1") || strings.Contains(string(page), "Intruder") {
		t.Errorf("status page: %s", page)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("hq serve exited %d: %s", code, errs.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("hq serve did not stop")
	}
	// Merged: HQ's report counts the desk's visitors.
	var r struct {
		VisitorsUnique int `json:"visitors_unique"`
	}
	hq.mustJSON(&r, "report", "--format", "json")
	if r.VisitorsUnique != 3 {
		t.Errorf("HQ counts %d visitors after the push, want 3", r.VisitorsUnique)
	}
}

// serveHQ starts `hq serve` for hq with extra flags and returns its URL
// and a stop function.
func serveHQ(t *testing.T, hq *cli, scheme string, extra ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs lockedBuffer
	done := make(chan int, 1)
	go func() {
		m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Getenv: func(k string) string { return hq.env[k] }}
		done <- m.Run(ctx, append([]string{"hq", "serve", "--addr", "127.0.0.1:0"}, extra...))
	}()
	url := out.waitFor(regexp.MustCompile(scheme + `://127\.0\.0\.1:\d+`))
	if url == "" {
		cancel()
		t.Fatalf("the server did not start: %q %q", out.String(), errs.String())
	}
	return url, func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("hq serve did not stop")
		}
	}
}

// TestCLIHQServeHTTPS: after `hq serve --init` HQ serves HTTPS, and the
// laptops that joined with the package made afterwards send to it; a laptop
// without the pin, or pinned to another HQ, does not; plain HTTP is refused
// on the network.
func TestCLIHQServeHTTPS(t *testing.T) {
	hq, oldPkg := syncEvent(t, "KITF 2026")
	if code, _, errs := hq.run("hq", "serve", "--addr", "0.0.0.0:0"); code != 1 || !strings.Contains(errs, "HTTPS") {
		t.Fatalf("plain HTTP on the network: exit %d %q", code, errs)
	}
	code, out, errs := hq.run("hq", "serve", "--init")
	pin := regexp.MustCompile(`[0-9a-f]{64}`).FindString(out)
	if code != 0 || pin == "" {
		t.Fatalf("hq serve --init: exit %d %q %q", code, out, errs)
	}
	if _, again, _ := hq.run("hq", "serve", "--init"); !strings.Contains(again, pin) {
		t.Fatalf("a second --init changed the certificate: %q", again)
	}
	pkg := filepath.Join(t.TempDir(), "event.package")
	hq.mustJSON(&struct{}{}, "event", "package", "--out", pkg)
	desk := syncLaptop(t, pkg, "Desk 1")
	syncWork(t, desk, "Ерлан", 2)
	old := syncLaptop(t, oldPkg, "Desk 0")

	url, stop := serveHQ(t, hq, "https")
	defer stop()
	var pushed struct{ Decision string }
	desk.mustJSON(&pushed, "sync", "push", "--to", url)
	if pushed.Decision != "imported" {
		t.Fatalf("push over HTTPS: %+v", pushed)
	}
	if code, _, e := old.run("sync", "push", "--to", url); code != 1 || !strings.Contains(e, "does not know HQ's server certificate") {
		t.Errorf("a laptop without the pin: exit %d %q", code, e)
	}
	if code, _, e := desk.run("sync", "push", "--to", "http://192.0.2.1:8080"); code != 1 || !strings.Contains(e, "https://") {
		t.Errorf("plain HTTP to the network: exit %d %q", code, e)
	}
	// Another HQ with its own certificate, reached by the desk's pin: not HQ.
	other, _ := syncEvent(t, "KITF 2026")
	other.run("hq", "serve", "--init")
	otherURL, stopOther := serveHQ(t, other, "https")
	defer stopOther()
	if code, _, e := desk.run("sync", "push", "--to", otherURL); code != 1 || !strings.Contains(e, "not HQ's") {
		t.Errorf("a server posing as HQ: exit %d %q", code, e)
	}
}
