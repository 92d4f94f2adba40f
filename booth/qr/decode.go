package qr

import (
	"errors"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// errUnsure rejects a grid that decodes only by using nearly all of its
// error correction: that is how a random grid sampled from clutter would
// decode, if ever.
var errUnsure = errors.New("qr: too many corrections to trust")

// errTiming rejects a grid whose timing patterns do not alternate.
var errTiming = errors.New("qr: timing patterns do not alternate")

// decodeBits turns a module grid into text with gozxing's format, version
// and bit-stream parsers and the Reed–Solomon decoder in rs.go. Unlike
// gozxing's decoder it takes erasures, the modules a glare spot has washed
// out (erased, or nil), and counts what it corrected: on small codes
// (version 1 at level L has 7 check words per block) a grid of noise
// corrected to the limit would pass far too often, so there a margin of
// check words is kept for detection. Failing all that it reads the grid
// mirrored, a code seen through the back of a transparent badge holder.
func decodeBits(bits, erased *gozxing.BitMatrix) (string, error) {
	if !timingOK(bits) {
		return "", errTiming
	}
	parser, err := decoder.NewBitMatrixParser(bits)
	if err != nil {
		return "", err
	}
	text, err := readBits(parser, erased)
	if err == nil {
		return text, nil
	}
	parser.Remask()
	parser.SetMirror(true)
	if _, err := parser.ReadVersion(); err != nil {
		return "", err
	}
	if _, err := parser.ReadFormatInformation(); err != nil {
		return "", err
	}
	parser.Mirror()
	if erased != nil {
		erased = transpose(erased)
	}
	return readBits(parser, erased)
}

func readBits(parser *decoder.BitMatrixParser, erased *gozxing.BitMatrix) (string, error) {
	version, err := parser.ReadVersion()
	if err != nil {
		return "", err
	}
	format, err := parser.ReadFormatInformation()
	if err != nil {
		return "", err
	}
	level := format.GetErrorCorrectionLevel()
	codewords, err := parser.ReadCodewords()
	if err != nil {
		return "", err
	}
	blocks, err := decoder.DataBlock_GetDataBlocks(codewords, version, level)
	if err != nil {
		return "", err
	}
	var flags []*decoder.DataBlock
	if erased != nil {
		// The same interleaving applied to a byte per codeword that says
		// whether it is erased.
		flags, err = decoder.DataBlock_GetDataBlocks(erasedCodewords(erased, version), version, level)
		if err != nil {
			return "", err
		}
	}
	var data []byte
	for i, blk := range blocks {
		var gone []int
		if flags != nil {
			for p, f := range flags[i].GetCodewords() {
				if f != 0 {
					gone = append(gone, p)
				}
			}
		}
		fixed, err := correct(blk.GetCodewords(), len(blk.GetCodewords())-blk.GetNumDataCodewords(), gone)
		if err != nil {
			return "", err
		}
		data = append(data, fixed[:blk.GetNumDataCodewords()]...)
	}
	res, err := decoder.DecodedBitStreamParser_Decode(data, version, level, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// correct returns the block corrected, using the erasures if that works
// and ignoring them otherwise, as long as a margin of check words is left.
func correct(cw []byte, ec int, gone []int) ([]byte, error) {
	tries := [][]int{nil}
	if len(gone) > 0 && len(gone) <= ec-margin(ec) {
		tries = [][]int{gone, nil}
	}
	err := errRS
	for _, g := range tries {
		block := slices.Clone(cw)
		errs, e := rsDecode(block, ec, g)
		if e != nil {
			continue
		}
		if 2*errs+len(g) <= ec-margin(ec) {
			return block, nil
		}
		err = errUnsure
	}
	return nil, err
}

// erasedCodewords marks, in reading order, the codewords that have a bit in
// an erased module; the walk is the one of gozxing's BitMatrixParser.
func erasedCodewords(erased *gozxing.BitMatrix, v *decoder.Version) []byte {
	d := erased.GetHeight()
	fn := functionPattern(v)
	out := make([]byte, v.GetTotalCodewords())
	k, bit := 0, 0
	up := true
	for j := d - 1; j > 0; j -= 2 {
		if j == 6 {
			j--
		}
		for count := 0; count < d; count++ {
			i := count
			if up {
				i = d - 1 - count
			}
			for col := 0; col < 2; col++ {
				if fn.Get(j-col, i) {
					continue
				}
				if k < len(out) && erased.Get(j-col, i) {
					out[k] = 1
				}
				if bit++; bit == 8 {
					k++
					bit = 0
				}
			}
		}
		up = !up
	}
	return out
}

// functionPattern marks the modules that carry no data: finders with
// separators and format information, alignment and timing patterns, and
// version information.
func functionPattern(v *decoder.Version) *gozxing.BitMatrix {
	d := v.GetDimensionForVersion()
	m, _ := gozxing.NewSquareBitMatrix(d)
	_ = m.SetRegion(0, 0, 9, 9)
	_ = m.SetRegion(d-8, 0, 8, 9)
	_ = m.SetRegion(0, d-8, 9, 8)
	cs := v.GetAlignmentPatternCenters()
	for x, cx := range cs {
		for y, cy := range cs {
			if x == 0 && (y == 0 || y == len(cs)-1) || x == len(cs)-1 && y == 0 {
				continue
			}
			_ = m.SetRegion(cy-2, cx-2, 5, 5)
		}
	}
	_ = m.SetRegion(6, 9, 1, d-17)
	_ = m.SetRegion(9, 6, d-17, 1)
	if v.GetVersionNumber() > 6 {
		_ = m.SetRegion(d-11, 0, 3, 6)
		_ = m.SetRegion(0, d-11, 6, 3)
	}
	return m
}

func transpose(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	t, _ := gozxing.NewBitMatrix(m.GetHeight(), m.GetWidth())
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, y) {
				t.Set(y, x)
			}
		}
	}
	return t
}

// margin is how many check words of a block are kept for detecting a
// wrong correction. With 16 or more, a random block is already corrected
// into a valid one with odds below 1e-10; short blocks need the margin.
func margin(ec int) int {
	if ec >= 16 {
		return 0
	}
	return 2
}

// timingOK checks the two timing patterns, the alternating modules on row
// and column 6 between the finders, allowing for a third of them to be
// lost to glare or dirt.
func timingOK(bits *gozxing.BitMatrix) bool {
	d := bits.GetWidth()
	wrong, n := 0, 0
	for i := 8; i < d-8; i++ {
		dark := i%2 == 0
		if bits.Get(i, 6) != dark {
			wrong++
		}
		if bits.Get(6, i) != dark {
			wrong++
		}
		n += 2
	}
	return 3*wrong <= n
}
