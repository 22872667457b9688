package dataset

import (
	"math/rand/v2"
	"testing"
)

// TestPixelsToFloat32 checks the conversion used by Gather (AVX-512 where
// the CPU has it) against float32(v)/255 for every byte value, at every
// length up to 100 and offsets that misalign both slices, and on a long
// random slice spanning several assembly chunks.
func TestPixelsToFloat32(t *testing.T) {
	all := make([]uint8, 256)
	for i := range all {
		all[i] = uint8(i)
	}
	check := func(src []uint8, what string) {
		t.Helper()
		dst := make([]float32, len(src)+1)
		dst[len(src)] = -1
		pixelsToFloat32(dst[:len(src)], src)
		for k, v := range src {
			if want := float32(v) / 255; dst[k] != want || PixelValue(v) != want {
				t.Fatalf("%s: byte %d at %d: %g, want %g", what, v, k, dst[k], want)
			}
		}
		if dst[len(src)] != -1 {
			t.Fatalf("%s: wrote past the end", what)
		}
	}
	check(all, "all bytes")
	for n := 0; n <= 100; n++ {
		for off := 0; off < 3; off++ {
			src := make([]uint8, n+off)
			for i := range src {
				src[i] = uint8(255 - (i*37)%256)
			}
			check(src[off:], "short")
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	long := make([]uint8, 3*(1<<18)+77)
	for i := range long {
		long[i] = uint8(rng.IntN(256))
	}
	check(long, "long")
}

func BenchmarkGatherMinibatch(b *testing.B) {
	const n, d = 60000, 784
	s := &Set{N: n, Rows: 28, Cols: 28, Pixels: make([]uint8, n*d)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range s.Pixels {
		s.Pixels[i] = uint8(rng.IntN(256))
	}
	idx := make([]int, 500)
	for i := range idx {
		idx[i] = rng.IntN(n)
	}
	dst := make([]float32, 500*d)
	for b.Loop() {
		s.Gather(dst, idx)
	}
}
