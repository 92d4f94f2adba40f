package qr

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// encodeBlock returns a valid block of data followed by ec check words,
// made with gozxing's encoder.
func encodeBlock(t testing.TB, data []byte, ec int) []byte {
	ints := make([]int, len(data)+ec)
	for i, v := range data {
		ints[i] = int(v)
	}
	if err := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256).Encode(ints, ec); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(ints))
	for i, v := range ints {
		out[i] = byte(v)
	}
	return out
}

// TestRSDecode corrupts valid blocks with errors and erasures within the
// code's capacity and checks they are restored exactly.
func TestRSDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		ec := []int{7, 10, 13, 17, 22, 26, 28}[rng.IntN(7)]
		data := make([]byte, 10+rng.IntN(110))
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		good := encodeBlock(t, data, ec)
		n := len(good)
		erasures := rng.IntN(ec + 1)
		errs := rng.IntN((ec-erasures)/2 + 1)
		pos := rng.Perm(n)[:erasures+errs]
		block := bytes.Clone(good)
		for _, p := range pos {
			block[p] ^= byte(1 + rng.IntN(255))
		}
		if rng.IntN(4) == 0 && erasures > 0 {
			block[pos[0]] = good[pos[0]] // an erasure that was read right
		}
		found, err := rsDecode(block, ec, pos[:erasures])
		if err != nil {
			t.Fatalf("ec %d, %d erasures, %d errors: %v", ec, erasures, errs, err)
		}
		if !bytes.Equal(block, good) {
			t.Fatalf("ec %d, %d erasures, %d errors: wrong correction", ec, erasures, errs)
		}
		if found > errs {
			t.Fatalf("found %d errors, made %d", found, errs)
		}
	}
}

// TestRSDecodeBeyondCapacity checks that a block with too many errors is
// mostly rejected, and never returned unchanged as if valid.
func TestRSDecodeBeyondCapacity(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	failed := 0
	for range 500 {
		ec := 10
		data := make([]byte, 16)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		good := encodeBlock(t, data, ec)
		block := bytes.Clone(good)
		for _, p := range rng.Perm(len(block))[:ec] {
			block[p] ^= byte(1 + rng.IntN(255))
		}
		if _, err := rsDecode(block, ec, nil); err != nil {
			failed++
		} else if bytes.Equal(block, good) {
			t.Fatal("ten errors corrected by ten check words")
		}
	}
	if failed < 450 {
		t.Errorf("only %d of 500 overloaded blocks rejected", failed)
	}
}
