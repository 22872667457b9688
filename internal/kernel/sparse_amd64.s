// Copyright 2026 The mrelu Authors.

//go:build !noasm

#include "textflag.h"

// The sparse products (sparse.go). For each row of C the kernels first
// list the indices p of the row's nonzero elements of A into idx (16
// elements at a time: a compare or test into K1, then VPCOMPRESSD of the
// lane numbers, stored whole, so idx has room for k+16), then run over the
// list, two nonzero elements per iteration into two sets of seven
// accumulators (Z0-Z6 for the even entries, Z14-Z20 for the odd ones, so
// that consecutive fused multiply-adds do not wait for each other):
// Z += value * B[p][0:112] through the lane masks K1-K7 of C's columns.
// Then C's row = (Z0-6 + Z14-20) + bias. One kernel serves both element
// types (bytes != 0: A's elements are bytes looked up in table), with the
// same operations in the same order, so a byte row and its float32 copy
// give the same C bit for bit; the two branches on the type always go the
// same way, which the CPU predicts.
//
// Registers: DI C's row, SI A's row, R8 b, R9 ldb (bytes), R13 k, DX idx,
// R10 table (bytes kernel), CX the count of nonzero elements, AX the
// position, R11 and BX rows of B, R12 scratch, Z11 lane numbers, Z12 the
// constant 16, Z9 zero.

#define LOADMASKS \
	MOVQ masks+80(FP), R12; \
	KMOVW 0(R12), K1; \
	KMOVW 2(R12), K2; \
	KMOVW 4(R12), K3; \
	KMOVW 6(R12), K4; \
	KMOVW 8(R12), K5; \
	KMOVW 10(R12), K6; \
	KMOVW 12(R12), K7
#define ZEROACC \
	VPXORD Z0, Z0, Z0; \
	VPXORD Z1, Z1, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z14, Z14, Z14; \
	VPXORD Z15, Z15, Z15; \
	VPXORD Z16, Z16, Z16; \
	VPXORD Z17, Z17, Z17; \
	VPXORD Z18, Z18, Z18; \
	VPXORD Z19, Z19, Z19; \
	VPXORD Z20, Z20, Z20
// FMAROW adds v times the row of B at base (112 columns, through the
// lane masks K1-K7) to the accumulators z0-z6.
#define FMAROW(base, v, z0, z1, z2, z3, z4, z5, z6) \
	VFMADD231PS 0(base), v, K1, z0; \
	VFMADD231PS 64(base), v, K2, z1; \
	VFMADD231PS 128(base), v, K3, z2; \
	VFMADD231PS 192(base), v, K4, z3; \
	VFMADD231PS 256(base), v, K5, z4; \
	VFMADD231PS 320(base), v, K6, z5; \
	VFMADD231PS 384(base), v, K7, z6
#define FMAROWA FMAROW(R11, Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z6)
#define FMAROWB FMAROW(BX, Z21, Z14, Z15, Z16, Z17, Z18, Z19, Z20)
#define ADDAB \
	VADDPS Z14, Z0, Z0; \
	VADDPS Z15, Z1, Z1; \
	VADDPS Z16, Z2, Z2; \
	VADDPS Z17, Z3, Z3; \
	VADDPS Z18, Z4, Z4; \
	VADDPS Z19, Z5, Z5; \
	VADDPS Z20, Z6, Z6
// STORECOL stores vector z of C's row plus the bias vector at off(R11)
// through the lane mask k: C[off(DI)] = z + bias.
#define STORECOL(off, k, z) \
	VMOVUPS.Z off(R11), k, Z8; \
	VADDPS Z8, z, z; \
	VMOVUPS z, k, off(DI)
#define STOREROW \
	STORECOL(0, K1, Z0); \
	STORECOL(64, K2, Z1); \
	STORECOL(128, K3, Z2); \
	STORECOL(192, K4, Z3); \
	STORECOL(256, K5, Z4); \
	STORECOL(320, K6, Z5); \
	STORECOL(384, K7, Z6)

// func sparseAVX512(c *float32, a unsafe.Pointer, rows, k, lda int, b *float32, ldb int, table, bias *float32, ldc int, masks *[8]uint16, idx *int32, bytes int)
TEXT ·sparseAVX512(SB), NOSPLIT, $0-104
	MOVQ c+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ k+24(FP), R13
	MOVQ b+40(FP), R8
	MOVQ ldb+48(FP), R9
	MOVQ table+56(FP), R10
	MOVQ idx+88(FP), DX
	VPXORD Z9, Z9, Z9
	VMOVDQU32 ·lanes16(SB), Z11
	MOVL $16, AX
	VPBROADCASTD AX, Z12

row:
	// The list of nonzero elements.
	XORQ CX, CX
	XORQ AX, AX
	VMOVDQA32 Z11, Z13

list:
	CMPQ bytes+96(FP), $0
	JEQ  listfloats
	VPMOVZXBD (SI)(AX*1), Z10
	VPTESTMD Z10, Z10, K1
	JMP  listed

listfloats:
	VMOVUPS (SI)(AX*4), Z10
	VCMPPS $4, Z9, Z10, K1

listed:
	VPCOMPRESSD.Z Z13, K1, Z22
	VMOVDQU32 Z22, (DX)(CX*4)
	KMOVW K1, BX
	POPCNTL BX, BX
	ADDQ BX, CX
	VPADDD Z12, Z13, Z13
	ADDQ $16, AX
	CMPQ AX, R13
	JLT  list

	LOADMASKS
	ZEROACC
	XORQ AX, AX
	LEAQ -1(CX), R12
	CMPQ AX, R12
	JGE  one

two:
	MOVLQZX (DX)(AX*4), R11
	MOVLQZX 4(DX)(AX*4), BX
	CMPQ bytes+96(FP), $0
	JEQ  twofloats
	MOVBLZX (SI)(R11*1), R12
	VBROADCASTSS (R10)(R12*4), Z7
	MOVBLZX (SI)(BX*1), R12
	VBROADCASTSS (R10)(R12*4), Z21
	JMP  twovalues

twofloats:
	VBROADCASTSS (SI)(R11*4), Z7
	VBROADCASTSS (SI)(BX*4), Z21

twovalues:
	IMULQ R9, R11
	ADDQ R8, R11
	IMULQ R9, BX
	ADDQ R8, BX
	FMAROWA
	FMAROWB
	ADDQ $2, AX
	LEAQ -1(CX), R12
	CMPQ AX, R12
	JLT  two

one:
	CMPQ AX, CX
	JGE  done
	MOVLQZX (DX)(AX*4), R11
	CMPQ bytes+96(FP), $0
	JEQ  onefloat
	MOVBLZX (SI)(R11*1), R12
	VBROADCASTSS (R10)(R12*4), Z7
	JMP  onevalue

onefloat:
	VBROADCASTSS (SI)(R11*4), Z7

onevalue:
	IMULQ R9, R11
	ADDQ R8, R11
	FMAROWA

done:
	ADDAB
	MOVQ bias+64(FP), R11
	STOREROW
	ADDQ lda+32(FP), SI
	ADDQ ldc+72(FP), DI
	DECQ rows+16(FP)
	JNZ  row
	VZEROUPPER
	RET
