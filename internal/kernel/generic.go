// Copyright 2026 The mrelu Authors.

package kernel

// The pure-Go micro-kernels. They are the only kernels of builds with the
// noasm tag or for other architectures, and the fallback on amd64 machines
// without AVX2/FMA. A is packed by the driver into micro-panels of mr rows
// (ap[p*mr+i]) and B into panels of genNR columns (bp[p*genNR+j]), so both
// operand streams are contiguous and the loops are free of bounds checks.
//
// kernel4x4 keeps 16 accumulators in registers, which suits architectures
// with 32 floating-point registers (arm64, ppc64, riscv64, ...); on amd64
// (15 usable XMM registers in Go code) it spills, and the 2x4 kernel is
// faster. implGeneric is the one chosen for the architecture.

const genNR = 4

var (
	implGeneric2x4 = &impl{name: "generic2x4", mr: 2, nr: genNR, vec: genNR, gen: kernel2x4}
	implGeneric4x4 = &impl{name: "generic4x4", mr: 4, nr: genNR, vec: genNR, gen: kernel4x4}
)

// kernel4x4 computes C = alpha*Ap*Bp + beta*C for a mr x nr tile (mr <= 4,
// nr <= 4) from the packed micro-panels ap (kc x 4) and bp (kc x 4). C is
// not read when beta == 0.
func kernel4x4(kc, mr, nr int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	var (
		c00, c01, c02, c03 float32
		c10, c11, c12, c13 float32
		c20, c21, c22, c23 float32
		c30, c31, c32, c33 float32
	)
	ap = ap[:kc*4]
	bp = bp[:kc*genNR]
	for len(ap) >= 4 && len(bp) >= 4 {
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00, c01, c02, c03 = rowStep(c00, c01, c02, c03, a0, b0, b1, b2, b3)
		c10, c11, c12, c13 = rowStep(c10, c11, c12, c13, a1, b0, b1, b2, b3)
		c20, c21, c22, c23 = rowStep(c20, c21, c22, c23, a2, b0, b1, b2, b3)
		c30, c31, c32, c33 = rowStep(c30, c31, c32, c33, a3, b0, b1, b2, b3)
		ap = ap[4:]
		bp = bp[4:]
	}
	t := [4][genNR]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	storeTile(t[:mr], nr, c, ldc, alpha, beta)
}

// kernel2x4 is kernel4x4 for tiles of at most 2 rows; ap is kc x 2.
func kernel2x4(kc, mr, nr int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	var (
		c00, c01, c02, c03 float32
		c10, c11, c12, c13 float32
	)
	ap = ap[:kc*2]
	bp = bp[:kc*genNR]
	for len(ap) >= 2 && len(bp) >= 4 {
		a0, a1 := ap[0], ap[1]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00, c01, c02, c03 = rowStep(c00, c01, c02, c03, a0, b0, b1, b2, b3)
		c10, c11, c12, c13 = rowStep(c10, c11, c12, c13, a1, b0, b1, b2, b3)
		ap = ap[2:]
		bp = bp[4:]
	}
	t := [2][genNR]float32{{c00, c01, c02, c03}, {c10, c11, c12, c13}}
	storeTile(t[:mr], nr, c, ldc, alpha, beta)
}

// storeTile writes C = alpha*t + beta*C for the first nr columns of the
// rows of t, not reading C when beta == 0.
func storeTile(t [][genNR]float32, nr int, c []float32, ldc int, alpha, beta float32) {
	for i := range t {
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

// rowStep returns one k step of one row of a tile's accumulators:
// (c0, c1, c2, c3) + a*(b0, b1, b2, b3). The kernels keep their
// accumulators in scalar variables, which the compiler holds in registers
// (an array it would keep in memory); rowStep is inlined.
func rowStep(c0, c1, c2, c3, a, b0, b1, b2, b3 float32) (float32, float32, float32, float32) {
	return c0 + a*b0, c1 + a*b1, c2 + a*b2, c3 + a*b3
}
