package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// MaxUpload bounds one bundle sent to the HQ server.
const MaxUpload int64 = 2 << 30

// The server's limits; an hqServer's zero fields take these.
const (
	defaultMaxUploads = 4                // bundles received at once
	defaultMaxTemp    = 4 << 30          // bytes of uploads held at once
	defaultReserve    = 256 << 20        // free space always left on HQ's disk
	defaultMinRate    = 16 << 10         // bytes per second, averaged over the upload
	defaultIdle       = 30 * time.Second // longest wait for the next bytes
	rateGrace         = 30 * time.Second // time an upload has before its rate counts
	slotWait          = 5 * time.Minute  // longest wait for a free upload slot
	nonceTTL          = 5 * time.Minute
	maxNonces         = 4096
)

// hqServer receives bundles from the event's laptops. A request must be
// signed by a laptop key the event's root certified (not revoked) and
// answer a nonce this server handed out and that was not used yet; its
// declared size must fit the limits and HQ's free disk. Only then is the
// body read — into a bounded temp space, at a minimum rate — checked
// against the signed hash, and imported as `sync import` does, which checks
// it all again. Uploading a bundle twice is harmless: the second import
// changes nothing.
type hqServer struct {
	// check returns the event's keys and the revocation test.
	check func(ctx context.Context) (booth.EventKeys, func(string) bool, error)
	// importFile imports the bundle at path and returns what to tell the
	// laptop (JSON-encodable).
	importFile func(ctx context.Context, path string) (any, error)
	// status lists the laptops and their last bundle for the status page.
	status func(ctx context.Context) ([]laptopStatus, error)
	event  string
	now    func() time.Time
	tmpDir string

	// Limits (zero: the defaults above).
	maxUploads int
	maxTemp    int64
	reserve    int64
	minRate    int64
	idle       time.Duration
	// free reports the free bytes of tmpDir's disk; nil: data.FreeBytes.
	free func(dir string) (uint64, bool)

	mu sync.Mutex // one import at a time: the database has one writer

	initOnce sync.Once
	slots    chan struct{}
	nonces   nonceStore
	tempMu   sync.Mutex
	inflight int64 // declared bytes of the uploads being received
}

// laptopStatus is one line of the status page.
type laptopStatus struct {
	Device   string `json:"device"`
	Name     string `json:"name"`
	LastAt   string `json:"last_at"`
	Bundles  int    `json:"bundles"`
	Rows     int    `json:"rows"`
	Imported string `json:"imported_at"`
}

// init sets the defaults and removes the uploads a killed server left.
func (s *hqServer) init() {
	s.initOnce.Do(func() {
		if s.maxUploads <= 0 {
			s.maxUploads = defaultMaxUploads
		}
		if s.maxTemp <= 0 {
			s.maxTemp = defaultMaxTemp
		}
		if s.reserve <= 0 {
			s.reserve = defaultReserve
		}
		if s.minRate <= 0 {
			s.minRate = defaultMinRate
		}
		if s.idle <= 0 {
			s.idle = defaultIdle
		}
		if s.free == nil {
			s.free = data.FreeBytes
		}
		s.slots = make(chan struct{}, s.maxUploads)
		left, _ := filepath.Glob(filepath.Join(s.tmpDir, "upload-*.bundle"))
		for _, f := range left {
			os.Remove(f)
		}
	})
}

func (s *hqServer) handler() http.Handler {
	s.init()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /challenge", s.challenge)
	mux.HandleFunc("POST /bundles", s.receive)
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /status", s.statusJSON)
	return mux
}

// httpServer wraps the handler with the limits a server on a fair's or
// hotel's network needs: bodies are paced by receive (a deadline per read
// and a minimum rate), not by one long read timeout.
func (s *hqServer) httpServer(addr string) *http.Server {
	return &http.Server{Addr: addr, Handler: s.handler(),
		ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 35 * time.Minute,
		IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
}

// reply writes one JSON object; a refusal carries its sentence.
func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

type refusal struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func refuse(w http.ResponseWriter, code int, reason string) {
	if code == http.StatusServiceUnavailable || code == http.StatusInsufficientStorage {
		w.Header().Set("Retry-After", "60")
	}
	reply(w, code, refusal{"refused", reason})
}

// challenge hands out a nonce for one signed request.
func (s *hqServer) challenge(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, map[string]string{"nonce": base64.StdEncoding.EncodeToString(s.nonces.issue(time.Now()))})
}

// authorize checks a request's signature and takes its nonce.
func (s *hqServer) authorize(w http.ResponseWriter, r *http.Request) (*booth.RequestSigner, bool) {
	keys, revoked, err := s.check(r.Context())
	if err != nil {
		refuse(w, http.StatusServiceUnavailable, booth.ErrorMessage(err))
		return nil, false
	}
	signer, err := booth.VerifyRequest(r, keys, revoked, s.now())
	if err != nil {
		code := http.StatusForbidden
		if booth.ErrorCode(err) == booth.EINVALID {
			code = http.StatusUnauthorized
		}
		refuse(w, code, booth.ErrorMessage(err))
		return nil, false
	}
	if !s.nonces.take(signer.Nonce, time.Now()) {
		refuse(w, http.StatusUnauthorized, "The request was sent before or waited too long; send it again.")
		return nil, false
	}
	return signer, true
}

func (s *hqServer) receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	signer, ok := s.authorize(w, r)
	if !ok {
		return
	}
	size := signer.Size
	switch {
	case size > MaxUpload:
		refuse(w, http.StatusRequestEntityTooLarge, "The bundle is larger than 2 GB.")
		return
	case r.ContentLength != size || size == 0:
		refuse(w, http.StatusBadRequest, "The upload is not the size the laptop signed; send it again.")
		return
	}
	// Wait for a free slot: signed uploads queue instead of failing.
	wait := time.NewTimer(slotWait)
	defer wait.Stop()
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-wait.C:
		refuse(w, http.StatusServiceUnavailable, "HQ is receiving other bundles; send again in a minute.")
		return
	case <-ctx.Done():
		return
	}
	if !s.reserveTemp(size) {
		refuse(w, http.StatusInsufficientStorage, "HQ's disk has no room for this bundle now; send it again later.")
		return
	}
	defer s.releaseTemp(size)
	f, err := os.CreateTemp(s.tmpDir, "upload-*.bundle")
	if err != nil {
		refuse(w, http.StatusInternalServerError, "HQ cannot store the upload.")
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	body := &pacedReader{r: io.LimitReader(r.Body, size), rc: http.NewResponseController(w), idle: s.idle, minRate: s.minRate, start: time.Now()}
	n, err := io.Copy(io.MultiWriter(f, h), body)
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			refuse(w, http.StatusInsufficientStorage, "HQ's disk has no room for this bundle now; send it again later.")
		} else {
			refuse(w, http.StatusBadRequest, "The upload was cut short or too slow; send it again.")
		}
		return
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), signer.BodyHash) != 1 {
		refuse(w, http.StatusBadRequest, "The upload does not match what the laptop signed; send it again.")
		return
	}
	if err := f.Close(); err != nil {
		refuse(w, http.StatusInternalServerError, "HQ cannot store the upload.")
		return
	}
	s.mu.Lock()
	res, err := s.importFile(ctx, f.Name())
	s.mu.Unlock()
	if err != nil {
		log.Printf("bundle from key %s (%d bytes): %v", signer.KeyID, n, err)
		code := http.StatusBadRequest
		switch booth.ErrorCode(err) {
		case booth.EINTERNAL:
			code = http.StatusInternalServerError
		case booth.EUNAVAILABLE:
			code = http.StatusInsufficientStorage
		}
		refuse(w, code, booth.ErrorMessage(err))
		return
	}
	log.Printf("bundle from key %s (%d bytes) imported", signer.KeyID, n)
	reply(w, http.StatusOK, res)
}

// reserveTemp books size bytes of the temp space: within maxTemp for all
// uploads together, and leaving reserve free on HQ's disk.
func (s *hqServer) reserveTemp(size int64) bool {
	s.tempMu.Lock()
	defer s.tempMu.Unlock()
	if s.inflight+size > s.maxTemp {
		return false
	}
	if free, ok := s.free(s.tmpDir); ok && int64(free) < s.inflight+size+s.reserve {
		return false
	}
	s.inflight += size
	return true
}

func (s *hqServer) releaseTemp(size int64) {
	s.tempMu.Lock()
	s.inflight -= size
	s.tempMu.Unlock()
}

// errTooSlow cuts an upload that trickles.
var errTooSlow = errors.New("upload slower than the minimum rate")

// pacedReader reads a body with a deadline for each read and cuts it when,
// after rateGrace, fewer than minRate bytes a second arrived on average.
type pacedReader struct {
	r       io.Reader
	rc      *http.ResponseController
	idle    time.Duration
	minRate int64
	start   time.Time
	n       int64
}

func (p *pacedReader) Read(b []byte) (int, error) {
	p.rc.SetReadDeadline(time.Now().Add(p.idle))
	n, err := p.r.Read(b)
	p.n += int64(n)
	if el := time.Since(p.start); el > rateGrace && float64(p.n) < float64(p.minRate)*el.Seconds() {
		return n, errTooSlow
	}
	return n, err
}

// nonceStore holds the challenges handed out and not yet answered; the
// oldest go when it is full, so a flood of challenges costs bounded memory.
type nonceStore struct {
	mu    sync.Mutex
	until map[string]time.Time
	order []string
}

func (ns *nonceStore) issue(now time.Time) []byte {
	n := make([]byte, booth.NonceSize)
	rand.Read(n)
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.until == nil {
		ns.until = map[string]time.Time{}
	}
	for len(ns.until) >= maxNonces && len(ns.order) > 0 {
		delete(ns.until, ns.order[0])
		ns.order = ns.order[1:]
	}
	ns.until[string(n)] = now.Add(nonceTTL)
	ns.order = append(ns.order, string(n))
	return n
}

// take uses a nonce: true once for each nonce issued, within its time.
func (ns *nonceStore) take(n []byte, now time.Time) bool {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	until, ok := ns.until[string(n)]
	delete(ns.until, string(n))
	if len(ns.order) > 2*maxNonces { // drop the order's used entries now and then
		live := ns.order[:0]
		for _, k := range ns.order {
			if _, ok := ns.until[k]; ok {
				live = append(live, k)
			}
		}
		ns.order = live
	}
	return ok && now.Before(until)
}

// loopback reports whether r comes from this computer.
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// statusJSON lists the laptops, for HQ's own computer or a laptop of the
// event (a signed request).
func (s *hqServer) statusJSON(w http.ResponseWriter, r *http.Request) {
	if !loopback(r) {
		if _, ok := s.authorize(w, r); !ok {
			return
		}
	}
	list, err := s.status(r.Context())
	if err != nil {
		reply(w, http.StatusInternalServerError, refusal{"refused", booth.ErrorMessage(err)})
		return
	}
	reply(w, http.StatusOK, struct {
		Event   string         `json:"event"`
		Laptops []laptopStatus `json:"laptops"`
	}{s.event, list})
}

var statusPage = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>medibooth HQ — {{.Event}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em 1em;border-bottom:1px solid #ccc;text-align:left}</style>
</head><body><h1>{{.Event}}</h1><p>Bundles received from the event's laptops (refreshes every 30 s).</p>
<table><tr><th>Laptop</th><th>Last bundle made</th><th>Imported</th><th>Bundles</th><th>Rows</th></tr>
{{range .Laptops}}<tr><td>{{.Name}}</td><td>{{.LastAt}}</td><td>{{.Imported}}</td><td>{{.Bundles}}</td><td>{{.Rows}}</td></tr>
{{else}}<tr><td colspan="5">No bundle yet.</td></tr>{{end}}</table></body></html>`))

// page shows the laptops and their last bundle, on HQ's own computer; it
// names laptops, never visitors.
func (s *hqServer) page(w http.ResponseWriter, r *http.Request) {
	if !loopback(r) {
		http.Error(w, "The status page is shown on HQ's computer only.", http.StatusForbidden)
		return
	}
	list, err := s.status(r.Context())
	if err != nil {
		http.Error(w, booth.ErrorMessage(err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := statusPage.Execute(w, struct {
		Event   string
		Laptops []laptopStatus
	}{s.event, list}); err != nil {
		log.Printf("status page: %v", err)
	}
}
