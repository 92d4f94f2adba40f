//go:build !linux

package camera

import (
	"testing"

	"medibooth/booth"
)

func TestLinuxOnly(t *testing.T) {
	const want = "Webcams are supported on Linux only in this version."
	if _, err := Devices(); booth.ErrorMessage(err) != want {
		t.Fatalf("Devices: %v", err)
	}
	if _, err := Open("0", 1280, 720); booth.ErrorMessage(err) != want {
		t.Fatalf("Open: %v", err)
	}
}
