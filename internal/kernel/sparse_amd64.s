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
#define FMAROWA \
	VFMADD231PS 0(R11), Z7, K1, Z0; \
	VFMADD231PS 64(R11), Z7, K2, Z1; \
	VFMADD231PS 128(R11), Z7, K3, Z2; \
	VFMADD231PS 192(R11), Z7, K4, Z3; \
	VFMADD231PS 256(R11), Z7, K5, Z4; \
	VFMADD231PS 320(R11), Z7, K6, Z5; \
	VFMADD231PS 384(R11), Z7, K7, Z6
#define FMAROWB \
	VFMADD231PS 0(BX), Z21, K1, Z14; \
	VFMADD231PS 64(BX), Z21, K2, Z15; \
	VFMADD231PS 128(BX), Z21, K3, Z16; \
	VFMADD231PS 192(BX), Z21, K4, Z17; \
	VFMADD231PS 256(BX), Z21, K5, Z18; \
	VFMADD231PS 320(BX), Z21, K6, Z19; \
	VFMADD231PS 384(BX), Z21, K7, Z20
#define ADDAB \
	VADDPS Z14, Z0, Z0; \
	VADDPS Z15, Z1, Z1; \
	VADDPS Z16, Z2, Z2; \
	VADDPS Z17, Z3, Z3; \
	VADDPS Z18, Z4, Z4; \
	VADDPS Z19, Z5, Z5; \
	VADDPS Z20, Z6, Z6
#define STOREROW \
	VMOVUPS.Z 0(R11), K1, Z8; \
	VADDPS Z8, Z0, Z0; \
	VMOVUPS Z0, K1, 0(DI); \
	VMOVUPS.Z 64(R11), K2, Z8; \
	VADDPS Z8, Z1, Z1; \
	VMOVUPS Z1, K2, 64(DI); \
	VMOVUPS.Z 128(R11), K3, Z8; \
	VADDPS Z8, Z2, Z2; \
	VMOVUPS Z2, K3, 128(DI); \
	VMOVUPS.Z 192(R11), K4, Z8; \
	VADDPS Z8, Z3, Z3; \
	VMOVUPS Z3, K4, 192(DI); \
	VMOVUPS.Z 256(R11), K5, Z8; \
	VADDPS Z8, Z4, Z4; \
	VMOVUPS Z4, K5, 256(DI); \
	VMOVUPS.Z 320(R11), K6, Z8; \
	VADDPS Z8, Z5, Z5; \
	VMOVUPS Z5, K6, 320(DI); \
	VMOVUPS.Z 384(R11), K7, Z8; \
	VADDPS Z8, Z6, Z6; \
	VMOVUPS Z6, K7, 384(DI)

DATA lanesD<>+0(SB)/4, $0
DATA lanesD<>+4(SB)/4, $1
DATA lanesD<>+8(SB)/4, $2
DATA lanesD<>+12(SB)/4, $3
DATA lanesD<>+16(SB)/4, $4
DATA lanesD<>+20(SB)/4, $5
DATA lanesD<>+24(SB)/4, $6
DATA lanesD<>+28(SB)/4, $7
DATA lanesD<>+32(SB)/4, $8
DATA lanesD<>+36(SB)/4, $9
DATA lanesD<>+40(SB)/4, $10
DATA lanesD<>+44(SB)/4, $11
DATA lanesD<>+48(SB)/4, $12
DATA lanesD<>+52(SB)/4, $13
DATA lanesD<>+56(SB)/4, $14
DATA lanesD<>+60(SB)/4, $15
GLOBL lanesD<>(SB), RODATA|NOPTR, $64

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
	VMOVDQU32 lanesD<>(SB), Z11
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
