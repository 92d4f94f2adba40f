package booth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Requests to the HQ server carry the laptop's signature: its badge key
// (certified by the event's root key) signs the method, path, time, the
// body's size and SHA-256, and a nonce the server handed out just before
// (GET /challenge). The server checks the certificate against the event,
// refuses laptops it does not know, takes each nonce once (so a request
// overheard on the venue's network cannot be sent again) and compares the
// declared size with its limits, all before reading a byte of the body.
const (
	HeaderKey       = "Medibooth-Key"       // the laptop's public key, base64
	HeaderCert      = "Medibooth-Cert"      // its certificate by the event root, base64
	HeaderTime      = "Medibooth-Time"      // Unix seconds
	HeaderBodyHash  = "Medibooth-Body-Hash" // SHA-256 of the body, base64
	HeaderSize      = "Medibooth-Size"      // the body's length in bytes
	HeaderNonce     = "Medibooth-Nonce"     // the server's challenge, base64
	HeaderSignature = "Medibooth-Signature" // base64
)

// NonceSize is the length of a server's challenge.
const NonceSize = 16

// RequestSkew is how far a laptop's clock may be from HQ's; fair laptops
// are rarely set right to the minute.
const RequestSkew = 24 * time.Hour

func requestMessage(method, path string, at, size int64, nonce, bodyHash []byte) []byte {
	return fmt.Appendf(nil, "medibooth request 2\n%s\n%s\n%d\n%d\n%x\n%x", method, path, at, size, nonce, bodyHash)
}

// SignRequest sets the signature headers of a request whose body of size
// bytes hashes to bodyHash, answering the server's challenge nonce.
func (is *Issuer) SignRequest(req *http.Request, bodyHash []byte, size int64, nonce []byte, now time.Time) {
	pub := is.Key.Public().(ed25519.PublicKey)
	at := now.Unix()
	b64 := base64.StdEncoding
	req.Header.Set(HeaderKey, b64.EncodeToString(pub))
	req.Header.Set(HeaderCert, b64.EncodeToString(is.Cert))
	req.Header.Set(HeaderTime, strconv.FormatInt(at, 10))
	req.Header.Set(HeaderBodyHash, b64.EncodeToString(bodyHash))
	req.Header.Set(HeaderSize, strconv.FormatInt(size, 10))
	req.Header.Set(HeaderNonce, b64.EncodeToString(nonce))
	req.Header.Set(HeaderSignature, b64.EncodeToString(ed25519.Sign(is.Key, requestMessage(req.Method, req.URL.Path, at, size, nonce, bodyHash))))
}

// RequestSigner is who signed a request, once VerifyRequest accepted it:
// the key, and what it declared of the body and answered to.
type RequestSigner struct {
	KeyID    string
	BodyHash []byte
	Size     int64
	Nonce    []byte
}

// VerifyRequest checks a request's signature headers: a key certified by
// the event's root, not revoked, a time within RequestSkew of now, and a
// signature over method, path, time, the announced body size and hash and
// the nonce. The server checks the nonce is one it handed out and not used;
// whoever reads the body checks it against size and hash.
func VerifyRequest(req *http.Request, keys EventKeys, revoked func(keyID string) bool, now time.Time) (*RequestSigner, error) {
	b64 := base64.StdEncoding
	pub, err1 := b64.DecodeString(req.Header.Get(HeaderKey))
	cert, err2 := b64.DecodeString(req.Header.Get(HeaderCert))
	hash, err3 := b64.DecodeString(req.Header.Get(HeaderBodyHash))
	sig, err4 := b64.DecodeString(req.Header.Get(HeaderSignature))
	at, err5 := strconv.ParseInt(req.Header.Get(HeaderTime), 10, 64)
	size, err6 := strconv.ParseInt(req.Header.Get(HeaderSize), 10, 64)
	nonce, err7 := b64.DecodeString(req.Header.Get(HeaderNonce))
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || err6 != nil || err7 != nil ||
		len(hash) != sha256.Size || len(nonce) != NonceSize || size < 0 {
		return nil, Errorf(EINVALID, "The request is not signed by a laptop of this event.")
	}
	if !CheckCert(keys, pub, cert) {
		return nil, Errorf(ECONFLICT, "The request comes from a laptop this event does not know.")
	}
	id := KeyID(pub)
	if revoked != nil && revoked(id) {
		return nil, Errorf(ECONFLICT, "The request comes from a laptop whose key was revoked.")
	}
	t := time.Unix(at, 0)
	if t.Before(now.Add(-RequestSkew)) || t.After(now.Add(RequestSkew)) {
		return nil, Errorf(EINVALID, "The laptop's clock is more than a day off; set it and send again.")
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, requestMessage(req.Method, req.URL.Path, at, size, nonce, hash), sig) {
		return nil, Errorf(ECONFLICT, "The request's signature does not match.")
	}
	return &RequestSigner{KeyID: id, BodyHash: hash, Size: size, Nonce: nonce}, nil
}
