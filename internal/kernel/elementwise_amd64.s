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

// func addClipAVX512(y, d, a *float32, n int, hi float32)
//
// For i < n, n a positive multiple of 16: v = y[i] + a[i]; y[i] = 0 where
// v <= 0, hi where v >= hi, v elsewhere (NaN included); d[i] kept where
// 0 < v < hi (ordered compares: NaN fails both) and zeroed elsewhere.
TEXT ·addClipAVX512(SB), NOSPLIT, $0-36
	MOVQ         y+0(FP), DI
	MOVQ         d+8(FP), DX
	MOVQ         a+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSS hi+32(FP), Z31
	VPXORD       Z30, Z30, Z30

aloop:
	VMOVUPS     (DI), Z0
	VADDPS      (SI), Z0, Z0
	VCMPPS      $0x1e, Z30, Z0, K1 // v > 0
	VCMPPS      $0x11, Z31, Z0, K2 // v < hi
	KANDW       K1, K2, K3
	VMOVUPS.Z   (DX), K3, Z1
	VMOVUPS     Z1, (DX)
	VCMPPS      $0x12, Z30, Z0, K4 // v <= 0
	VCMPPS      $0x1d, Z31, Z0, K5 // v >= hi
	VMOVAPS     Z30, K4, Z0
	VMOVAPS     Z31, K5, Z0
	VMOVUPS     Z0, (DI)
	ADDQ        $64, DI
	ADDQ        $64, DX
	ADDQ        $64, SI
	SUBQ        $16, CX
	JNZ         aloop
	VZEROUPPER
	RET

// func mulClipAVX512(y, d, f *float32, n int, hi float32)
//
// For i < n, n a positive multiple of 16: y[i] *= f[i], d[i] *= f[i], and
// where the product exceeds hi (ordered: not for NaN) y[i] = hi, d[i] = 0.
TEXT ·mulClipAVX512(SB), NOSPLIT, $0-36
	MOVQ         y+0(FP), DI
	MOVQ         d+8(FP), DX
	MOVQ         f+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSS hi+32(FP), Z31
	VPXORD       Z30, Z30, Z30

mloop2:
	VMOVUPS     (SI), Z2
	VMULPS      (DI), Z2, Z0
	VMULPS      (DX), Z2, Z1
	VCMPPS      $0x1e, Z31, Z0, K1 // y·f > hi
	VMOVAPS     Z31, K1, Z0
	VMOVAPS     Z30, K1, Z1
	VMOVUPS     Z0, (DI)
	VMOVUPS     Z1, (DX)
	ADDQ        $64, DI
	ADDQ        $64, DX
	ADDQ        $64, SI
	SUBQ        $16, CX
	JNZ         mloop2
	VZEROUPPER
	RET

// func addAVX512(y, x *float32, n int)
//
// y[i] += x[i] for i < n, n a positive multiple of 16.
TEXT ·addAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

addloop:
	VMOVUPS   (DI), Z0
	VADDPS    (SI), Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $64, DI
	ADDQ      $64, SI
	SUBQ      $16, CX
	JNZ       addloop
	VZEROUPPER
	RET

// func mulAVX512(y, x *float32, n int)
//
// y[i] *= x[i] for i < n, n a positive multiple of 16.
TEXT ·mulAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

mulloop:
	VMOVUPS   (DI), Z0
	VMULPS    (SI), Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $64, DI
	ADDQ      $64, SI
	SUBQ      $16, CX
	JNZ       mulloop
	VZEROUPPER
	RET

// func countBelowAVX512(z *float32, n int, thr float32) int
//
// The number of i < n (n a positive multiple of 16) for which z[i] − thr
// has its sign bit set.
TEXT ·countBelowAVX512(SB), NOSPLIT, $0-32
	MOVQ         z+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS thr+16(FP), Z31
	MOVL         $0x80000000, AX
	VPBROADCASTD AX, Z30
	XORQ         BX, BX

cntloop:
	VMOVUPS   (SI), Z0
	VSUBPS    Z31, Z0, Z0
	VPTESTMD  Z30, Z0, K1
	KMOVW     K1, AX
	POPCNTL   AX, AX
	ADDQ      AX, BX
	ADDQ      $64, SI
	SUBQ      $16, CX
	JNZ       cntloop
	MOVQ      BX, ret+24(FP)
	VZEROUPPER
	RET
