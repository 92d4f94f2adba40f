package boothnet

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// A failed exchange is said in one sentence a booth's staff can act on,
// without the network library's words.
func TestExplainNetworkFailures(t *testing.T) {
	// A port nobody listens on: taken, then let go.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := net.Dial("tcp", addr)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, timeout := (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:9")
	for _, c := range []struct {
		err  error
		want string
	}{
		{refused, "Nothing answers at " + addr + ": medibooth is not running there"},
		{timeout, "The laptop at " + addr + " does not answer"},
		{booth.ErrPeerRefused, "did not accept each other"},
	} {
		if c.err == nil {
			t.Fatalf("no error to explain for %q", c.want)
		}
		got := booth.ErrorMessage(Explain(addr, c.err))
		if !strings.HasPrefix(got, c.want) && !strings.Contains(got, c.want) {
			t.Errorf("Explain(%v) = %q, want %q", c.err, got, c.want)
		}
		if strings.Contains(got, "dial tcp") {
			t.Errorf("Explain(%v) = %q: the library's words", c.err, got)
		}
	}
}
