//go:build amd64 && !noasm

#include "textflag.h"

#include "cubic_amd64.h"

// MEVAL16 evaluates the 16 inputs in Z0, each with the curve whose index
// is in its lane of Z14, into the values Z8 and the derivatives Z9: the
// single-curve EVAL16 with the curve's offset, cols·2·nseg 64-bit words
// (Z21 = 2·nseg), added to the segment index.
#define MEVAL16 \
	CUBIC_INDEX                 \
	VPMULLD       Z21, Z14, Z14 \
	VPADDD        Z14, Z3, Z3   \
	CUBIC_EVAL

// VARY multiplies the values Z8 and the derivatives Z9 by the factors
// Z15 and, where a value exceeds hi (Z20; not for NaN), sets it to hi and
// its derivative to 0: rowsGo's float32 operations.
#define VARY \
	VMULPS        Z15, Z8, Z8     \
	VMULPS        Z15, Z9, Z9     \
	VCMPPS        $0x1e, Z20, Z8, K2 \ // v > hi, ordered
	VMOVAPS       Z20, K2, Z8     \
	VPXORD        Z9, Z9, K2, Z9

// func multiEvalDerivAVX512(dst, deriv, in *float32, rows, width int, cols *int32, fac *float32, coef *float32, x0, invh float32, nseg int, hi float32)
//
// rows, width > 0; nseg in [1, 1<<24]; every cols[j] names a curve; coef
// has 4·nseg elements per curve; fac is nil or holds rows·width factors.
TEXT ·multiEvalDerivAVX512(SB), NOSPLIT, $0-84
	MOVQ dst+0(FP), DI
	MOVQ deriv+8(FP), DX
	MOVQ in+16(FP), SI
	MOVQ rows+24(FP), BX
	MOVQ width+32(FP), R14
	MOVQ cols+40(FP), R9
	MOVQ fac+48(FP), R10
	MOVQ coef+56(FP), R8
	VBROADCASTSS x0+64(FP), Z31
	VBROADCASTSS invh+68(FP), Z30
	VBROADCASTSS hi+80(FP), Z20
	MOVQ nseg+72(FP), AX
	LEAQ (AX)(AX*1), CX
	VPBROADCASTD CX, Z21 // 2·nseg: a curve's length in 64-bit words
	CUBIC_CONSTS
	MOVQ R14, CX
	ANDQ $15, CX
	MOVL $1, R13
	SHLL CX, R13
	DECL R13 // the mask of a row's last width mod 16 inputs

row:
	MOVQ R14, R11 // inputs left in the row
	XORQ R12, R12 // byte offset in the row
	MOVL $0xffff, AX
	KMOVW AX, K1
	MOVL $0xff, AX
	KMOVW AX, K7
	CMPQ R11, $16
	JB   rowtail

col:
	VMOVUPS   (SI)(R12*1), Z0
	VMOVDQU32 (R9)(R12*1), Z14
	MEVAL16
	TESTQ R10, R10
	JZ    store
	VMOVUPS (R10)(R12*1), Z15
	VARY

store:
	VMOVUPS Z8, (DI)(R12*1)
	VMOVUPS Z9, (DX)(R12*1)
	ADDQ $64, R12
	SUBQ $16, R11
	CMPQ R11, $16
	JAE  col

rowtail: // 0 <= R11 < 16 inputs left in the row
	TESTQ R11, R11
	JZ    rowdone
	KMOVW R13, K1
	KSHIFTRW $8, K1, K7
	VMOVUPS.Z   (SI)(R12*1), K1, Z0
	VMOVDQU32.Z (R9)(R12*1), K1, Z14
	MEVAL16
	TESTQ R10, R10
	JZ    tailstore
	VMOVUPS.Z (R10)(R12*1), K1, Z15
	VARY

tailstore:
	VMOVUPS Z8, K1, (DI)(R12*1)
	VMOVUPS Z9, K1, (DX)(R12*1)

rowdone:
	LEAQ (SI)(R14*4), SI
	LEAQ (DI)(R14*4), DI
	LEAQ (DX)(R14*4), DX
	TESTQ R10, R10
	JZ    next
	LEAQ (R10)(R14*4), R10

next:
	DECQ BX
	JNZ  row
	VZEROUPPER
	RET
