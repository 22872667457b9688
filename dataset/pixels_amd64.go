//go:build amd64 && !noasm

package dataset

import "github.com/mrelu/mrelu/internal/kernel"

//go:generate go run gen_asm.go

// The AVX-512 conversion of pixel bytes to float32 (pixels_amd64.s,
// written by gen_asm.go).

//go:noescape
func pixelsAVX512(dst *float32, src *uint8, n int, scale float64)

// hasPixelsAVX512 is set when the CPU has AVX-512F and the OS saves the
// ZMM state (the detection of internal/kernel).
var hasPixelsAVX512 = kernel.HasAVX512()

// pixelsChunk is the most bytes per assembly call (a multiple of 16), which
// bounds the time the goroutine cannot be preempted (~0.1 ms).
const pixelsChunk = 1 << 18

// pixelsToFloat32 writes the values of the pixel bytes src into dst,
// dst[k] = float32(src[k])/255, bit for bit as the Go table pixelScale.
func pixelsToFloat32(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	if hasPixelsAVX512 {
		for len(src) >= 16 {
			n := min(len(src)&^15, pixelsChunk)
			pixelsAVX512(&dst[0], &src[0], n, 1.0/255)
			dst, src = dst[n:], src[n:]
		}
	}
	pixelsToFloat32Go(dst, src)
}

//go:noescape
func prefetchBytes(p *uint8, n int)

// prefetch asks the CPU to bring b into the cache (a minibatch's next
// image, whose random place in the set the hardware prefetchers cannot
// guess).
func prefetch(b []uint8) {
	if len(b) > 0 {
		prefetchBytes(&b[0], len(b))
	}
}
