//go:build !linux

package camera

import (
	"medibooth/booth"
)

func errLinuxOnly() error {
	return booth.Errorf(booth.EINVALID, "Webcams are supported on Linux only in this version.")
}

// Devices lists no camera outside Linux: it returns a booth.EINVALID error
// saying so.
func Devices() ([]Device, error) { return nil, errLinuxOnly() }

// Open fails outside Linux with a booth.EINVALID error saying webcams work on
// Linux only.
func Open(dev string, w, h int) (Source, error) { return nil, errLinuxOnly() }
