// Copyright 2026 The mrelu Authors.

//go:build ignore

// gen_asm writes the amd64 assembly of package kernel:
//
//	kern_avx512_amd64.s  AVX-512 kernels (up to 14 rows x 16 or 32 columns,
//	                     and the 6x4 dot kernel for narrow right edges)
//	kern_avx2_amd64.s    AVX2/FMA kernels (up to 6 rows x 8 or 16 columns)
//	kern_decl_amd64.go   their Go declarations
//	elementwise_amd64.s  the AVX-512 element-wise kernels (elementwise_amd64.go)
//	sparse_amd64.s       the AVX-512 sparse product (sparse_amd64.go)
//	pack_amd64.s         the AVX-512 packing of B's panels (kernel_amd64.go)
//	cpu_amd64.s          CPUID, XGETBV and PAUSE (kernel_amd64.go)
//
// Run it with "go generate" in this directory. The header, the argument
// frames and the argument loads come from internal/asmgen: each function
// is given by its Go signature and the registers its arguments go to.
//
// Every panel kernel computes, for a micro-tile of mr rows (1 <= mr <= MR,
// one specialised loop per mr) and one packed panel of B that is one or two
// vectors wide,
//
//	acc[i][j] = sum_p A(i, p) * Bp[p][j]     p < kc
//	C[i][j]   = alpha*acc[i][j] + beta*C[i][j]
//
// with C[i][j] not read when beta == 0. A is read in place: in the "N"
// kernels A(i, p) = a[i*lda+p], in the "T" kernels A(i, p) = a[p*lda+i]
// (these prefetch A a few k-steps ahead, as the stride defeats the hardware
// prefetchers). The packed panel Bp holds kc rows of W = vectors*lanes
// floats each. The accumulators stay in registers for the whole k loop
// (unrolled 4 times); each k step loads the W floats of Bp once and
// broadcasts each A(i, p) once (VBROADCASTSS), feeding one VFMADD231PS per
// vector. The last vector column of C is loaded and stored through a lane
// mask, so C is never touched past the columns the caller asked for.

package main

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/mrelu/mrelu/internal/asmgen"
)

type isa struct {
	name   string // symbol infix
	feat   string // for comments
	reg    string // "Z" or "Y"
	vbytes int    // bytes per vector register
	lanes  int    // float32 lanes per vector
	mr     int    // max rows
	bregs  []int  // registers holding the B row
	bcast  []int  // registers used for the A broadcasts
	alpha  int    // register for alpha in the epilogue
	beta   int    // register for beta in the epilogue
	tmp    int    // scratch register in the epilogue
	mask   int    // AVX2: register holding the lane mask vector
}

// maskArg returns the declaration of a panel kernel's last argument, the
// lane mask of C's last vector column: a bit mask for AVX-512, a pointer
// to a mask vector for AVX2.
func (x isa) maskArg() string {
	if x.reg == "Y" {
		return "mask *int32"
	}
	return "mask uint32"
}

var avx512 = isa{
	name: "AVX512", feat: "AVX-512F", reg: "Z", vbytes: 64, lanes: 16, mr: 14,
	bregs: []int{28, 29}, bcast: []int{30, 31},
	alpha: 30, beta: 31, tmp: 28,
}

var avx2 = isa{
	name: "AVX2", feat: "AVX2 and FMA", reg: "Y", vbytes: 32, lanes: 8, mr: 6,
	bregs: []int{12, 13}, bcast: []int{14, 15},
	alpha: 12, beta: 13, tmp: 15, mask: 14,
}

const unroll = 4

// prefetchT is how many k-steps ahead the T kernels prefetch A (0: off);
// the LEAQ scale limits it to 1, 2, 4 or 8.
var prefetchT = 8

// prefetchN is how many bytes ahead the N kernels prefetch the rows of A
// (0: off).
var prefetchN = 0

type gen struct {
	f    *asmgen.File
	fn   *asmgen.Func // the kernel being written
	isa  isa
	mode byte // 'N' or 'T'
	nv   int  // vectors per panel row: 1 or 2
}

func (g *gen) p(format string, args ...any) { g.f.Printf(format, args...) }

func (g *gen) v(r int) string { return fmt.Sprintf("%s%d", g.isa.reg, r) }

// acc is the accumulator register of row i, vector column c.
func (g *gen) acc(i, c int) string { return g.v(i*g.nv + c) }

// aAddr is the address of A(i, p0+u) where p0 is the current k position.
//
// N mode: R8, R9, R10 point at rows 0, 5 and 10 at column p0, R11 = lda*4
// and R12 = 3*lda*4. T mode: R8 points at A(0, p0), R11 = lda*4, R12 = 3*R11.
func (g *gen) aAddr(i, u int) string {
	idx := []string{"", "(R11*1)", "(R11*2)", "(R12*1)", "(R11*4)"}
	if g.mode == 'N' {
		base := []string{"R8", "R9", "R10"}[i/5]
		return fmt.Sprintf("%d(%s)%s", 4*u, base, idx[i%5])
	}
	return fmt.Sprintf("%d(R8)%s", 4*i, idx[u])
}

func (g *gen) name() string {
	return fmt.Sprintf("sgemm%s%c%d", g.isa.name, g.mode, g.nv*g.isa.lanes)
}

func (g *gen) step(r, u int) {
	rowBytes := g.nv * g.isa.vbytes
	for c := 0; c < g.nv; c++ {
		g.p("\tVMOVUPS %d(BX), %s", u*rowBytes+c*g.isa.vbytes, g.v(g.isa.bregs[c]))
	}
	for i := 0; i < r; i++ {
		t := g.v(g.isa.bcast[i%2])
		g.p("\tVBROADCASTSS %s, %s", g.aAddr(i, u), t)
		for c := 0; c < g.nv; c++ {
			g.p("\tVFMADD231PS %s, %s, %s", g.v(g.isa.bregs[c]), t, g.acc(i, c))
		}
	}
}

func (g *gen) advance(r, s int) {
	g.p("\tADDQ $%d, BX", s*g.nv*g.isa.vbytes)
	if g.mode == 'N' {
		for b := 0; b*5 < r; b++ {
			g.p("\tADDQ $%d, %s", 4*s, []string{"R8", "R9", "R10"}[b])
		}
		return
	}
	switch s {
	case 1:
		g.p("\tADDQ R11, R8")
	case 4:
		g.p("\tLEAQ (R8)(R11*4), R8")
	default:
		panic("bad step")
	}
}

func (g *gen) body(r int) {
	l := fmt.Sprintf("%d", r)
	g.p("mr%s:", l)
	for i := 0; i < r*g.nv; i++ {
		if g.isa.reg == "Z" {
			g.p("\tVPXORD %s, %s, %s", g.v(i), g.v(i), g.v(i))
		} else {
			g.p("\tVXORPS %s, %s, %s", g.v(i), g.v(i), g.v(i))
		}
	}
	if g.mode == 'N' {
		if r > 5 {
			g.p("\tLEAQ (R8)(R11*4), R9")
			g.p("\tADDQ R11, R9")
		}
		if r > 10 {
			g.p("\tLEAQ (R9)(R11*4), R10")
			g.p("\tADDQ R11, R10")
		}
	}
	g.p("\tMOVQ CX, R13")
	g.p("\tSHRQ $2, R13")
	g.p("\tJZ tail%s", l)
	g.p("loop%s:", l)
	if g.mode == 'T' && prefetchT > 0 {
		// Rows of op(A) are prefetchDist k-steps ahead; the hardware
		// prefetchers do not follow the large stride.
		g.p("\tLEAQ (R8)(R11*%d), SI", prefetchT)
		for u := 0; u < unroll; u++ {
			idx := []string{"", "(R11*1)", "(R11*2)", "(R12*1)"}[u]
			g.p("\tPREFETCHT0 (SI)%s", idx)
			if r*4 > 4 {
				g.p("\tPREFETCHT0 %d(SI)%s", 4*r-4, idx)
			}
		}
	}
	if g.mode == 'N' && prefetchN > 0 {
		for i := 0; i < r; i++ {
			g.p("\tPREFETCHT0 %s", strings.Replace(g.aAddr(i, 0), "0(", fmt.Sprintf("%d(", prefetchN), 1))
		}
	}
	for u := 0; u < unroll; u++ {
		g.step(r, u)
	}
	g.advance(r, unroll)
	g.p("\tDECQ R13")
	g.p("\tJNZ loop%s", l)
	g.p("tail%s:", l)
	g.p("\tMOVQ CX, R13")
	g.p("\tANDQ $3, R13")
	g.p("\tJZ update%s", l)
	g.p("tailloop%s:", l)
	g.step(r, 0)
	g.advance(r, 1)
	g.p("\tDECQ R13")
	g.p("\tJNZ tailloop%s", l)
	g.p("update%s:", l)
	g.update(r)
}

// update writes the accumulators to C.
func (g *gen) update(r int) {
	l := fmt.Sprintf("%d", r)
	x := g.isa
	g.p("\tMOVQ DI, SI")
	g.f.Load(g.fn, "alpha="+g.v(x.alpha))
	if x.reg == "Y" {
		g.f.Load(g.fn, "mask=AX")
		g.p("\tVMOVUPS (AX), %s", g.v(x.mask))
	}
	g.betaEpilogue(g.v(x.beta), "betazero"+l, "SI", r, func(i int, withBeta bool) {
		for c := 0; c < g.nv; c++ {
			a := g.acc(i, c)
			off := c * x.vbytes
			g.p("\tVMULPS %s, %s, %s", g.v(x.alpha), a, a)
			switch {
			case withBeta && c < g.nv-1:
				g.p("\tVFMADD231PS %d(SI), %s, %s", off, g.v(x.beta), a)
				g.p("\tVMOVUPS %s, %d(SI)", a, off)
			case withBeta && x.reg == "Z":
				g.p("\tVMOVUPS.Z %d(SI), K1, %s", off, g.v(x.tmp))
				g.p("\tVFMADD231PS %s, %s, %s", g.v(x.tmp), g.v(x.beta), a)
				g.p("\tVMOVUPS %s, K1, %d(SI)", a, off)
			case withBeta:
				g.p("\tVMASKMOVPS %d(SI), %s, %s", off, g.v(x.mask), g.v(x.tmp))
				g.p("\tVFMADD231PS %s, %s, %s", g.v(x.tmp), g.v(x.beta), a)
				g.p("\tVMASKMOVPS %s, %s, %d(SI)", a, g.v(x.mask), off)
			case c < g.nv-1:
				g.p("\tVMOVUPS %s, %d(SI)", a, off)
			case x.reg == "Z":
				g.p("\tVMOVUPS %s, K1, %d(SI)", a, off)
			default:
				g.p("\tVMASKMOVPS %s, %s, %d(SI)", a, g.v(x.mask), off)
			}
		}
	})
}

// betaEpilogue writes the end of a kernel: when the float32 argument beta
// is ±0 it jumps to the label zero, where C is written without being read;
// otherwise it broadcasts beta into betaReg and C is updated.
// store(i, withBeta) writes row i of C at the pointer register ptr, which
// moves on by DX (ldc in bytes) between the r rows.
func (g *gen) betaEpilogue(betaReg, zero, ptr string, r int, store func(i int, withBeta bool)) {
	g.f.Load(g.fn, "beta=AX")
	g.p("\tANDL $0x7fffffff, AX")
	g.p("\tJZ %s", zero)
	g.f.Load(g.fn, "beta="+betaReg)
	for _, withBeta := range []bool{true, false} {
		if !withBeta {
			g.p("%s:", zero)
		}
		for i := 0; i < r; i++ {
			store(i, withBeta)
			if i < r-1 {
				g.p("\tADDQ DX, %s", ptr)
			}
		}
		g.p("\tVZEROUPPER")
		g.p("\tRET")
	}
}

// start begins the kernel of the given signature with the loads of the
// arguments every kernel starts with: mr (AX), kc (CX), a (R8), lda*4
// (R11) and 3*lda*4 (R12).
func (g *gen) start(signature string) {
	g.fn = g.f.Func(signature, "", "mr=AX kc=CX a=R8 lda=R11")
	g.p("\tSHLQ $2, R11")
	g.p("\tLEAQ (R11)(R11*2), R12")
}

// dispatch jumps to the label prefix+mr for mr (AX) in [1, max] and
// returns for any other mr.
func (g *gen) dispatch(max int, prefix string) {
	for r := max; r >= 1; r-- {
		g.p("\tCMPQ AX, $%d", r)
		g.p("\tJEQ %s%d", prefix, r)
	}
	g.p("\tRET")
}

// signature is the Go signature of the panel kernel.
func (g *gen) signature() string {
	return fmt.Sprintf("%s(mr, kc int, a *float32, lda int, b, c *float32, ldc int, alpha, beta float32, %s)", g.name(), g.isa.maskArg())
}

func (g *gen) kernel() {
	x := g.isa
	g.start(g.signature())
	g.f.Load(g.fn, "b=BX c=DI ldc=DX")
	g.p("\tSHLQ $2, DX")
	if x.reg == "Z" {
		g.f.Load(g.fn, "mask=K1/SI")
	}
	g.dispatch(x.mr, "mr")
	for r := x.mr; r >= 1; r-- {
		g.p("")
		g.body(r)
	}
}

// dotKernel writes sgemmAVX512Dot, the kernel for a few right-edge columns
// of C when A is not transposed. It computes up to dotMR rows times 4
// columns as dot products along k of rows of A and rows of Bt (the 4
// columns of op(B), packed as Bt[j*ldbt+p]), 16 k at a time, then reduces
// the 24 accumulators in registers:
//
//	C[i][j] = alpha * sum_p a[i*lda+p]*bt[j*ldbt+p] + beta*C[i][j]
//
// for i < mr, j selected by cmask (C is not read when beta == 0). kmask
// selects the kc%16 lanes of the last, partial k step.
const dotMR = 6

// dotSignature is the Go signature of sgemmAVX512Dot.
const dotSignature = "sgemmAVX512Dot(mr, kc int, a *float32, lda int, bt *float32, ldbt int, c *float32, ldc int, alpha, beta float32, kmask, cmask uint32)"

func dotKernel(f *asmgen.File) {
	g := &gen{f: f, isa: avx512, mode: 'N'}
	g.start(dotSignature)
	g.f.Load(g.fn, "bt=BX ldbt=R10")
	g.p("\tSHLQ $2, R10")
	g.p("\tLEAQ (R10)(R10*2), R13")
	g.f.Load(g.fn, "c=DI ldc=DX")
	g.p("\tSHLQ $2, DX")
	g.f.Load(g.fn, "kmask=K1/SI cmask=K2/SI")
	g.p("\tLEAQ (R8)(R11*4), R9")
	g.p("\tADDQ R11, R9")
	g.dispatch(dotMR, "dot")
	aAddr := func(i int, disp int) string {
		idx := []string{"", "(R11*1)", "(R11*2)", "(R12*1)", "(R11*4)"}
		base := []string{"R8", "R9"}[i/5]
		return fmt.Sprintf("%d(%s)%s", disp, base, idx[i%5])
	}
	bAddr := func(j int) string {
		return []string{"(BX)", "(BX)(R10*1)", "(BX)(R10*2)", "(BX)(R13*1)"}[j]
	}
	acc := func(i, j int) string { return fmt.Sprintf("Z%d", 4*i+j) }
	for r := dotMR; r >= 1; r-- {
		l := fmt.Sprint(r)
		step := func(masked bool) {
			ld := "VMOVUPS"
			mk := ""
			if masked {
				ld, mk = "VMOVUPS.Z", " K1,"
			}
			for i := 0; i < r; i++ {
				g.p("\t%s %s,%s Z%d", ld, aAddr(i, 0), mk, 24+i)
			}
			for j := 0; j < 4; j++ {
				g.p("\t%s %s,%s Z30", ld, bAddr(j), mk)
				for i := 0; i < r; i++ {
					g.p("\tVFMADD231PS Z30, Z%d, %s", 24+i, acc(i, j))
				}
			}
		}
		g.p("")
		g.p("dot%s:", l)
		for i := 0; i < 4*r; i++ {
			g.p("\tVPXORD Z%d, Z%d, Z%d", i, i, i)
		}
		g.p("\tMOVQ CX, SI")
		g.p("\tSHRQ $4, SI")
		g.p("\tJZ dottail%s", l)
		g.p("dotloop%s:", l)
		step(false)
		g.p("\tADDQ $64, R8")
		if r > 5 {
			g.p("\tADDQ $64, R9")
		}
		g.p("\tADDQ $64, BX")
		g.p("\tDECQ SI")
		g.p("\tJNZ dotloop%s", l)
		g.p("dottail%s:", l)
		g.p("\tANDQ $15, CX")
		g.p("\tJZ dotreduce%s", l)
		step(true)
		g.p("dotreduce%s:", l)
		// Reduce row i's four accumulators to one XMM [s0 s1 s2 s3] in
		// X(4i): 16 -> 8 -> 4 lanes each, then a 4x4 transpose-add.
		for i := 0; i < r; i++ {
			for j := 0; j < 4; j++ {
				a := 4*i + j
				g.p("\tVEXTRACTF64X4 $1, Z%d, Y30", a)
				g.p("\tVADDPS Y30, Y%d, Y%d", a, a)
				g.p("\tVEXTRACTF32X4 $1, Y%d, X30", a)
				g.p("\tVADDPS X30, X%d, X%d", a, a)
			}
			x0, x1, x2, x3 := 4*i, 4*i+1, 4*i+2, 4*i+3
			g.p("\tVUNPCKLPS X%d, X%d, X28", x1, x0) // a0 b0 a1 b1
			g.p("\tVUNPCKHPS X%d, X%d, X29", x1, x0) // a2 b2 a3 b3
			g.p("\tVADDPS X29, X28, X28")
			g.p("\tVUNPCKLPS X%d, X%d, X30", x3, x2)
			g.p("\tVUNPCKHPS X%d, X%d, X31", x3, x2)
			g.p("\tVADDPS X31, X30, X30")
			g.p("\tVSHUFPS $0x44, X30, X28, X29") // a02 b02 c02 d02
			g.p("\tVSHUFPS $0xee, X30, X28, X31") // a13 b13 c13 d13
			g.p("\tVADDPS X31, X29, X%d", x0)
		}
		g.f.Load(g.fn, "alpha=X30")
		g.betaEpilogue("X31", "dotbetazero"+l, "DI", r, func(i int, withBeta bool) {
			g.p("\tVMULPS X30, X%d, X%d", 4*i, 4*i)
			if withBeta {
				g.p("\tVMOVUPS.Z (DI), K2, X29")
				g.p("\tVFMADD231PS X29, X31, X%d", 4*i)
			}
			g.p("\tVMOVUPS X%d, K2, (DI)", 4*i)
		})
	}
}

// generator names this program in the files it writes.
const generator = "gen_asm.go"

func main() {
	var decl bytes.Buffer
	decl.WriteString(asmgen.Generated(generator))
	decl.WriteString("\n//go:build !noasm\n\npackage kernel\n")
	for _, x := range []isa{avx512, avx2} {
		out := asmgen.NewFile(generator, "!noasm")
		out.Printf("\n// %s micro-kernels, up to %d rows; see gen_asm.go.", x.feat, x.mr)
		for _, mode := range []byte{'N', 'T'} {
			for nv := 1; nv <= 2; nv++ {
				g := &gen{f: out, isa: x, mode: mode, nv: nv}
				g.kernel()
				how := "a[i*lda+p]"
				if mode == 'T' {
					how = "a[p*lda+i]"
				}
				fmt.Fprintf(&decl, "\n// %s is the %s kernel for panels %d floats wide with A(i, p) = %s.\n//\n//go:noescape\nfunc %s\n",
					g.name(), x.feat, nv*x.lanes, how, g.signature())
			}
		}
		name := "kern_avx512_amd64.s"
		if x.reg == "Y" {
			name = "kern_avx2_amd64.s"
		} else {
			dotKernel(out)
			fmt.Fprintf(&decl, "\n// sgemmAVX512Dot is the AVX-512F kernel for up to %d rows times the 4\n// columns of C whose op(B) columns are packed as rows of bt; see gen_asm.go.\n//\n//go:noescape\nfunc %s\n", dotMR, dotSignature)
		}
		write(name, out.Bytes())
	}
	must(asmgen.WriteGo("kern_decl_amd64.go", decl.Bytes()))
	write("elementwise_amd64.s", elementwise())
	write("sparse_amd64.s", sparse())
	write("pack_amd64.s", pack())
	write("cpu_amd64.s", cpu())
}

func write(name string, data []byte) { must(asmgen.WriteFile(name, data)) }

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
