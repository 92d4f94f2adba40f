// Package hqpush sends a laptop's data to HQ's server, the one way the
// desk's window and "medibooth sync push" do it: a bundle made in a private
// folder beside the data (on the laptop's own disk, never in the system's
// shared temporary folder, and removed afterwards), signed by the laptop,
// sent over TLS to the server whose certificate the event package pins, and
// marked as HQ's once HQ answered.
package hqpush

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"medibooth/booth"
)

// Store is what sending needs of the laptop's database.
type Store interface {
	HQCertPin(ctx context.Context) (string, error)
	ExportBundle(ctx context.Context, out string) (*booth.ExportResult, error)
	Issuer(ctx context.Context) (*booth.Issuer, error)
	AckBundle(ctx context.Context, hash string) error
	// Dir is the folder the database lives in.
	Dir() string
}

// Timeout bounds one push, the bundle's upload included.
const Timeout = 30 * time.Minute

// Result is what was sent and HQ's answer.
type Result struct {
	Export *booth.ExportResult
	Answer map[string]any
}

// URL reads HQ's server address as typed: http:// or https:// and a host,
// without a trailing slash.
func URL(typed string) (string, error) {
	base := strings.TrimRight(strings.TrimSpace(typed), "/")
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") || len(base) <= len("https://") {
		return "", booth.Errorf(booth.EINVALID, "%q is not a server address such as http://hq.local:8080.", typed)
	}
	return base, nil
}

// Push makes this laptop's bundle and sends it to HQ's server at base (see
// URL); plain HTTP goes beyond this computer only when insecure.
func Push(ctx context.Context, st Store, base string, insecure bool) (*Result, error) {
	pin, err := st.HQCertPin(ctx)
	if err != nil {
		return nil, err
	}
	client, err := booth.HQClient(base, pin, insecure, Timeout)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(st.Dir(), ".push-*")
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot write to %s: %v.", st.Dir(), err)
	}
	defer os.RemoveAll(dir)
	res, err := st.ExportBundle(ctx, filepath.Join(dir, "push.bundle"))
	if err != nil {
		return nil, err
	}
	is, err := st.Issuer(ctx)
	if err != nil {
		return nil, err
	}
	answer, err := booth.PushBundle(ctx, client, base, res.File, is, time.Now())
	if err != nil {
		return nil, err
	}
	if err := st.AckBundle(ctx, res.SHA256); err != nil {
		return nil, err
	}
	return &Result{Export: res, Answer: answer}, nil
}
