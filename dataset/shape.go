package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
)

// ReadIDXHeader reads only the header of an IDX file (gzip-compressed or
// raw): its element type and dimensions, as ReadIDX would find them, without
// reading or allocating the data. A header that ReadIDX would refuse
// (bad magic, type, dimensions, or more than MaxIDXBytes) gives the same
// error.
func ReadIDXHeader(path string) (DataType, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	return decodeIDXHeader(f, path)
}

func decodeIDXHeader(r io.Reader, name string) (DataType, []int, error) {
	d := &decoder{name: name}
	br := bufio.NewReaderSize(r, 512)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		if err == io.EOF {
			return 0, nil, fmt.Errorf("dataset: %s: %w: the file is empty", name, ErrTruncated)
		}
		return 0, nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	var src io.Reader = br
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return 0, nil, fmt.Errorf("dataset: %s: %w: gzip header cut short", name, ErrTruncated)
			}
			return 0, nil, fmt.Errorf("dataset: %s: %w: %w", name, ErrCorrupt, err)
		}
		defer zr.Close()
		d.gz = true
		src = zr
	}
	var hdr [4 + 4*MaxIDXDims]byte
	if n, err := io.ReadFull(src, hdr[:4]); err != nil {
		return 0, nil, d.readErr("the 4-byte magic number", 4, int64(n), err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return 0, nil, fmt.Errorf("dataset: %s: %w: got 0x%02x 0x%02x", name, ErrBadMagic, hdr[0], hdr[1])
	}
	t := DataType(hdr[2])
	if !t.Valid() {
		return 0, nil, fmt.Errorf("dataset: %s: %w: type byte 0x%02x (want one of 08 09 0b 0c 0d 0e)", name, ErrBadType, hdr[2])
	}
	nd := int(hdr[3])
	if nd == 0 || nd > MaxIDXDims {
		return 0, nil, fmt.Errorf("dataset: %s: %w: %d dimensions (want 1 to %d)", name, ErrBadDims, nd, MaxIDXDims)
	}
	if n, err := io.ReadFull(src, hdr[4:4+4*nd]); err != nil {
		return 0, nil, d.readErr(fmt.Sprintf("the sizes of %d dimensions", nd), int64(4*nd), int64(n), err)
	}
	dims := make([]int, nd)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(hdr[4+4*i:]))
	}
	if _, err := checkShape(name, t, dims); err != nil {
		return 0, nil, err
	}
	return t, dims, nil
}

// Shape is the size of a training and test set as their files' headers
// declare it: what a run will hold in memory, known before loading.
type Shape struct {
	TrainN, TestN int
	Rows, Cols    int
	// TrainImages and TestImages are the images files the shape comes from.
	TrainImages, TestImages string
}

// Dim is the number of pixels of an image, Rows*Cols.
func (s Shape) Dim() int { return s.Rows * s.Cols }

// ReadShape reads the headers of the images files in dir (see FindFiles for
// the names) without loading the data. It refuses what LoadDir would
// refuse from the headers alone: files that are not 3-D uint8 images,
// headers beyond MaxIDXBytes, and train and test images of different sizes.
func ReadShape(dir string) (Shape, error) {
	files, err := FindFiles(dir)
	if err != nil {
		return Shape{}, err
	}
	var sh [2]struct{ n, rows, cols int }
	for k, path := range []string{files[0], files[2]} {
		t, dims, err := ReadIDXHeader(path)
		if err != nil {
			return Shape{}, err
		}
		if t != TypeU8 || len(dims) != 3 {
			return Shape{}, fmt.Errorf("dataset: %s: %w: an images file must hold uint8 data with 3 dimensions (N, rows, cols), this one has %s data with dimensions %v",
				path, ErrMismatch, t, dims)
		}
		sh[k].n, sh[k].rows, sh[k].cols = dims[0], dims[1], dims[2]
	}
	if sh[0].rows != sh[1].rows || sh[0].cols != sh[1].cols {
		return Shape{}, fmt.Errorf("dataset: %w: training images (%s) are %dx%d but test images (%s) are %dx%d",
			ErrMismatch, files[0], sh[0].rows, sh[0].cols, files[2], sh[1].rows, sh[1].cols)
	}
	return Shape{TrainN: sh[0].n, TestN: sh[1].n, Rows: sh[0].rows, Cols: sh[0].cols,
		TrainImages: files[0], TestImages: files[2]}, nil
}

// ImageSize returns the width and height that a PNG or JPEG file's header
// declares, reading only the header. ok is false when the file is not a
// regular file (a pipe or device cannot be read twice) or its header is
// not understood; LoadGray then reports the problem when it loads it.
func ImageSize(path string) (w, h int, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return 0, 0, false
	}
	cfg, _, err := image.DecodeConfig(bufio.NewReaderSize(f, 4096))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}
