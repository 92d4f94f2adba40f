package booth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
	"time"
)

func TestSignedRequests(t *testing.T) {
	root, keys := NewEventKeys()
	pub, priv, _ := ed25519.GenerateKey(nil)
	laptop := &Issuer{Keys: keys, Key: priv, Cert: Certify(root, keys, pub)}
	now := time.Date(2026, 9, 19, 3, 0, 0, 0, time.UTC)
	body := sha256.Sum256([]byte("bundle bytes"))
	nonce := []byte("0123456789abcdef")
	req, _ := http.NewRequest("POST", "http://hq.example/bundles", nil)
	laptop.SignRequest(req, body[:], 12, nonce, now)
	s, err := VerifyRequest(req, keys, nil, now.Add(time.Hour))
	if err != nil || s.KeyID != KeyID(pub) || string(s.BodyHash) != string(body[:]) || s.Size != 12 || string(s.Nonce) != string(nonce) {
		t.Fatalf("VerifyRequest = %+v, %v", s, err)
	}
	// Another event's laptop, a revoked key, a stale clock, a changed path
	// or body hash: refused.
	otherRoot, otherKeys := NewEventKeys()
	stranger := &Issuer{Keys: otherKeys, Key: priv, Cert: Certify(otherRoot, otherKeys, pub)}
	cases := map[string]func() (*http.Request, func(string) bool, time.Time){
		"other event": func() (*http.Request, func(string) bool, time.Time) {
			r, _ := http.NewRequest("POST", "http://hq.example/bundles", nil)
			stranger.SignRequest(r, body[:], 12, nonce, now)
			return r, nil, now
		},
		"revoked": func() (*http.Request, func(string) bool, time.Time) {
			return req, func(id string) bool { return id == KeyID(pub) }, now
		},
		"stale": func() (*http.Request, func(string) bool, time.Time) { return req, nil, now.Add(25 * time.Hour) },
		"path": func() (*http.Request, func(string) bool, time.Time) {
			r := req.Clone(req.Context())
			r.URL.Path = "/admin"
			return r, nil, now
		},
		"body": func() (*http.Request, func(string) bool, time.Time) {
			r := req.Clone(req.Context())
			other := sha256.Sum256([]byte("other bytes"))
			r.Header.Set(HeaderBodyHash, encodeB64(other[:]))
			return r, nil, now
		},
		"size": func() (*http.Request, func(string) bool, time.Time) {
			r := req.Clone(req.Context())
			r.Header.Set(HeaderSize, "13")
			return r, nil, now
		},
		"nonce": func() (*http.Request, func(string) bool, time.Time) {
			r := req.Clone(req.Context())
			r.Header.Set(HeaderNonce, encodeB64([]byte("fedcba9876543210")))
			return r, nil, now
		},
		"unsigned": func() (*http.Request, func(string) bool, time.Time) {
			r, _ := http.NewRequest("POST", "http://hq.example/bundles", nil)
			return r, nil, now
		},
	}
	for name, mk := range cases {
		r, rev, at := mk()
		if _, err := VerifyRequest(r, keys, rev, at); err == nil || ErrorMessage(err) == "" {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// FuzzVerifyRequest feeds the server's check every header a stranger on the
// venue's network could send: it never panics, and it accepts nothing but
// what the laptop signed.
func FuzzVerifyRequest(f *testing.F) {
	root, keys := NewEventKeys()
	pub, priv, _ := ed25519.GenerateKey(nil)
	laptop := &Issuer{Keys: keys, Key: priv, Cert: Certify(root, keys, pub)}
	now := time.Date(2026, 9, 19, 3, 0, 0, 0, time.UTC)
	body := sha256.Sum256([]byte("bundle bytes"))
	good, _ := http.NewRequest("POST", "http://hq.example/bundles", nil)
	laptop.SignRequest(good, body[:], 12, []byte("0123456789abcdef"), now)
	h := func(k string) string { return good.Header.Get(k) }
	f.Add(h(HeaderKey), h(HeaderCert), h(HeaderTime), h(HeaderBodyHash), h(HeaderSize), h(HeaderNonce), h(HeaderSignature))
	f.Add("", "", "", "", "", "", "")
	f.Add(h(HeaderKey), h(HeaderCert), h(HeaderTime), h(HeaderBodyHash), "99999999999999999999", h(HeaderNonce), h(HeaderSignature))
	f.Add(h(HeaderKey), h(HeaderCert), "-1", h(HeaderBodyHash), "-5", "AA==", h(HeaderSignature)[:10])
	f.Fuzz(func(t *testing.T, key, cert, at, hash, size, nonce, sig string) {
		r, _ := http.NewRequest("POST", "http://hq.example/bundles", nil)
		for k, v := range map[string]string{HeaderKey: key, HeaderCert: cert, HeaderTime: at, HeaderBodyHash: hash,
			HeaderSize: size, HeaderNonce: nonce, HeaderSignature: sig} {
			r.Header.Set(k, v)
		}
		s, err := VerifyRequest(r, keys, nil, now)
		if err != nil {
			if ErrorMessage(err) == "" {
				t.Fatal("a refusal without a sentence")
			}
			return
		}
		if s.Size != 12 || string(s.BodyHash) != string(body[:]) || string(s.Nonce) != "0123456789abcdef" {
			t.Fatalf("accepted a request the laptop did not sign: %+v", s)
		}
	})
}
