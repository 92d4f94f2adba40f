package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"medibooth/booth"
)

// MaxUpload bounds one bundle sent to the HQ server.
const MaxUpload int64 = 2 << 30

// hqServer receives bundles from the event's laptops. A request must be
// signed by a laptop key the event's root certified (not revoked); its body
// must hash to what was signed; then the bundle is imported as `sync
// import` does, which checks it all again. Uploading a bundle twice is
// harmless: the second import changes nothing.
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

	mu sync.Mutex // one import at a time: the database has one writer
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

func (s *hqServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /bundles", s.receive)
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /status", s.statusJSON)
	return mux
}

// httpServer wraps the handler with the limits a server on a fair's or
// hotel's network needs.
func (s *hqServer) httpServer(addr string) *http.Server {
	return &http.Server{Addr: addr, Handler: s.handler(),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Minute, WriteTimeout: 35 * time.Minute,
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

func (s *hqServer) receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	keys, revoked, err := s.check(ctx)
	if err != nil {
		reply(w, http.StatusServiceUnavailable, refusal{"refused", booth.ErrorMessage(err)})
		return
	}
	signer, err := booth.VerifyRequest(r, keys, revoked, s.now())
	if err != nil {
		code := http.StatusForbidden
		if booth.ErrorCode(err) == booth.EINVALID {
			code = http.StatusUnauthorized
		}
		reply(w, code, refusal{"refused", booth.ErrorMessage(err)})
		return
	}
	if r.ContentLength > MaxUpload {
		reply(w, http.StatusRequestEntityTooLarge, refusal{"refused", "The bundle is larger than 2 GB."})
		return
	}
	f, err := os.CreateTemp(s.tmpDir, "upload-*.bundle")
	if err != nil {
		reply(w, http.StatusInternalServerError, refusal{"refused", "HQ cannot store the upload."})
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), http.MaxBytesReader(w, r.Body, MaxUpload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reply(w, http.StatusRequestEntityTooLarge, refusal{"refused", "The bundle is larger than 2 GB."})
		} else {
			reply(w, http.StatusBadRequest, refusal{"refused", "The upload was cut short; send it again."})
		}
		return
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), signer.BodyHash) != 1 {
		reply(w, http.StatusBadRequest, refusal{"refused", "The upload does not match what the laptop signed; send it again."})
		return
	}
	if err := f.Close(); err != nil {
		reply(w, http.StatusInternalServerError, refusal{"refused", "HQ cannot store the upload."})
		return
	}
	s.mu.Lock()
	res, err := s.importFile(ctx, f.Name())
	s.mu.Unlock()
	if err != nil {
		log.Printf("bundle from key %s (%d bytes): %v", signer.KeyID, n, err)
		code := http.StatusBadRequest
		if booth.ErrorCode(err) == booth.EINTERNAL {
			code = http.StatusInternalServerError
		}
		reply(w, code, refusal{"refused", booth.ErrorMessage(err)})
		return
	}
	log.Printf("bundle from key %s (%d bytes) imported", signer.KeyID, n)
	reply(w, http.StatusOK, res)
}

func (s *hqServer) statusJSON(w http.ResponseWriter, r *http.Request) {
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

// page shows the laptops and their last bundle; it names laptops, never
// visitors.
func (s *hqServer) page(w http.ResponseWriter, r *http.Request) {
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
