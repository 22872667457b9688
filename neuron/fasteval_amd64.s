//go:build amd64 && !noasm

#include "textflag.h"

#include "cubic_amd64.h"

// EVAL16 evaluates the 16 inputs in Z0 into the values Z8 and the
// derivatives Z9 (cubic_amd64.h).
#define EVAL16 CUBIC_INDEX; CUBIC_EVAL

// func evalDerivAVX512(dst, deriv, in *float32, n int, coef *float32, x0, invh float32, nseg int)
//
// n > 0; nseg in [1, 1<<24]; coef has 4·nseg elements.
TEXT ·evalDerivAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ deriv+8(FP), DX
	MOVQ in+16(FP), SI
	MOVQ n+24(FP), CX
	MOVQ coef+32(FP), R8
	VBROADCASTSS x0+40(FP), Z31
	VBROADCASTSS invh+44(FP), Z30
	MOVQ nseg+48(FP), AX
	CUBIC_CONSTS
	MOVL $0xffff, AX
	KMOVW AX, K1
	MOVL $0xff, AX
	KMOVW AX, K7
	CMPQ CX, $16
	JB   tail

loop:
	VMOVUPS (SI), Z0
	EVAL16
	VMOVUPS Z8, (DI)
	VMOVUPS Z9, (DX)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	SUBQ $16, CX
	CMPQ CX, $16
	JAE  loop
	TESTQ CX, CX
	JZ   done

tail: // 0 < CX < 16 inputs left
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	KSHIFTRW $8, K1, K7
	VMOVUPS.Z (SI), K1, Z0
	EVAL16
	VMOVUPS Z8, K1, (DI)
	VMOVUPS Z9, K1, (DX)

done:
	VZEROUPPER
	RET
