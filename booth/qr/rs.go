package qr

import "errors"

// Reed–Solomon decoding over GF(256) as QR codes use it (polynomial 0x11D,
// first root α⁰), with erasures. gozxing's decoder corrects errors only;
// knowing which codewords a glare spot has wiped out doubles how many of
// them a block can recover, since an erasure costs one check word and an
// error of unknown place two.

var errRS = errors.New("qr: block not correctable")

var gfExp, gfLog = func() (exp [512]byte, log [256]int) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = i
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

func gfDiv(a, b byte) byte {
	if a == 0 {
		return 0
	}
	return gfExp[gfLog[a]+255-gfLog[b]]
}

// gfPow returns α^e for any integer e.
func gfPow(e int) byte {
	e %= 255
	if e < 0 {
		e += 255
	}
	return gfExp[e]
}

// poly is a polynomial with coefficients in ascending order of power.
type poly []byte

func (p poly) eval(x byte) byte {
	var y byte
	for i := len(p) - 1; i >= 0; i-- {
		y = gfMul(y, x) ^ p[i]
	}
	return y
}

func (p poly) mul(q poly) poly {
	r := make(poly, len(p)+len(q)-1)
	for i, a := range p {
		if a == 0 {
			continue
		}
		for j, b := range q {
			r[i+j] ^= gfMul(a, b)
		}
	}
	return r
}

// rsDecode corrects block in place; block[0] is the highest-power
// coefficient, the last ec bytes are the check words and erased lists the
// indexes known to be unreadable. It returns the number of errors found
// at unknown places, or an error when the block cannot be corrected.
func rsDecode(block []byte, ec int, erased []int) (int, error) {
	n := len(block)
	if len(erased) > ec {
		return 0, errRS
	}
	synd, clean := syndromes(block, ec)
	if clean {
		return 0, nil
	}
	// Erasure locator Γ(x) = Π (1 + X x), X = α^power of the position.
	gamma := poly{1}
	for _, p := range erased {
		gamma = gamma.mul(poly{1, gfPow(n - 1 - p)})
	}
	// Forney syndromes: S·Γ mod x^ec, past the first len(erased) terms,
	// obey the recurrence of the error locator alone.
	fs := synd.mul(gamma)[len(erased):ec]
	lambda, errs := berlekampMassey(fs)
	if 2*errs+len(erased) > ec {
		return 0, errRS
	}
	psi := lambda.mul(gamma)
	// Chien search over the positions of the block.
	var locs []int
	for p := 0; p < n; p++ {
		if psi.eval(gfPow(-(n - 1 - p))) == 0 {
			locs = append(locs, p)
		}
	}
	if len(locs) != len(psi)-1-trailingZeros(psi) {
		return 0, errRS
	}
	omega := synd.mul(psi)[:ec]
	for _, p := range locs {
		xInv := gfPow(-(n - 1 - p))
		den := byte(1)
		for _, q := range locs {
			if q != p {
				den = gfMul(den, 1^gfMul(gfPow(n-1-q), xInv))
			}
		}
		if den == 0 {
			return 0, errRS
		}
		block[p] ^= gfDiv(omega.eval(xInv), den)
	}
	if _, clean := syndromes(block, ec); !clean {
		return 0, errRS
	}
	return errs, nil
}

// berlekampMassey returns the shortest linear recurrence (connection
// polynomial) generating s, and its length.
func berlekampMassey(s poly) (poly, int) {
	c, b := poly{1}, poly{1}
	l, m := 0, 1
	bd := byte(1)
	for k := range s {
		d := s[k]
		for i := 1; i <= l && i < len(c); i++ {
			d ^= gfMul(c[i], s[k-i])
		}
		if d == 0 {
			m++
			continue
		}
		coef := gfDiv(d, bd)
		next := make(poly, max(len(c), len(b)+m))
		copy(next, c)
		for i, v := range b {
			next[i+m] ^= gfMul(coef, v)
		}
		if 2*l <= k {
			l, b, bd, m = k+1-l, c, d, 1
		} else {
			m++
		}
		c = next
	}
	return c[:min(len(c), l+1)], l
}

// syndromes evaluates the block at the ec roots of the code's generator;
// all are zero for a valid block.
func syndromes(block []byte, ec int) (poly, bool) {
	s := make(poly, ec)
	clean := true
	for i := range s {
		x, y := gfPow(i), byte(0)
		for _, v := range block { // Horner, highest power first
			y = gfMul(y, x) ^ v
		}
		s[i] = y
		clean = clean && y == 0
	}
	return s, clean
}

// trailingZeros counts the zero coefficients at the top of p, which do not
// add to its degree.
func trailingZeros(p poly) int {
	n := 0
	for i := len(p) - 1; i > 0 && p[i] == 0; i-- {
		n++
	}
	return n
}
