//go:build !linux && !windows

package data

// freeBytes is unknown here; an I/O error is then reported as one.
func freeBytes(string) (uint64, bool) { return 0, false }
