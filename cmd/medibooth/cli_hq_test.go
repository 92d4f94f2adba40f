package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the server goroutine writes and the test
// reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
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
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		url = addr.FindString(out.String())
	}
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
	case <-time.After(15 * time.Second):
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
