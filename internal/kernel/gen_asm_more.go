// Copyright 2026 The mrelu Authors.

//go:build ignore

// The element-wise, sparse, packing and CPUID kernels of gen_asm.go (run
// together with it: go run gen_asm.go gen_asm_more.go).

package main

import (
	"fmt"

	"github.com/mrelu/mrelu/internal/asmgen"
)

// stream is an element-wise kernel: one loop over n elements (n a
// positive multiple of 16, in CX), 16 of them (one Z register) per
// iteration.
type stream struct {
	signature, doc string
	loads          string   // the prologue (asmgen.Func.Load)
	setup          []string // before the loop
	body           []string // one iteration, before the pointers move on
	pointers       []string // the registers that move on by 64 bytes per iteration
	results        string   // the stores after the loop (asmgen.Func.Store)
}

func (s stream) write(f *asmgen.File) {
	fn := f.Func(s.signature, s.doc, s.loads)
	f.Ins(s.setup...)
	f.Label("loop")
	f.Ins(s.body...)
	for _, p := range s.pointers {
		f.Ins("ADDQ $64, " + p)
	}
	f.Ins("SUBQ $16, CX", "JNZ loop")
	f.Store(fn, s.results)
	f.Ins("VZEROUPPER", "RET")
}

// elementwise returns elementwise_amd64.s.
func elementwise() []byte {
	f := asmgen.NewFile(generator, "!noasm")
	relu := stream{
		signature: "reluAVX512(y, z *float32, n int)",
		doc: `y[i] = z[i] &^ (z[i] >> 31, arithmetic) for i < n, n a positive multiple
of 16: the value, or +0 where its sign bit is set.`,
		loads:    "y=DI z=SI n=CX",
		body:     []string{"VMOVDQU32 (SI), Z0", "VPSRAD $31, Z0, Z1", "VPANDND Z0, Z1, Z0", "VMOVDQU32 Z0, (DI)"},
		pointers: []string{"SI", "DI"},
	}
	relu.write(f)
	mask := stream{
		signature: "reluMaskAVX512(grad, z *float32, n int)",
		doc: `grad[i] = 0 where z[i] as an int32 is <= 0 (sign set or +0), for i < n, n a
positive multiple of 16.`,
		loads:    "grad=DI z=SI n=CX",
		setup:    []string{"VPXORD Z2, Z2, Z2"},
		body:     []string{"VMOVDQU32 (SI), Z0", "VPCMPGTD Z2, Z0, K1", "VMOVDQU32.Z (DI), K1, Z1", "VMOVDQU32 Z1, (DI)"},
		pointers: []string{"SI", "DI"},
	}
	mask.write(f)
	// The clipped updates of y and its derivative d: Z31 holds hi, Z30 0.
	clipped := []string{"DI", "DX", "SI"}
	addClip := stream{
		signature: "addClipAVX512(y, d, a *float32, n int, hi float32)",
		doc: `For i < n, n a positive multiple of 16: v = y[i] + a[i]; y[i] = 0 where
v <= 0, hi where v >= hi, v elsewhere (NaN included); d[i] kept where
0 < v < hi (ordered compares: NaN fails both) and zeroed elsewhere.`,
		loads: "y=DI d=DX a=SI n=CX hi=Z31",
		setup: []string{"VPXORD Z30, Z30, Z30"},
		body: []string{
			"VMOVUPS (DI), Z0", "VADDPS (SI), Z0, Z0",
			"VCMPPS $0x1e, Z30, Z0, K1 // v > 0", "VCMPPS $0x11, Z31, Z0, K2 // v < hi", "KANDW K1, K2, K3",
			"VMOVUPS.Z (DX), K3, Z1", "VMOVUPS Z1, (DX)",
			"VCMPPS $0x12, Z30, Z0, K4 // v <= 0", "VCMPPS $0x1d, Z31, Z0, K5 // v >= hi",
			"VMOVAPS Z30, K4, Z0", "VMOVAPS Z31, K5, Z0", "VMOVUPS Z0, (DI)",
		},
		pointers: clipped,
	}
	addClip.write(f)
	mulClip := stream{
		signature: "mulClipAVX512(y, d, f *float32, n int, hi float32)",
		doc: `For i < n, n a positive multiple of 16: y[i] *= f[i], d[i] *= f[i], and
where the product exceeds hi (ordered: not for NaN) y[i] = hi, d[i] = 0.`,
		loads: "y=DI d=DX f=SI n=CX hi=Z31",
		setup: []string{"VPXORD Z30, Z30, Z30"},
		body: []string{
			"VMOVUPS (SI), Z2", "VMULPS (DI), Z2, Z0", "VMULPS (DX), Z2, Z1",
			"VCMPPS $0x1e, Z31, Z0, K1 // y·f > hi", "VMOVAPS Z31, K1, Z0", "VMOVAPS Z30, K1, Z1",
			"VMOVUPS Z0, (DI)", "VMOVUPS Z1, (DX)",
		},
		pointers: clipped,
	}
	mulClip.write(f)
	for _, op := range []struct{ name, assign, ins string }{{"add", "+=", "VADDPS"}, {"mul", "*=", "VMULPS"}} {
		stream{
			signature: op.name + "AVX512(y, x *float32, n int)",
			doc:       "y[i] " + op.assign + " x[i] for i < n, n a positive multiple of 16.",
			loads:     "y=DI x=SI n=CX",
			body:      []string{"VMOVUPS (DI), Z0", op.ins + " (SI), Z0, Z0", "VMOVUPS Z0, (DI)"},
			pointers:  []string{"DI", "SI"},
		}.write(f)
	}
	count := stream{
		signature: "countBelowAVX512(z *float32, n int, thr float32) int",
		doc: `The number of i < n (n a positive multiple of 16) for which z[i] − thr
has its sign bit set.`,
		loads:    "z=SI n=CX thr=Z31",
		setup:    []string{"MOVL $0x80000000, AX", "VPBROADCASTD AX, Z30", "XORQ BX, BX"},
		body:     []string{"VMOVUPS (SI), Z0", "VSUBPS Z31, Z0, Z0", "VPTESTMD Z30, Z0, K1", "KMOVW K1, AX", "POPCNTL AX, AX", "ADDQ AX, BX"},
		pointers: []string{"SI"},
		results:  "ret=BX",
	}
	count.write(f)
	return f.Bytes()
}

// sparseDoc opens sparse_amd64.s.
const sparseDoc = `The sparse products (sparse.go). For each row of C the kernel first lists
the indices p of the row's nonzero elements of A into idx (16 elements at
a time: a compare or test into K1, then VPCOMPRESSD of the lane numbers,
stored whole, so idx has room for k+16), then runs over the list, two
nonzero elements per iteration into two sets of seven accumulators (Z0-Z6
for the even entries, Z14-Z20 for the odd ones, so that consecutive fused
multiply-adds do not wait for each other): Z += value * B[p][0:112]
through the lane masks K1-K7 of C's columns. Then C's row = (Z0-6 +
Z14-20) + bias. One kernel serves both element types (bytes != 0: A's
elements are bytes looked up in table), with the same operations in the
same order, so a byte row and its float32 copy give the same C bit for
bit; the two branches on the type always go the same way, which the CPU
predicts.

Registers: DI C's row, SI A's row, R8 b, R9 ldb (bytes), R13 k, DX idx,
R10 table (bytes kernel), CX the count of nonzero elements, AX the
position, R11 and BX rows of B, R12 scratch, Z11 lane numbers, Z12 the
constant 16, Z9 zero.`

// sparseVectors is the number of vectors of 16 columns of C's row (112
// columns) the sparse kernel computes, each with its lane mask K1-K7.
const sparseVectors = 7

// sparseEntry is one entry of the list of nonzero elements in flight in
// the sparse kernel.
type sparseEntry struct {
	index string // where its index p is in the list
	row   string // the register that gets p, then the address of B's row p
	value string // the register that gets A's element, broadcast
	acc   int    // its first accumulator (Z acc .. acc+6)
}

// The even and the odd entries of the list.
var (
	sparseEven = sparseEntry{"(DX)(AX*4)", "R11", "Z7", 0}
	sparseOdd  = sparseEntry{"4(DX)(AX*4)", "BX", "Z21", 14}
)

// sparseValues writes the fused multiply-adds of the entries: their
// indices and values (looked up in table or read as float32, as the
// argument bytes says), then value * B's row through the lane masks into
// the entries' accumulators.
func sparseValues(f *asmgen.File, fn *asmgen.Func, label string, entries ...sparseEntry) {
	for _, e := range entries {
		f.Ins("MOVLQZX " + e.index + ", " + e.row)
	}
	sparseByType(f, fn, label+"floats")
	for _, e := range entries {
		f.Ins("MOVBLZX (SI)("+e.row+"*1), R12", "VBROADCASTSS (R10)(R12*4), "+e.value)
	}
	f.Ins("JMP " + label + "values")
	f.Label(label + "floats")
	for _, e := range entries {
		f.Ins("VBROADCASTSS (SI)(" + e.row + "*4), " + e.value)
	}
	f.Label(label + "values")
	for _, e := range entries {
		f.Ins("IMULQ R9, "+e.row, "ADDQ R8, "+e.row)
	}
	for _, e := range entries {
		for v := range sparseVectors {
			f.Ins(fmt.Sprintf("VFMADD231PS %d(%s), %s, K%d, Z%d", 64*v, e.row, e.value, v+1, e.acc+v))
		}
	}
}

// sparseByType jumps to floats when A's elements are float32 values.
func sparseByType(f *asmgen.File, fn *asmgen.Func, floats string) {
	f.Ins("CMPQ "+fn.FP("bytes")+", $0", "JEQ "+floats)
}

// sparseZero clears the accumulators of both entries.
func sparseZero(f *asmgen.File) {
	for _, e := range []sparseEntry{sparseEven, sparseOdd} {
		for v := range sparseVectors {
			z := e.acc + v
			f.Ins(fmt.Sprintf("VPXORD Z%d, Z%d, Z%d", z, z, z))
		}
	}
}

// sparse returns sparse_amd64.s.
func sparse() []byte {
	f := asmgen.NewFile(generator, "!noasm")
	f.Printf("")
	f.Comment(sparseDoc)
	fn := f.Func("sparseAVX512(c *float32, a unsafe.Pointer, rows, k, lda int, b *float32, ldb int, table, bias *float32, ldc int, masks *[8]uint16, idx *int32, bytes int)", "",
		"c=DI a=SI k=R13 b=R8 ldb=R9 table=R10 idx=DX")
	f.Ins("VPXORD Z9, Z9, Z9", "VMOVDQU32 ·lanes16(SB), Z11", "MOVL $16, AX", "VPBROADCASTD AX, Z12")
	f.Label("row")
	f.Ins("// The list of nonzero elements.", "XORQ CX, CX", "XORQ AX, AX", "VMOVDQA32 Z11, Z13")
	f.Label("list")
	sparseByType(f, fn, "listfloats")
	f.Ins("VPMOVZXBD (SI)(AX*1), Z10", "VPTESTMD Z10, Z10, K1", "JMP listed")
	f.Label("listfloats")
	f.Ins("VMOVUPS (SI)(AX*4), Z10", "VCMPPS $4, Z9, Z10, K1")
	f.Label("listed")
	f.Ins("VPCOMPRESSD.Z Z13, K1, Z22", "VMOVDQU32 Z22, (DX)(CX*4)", "KMOVW K1, BX", "POPCNTL BX, BX", "ADDQ BX, CX")
	f.Ins("VPADDD Z12, Z13, Z13", "ADDQ $16, AX", "CMPQ AX, R13", "JLT list")
	f.Printf("")
	f.Load(fn, "masks=R12")
	for v := range sparseVectors {
		f.Ins(fmt.Sprintf("KMOVW %d(R12), K%d", 2*v, v+1))
	}
	sparseZero(f)
	f.Ins("XORQ AX, AX", "LEAQ -1(CX), R12", "CMPQ AX, R12", "JGE one")
	f.Label("two")
	sparseValues(f, fn, "two", sparseEven, sparseOdd)
	f.Ins("ADDQ $2, AX", "LEAQ -1(CX), R12", "CMPQ AX, R12", "JLT two")
	f.Label("one")
	f.Ins("CMPQ AX, CX", "JGE done")
	sparseValues(f, fn, "one", sparseEven)
	f.Label("done")
	// C's row = (even + odd accumulators) + bias, through the lane masks.
	for v := range sparseVectors {
		f.Ins(fmt.Sprintf("VADDPS Z%d, Z%d, Z%d", sparseOdd.acc+v, sparseEven.acc+v, sparseEven.acc+v))
	}
	f.Load(fn, "bias=R11")
	for v := range sparseVectors {
		k, z := v+1, sparseEven.acc+v
		f.Ins(fmt.Sprintf("VMOVUPS.Z %d(R11), K%d, Z8", 64*v, k), fmt.Sprintf("VADDPS Z8, Z%d, Z%d", z, z), fmt.Sprintf("VMOVUPS Z%d, K%d, %d(DI)", z, k, 64*v))
	}
	f.Ins("ADDQ "+fn.FP("lda")+", SI", "ADDQ "+fn.FP("ldc")+", DI", "DECQ "+fn.FP("rows"), "JNZ row", "VZEROUPPER", "RET")
	return f.Bytes()
}

// packDoc is the comment of both packing kernels; A is "p*ldb+j" for
// packPanelNAVX512 and "j*ldb+p" for packPanelTAVX512.
const packDoc = `dst[p*w+j] = src[%s] for p < kl and the lanes j selected by m1
(j < 16) and m2 (16 <= j < 32, only if w == 32); other lanes are zeroed.`

// packLoops writes the end of a packing kernel, with kl in CX, w in AX,
// src in SI and dst in DI: a loop for w = 16 and one for w = 32, each
// writing the lanes of a row of the panel per iteration by the phases
// (each phase is one instruction per vector v of the row, all vectors'
// one before the next phase), then moving src on by srcStep.
func packLoops(f *asmgen.File, srcStep string, phases ...func(v int) string) {
	f.Ins("TESTQ CX, CX", "JZ done", "CMPQ AX, $32", "JEQ loop32")
	for vectors := 1; vectors <= 2; vectors++ {
		loop := fmt.Sprintf("loop%d", 16*vectors)
		f.Label(loop)
		for _, phase := range phases {
			for v := range vectors {
				f.Ins(phase(v))
			}
		}
		f.Ins("ADDQ "+srcStep+", SI", fmt.Sprintf("ADDQ $%d, DI", 64*vectors), "DECQ CX", "JNZ "+loop)
		if vectors == 1 {
			f.Ins("JMP done")
		}
	}
	f.Label("done")
	f.Ins("VZEROUPPER", "RET")
}

// vectorAt is the address of vector v (64 bytes each) at the register base.
func vectorAt(base string, v int) string {
	if v == 0 {
		return "(" + base + ")"
	}
	return fmt.Sprintf("%d(%s)", 64*v, base)
}

// storeVector stores vector v of the panel's row, Zv, to dst (DI).
func storeVector(v int) string { return fmt.Sprintf("VMOVUPS Z%d, %s", v, vectorAt("DI", v)) }

// pack returns pack_amd64.s.
func pack() []byte {
	f := asmgen.NewFile(generator, "!noasm")
	const args = "(dst, src *float32, ldb, kl int, m1, m2 uint32, w int)"
	// Not transposed: masked loads of the rows of src, ldb*4 bytes apart.
	fn := f.Func("packPanelNAVX512"+args, fmt.Sprintf(packDoc, "p*ldb+j"), "dst=DI src=SI ldb=DX")
	f.Ins("SHLQ $2, DX")
	f.Load(fn, "kl=CX m1=K1/AX m2=K2/AX w=AX")
	packLoops(f, "DX", func(v int) string {
		return fmt.Sprintf("VMOVUPS.Z %s, K%d, Z%d", vectorAt("SI", v), v+1, v)
	}, storeVector)
	// Transposed: gathers down the columns of src, 4 bytes apart.
	f.Func("packPanelTAVX512"+args, fmt.Sprintf(packDoc, "j*ldb+p")+"\nThe caller guarantees 32*ldb < 1<<31 (32-bit gather indices).",
		"dst=DI src=SI ldb=DX kl=CX m1=R8 m2=R9 w=AX")
	f.Printf("")
	f.Ins("// Z2 = lane*ldb, Z3 = (lane+16)*ldb", "VPBROADCASTD DX, Z2", "VPMULLD ·lanes16(SB), Z2, Z2")
	f.Ins("SHLQ $4, DX", "VPBROADCASTD DX, Z4", "VPADDD Z4, Z2, Z3")
	packLoops(f, "$4", func(v int) string {
		return fmt.Sprintf("KMOVW R%d, K%d", 8+v, v+1)
	}, func(v int) string {
		return fmt.Sprintf("VPXORD Z%d, Z%d, Z%d", v, v, v)
	}, func(v int) string {
		return fmt.Sprintf("VGATHERDPS (SI)(Z%d*4), K%d, Z%d", 2+v, v+1, v)
	}, storeVector)
	return f.Bytes()
}

// cpu returns cpu_amd64.s.
func cpu() []byte {
	f := asmgen.NewFile(generator, "!noasm")
	fn := f.Func("cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)", "", "eaxArg=AX ecxArg=CX")
	f.Ins("CPUID")
	f.Store(fn, "eax=AX ebx=BX ecx=CX edx=DX")
	f.Ins("RET")
	fn = f.Func("xgetbv() (eax, edx uint32)", "", "")
	f.Ins("MOVL $0, CX", "XGETBV")
	f.Store(fn, "eax=AX edx=DX")
	f.Ins("RET")
	f.Func("spinPause()", "", "")
	f.Ins("PAUSE", "RET")
	return f.Bytes()
}
