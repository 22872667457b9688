// Copyright 2026 The mrelu Authors.

//go:build !noasm

#include "textflag.h"

// func reluAVX512(y, z *float32, n int)
//
// y[i] = z[i] &^ (z[i] >> 31, arithmetic) for i < n, n a positive multiple
// of 16: the value, or +0 where its sign bit is set.
TEXT ·reluAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ z+8(FP), SI
	MOVQ n+16(FP), CX

rloop:
	VMOVDQU32 (SI), Z0
	VPSRAD    $31, Z0, Z1
	VPANDND   Z0, Z1, Z0
	VMOVDQU32 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       rloop
	VZEROUPPER
	RET

// func reluMaskAVX512(grad, z *float32, n int)
//
// grad[i] = 0 where z[i] as an int32 is <= 0 (sign set or +0), for i < n, n a
// positive multiple of 16.
TEXT ·reluMaskAVX512(SB), NOSPLIT, $0-24
	MOVQ   grad+0(FP), DI
	MOVQ   z+8(FP), SI
	MOVQ   n+16(FP), CX
	VPXORD Z2, Z2, Z2

mloop:
	VMOVDQU32 (SI), Z0
	VPCMPGTD  Z2, Z0, K1
	VMOVDQU32.Z (DI), K1, Z1
	VMOVDQU32 Z1, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       mloop
	VZEROUPPER
	RET
