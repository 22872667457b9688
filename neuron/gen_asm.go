//go:build ignore

// gen_asm writes the amd64 assembly of package neuron:
//
//	fasteval_amd64.s    evalDerivAVX512, Evaluator.EvalDeriv's loop
//	                    (fasteval_amd64.go)
//	multicurve_amd64.s  multiEvalDerivAVX512, MultiEvaluator's rows, each
//	                    input with its own curve (multicurve_amd64.go)
//
// Run it with "go generate" in this directory. The header, the argument
// frames and the argument loads come from internal/asmgen.
//
// Both kernels evaluate the monotone cubic interpolant on AVX-512, 16
// inputs at a time, with the same instructions (cubicIndex, cubicEval).
// They repeat evalDerivGo's float32 operations one for one and in the same
// order (no FMA), so the results are bit-identical to the pure-Go loops.
//
// cubicIndex turns the 16 inputs in Z0 into t = (x - x0)*invh (Z0), u (Z1)
// and the 64-bit index 2k of each lane's segment (Z3, int32); cubicEval
// gathers the coefficients at R8 + 8*Z3 and writes the values Z8 and the
// derivatives Z9. Between the two, the multi-curve kernel adds each lane's
// curve offset to Z3. K1 selects the lanes to load coefficients for (all
// 16, or the tail), K7 is K1 >> 8.
//
// Constants (cubicConsts): Z31 x0, Z30 invh, Z29 float(nseg), Z28
// float(nseg-1), Z27 1, Z26 3, Z25 even lane indices, Z24 0, Z23 all ones
// (int32 -1), Z22 odd lane indices. R8 = &coef[0]. Scratch: Z2, Z4-Z7,
// Z10-Z13, K2-K6.
//
// The coefficients of segment k are the 16 bytes at coef+16k: two 64-bit
// gathers per 8 lanes fetch the pairs (a, b) and (c, d), half the loads of
// four 32-bit gathers, and VPERMI2PS/VPERMT2PS de-interleave them into a
// Z12, b Z4, c Z13, d Z5. k is in [0, nseg-1] for every lane, also for NaN
// and infinite inputs and for the zeroed lanes past the tail.

package main

import (
	"fmt"
	"log"

	"github.com/mrelu/mrelu/internal/asmgen"
)

// generator names this program in the files it writes.
const generator = "gen_asm.go"

func main() {
	if err := asmgen.WriteFile("fasteval_amd64.s", fasteval()); err != nil {
		log.Fatal(err)
	}
	if err := asmgen.WriteFile("multicurve_amd64.s", multicurve()); err != nil {
		log.Fatal(err)
	}
}

// newFile starts an assembly file of the package with the table of the
// even lane indices, evalEvenIdx<>, which cubicConsts loads.
func newFile(about string) *asmgen.File {
	f := asmgen.NewFile(generator, "amd64 && !noasm")
	f.Printf("")
	f.Comment(about + "\nThe cubic interpolant's instructions and registers: see gen_asm.go.")
	f.Printf("")
	f.Comment("evalEvenIdx is the VPERMI2PS index selecting the even float32 lanes\n0, 2, ..., 30 of a pair of registers.")
	for i := range 8 {
		f.Printf("DATA evalEvenIdx<>+%d(SB)/8, $0x%08x%08x", 8*i, 4*i+2, 4*i)
	}
	f.Printf("GLOBL evalEvenIdx<>(SB), RODATA|NOPTR, $64")
	return f
}

// cubicConsts sets the constants Z22-Z29 from nseg in AX (it clobbers AX
// and X0); the caller sets Z30 and Z31.
func cubicConsts(f *asmgen.File) {
	f.Ins("CVTSQ2SS AX, X0", "VBROADCASTSS X0, Z29 // nseg")
	f.Ins("DECQ AX", "CVTSQ2SS AX, X0", "VBROADCASTSS X0, Z28 // nseg-1")
	f.Ins("MOVL $0x3f800000, AX", "VPBROADCASTD AX, Z27 // 1")
	f.Ins("MOVL $0x40400000, AX", "VPBROADCASTD AX, Z26 // 3")
	f.Ins("VMOVDQU32 evalEvenIdx<>(SB), Z25", "VPXORD Z24, Z24, Z24", "VPTERNLOGD $0xff, Z23, Z23, Z23")
	f.Ins("VPSUBD Z23, Z25, Z22 // odd = even + 1")
}

// cubicIndex writes t (Z0), u (Z1) and 2k (Z3) of the inputs in Z0.
func cubicIndex(f *asmgen.File) {
	f.Ins("VSUBPS Z31, Z0, Z0 // x - x0", "VMULPS Z30, Z0, Z0 // t = (x - x0)*invh")
	f.Ins("VPMAXSD Z24, Z0, Z1 // t0 = relu32(t): +0 if the sign bit is set")
	f.Ins("VMINPS Z28, Z1, Z2 // min(t0, nseg-1); +NaN gives nseg-1")
	f.Ins("VCVTTPS2DQ Z2, Z3 // k", "VCVTDQ2PS Z3, Z2", "VSUBPS Z2, Z1, Z1 // u = t0 - k")
	f.Ins("VMINPS Z1, Z27, Z1 // u = min(u, 1); NaN stays NaN", "VPADDD Z3, Z3, Z3 // 2k: 64-bit index of (a, b)")
}

// cubicEval writes the values Z8 and the derivatives Z9 of segments 2k
// (Z3) at u (Z1).
func cubicEval(f *asmgen.File) {
	f.Ins("VEXTRACTI64X4 $1, Z3, Y11 // lanes 8-15")
	for z := 4; z <= 7; z++ {
		f.Ins(fmt.Sprintf("VPXORD Z%d, Z%d, Z%d", z, z, z))
	}
	// Each gather clears its mask register: K2-K5 are copies of K1 and K7.
	for g, half := range []struct{ mask, index, lanes string }{{"K1", "Y3", "0-7"}, {"K7", "Y11", "8-15"}} {
		for pair, disp := range []string{"", "8"} {
			k, z := 2+2*g+pair, 4+2*g+pair
			f.Ins(fmt.Sprintf("KMOVW %s, K%d", half.mask, k))
			f.Ins(fmt.Sprintf("VGATHERDPD %s(R8)(%s*8), K%d, Z%d // %s, lanes %s", disp, half.index, k, z, []string{"(a, b)", "(c, d)"}[pair], half.lanes))
		}
	}
	f.Ins("VMOVAPS Z25, Z12", "VPERMI2PS Z6, Z4, Z12 // a", "VPERMT2PS Z6, Z22, Z4 // b")
	f.Ins("VMOVAPS Z25, Z13", "VPERMI2PS Z7, Z5, Z13 // c", "VPERMT2PS Z7, Z22, Z5 // d")
	f.Ins("VMULPS Z1, Z5, Z8 // value = a + u(b + u(c + u d))", "VADDPS Z8, Z13, Z8")
	f.Ins("VMULPS Z1, Z8, Z8", "VADDPS Z8, Z4, Z8", "VMULPS Z1, Z8, Z8", "VADDPS Z8, Z12, Z8")
	f.Ins("VMULPS Z26, Z1, Z9 // deriv = (b + u(2c + (3u)d))·invh·inside", "VMULPS Z5, Z9, Z9")
	f.Ins("VADDPS Z13, Z13, Z10", "VADDPS Z9, Z10, Z9", "VMULPS Z1, Z9, Z9", "VADDPS Z9, Z4, Z9", "VMULPS Z30, Z9, Z9")
	f.Ins("VSUBPS Z0, Z29, Z10 // nseg - t", "VPCMPGTD Z24, Z10, K6 // inside: bits(nseg - t) > 0 as int32")
	f.Ins("VPCMPGTD Z23, Z0, K6, K6 //   and bits(t) >= 0 as int32", "VMOVAPS.Z Z27, K6, Z10 // 1 inside, 0 outside")
	f.Ins("VMULPS Z10, Z9, Z9")
}

// lanes says which lanes of a block of 16 inputs a kernel reads and
// writes: all (false) or those of K1 (true, the tail; loads zero the
// others).
type lanes bool

// load is the instruction op (a vector load) from addr into reg.
func (tail lanes) load(op, addr, reg string) string {
	if tail {
		return op + ".Z " + addr + ", K1, " + reg
	}
	return op + " " + addr + ", " + reg
}

// store is the store of reg to addr.
func (tail lanes) store(reg, addr string) string {
	if tail {
		return "VMOVUPS " + reg + ", K1, " + addr
	}
	return "VMOVUPS " + reg + ", " + addr
}

// allLanes sets K1 and K7 for 16 inputs.
func allLanes(f *asmgen.File) {
	f.Ins("MOVL $0xffff, AX", "KMOVW AX, K1", "MOVL $0xff, AX", "KMOVW AX, K7")
}

// lowBits sets reg to the mask of the low CX bits (CX < 32).
func lowBits(f *asmgen.File, reg string) {
	f.Ins("MOVL $1, "+reg, "SHLL CX, "+reg, "DECL "+reg)
}

// tailLanes sets K1 to the mask in reg and K7 to its high byte.
func tailLanes(f *asmgen.File, reg string) {
	f.Ins("KMOVW "+reg+", K1", "KSHIFTRW $8, K1, K7")
}

// fasteval returns fasteval_amd64.s.
func fasteval() []byte {
	f := newFile("The AVX-512 EvalDeriv kernel.")
	f.Func("evalDerivAVX512(dst, deriv, in *float32, n int, coef *float32, x0, invh float32, nseg int)",
		"n > 0; nseg in [1, 1<<24]; coef has 4·nseg elements.",
		"dst=DI deriv=DX in=SI n=CX coef=R8 x0=Z31 invh=Z30 nseg=AX")
	cubicConsts(f)
	allLanes(f)
	f.Ins("CMPQ CX, $16", "JB tail")
	block := func(tail lanes) {
		f.Ins(tail.load("VMOVUPS", "(SI)", "Z0"))
		cubicIndex(f)
		cubicEval(f)
		f.Ins(tail.store("Z8", "(DI)"), tail.store("Z9", "(DX)"))
	}
	f.Label("loop")
	block(false)
	f.Ins("ADDQ $64, SI", "ADDQ $64, DI", "ADDQ $64, DX", "SUBQ $16, CX", "CMPQ CX, $16", "JAE loop")
	f.Ins("TESTQ CX, CX", "JZ done")
	f.Label("tail")
	f.Ins("// 0 < CX < 16 inputs left")
	lowBits(f, "AX")
	tailLanes(f, "AX")
	block(true)
	f.Label("done")
	f.Ins("VZEROUPPER", "RET")
	return f.Bytes()
}

// multicurve returns multicurve_amd64.s.
func multicurve() []byte {
	f := newFile("The AVX-512 multi-curve kernel: each input is evaluated with the curve\nwhose index is in its lane of Z14.")
	fn := f.Func("multiEvalDerivAVX512(dst, deriv, in *float32, rows, width int, cols *int32, fac *float32, coef *float32, x0, invh float32, nseg int, hi float32)",
		"rows, width > 0; nseg in [1, 1<<24]; every cols[j] names a curve; coef\nhas 4·nseg elements per curve; fac is nil or holds rows·width factors.",
		"dst=DI deriv=DX in=SI rows=BX width=R14 cols=R9 fac=R10 coef=R8 x0=Z31 invh=Z30 hi=Z20")
	f.Load(fn, "nseg=AX")
	f.Ins("LEAQ (AX)(AX*1), CX", "VPBROADCASTD CX, Z21 // 2·nseg: a curve's length in 64-bit words")
	cubicConsts(f)
	f.Ins("MOVQ R14, CX", "ANDQ $15, CX")
	lowBits(f, "R13")
	f.Ins("// R13: the mask of a row's last width mod 16 inputs")
	// block evaluates the inputs at R12 in the row: the single-curve
	// evaluation with each curve's offset, cols·2·nseg 64-bit words, added
	// to the segment index, then, with factors, rowsGo's float32
	// operations: value and derivative times the factor Z15 and, where a
	// value exceeds hi (Z20; not for NaN), the value hi and derivative 0.
	block := func(tail lanes, store string) {
		at := func(base string) string { return "(" + base + ")(R12*1)" }
		f.Ins(tail.load("VMOVUPS", at("SI"), "Z0"), tail.load("VMOVDQU32", at("R9"), "Z14"))
		cubicIndex(f)
		f.Ins("VPMULLD Z21, Z14, Z14", "VPADDD Z14, Z3, Z3")
		cubicEval(f)
		f.Ins("TESTQ R10, R10", "JZ "+store, tail.load("VMOVUPS", at("R10"), "Z15"))
		f.Ins("VMULPS Z15, Z8, Z8", "VMULPS Z15, Z9, Z9", "VCMPPS $0x1e, Z20, Z8, K2 // v > hi, ordered")
		f.Ins("VMOVAPS Z20, K2, Z8", "VPXORD Z9, Z9, K2, Z9")
		f.Label(store)
		f.Ins(tail.store("Z8", at("DI")), tail.store("Z9", at("DX")))
	}
	f.Label("row")
	f.Ins("MOVQ R14, R11 // inputs left in the row", "XORQ R12, R12 // byte offset in the row")
	allLanes(f)
	f.Ins("CMPQ R11, $16", "JB rowtail")
	f.Label("col")
	block(false, "store")
	f.Ins("ADDQ $64, R12", "SUBQ $16, R11", "CMPQ R11, $16", "JAE col")
	f.Label("rowtail")
	f.Ins("// 0 <= R11 < 16 inputs left in the row", "TESTQ R11, R11", "JZ rowdone")
	tailLanes(f, "R13")
	block(true, "tailstore")
	f.Label("rowdone")
	f.Ins("LEAQ (SI)(R14*4), SI", "LEAQ (DI)(R14*4), DI", "LEAQ (DX)(R14*4), DX")
	f.Ins("TESTQ R10, R10", "JZ next", "LEAQ (R10)(R14*4), R10")
	f.Label("next")
	f.Ins("DECQ BX", "JNZ row", "VZEROUPPER", "RET")
	return f.Bytes()
}
