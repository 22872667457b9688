// Copyright 2026 The mrelu Authors.

package kernel

import (
	"fmt"
	"unsafe"
)

// PackedB is the B operand of a product, op(B) (k x n), packed once into
// the panels the micro-kernel reads, for products that reuse it: a layer's
// weights are the B of every row block of a training step's forward pass,
// on every thread. Serial.SgemmPacked multiplies with it without packing
// again. After changing rows of the B it was packed from, Update re-packs
// just those rows; updates of disjoint rows may run at once.
//
// Shapes whose packed panels exceed one block of the driver (k times n
// rounded up to the panel width above 2^18 floats) are not packed: then
// SgemmPacked runs Sgemm's blocked path on B itself. Results are those of
// Serial.Sgemm bit for bit.
type PackedB struct {
	im             *impl
	transA, transB bool
	k, n           int
	b              []float32
	ldb            int
	buf            []float32 // nil: not packed (blocked shapes)
	dotPanel       int
}

// NewPackedB returns room for op(B) of k x n, to be multiplied from the
// left by an A with the layout transA, and packs b (leading dimension ldb)
// into it. It panics on invalid shapes.
func NewPackedB(transA, transB bool, k, n int, b []float32, ldb int) *PackedB {
	if k < 1 || n < 1 {
		panic(fmt.Sprintf("kernel: NewPackedB of %dx%d", k, n))
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("B", br, bc, len(b), ldb)
	defaultPool.mu.Lock()
	im := defaultPool.impl
	defaultPool.mu.Unlock()
	pb := &PackedB{im: im, transA: transA, transB: transB, k: k, n: n, b: b, ldb: ldb, dotPanel: -1}
	if k*roundUp(n, im.nr) <= maxPackB {
		pb.buf = alignedFloats(k * roundUp(n, im.nr))
		if im.useDot(transA, n%im.nr, k) {
			pb.dotPanel = ceilDiv(n, im.nr) - 1
		}
		pb.Update(0, br)
	}
	return pb
}

// panel is pool.panel for the whole of op(B).
func (pb *PackedB) panel(jr int) (j0, nr, width int) {
	j0 = jr * pb.im.nr
	nr = min(pb.im.nr, pb.n-j0)
	width = pb.im.nr
	if nr < pb.im.nr {
		width = roundUp(nr, pb.im.vec)
	}
	return j0, nr, width
}

// Update re-packs rows [lo, hi) of B as stored (rows of op(B) when B is
// not transposed, its columns when it is), after the caller changed them.
func (pb *PackedB) Update(lo, hi int) {
	if pb.buf == nil || lo >= hi {
		return
	}
	k, b, ldb := pb.k, pb.b, pb.ldb
	if lo == 0 && (pb.transB && hi == pb.n || !pb.transB && hi == k) {
		// Whole panels, zero padding included.
		for jr := 0; jr*pb.im.nr < pb.n; jr++ {
			j0, nr, width := pb.panel(jr)
			dst := pb.buf[j0*k : j0*k+width*k]
			switch {
			case jr == pb.dotPanel:
				packDot(dst, pb.transB, b, ldb, 0, k, j0, nr)
			case pb.im.pack != nil:
				pb.im.pack(dst, pb.transB, b, ldb, 0, k, j0, nr, width)
			default:
				packPanel(dst, pb.transB, b, ldb, 0, k, j0, nr, width)
			}
		}
		return
	}
	if !pb.transB {
		for p := lo; p < hi; p++ {
			row := b[p*ldb : p*ldb+pb.n]
			for jr := 0; jr*pb.im.nr < pb.n; jr++ {
				j0, nr, width := pb.panel(jr)
				if jr == pb.dotPanel {
					for jj, v := range row[j0 : j0+nr] {
						pb.buf[j0*k+jj*k+p] = v
					}
					continue
				}
				copyRow(pb.buf[j0*k+p*width:j0*k+p*width+nr], row[j0:j0+nr])
			}
		}
		return
	}
	for j := lo; j < hi; j++ {
		jr := j / pb.im.nr
		j0, _, width := pb.panel(jr)
		jj := j - j0
		src := b[j*ldb : j*ldb+k]
		if jr == pb.dotPanel {
			copy(pb.buf[j0*k+jj*k:j0*k+jj*k+k], src)
			continue
		}
		d := pb.buf[j0*k+jj:]
		for p, v := range src {
			d[p*width] = v
		}
	}
}

// SgemmPacked computes C = alpha*op(A)*op(B) + beta*C with op(B) from pb
// (its k and n, and op(A) m x k in pb's layout transA), on the calling
// goroutine; the results are Sgemm's.
func (s *Serial) SgemmPacked(m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	k, n := pb.k, pb.n
	if pb.buf == nil || pb.im != s.p.impl {
		s.Sgemm(pb.transA, pb.transB, m, n, k, alpha, a, lda, pb.b, pb.ldb, beta, c, ldc)
		return
	}
	ar, ac := m, k
	if pb.transA {
		ar, ac = k, m
	}
	if m < 0 {
		panic(fmt.Sprintf("kernel: negative dimension m=%d", m))
	}
	checkMatrix("A", ar, ac, len(a), lda)
	checkMatrix("C", m, n, len(c), ldc)
	if m == 0 {
		return
	}
	if alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	p := &s.p
	p.mu.Lock()
	defer p.mu.Unlock()
	im := p.impl
	p.ensureWorkers(1, 0, 0)
	rp, cp := ceilDiv(m, im.mr), ceilDiv(n, im.nr)
	p.jobs++
	p.job = job{
		id: p.jobs, transA: pb.transA, transB: pb.transB, m: m,
		alpha: alpha, beta: beta, a: a, b: pb.b, c: c,
		lda: lda, ldb: pb.ldb, ldc: ldc, jc: 0, nc: n, kb: 0, kl: k,
		packed:    pb.buf,
		rowPanels: rp, colPanels: cp, dotPanel: pb.dotPanel,
		rowGroup: rp, colChunks: 1, nTasks: 1,
	}
	p.runJob(1)
	p.job = job{}
}

// alignedFloats returns n zeros starting on a 64-byte boundary (a cache
// line: the kernels' loads of packed panels then never straddle two).
func alignedFloats(n int) []float32 {
	buf := make([]float32, n+16)
	off := 0
	for uintptr(unsafe.Pointer(&buf[off]))%64 != 0 {
		off++
	}
	return buf[off : off+n : off+n]
}

// copyRow copies src into dst (of the same length): a 32-wide panel row
// (the AVX-512 kernel's) as one fixed-size array move, which the compiler
// inlines, instead of a call to the runtime's memmove; other widths by
// copy.
func copyRow(dst, src []float32) {
	if len(src) == 32 && len(dst) == 32 {
		*(*[32]float32)(dst) = *(*[32]float32)(src)
		return
	}
	copy(dst, src)
}
