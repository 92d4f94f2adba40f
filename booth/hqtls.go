package booth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HQ's server speaks HTTPS with a certificate it makes itself (`hq serve
// --init`). No certificate authority vouches for a server on a hotel's or
// fair's network, so the laptops pin it instead: the SHA-256 of the
// certificate travels in the event package, which HQ hands to the laptops
// before the fair, and a laptop accepts that certificate and no other. A
// stranger on the network therefore cannot read what a laptop sends (the
// bundle is encrypted to HQ besides) nor pose as HQ. Plain HTTP is used
// only towards this computer itself (loopback) or when asked for
// explicitly.

// NewServerCert makes HQ's self-signed server certificate and its key (PEM)
// for the event named event, valid for three years, and returns its pin.
func NewServerCert(event string, now time.Time) (certPEM, keyPEM []byte, pin string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "medibooth HQ", Organization: []string{event}},
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.Add(3 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, "", err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, "", err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), CertPin(der), nil
}

// CertPin is the pin of a certificate: the hex SHA-256 of its DER bytes.
func CertPin(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// ValidPin reports whether pin looks like a CertPin.
func ValidPin(pin string) bool {
	b, err := hex.DecodeString(pin)
	return err == nil && len(b) == sha256.Size
}

// HQClient is the HTTP client a laptop sends to HQ's server at base with:
// for https, one that accepts only the certificate whose pin is pin; for
// http, a plain one, allowed towards loopback addresses or with insecure.
func HQClient(base, pin string, insecure bool, timeout time.Duration) (*http.Client, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, Errorf(EINVALID, "This is not a server address such as https://hq.local:8443.")
	}
	switch {
	case u.Scheme == "http" && (insecure || isLoopbackHost(u.Hostname())):
		return &http.Client{Timeout: timeout}, nil
	case u.Scheme == "http":
		return nil, Errorf(EINVALID, "HQ's server must be reached with https:// (plain http only on this computer).")
	case !ValidPin(pin):
		return nil, Errorf(ECONFLICT, "This laptop does not know HQ's server certificate: join with a set-up file HQ made after \"hq serve --init\".")
	}
	want := strings.ToLower(pin)
	tr := &http.Transport{TLSClientConfig: &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The chain is not checked against authorities: the pin decides.
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || CertPin(raw[0]) != want {
				return Errorf(ECONFLICT, "The server is not HQ's: its certificate is not the one in the event's set-up file.")
			}
			return nil
		},
	}, Proxy: nil, ResponseHeaderTimeout: timeout}
	return &http.Client{Timeout: timeout, Transport: tr}, nil
}

// isLoopbackHost reports whether host names this computer.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
