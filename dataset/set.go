package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Errors for labelled sets and directories (test with errors.Is).
var (
	ErrMismatch  = errors.New("mismatched data")
	ErrNotFound  = errors.New("data file not found")
	ErrAmbiguous = errors.New("ambiguous data files")
)

// Set is a labelled image set such as MNIST's training or test half.
//
// The pixels are held in one of two forms: Pixels (one byte per pixel, the
// file's bytes; a pixel's value is Pixels[k]/255, so in [0,1]), which is how
// LoadPair and LoadDir keep a data set (a quarter of the memory), or Images
// (float32 values, any range), for sets built in memory. Gather, CopyImage,
// Image and Float32s read either, converting bytes with PixelValue.
type Set struct {
	N, Rows, Cols int
	// Images holds N images of Rows*Cols pixels each, row-major within an
	// image, image after image, as float32 values; nil when Pixels holds
	// the set.
	Images []float32
	// Pixels holds the images as bytes in the same order; pixel value =
	// Pixels[k]/255 (PixelValue). When set, it is used instead of Images.
	Pixels []uint8
	// Labels holds N class labels.
	Labels []uint8
	// Classes is the number of classes: the largest label plus one (LoadDir
	// makes it the same for train and test).
	Classes int
}

// pixelScale[v] is float32(v)/255: the value of pixel byte v.
var pixelScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()

// PixelValue returns the value of a pixel byte, float32(v)/255.
func PixelValue(v uint8) float32 { return pixelScale[v] }

// Dim returns the number of pixels in one image, Rows*Cols.
func (s *Set) Dim() int { return s.Rows * s.Cols }

// Image returns image i as Dim() values: a slice of Images (not a copy)
// for a float32 set, a new converted slice for a byte set.
func (s *Set) Image(i int) []float32 {
	d := s.Dim()
	if s.Pixels != nil {
		out := make([]float32, d)
		s.CopyImage(out, i)
		return out
	}
	return s.Images[i*d : (i+1)*d : (i+1)*d]
}

// CopyImage writes image i into dst[:Dim()].
func (s *Set) CopyImage(dst []float32, i int) {
	d := s.Dim()
	dst = dst[:d]
	if s.Pixels != nil {
		pixelsToFloat32(dst, s.Pixels[i*d:(i+1)*d])
		return
	}
	copy(dst, s.Images[i*d:(i+1)*d])
}

// Gather writes the images idx, one after another, into dst (which must
// hold len(idx)*Dim() values): a minibatch. Bytes are converted as they are
// copied, so a byte set never exists as float32 as a whole.
func (s *Set) Gather(dst []float32, idx []int) {
	d := s.Dim()
	for r, i := range idx {
		if s.Pixels != nil && r+prefetchAhead < len(idx) {
			j := idx[r+prefetchAhead]
			prefetch(s.Pixels[j*d : (j+1)*d])
		}
		s.CopyImage(dst[r*d:(r+1)*d], i)
	}
}

// prefetchAhead is how many images ahead Gather asks for a byte set's
// pixels to be brought into the cache.
const prefetchAhead = 4

// Float32s returns the first n images as float32 values (n*Dim() values):
// a slice of Images for a float32 set, a new converted slice of capacity
// capacity (at least n*Dim()) for a byte set.
func (s *Set) Float32s(n, capacity int) []float32 {
	d := s.Dim()
	if s.Pixels == nil {
		return s.Images[:n*d]
	}
	out := make([]float32, n*d, max(capacity, n*d))
	pixelsToFloat32(out, s.Pixels[:n*d])
	return out
}

// pixelsToFloat32Go writes the values of the pixel bytes src into dst
// through the table; pixelsToFloat32 (pixels_amd64.go, pixels_other.go)
// uses AVX-512 where it can and this for the rest.
func pixelsToFloat32Go(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	for k := range src {
		dst[k] = pixelScale[src[k]]
	}
}

// LoadPair loads an images IDX file (uint8, 3-D: N, rows, cols) and a labels
// IDX file (uint8, 1-D: N) into a Set. Both may be gzip-compressed.
func LoadPair(imagesPath, labelsPath string) (*Set, error) {
	var img, lab *IDX
	var errImg, errLab error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		lab, errLab = ReadIDX(labelsPath)
	}()
	img, errImg = ReadIDX(imagesPath)
	wg.Wait()
	if errImg != nil {
		return nil, errImg
	}
	if errLab != nil {
		return nil, errLab
	}
	return pairFromIDX(img, imagesPath, lab, labelsPath)
}

func pairFromIDX(img *IDX, imagesPath string, lab *IDX, labelsPath string) (*Set, error) {
	if img.Type != TypeU8 || len(img.Dims) != 3 {
		return nil, fmt.Errorf("dataset: %s: %w: an images file must hold uint8 data with 3 dimensions (N, rows, cols), this one has %s data with dimensions %v",
			imagesPath, ErrMismatch, img.Type, img.Dims)
	}
	if lab.Type != TypeU8 || len(lab.Dims) != 1 {
		return nil, fmt.Errorf("dataset: %s: %w: a labels file must hold uint8 data with 1 dimension (N), this one has %s data with dimensions %v",
			labelsPath, ErrMismatch, lab.Type, lab.Dims)
	}
	n, rows, cols := img.Dims[0], img.Dims[1], img.Dims[2]
	if lab.Dims[0] != n {
		return nil, fmt.Errorf("dataset: %w: %s holds %d images but %s holds %d labels",
			ErrMismatch, imagesPath, n, labelsPath, lab.Dims[0])
	}
	maxLabel := 0
	for _, l := range lab.U8 {
		maxLabel = max(maxLabel, int(l))
	}
	return &Set{N: n, Rows: rows, Cols: cols, Pixels: img.U8, Labels: lab.U8, Classes: maxLabel + 1}, nil
}

// dirRoles are the file-name prefixes LoadDir looks for.
var dirRoles = [4]string{"train-images", "train-labels", "t10k-images", "t10k-labels"}

// FindFiles returns the paths of the four MNIST-style files in dir, in the
// order train images, train labels, test images, test labels. A file is
// matched by its name prefix: "train-images", "train-labels",
// "t10k-images", "t10k-labels" (so both train-images-idx3-ubyte.gz and
// train-images.idx3-ubyte match). Hidden files (starting with a dot) are
// ignored. It fails if a role has no file or more than one.
func FindFiles(dir string) ([4]string, error) {
	var out [4]string
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out, fmt.Errorf("dataset: %w", err)
	}
	var found [4][]string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || e.IsDir() {
			continue
		}
		for i, p := range dirRoles {
			if strings.HasPrefix(name, p) {
				found[i] = append(found[i], name)
			}
		}
	}
	for i, names := range found {
		switch len(names) {
		case 0:
			return out, fmt.Errorf("dataset: %s: %w: no %s* file (expected e.g. %s-idx%d-ubyte.gz)",
				dir, ErrNotFound, dirRoles[i], dirRoles[i], 3-2*(i%2))
		case 1:
			out[i] = filepath.Join(dir, names[0])
		default:
			sort.Strings(names)
			return out, fmt.Errorf("dataset: %s: %w: several %s* files: %s (keep one)",
				dir, ErrAmbiguous, dirRoles[i], strings.Join(names, ", "))
		}
	}
	return out, nil
}

// LoadDir loads MNIST-style train and test sets from dir (see FindFiles for
// the file names). The images may have any size, but train and test must
// share it. Both sets get the same Classes, the larger of the two.
func LoadDir(dir string) (train, test *Set, err error) {
	files, err := FindFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	var errTrain error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		train, errTrain = LoadPair(files[0], files[1])
	}()
	test, err = LoadPair(files[2], files[3])
	wg.Wait()
	if errTrain != nil {
		return nil, nil, errTrain
	}
	if err != nil {
		return nil, nil, err
	}
	if train.Rows != test.Rows || train.Cols != test.Cols {
		return nil, nil, fmt.Errorf("dataset: %w: training images (%s) are %dx%d but test images (%s) are %dx%d",
			ErrMismatch, files[0], train.Rows, train.Cols, files[2], test.Rows, test.Cols)
	}
	c := max(train.Classes, test.Classes)
	train.Classes, test.Classes = c, c
	return train, test, nil
}

// CopyRange writes the images lo..hi−1, one after another, into
// dst[:(hi−lo)·Dim()], converting a byte set's pixels in one pass.
func (s *Set) CopyRange(dst []float32, lo, hi int) {
	d := s.Dim()
	dst = dst[:(hi-lo)*d]
	if s.Pixels != nil {
		pixelsToFloat32(dst, s.Pixels[lo*d:hi*d])
		return
	}
	copy(dst, s.Images[lo*d:hi*d])
}
