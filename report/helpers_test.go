package report

// Helpers shared by the package's tests.

import (
	"encoding/csv"
	"image"
	"image/png"
	"os"
	"sync"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

// fixture is an expensive test input made once for every test of the
// package that asks for it.
type fixture[T any] struct {
	once sync.Once
	v    T
	err  error
}

// get returns the fixture, made by build on the first call; an error
// fails t (and every later caller).
func (f *fixture[T]) get(t *testing.T, build func() (T, error)) T {
	t.Helper()
	f.once.Do(func() { f.v, f.err = build() })
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f.v
}

// tinyData is a temporary folder with dataset.WriteTinySet's 7x5,
// 3-class IDX sets: train training images (seed 1) and test test images
// (seed 2).
func tinyData(t *testing.T, train, test int) string {
	t.Helper()
	dir := t.TempDir()
	for _, s := range []struct {
		n      int
		prefix string
		seed   uint64
	}{{train, "train", 1}, {test, "t10k", 2}} {
		if err := dataset.WriteTinySet(dir, s.n, s.prefix, s.seed); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readPNG decodes the PNG file at path.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// readCSV reads every record of the CSV file at path.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
