//go:build race

package qr

// raceEnabled tells the tests that the race detector slows every memory
// access tenfold, so they leave out the reference runs of plain gozxing.
const raceEnabled = true
