// Copyright 2026 The mrelu Authors.

package kernel

// The pure-Go micro-kernel. It is the only kernel of builds with the noasm
// tag or for other architectures, and the fallback on amd64 machines without
// AVX2/FMA. It works on a 4x4 register block; A is packed by the driver into
// micro-panels genMR rows wide (a[p*genMR+i]) so that both operand streams
// are contiguous and the loop is free of bounds checks.

const (
	genMR = 4
	genNR = 4
)

var implGeneric = &impl{name: "generic", mr: genMR, nr: genNR, vec: genNR}

// packAGeneric packs rows [i0, i0+mr) and k range [p0, p0+kc) of op(A) into
// dst as dst[p*genMR+i], zero-padding rows mr..genMR-1.
func packAGeneric(dst []float32, transA bool, a []float32, lda, i0, mr, p0, kc int) {
	dst = dst[:kc*genMR]
	if transA {
		for p := 0; p < kc; p++ {
			src := a[(p0+p)*lda+i0:][:mr]
			d := dst[p*genMR : p*genMR+genMR : p*genMR+genMR]
			copy(d, src)
			clear(d[mr:])
		}
		return
	}
	if mr < genMR {
		clear(dst)
	}
	for i := 0; i < mr; i++ {
		src := a[(i0+i)*lda+p0:][:kc]
		for p, v := range src {
			dst[p*genMR+i] = v
		}
	}
}

// genericKernel computes C = alpha*Ap*Bp + beta*C for a mr x nr tile
// (mr <= genMR, nr <= genNR) from the packed micro-panels ap (kc x genMR) and
// bp (kc x genNR). C is not read when beta == 0.
func genericKernel(kc, mr, nr int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	var (
		c00, c01, c02, c03 float32
		c10, c11, c12, c13 float32
		c20, c21, c22, c23 float32
		c30, c31, c32, c33 float32
	)
	ap = ap[:kc*genMR]
	bp = bp[:kc*genNR]
	for len(ap) >= 4 && len(bp) >= 4 {
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		ap = ap[4:]
		bp = bp[4:]
	}
	t := [genMR][genNR]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := 0; i < mr; i++ {
		row := c[i*ldc:][:nr]
		ti := &t[i]
		if beta == 0 {
			for j := range row {
				row[j] = alpha * ti[j]
			}
			continue
		}
		for j := range row {
			row[j] = alpha*ti[j] + beta*row[j]
		}
	}
}
