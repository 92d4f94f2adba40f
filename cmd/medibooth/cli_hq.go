package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"medibooth/booth"
	"medibooth/data"
	"medibooth/hqpush"
)

// runHQServe runs HQ's server until interrupted: the event's laptops send
// their bundles to it (`sync push`), and its page lists them.
func (m *Main) runHQServe(ctx context.Context, args []string) error {
	fs := m.flags("hq serve")
	c := m.common(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on, HOST:PORT")
	initCert := fs.Bool("init", false, "make HQ's server certificate (once) and print its pin, then stop")
	insecure := fs.Bool("insecure-http", false, "serve plain HTTP on the network (without a certificate)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.HQIdentity(ctx); err != nil {
		return err
	}
	certFile, keyFile := filepath.Join(filepath.Dir(db.Path), hqCertFile), filepath.Join(filepath.Dir(db.Path), hqKeyFile)
	if *initCert {
		return m.initHQCert(ctx, db, ev, certFile, keyFile)
	}
	_, err = os.Stat(certFile)
	useTLS := err == nil
	host, _, _ := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); !useTLS && !*insecure && !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
		return booth.Errorf(booth.EINVALID, "HQ serves the laptops over HTTPS: run \"medibooth hq serve --init\" once and make the event package again (or add --insecure-http).")
	}
	s := newHQServer(db, ev)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return booth.Errorf(booth.EINVALID, "Cannot listen on %s: %v.", *addr, err)
	}
	srv := s.httpServer(*addr)
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	fmt.Fprintf(m.Stdout, "HQ of %q receives bundles at %s://%s (stop with Ctrl+C).\n", ev.Name, scheme, ln.Addr())
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if useTLS {
		err = srv.ServeTLS(ln, certFile, keyFile)
	} else {
		err = srv.Serve(ln)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// HQ's server certificate and key, beside its database.
const (
	hqCertFile = "hq-server.crt"
	hqKeyFile  = "hq-server.key"
)

// initHQCert makes HQ's server certificate once and records its pin, which
// the event packages made from then on carry to the laptops.
func (m *Main) initHQCert(ctx context.Context, db *data.DB, ev *booth.Event, certFile, keyFile string) error {
	pin, err := db.HQCertPin(ctx)
	if err != nil {
		return err
	}
	if _, err := os.Stat(certFile); err == nil && pin != "" {
		fmt.Fprintf(m.Stdout, "HQ's server certificate exists already; its pin is %s.\n", pin)
		return nil
	}
	certPEM, keyPEM, pin, err := booth.NewServerCert(ev.Name, time.Now())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(keyFile, keyPEM, 0o600); err != nil {
		return err
	}
	if err := writeFileAtomic(certFile, certPEM, 0o644); err != nil {
		return err
	}
	if err := db.SetHQCertPin(ctx, pin); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "HQ's server certificate is made; its pin is %s.\nMake the event package again (medibooth event package) so that the laptops know it.\n", pin)
	return nil
}

// newHQServer is the server over HQ's database.
func newHQServer(db *data.DB, ev *booth.Event) *hqServer {
	return &hqServer{
		check: db.SignerCheck,
		importFile: func(ctx context.Context, path string) (any, error) {
			return importBundleFile(ctx, db, path)
		},
		status: func(ctx context.Context) ([]laptopStatus, error) {
			st, err := db.SyncStatus(ctx)
			if err != nil {
				return nil, err
			}
			loc := ev.Location()
			var out []laptopStatus
			for _, l := range st.Laptops {
				out = append(out, laptopStatus{Device: l.DeviceID, Name: l.Device, Bundles: l.Bundles, Rows: l.Rows,
					LastAt: l.LastMadeAt.In(loc).Format(time.DateTime), Imported: l.ImportedAt.In(loc).Format(time.DateTime)})
			}
			return out, nil
		},
		event: ev.Name, now: time.Now, tmpDir: filepath.Dir(db.Path),
	}
}

// runSyncPush makes this laptop's bundle and sends it to HQ's server; once
// HQ has it, the bundle is marked as acknowledged.
func (m *Main) runSyncPush(ctx context.Context, args []string) error {
	fs := m.flags("sync push")
	c := m.common(fs)
	to := fs.String("to", "", "HQ's server, e.g. https://hq.local:8443")
	insecure := fs.Bool("insecure-http", false, "send over plain HTTP on the network")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *to == "" {
		return usagef("\"sync push\" needs --to URL.")
	}
	base, err := hqpush.URL(*to)
	if err != nil {
		return usagef("--to is an address such as http://hq.local:8080, not %q.", *to)
	}
	db, _, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	sent, err := hqpush.Push(ctx, db, base, *insecure)
	if err != nil {
		return err
	}
	res, answer := sent.Export, sent.Answer
	decision, _ := answer["decision"].(string)
	return m.print(c, answer, fmt.Sprintf("HQ has this laptop's bundle (%s, %d rows).\n", decision, res.Manifest.Rows))
}
