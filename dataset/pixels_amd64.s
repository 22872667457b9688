//go:build amd64 && !noasm

#include "textflag.h"

// func pixelsAVX512(dst *float32, src *uint8, n int, scale float64)
//
// dst[i] = float32(float64(src[i]) * scale) for i < n, n a positive
// multiple of 16: each byte widened to int32 (VPMOVZXBD), converted exactly
// to float64, multiplied by scale and rounded once to float32 (the
// default round-to-nearest-even of MXCSR, as Go's conversion). With scale
// = 1/255 this equals float32(v)/255 for every byte v (pixels_test.go
// checks all 256), so the results are those of the Go table.
TEXT ·pixelsAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD scale+24(FP), Z31

loop:
	VPMOVZXBD    (SI), Y0
	VPMOVZXBD    8(SI), Y2
	VCVTDQ2PD    Y0, Z1
	VCVTDQ2PD    Y2, Z3
	VMULPD       Z31, Z1, Z1
	VMULPD       Z31, Z3, Z3
	VCVTPD2PS    Z1, Y1
	VCVTPD2PS    Z3, Y3
	VMOVUPS      Y1, (DI)
	VMOVUPS      Y3, 32(DI)
	ADDQ         $16, SI
	ADDQ         $64, DI
	SUBQ         $16, CX
	JNZ          loop
	VZEROUPPER
	RET

// func prefetchBytes(p *uint8, n int)
//
// PREFETCHT0 of every 64-byte line of p[:n], n > 0 (a hint: never faults).
TEXT ·prefetchBytes(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX

ploop:
	PREFETCHT0 (SI)
	ADDQ       $64, SI
	SUBQ       $64, CX
	JG         ploop
	RET
