// Command medibooth is the booth laptop's app: with no arguments it opens the
// check-in desk; its subcommands serve automation and headquarters.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl+C ends a long command (hq serve) cleanly; a second one kills.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, GUI: openGUI}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
