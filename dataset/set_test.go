package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSet writes an images and a labels file for n images of rows x cols
// whose pixel p of image i is (i*7+p) mod 256 and whose label i is i mod classes.
func writeSet(t *testing.T, dir, prefix, suffix string, n, rows, cols, classes int, gz bool) {
	t.Helper()
	pix := make([]uint8, n*rows*cols)
	for i := range pix {
		img, p := i/(rows*cols), i%(rows*cols)
		pix[i] = uint8(img*7 + p)
	}
	lab := make([]uint8, n)
	for i := range lab {
		lab[i] = uint8(i % classes)
	}
	if err := WriteIDX(filepath.Join(dir, prefix+"-images"+suffix), &IDX{Type: TypeU8, Dims: []int{n, rows, cols}, U8: pix}, gz); err != nil {
		t.Fatal(err)
	}
	if err := WriteIDX(filepath.Join(dir, prefix+"-labels"+suffix), &IDX{Type: TypeU8, Dims: []int{n}, U8: lab}, gz); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDirSynthetic(t *testing.T) {
	cases := []struct {
		name   string
		suffix string
		gz     bool
	}{
		{"gzip", "-idx3-ubyte.gz", true},
		{"raw dotted", ".idx3-ubyte", false},
		{"gzip without .gz", "-idx3-ubyte", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSet(t, dir, "train", tc.suffix, 12, 5, 7, 4, tc.gz)
			writeSet(t, dir, "t10k", tc.suffix, 3, 5, 7, 3, tc.gz)
			// Unrelated and hidden files are ignored.
			os.WriteFile(filepath.Join(dir, "README"), []byte("hi"), 0o644)
			os.WriteFile(filepath.Join(dir, ".train-images.tmp-1"), []byte("partial"), 0o644)
			train, test, err := LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if train.N != 12 || test.N != 3 || train.Rows != 5 || train.Cols != 7 || test.Rows != 5 || test.Cols != 7 || train.Dim() != 35 {
				t.Fatalf("train %d %dx%d, test %d %dx%d", train.N, train.Rows, train.Cols, test.N, test.Rows, test.Cols)
			}
			if train.Classes != 4 || test.Classes != 4 {
				t.Errorf("classes train %d test %d, want 4 for both", train.Classes, test.Classes)
			}
			if len(train.Pixels) != 12*35 || len(train.Labels) != 12 {
				t.Fatalf("lengths %d %d", len(train.Pixels), len(train.Labels))
			}
			for i := 0; i < train.N; i++ {
				if train.Labels[i] != uint8(i%4) {
					t.Fatalf("label %d = %d", i, train.Labels[i])
				}
				img := train.Image(i)
				for p, v := range img {
					if want := float32(uint8(i*7+p)) / 255; v != want {
						t.Fatalf("image %d pixel %d = %g, want %g", i, p, v, want)
					}
				}
			}
			if got := test.Image(2)[1]; got != float32(15)/255 {
				t.Errorf("test image 2 pixel 1 = %g", got)
			}
		})
	}
}

func TestLoadDirErrors(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  error
		msg   []string
	}{
		{"missing labels", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", "-idx1-ubyte.gz", 4, 5, 7, 2, true)
			writeSet(t, dir, "t10k", "-idx1-ubyte.gz", 2, 5, 7, 2, true)
			os.Remove(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
		}, ErrNotFound, []string{"t10k-labels"}},
		{"ambiguous", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", ".gz", 4, 5, 7, 2, true)
			writeSet(t, dir, "train", "", 4, 5, 7, 2, false)
			writeSet(t, dir, "t10k", "", 2, 5, 7, 2, false)
		}, ErrAmbiguous, []string{"train-images, train-images.gz"}},
		{"N mismatch", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", "", 4, 5, 7, 2, false)
			writeSet(t, dir, "t10k", "", 2, 5, 7, 2, false)
			if err := WriteIDX(filepath.Join(dir, "train-labels"), &IDX{Type: TypeU8, Dims: []int{5}, U8: make([]uint8, 5)}, false); err != nil {
				t.Fatal(err)
			}
		}, ErrMismatch, []string{"train-images", "4 images", "train-labels", "5 labels"}},
		{"size mismatch", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", "", 4, 5, 7, 2, false)
			writeSet(t, dir, "t10k", "", 2, 7, 5, 2, false)
		}, ErrMismatch, []string{"5x7", "7x5"}},
		{"labels not 1-D", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", "", 4, 5, 7, 2, false)
			writeSet(t, dir, "t10k", "", 2, 5, 7, 2, false)
			if err := WriteIDX(filepath.Join(dir, "t10k-labels"), &IDX{Type: TypeU8, Dims: []int{2, 1}, U8: make([]uint8, 2)}, false); err != nil {
				t.Fatal(err)
			}
		}, ErrMismatch, []string{"t10k-labels", "1 dimension"}},
		{"images not uint8", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", "", 4, 5, 7, 2, false)
			writeSet(t, dir, "t10k", "", 2, 5, 7, 2, false)
			if err := WriteIDX(filepath.Join(dir, "t10k-images"), &IDX{Type: TypeF32, Dims: []int{2, 5, 7}, F64: make([]float64, 70)}, false); err != nil {
				t.Fatal(err)
			}
		}, ErrMismatch, []string{"t10k-images", "float32"}},
		{"corrupt images", func(t *testing.T, dir string) {
			writeSet(t, dir, "train", "", 4, 5, 7, 2, false)
			writeSet(t, dir, "t10k", "", 2, 5, 7, 2, false)
			os.WriteFile(filepath.Join(dir, "train-images"), []byte{0, 0, 8, 3, 0, 0}, 0o644)
		}, ErrTruncated, []string{"train-images"}},
		{"no directory", func(t *testing.T, dir string) { os.Remove(dir) }, os.ErrNotExist, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			_, _, err := LoadDir(dir)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			for _, s := range tc.msg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestLoadPair(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, "x", ".idx", 3, 2, 2, 3, false)
	s, err := LoadPair(filepath.Join(dir, "x-images.idx"), filepath.Join(dir, "x-labels.idx"))
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.Classes != 3 || s.Dim() != 4 {
		t.Fatalf("%+v", s)
	}
	_, err = LoadPair(filepath.Join(dir, "x-images.idx"), filepath.Join(dir, "nope"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("got %v", err)
	}
}
