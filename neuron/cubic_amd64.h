// The monotone cubic interpolant on AVX-512, 16 inputs at a time, shared
// by the single-curve kernel (fasteval_amd64.s) and the multi-curve one
// (multicurve_amd64.s). It repeats evalDerivGo's float32 operations one
// for one and in the same order (no FMA), so the results are
// bit-identical to the pure-Go loops.
//
// CUBIC_INDEX turns the 16 inputs in Z0 into t = (x - x0)*invh (Z0),
// u (Z1) and the 64-bit index 2k of each lane's segment (Z3, int32);
// CUBIC_EVAL gathers the coefficients at R8 + 8*Z3 and writes the values
// Z8 and the derivatives Z9. Between the two, a caller may add a per-lane
// offset to Z3 (the multi-curve kernel: the lane's curve). K1 selects
// the lanes to load coefficients for (all 16, or the tail), K7 is K1 >> 8.
//
// Constants: Z31 x0, Z30 invh, Z29 float(nseg), Z28 float(nseg-1), Z27 1,
// Z26 3, Z25 even lane indices, Z24 0, Z23 all ones (int32 -1), Z22 odd
// lane indices. R8 = &coef[0]. Scratch: Z2, Z4-Z7, Z10-Z13, K2-K6.
//
// The coefficients of segment k are the 16 bytes at coef+16k: two 64-bit
// gathers per 8 lanes fetch the pairs (a, b) and (c, d), half the loads of
// four 32-bit gathers, and VPERMI2PS/VPERMT2PS de-interleave them into
// a Z12, b Z4, c Z13, d Z5. k is in [0, nseg-1] for every lane, also for
// NaN and infinite inputs and for the zeroed lanes past the tail.

// evalEvenIdx is the VPERMI2PS index selecting the even float32 lanes
// 0, 2, ..., 30 of a pair of registers.
DATA evalEvenIdx<>+0(SB)/8, $0x0000000200000000
DATA evalEvenIdx<>+8(SB)/8, $0x0000000600000004
DATA evalEvenIdx<>+16(SB)/8, $0x0000000a00000008
DATA evalEvenIdx<>+24(SB)/8, $0x0000000e0000000c
DATA evalEvenIdx<>+32(SB)/8, $0x0000001200000010
DATA evalEvenIdx<>+40(SB)/8, $0x0000001600000014
DATA evalEvenIdx<>+48(SB)/8, $0x0000001a00000018
DATA evalEvenIdx<>+56(SB)/8, $0x0000001e0000001c
GLOBL evalEvenIdx<>(SB), RODATA|NOPTR, $64

// CUBIC_CONSTS sets the constants Z22-Z29 from nseg in AX (it clobbers
// AX and X0); the caller sets Z30 and Z31.
#define CUBIC_CONSTS \
	CVTSQ2SS      AX, X0              \
	VBROADCASTSS  X0, Z29             \ // nseg
	DECQ          AX                  \
	CVTSQ2SS      AX, X0              \
	VBROADCASTSS  X0, Z28             \ // nseg-1
	MOVL          $0x3f800000, AX     \
	VPBROADCASTD  AX, Z27             \ // 1
	MOVL          $0x40400000, AX     \
	VPBROADCASTD  AX, Z26             \ // 3
	VMOVDQU32     evalEvenIdx<>(SB), Z25 \
	VPXORD        Z24, Z24, Z24       \
	VPTERNLOGD    $0xff, Z23, Z23, Z23 \
	VPSUBD        Z23, Z25, Z22         // odd = even + 1

#define CUBIC_INDEX \
	VSUBPS        Z31, Z0, Z0       \ // x - x0
	VMULPS        Z30, Z0, Z0       \ // t = (x - x0)*invh
	VPMAXSD       Z24, Z0, Z1       \ // t0 = relu32(t): +0 if the sign bit is set
	VMINPS        Z28, Z1, Z2       \ // min(t0, nseg-1); +NaN gives nseg-1
	VCVTTPS2DQ    Z2, Z3            \ // k
	VCVTDQ2PS     Z3, Z2            \
	VSUBPS        Z2, Z1, Z1        \ // u = t0 - k
	VMINPS        Z1, Z27, Z1       \ // u = min(u, 1); NaN stays NaN
	VPADDD        Z3, Z3, Z3          // 2k: 64-bit index of (a, b)

#define CUBIC_EVAL \
	VEXTRACTI64X4 $1, Z3, Y11       \ // lanes 8-15
	VPXORD        Z4, Z4, Z4        \
	VPXORD        Z5, Z5, Z5        \
	VPXORD        Z6, Z6, Z6        \
	VPXORD        Z7, Z7, Z7        \
	KMOVW         K1, K2            \
	VGATHERDPD    (R8)(Y3*8), K2, Z4   \ // (a, b), lanes 0-7
	KMOVW         K1, K3            \
	VGATHERDPD    8(R8)(Y3*8), K3, Z5  \ // (c, d), lanes 0-7
	KMOVW         K7, K4            \
	VGATHERDPD    (R8)(Y11*8), K4, Z6  \ // (a, b), lanes 8-15
	KMOVW         K7, K5            \
	VGATHERDPD    8(R8)(Y11*8), K5, Z7 \ // (c, d), lanes 8-15
	VMOVAPS       Z25, Z12          \
	VPERMI2PS     Z6, Z4, Z12       \ // a
	VPERMT2PS     Z6, Z22, Z4       \ // b
	VMOVAPS       Z25, Z13          \
	VPERMI2PS     Z7, Z5, Z13       \ // c
	VPERMT2PS     Z7, Z22, Z5       \ // d
	VMULPS        Z1, Z5, Z8        \ // value = a + u(b + u(c + u d))
	VADDPS        Z8, Z13, Z8       \
	VMULPS        Z1, Z8, Z8        \
	VADDPS        Z8, Z4, Z8        \
	VMULPS        Z1, Z8, Z8        \
	VADDPS        Z8, Z12, Z8       \
	VMULPS        Z26, Z1, Z9       \ // deriv = (b + u(2c + (3u)d))·invh·inside
	VMULPS        Z5, Z9, Z9        \
	VADDPS        Z13, Z13, Z10     \
	VADDPS        Z9, Z10, Z9       \
	VMULPS        Z1, Z9, Z9        \
	VADDPS        Z9, Z4, Z9        \
	VMULPS        Z30, Z9, Z9       \
	VSUBPS        Z0, Z29, Z10      \ // nseg - t
	VPCMPGTD      Z24, Z10, K6      \ // inside: bits(nseg - t) > 0 as int32
	VPCMPGTD      Z23, Z0, K6, K6   \ //   and bits(t) >= 0 as int32
	VMOVAPS.Z     Z27, K6, Z10      \ // 1 inside, 0 outside
	VMULPS        Z10, Z9, Z9

