// Copyright 2026 The mrelu Authors.

//go:build !noasm

#include "textflag.h"

// func packPanelNAVX512(dst, src *float32, ldb, kl int, m1, m2 uint32, w int)
//
// dst[p*w+j] = src[p*ldb+j] for p < kl and the lanes j selected by m1
// (j < 16) and m2 (16 <= j < 32, only if w == 32); other lanes are zeroed.
TEXT ·packPanelNAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), DX
	SHLQ $2, DX
	MOVQ kl+24(FP), CX
	MOVL m1+32(FP), AX
	KMOVW AX, K1
	MOVL m2+36(FP), AX
	KMOVW AX, K2
	MOVQ w+40(FP), AX
	TESTQ CX, CX
	JZ   done
	CMPQ AX, $32
	JEQ  loop32

loop16:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS Z0, (DI)
	ADDQ DX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop16
	JMP  done

loop32:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ DX, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  loop32

done:
	VZEROUPPER
	RET

// func packPanelTAVX512(dst, src *float32, ldb, kl int, m1, m2 uint32, w int)
//
// dst[p*w+j] = src[j*ldb+p] for p < kl and the lanes j selected by m1
// (j < 16) and m2 (16 <= j < 32, only if w == 32); other lanes are zeroed.
// The caller guarantees 32*ldb < 1<<31 (32-bit gather indices).
TEXT ·packPanelTAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), DX
	MOVQ kl+24(FP), CX
	MOVL m1+32(FP), R8
	MOVL m2+36(FP), R9
	MOVQ w+40(FP), AX

	// Z2 = lane*ldb, Z3 = (lane+16)*ldb
	VPBROADCASTD DX, Z2
	VPMULLD ·lanes16(SB), Z2, Z2
	SHLQ $4, DX
	VPBROADCASTD DX, Z4
	VPADDD Z4, Z2, Z3
	TESTQ CX, CX
	JZ   tdone
	CMPQ AX, $32
	JEQ  tloop32

tloop16:
	KMOVW R8, K1
	VPXORD Z0, Z0, Z0
	VGATHERDPS (SI)(Z2*4), K1, Z0
	VMOVUPS Z0, (DI)
	ADDQ $4, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  tloop16
	JMP  tdone

tloop32:
	KMOVW R8, K1
	KMOVW R9, K2
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VGATHERDPS (SI)(Z2*4), K1, Z0
	VGATHERDPS (SI)(Z3*4), K2, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ $4, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  tloop32

tdone:
	VZEROUPPER
	RET
