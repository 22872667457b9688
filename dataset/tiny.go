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

// Bands returns a synthetic in-memory set for tests and examples: n images
// of rows×cols float32 pixels in the given number of classes. Each image's
// class c is drawn with rng.IntN(classes); then, pixel by pixel in row-major
// order, the value is noise*rng.Float32() (uniform in [0, noise)), plus
// bright when the pixel lies in the c-th of classes equal bands of the image
// (pixel p is in band p/(rows*cols/classes)). The draws follow that order
// exactly, so a seed always gives the same set. It panics unless n >= 1,
// 1 <= classes <= 256 and rows*cols is a positive multiple of classes (a programmer
// error).
func Bands(rng *rand.Rand, n, rows, cols, classes int, noise, bright float32) *Set {
	d := rows * cols
	if n < 1 || classes < 1 || classes > 256 || d < 1 || d%classes != 0 {
		panic(fmt.Sprintf("dataset: Bands(n=%d, %dx%d, classes=%d): need n >= 1, 1..256 classes and a pixel count that is a positive multiple of classes", n, rows, cols, classes))
	}
	band := d / classes
	s := &Set{N: n, Rows: rows, Cols: cols, Classes: classes, Images: make([]float32, n*d), Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		c := rng.IntN(classes)
		s.Labels[i] = uint8(c)
		for p := 0; p < d; p++ {
			v := noise * rng.Float32()
			if p/band == c {
				v += bright
			}
			s.Images[i*d+p] = v
		}
	}
	return s
}
