package booth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"time"
)

// The booth network's certificates: each laptop's own key, certified by
// the event's root, and the checks both ends of a link make.

// PeerTrust decides which laptops are of our event.
type PeerTrust struct {
	Keys    EventKeys
	Revoked func(keyID string) bool
}

// PeerIdentity is what a laptop's certificate says of it.
type PeerIdentity struct {
	KeyID    string `json:"key_id"`
	DeviceID string `json:"device_id"`
	Name     string `json:"name"`
}

// NewPeerCert makes this laptop's certificate for the booth network from
// its badge key (is.Key) and the root's certification of it (is.Cert). The
// certificate names the laptop (device id and name) and is valid for years:
// laptops' clocks at a fair are not to be trusted, and the root's
// certification and the revocation list decide, not the dates.
func NewPeerCert(is *Issuer, deviceID, name string, now time.Time) (tls.Certificate, error) {
	if len(is.Key) != ed25519.PrivateKeySize {
		return tls.Certificate{}, Errorf(ECONFLICT, "This laptop has no badge key of its own; join the event again with its set-up file.")
	}
	ext, err := asn1.Marshal(is.Cert)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:    serial,
		Subject:         pkix.Name{CommonName: name, SerialNumber: deviceID},
		NotBefore:       now.Add(-365 * 24 * time.Hour),
		NotAfter:        now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		ExtraExtensions: []pkix.Extension{{Id: peerCertOID, Value: ext}},
	}
	pub := is.Key.Public()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, is.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: is.Key}, nil
}

// CheckPeerCert checks a certificate a laptop presented: an Ed25519 key
// that signed the certificate itself, certified by the root of tr's event
// (the extension), and not revoked. It returns who the laptop says it is.
func (tr PeerTrust) CheckPeerCert(der []byte) (PeerIdentity, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return PeerIdentity{}, ErrPeerRefused
	}
	pub, ok := c.PublicKey.(ed25519.PublicKey)
	if !ok || c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) != nil {
		return PeerIdentity{}, ErrPeerRefused
	}
	var cert []byte
	for _, e := range c.Extensions {
		if e.Id.Equal(peerCertOID) {
			if rest, err := asn1.Unmarshal(e.Value, &cert); err != nil || len(rest) > 0 {
				return PeerIdentity{}, ErrPeerRefused
			}
		}
	}
	if !tr.Keys.Valid() || !CheckCert(tr.Keys, pub, cert) {
		return PeerIdentity{}, ErrPeerRefused
	}
	id := PeerIdentity{KeyID: KeyID(pub), DeviceID: c.Subject.SerialNumber, Name: c.Subject.CommonName}
	if tr.Revoked == nil || tr.Revoked(id.KeyID) {
		return PeerIdentity{}, ErrPeerRefused
	}
	return id, nil
}

// PeerTLS is the TLS configuration of both ends of a link: TLS 1.3 only,
// our certificate, and the other side's checked by CheckPeerCert (the
// client asks no server name and trusts no authority: the event's root
// decides).
func PeerTLS(own tls.Certificate, tr PeerTrust) *tls.Config {
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) != 1 {
			return ErrPeerRefused
		}
		_, err := tr.CheckPeerCert(raw[0])
		return err
	}
	return &tls.Config{
		MinVersion:            tls.VersionTLS13,
		Certificates:          []tls.Certificate{own},
		ClientAuth:            tls.RequireAnyClientCert,
		InsecureSkipVerify:    true, // no authority: VerifyPeerCertificate checks the event's root
		VerifyPeerCertificate: verify,
		NextProtos:            []string{"http/1.1"},
	}
}
