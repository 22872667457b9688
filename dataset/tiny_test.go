package dataset

import (
	"math/rand/v2"
	"testing"
)

// TestBands checks the banded synthetic set: its shape, that every pixel
// lies in [0, noise) or [bright, bright+noise) according to its band and
// label, that a seed reproduces the set, and that bad shapes panic.
func TestBands(t *testing.T) {
	const noise, bright = 0.3, 0.7
	s := Bands(rand.New(rand.NewPCG(1, 9)), 50, 3, 6, 3, noise, bright)
	if s.N != 50 || s.Rows != 3 || s.Cols != 6 || s.Classes != 3 || len(s.Images) != 50*18 || len(s.Labels) != 50 || s.Pixels != nil {
		t.Fatalf("shape: N=%d %dx%d classes=%d images=%d labels=%d", s.N, s.Rows, s.Cols, s.Classes, len(s.Images), len(s.Labels))
	}
	seen := map[uint8]bool{}
	for i := 0; i < s.N; i++ {
		c := int(s.Labels[i])
		seen[s.Labels[i]] = true
		for p, v := range s.Image(i) {
			lo := float32(0)
			if p/6 == c {
				lo = bright
			}
			if v < lo || v >= lo+noise {
				t.Fatalf("image %d (class %d) pixel %d = %v, want in [%v, %v)", i, c, p, v, lo, lo+noise)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("labels seen %v, want all three classes", seen)
	}
	again := Bands(rand.New(rand.NewPCG(1, 9)), 50, 3, 6, 3, noise, bright)
	for k := range s.Images {
		if s.Images[k] != again.Images[k] {
			t.Fatalf("same seed, pixel %d differs: %v vs %v", k, s.Images[k], again.Images[k])
		}
	}
	for _, bad := range [][4]int{{0, 3, 6, 3}, {5, 3, 6, 0}, {5, 3, 6, 4}, {5, 0, 6, 3}, {5, 1, 512, 512}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Bands(n=%d, %dx%d, classes=%d) did not panic", bad[0], bad[1], bad[2], bad[3])
				}
			}()
			Bands(rand.New(rand.NewPCG(1, 2)), bad[0], bad[1], bad[2], bad[3], noise, bright)
		}()
	}
}
