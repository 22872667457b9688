package dataset

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
)

// WriteTinySet writes a synthetic data set for tests and examples into dir:
// n images of 7×5 pixels in three classes, the class visible in which band
// of rows is bright, as prefix-images-idx3-ubyte.gz (gzip) and
// prefix-labels-idx1-ubyte (plain), drawn from a PCG stream seeded with
// seed. A small network learns it within a few epochs.
func WriteTinySet(dir string, n int, prefix string, seed uint64) error {
	if n < 1 {
		return fmt.Errorf("dataset: tiny set of %d images", n)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	img := &IDX{Type: TypeU8, Dims: []int{n, 7, 5}, U8: make([]uint8, n*35)}
	lab := &IDX{Type: TypeU8, Dims: []int{n}, U8: make([]uint8, n)}
	for i := 0; i < n; i++ {
		c := rng.IntN(3)
		lab.U8[i] = uint8(c)
		for p := 0; p < 35; p++ {
			v := rng.IntN(60)
			if (p/5)/3 == c || ((p/5) == 6 && c == 2) {
				v += 180
			}
			img.U8[i*35+p] = uint8(v)
		}
	}
	if err := WriteIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), img, true); err != nil {
		return err
	}
	return WriteIDX(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), lab, false)
}
