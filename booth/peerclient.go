package booth

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The client side of the booth network's exchange: pull what this laptop
// lacks, then push what the other lacks (peer.go has the protocol).

// PeerClient exchanges with other laptops.
type PeerClient struct {
	Store    PeerStore
	Trust    PeerTrust
	TLS      *tls.Config
	DeviceID string
	// Port is where this laptop serves the others (0: it does not).
	Port int
	// Self is this laptop's key id: an address that leads back to it is
	// not exchanged with (ErrPeerSelf).
	Self string
	// FullEvery is how often an exchange with a laptop makes its deltas
	// even when the vectors say neither side has anything new (a minute
	// when zero). Between, such an exchange costs two vectors, not two
	// snapshots; the full ones carry what vectors do not tell: the records
	// HQ packaged (see data.ExportDelta), a laptop renamed.
	FullEvery time.Duration

	mu       sync.Mutex
	lastFull map[string]time.Time // by address
	// Timeout bounds one exchange (two minutes when zero).
	Timeout time.Duration
}

func (c *PeerClient) client(peer *PeerIdentity) *http.Client {
	cfg := c.TLS.Clone()
	verify := cfg.VerifyPeerCertificate
	cfg.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
		if err := verify(raw, chains); err != nil {
			return err
		}
		*peer, _ = c.Trust.CheckPeerCert(raw[0])
		if c.Self != "" && peer.KeyID == c.Self {
			return ErrPeerSelf
		}
		return nil
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{TLSClientConfig: cfg, DialContext: dialer.DialContext, Proxy: nil, ForceAttemptHTTP2: false,
		TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: timeout, DisableKeepAlives: true}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// Exchange runs one exchange with the laptop at addr (host:port): pull
// what it has that we lack, then push what we have that it lacks.
func (c *PeerClient) Exchange(ctx context.Context, addr string) (res PeerResult, err error) {
	start := time.Now()
	res = PeerResult{Addr: addr, At: start.UTC()}
	defer func() { res.Took = time.Since(start).Round(time.Millisecond).String() }()
	hc := c.client(&res.Peer)
	base := "https://" + addr + "/booth/v1/"
	ours, err := c.Store.PeerState(ctx)
	if err != nil {
		return res, err
	}
	full := c.fullDue(addr)
	body, _ := json.Marshal(peerVector{DeviceID: c.DeviceID, Vector: ours, Port: c.Port, Full: full})
	theirs, err := c.pull(ctx, hc, base, body, &res)
	if err != nil {
		return res, err
	}
	res.Vector = theirs
	if full || !covers(theirs, ours) {
		err = c.push(ctx, hc, base, theirs, &res)
	}
	if err == nil && full {
		c.mu.Lock()
		c.lastFull[addr] = time.Now()
		c.mu.Unlock()
	}
	return res, err
}

// fullDue reports whether the exchange with addr is to be a full one.
func (c *PeerClient) fullDue(addr string) bool {
	every := c.FullEvery
	if every == 0 {
		every = time.Minute
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastFull == nil {
		c.lastFull = map[string]time.Time{}
	}
	last, ok := c.lastFull[addr]
	return !ok || time.Since(last) >= every
}

func (c *PeerClient) pull(ctx context.Context, hc *http.Client, base string, body []byte, res *PeerResult) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"pull", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, peerDialErr(err)
	}
	defer resp.Body.Close()
	if err := peerStatus(resp); err != nil {
		return nil, err
	}
	var theirs map[string]int64
	vec, err := base64.RawURLEncoding.DecodeString(resp.Header.Get(peerVectorHeader))
	if err != nil || len(vec) > peerMaxVector || json.Unmarshal(vec, &theirs) != nil || theirs == nil {
		return nil, ErrPeerProtocol
	}
	if resp.StatusCode == http.StatusNoContent {
		return theirs, nil // nothing new there
	}
	res.Received, _ = strconv.Atoi(resp.Header.Get(peerRowsHeader))
	changed, n, err := receiveDelta(ctx, c.Store, resp.Body)
	res.Changed, res.Bytes = changed, res.Bytes+n
	return theirs, err
}

func (c *PeerClient) push(ctx context.Context, hc *http.Client, base string, theirs map[string]int64, res *PeerResult) error {
	path, rows, err := c.Store.Delta(ctx, theirs)
	if err != nil {
		return err
	}
	defer c.Store.Remove(path)
	body, err := deltaBody(path)
	if err != nil {
		return err
	}
	sent := &countReader{r: body}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"push", sent)
	if err != nil {
		body.Close()
		return err
	}
	req.Header.Set("Content-Type", peerDeltaType)
	req.Header.Set(peerRowsHeader, strconv.Itoa(rows))
	resp, err := hc.Do(req)
	body.Close()
	if err != nil {
		return peerDialErr(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if err := peerStatus(resp); err != nil {
		return err
	}
	res.Sent, res.Bytes = rows, res.Bytes+sent.n
	return nil
}

// peerStatus turns a refusal of the other laptop into an error.
func peerStatus(resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
		return nil
	case http.StatusForbidden:
		return ErrPeerRefused
	case http.StatusRequestEntityTooLarge, http.StatusInsufficientStorage:
		return ErrPeerTooLarge
	case http.StatusServiceUnavailable:
		return ErrPeerBusy
	}
	return fmt.Errorf("%w: the other laptop answered %s", ErrPeerProtocol, resp.Status)
}

// peerDialErr tells a handshake the other side refused (or we refused)
// from a network failure.
func peerDialErr(err error) error {
	for _, known := range []error{ErrPeerRefused, ErrPeerSelf} {
		if errors.Is(err, known) {
			return known
		}
	}
	// The other side's refusal arrives as a TLS alert, which crypto/tls
	// does not export as a type.
	var alert tls.AlertError
	if errors.As(err, &alert) || strings.Contains(err.Error(), "remote error: tls: ") {
		return fmt.Errorf("%w (%v)", ErrPeerRefused, err)
	}
	return err
}
