// Command medibooth is the booth laptop's app: with no arguments it opens the
// check-in desk; its subcommands serve automation and headquarters.
package main

import (
	"context"
	"os"
)

func main() {
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, GUI: openGUI}
	os.Exit(m.Run(context.Background(), os.Args[1:]))
}
