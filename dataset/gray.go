package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register the JPEG decoder
	_ "image/png"  // register the PNG decoder
	"io"
	"os"
)

// MaxImagePixels caps the width*height of an image LoadGray will decode
// (64 megapixels by default); larger images are refused with ErrTooLarge
// after reading only their header.
var MaxImagePixels int64 = 64 << 20

// ErrNotImage is wrapped by LoadGray's error for files that are empty or not
// PNG or JPEG images.
var ErrNotImage = errors.New("not a PNG or JPEG image")

// Gray is a grey-level image.
type Gray struct {
	W, H int
	// Pix holds H rows of W luminance values each, row-major, in [0,1]
	// (0 black, 1 white).
	Pix []float64
}

// At returns the luminance at column x, row y.
func (g *Gray) At(x, y int) float64 { return g.Pix[y*g.W+x] }

// LoadGray reads a PNG or JPEG file and converts it to luminance with the
// ITU-R BT.601 weights, Y = 0.299 R + 0.587 G + 0.114 B, on the gamma-encoded
// values as stored (this is also the Y that JPEG stores, which is used
// directly). Transparent pixels are composited over black (Go's
// alpha-premultiplied colours). 16-bit images keep their precision.
// The limits of DecodeGray apply.
func LoadGray(path string) (*Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("dataset: %s: %w: it is a directory", path, ErrNotImage)
	}
	return decodeGray(f, st.Size(), path)
}

// DecodeGray decodes a PNG or JPEG image held in memory as LoadGray does a
// file; name labels errors. Before decoding anything it reads the image's
// header and refuses, with ErrTooLarge, images of more than MaxImagePixels
// pixels and images whose pixels the data could not hold even at the best
// possible compression (MaxPixelsPerByte), so a small file claiming huge
// dimensions allocates nothing.
func DecodeGray(data []byte, name string) (*Gray, error) {
	return decodeGray(bytes.NewReader(data), int64(len(data)), name)
}

// MaxPixelsPerByte bounds the pixels an image file can hold per byte:
// deflate (PNG) expands at most 1032 times and a 1-bit PNG holds 8 pixels
// per byte, 8256 pixels per byte; a baseline or progressive JPEG spends at
// least one bit per 8x8 block, 512 pixels per byte. Images claiming more
// pixels than the format's factor times the file size (plus 64 Ki pixels)
// are truncated or lying, and refused before decoding.
var MaxPixelsPerByte = map[string]int64{"png": 8256, "jpeg": 512}

func decodeGray(r io.ReadSeeker, size int64, path string) (*Gray, error) {
	if size == 0 {
		return nil, fmt.Errorf("dataset: %s: %w: the file is empty", path, ErrNotImage)
	}
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, fmt.Errorf("dataset: %s: %w: unrecognised file format", path, ErrNotImage)
		}
		return nil, fmt.Errorf("dataset: %s: %w: bad header: %v", path, ErrNotImage, err)
	}
	if format != "png" && format != "jpeg" {
		return nil, fmt.Errorf("dataset: %s: %w: format %q", path, ErrNotImage, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("dataset: %s: %w: the image is %dx%d", path, ErrNotImage, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width) > MaxImagePixels/int64(cfg.Height) {
		return nil, fmt.Errorf("dataset: %s: %w: %dx%d pixels exceed MaxImagePixels = %d",
			path, ErrTooLarge, cfg.Width, cfg.Height, MaxImagePixels)
	}
	if k, ok := MaxPixelsPerByte[format]; ok && int64(cfg.Width)*int64(cfg.Height) > k*size+1<<16 {
		return nil, fmt.Errorf("dataset: %s: %w: a %s of %d bytes cannot hold %dx%d pixels (truncated or corrupt)",
			path, ErrTooLarge, format, size, cfg.Width, cfg.Height)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: decoding %s: %w", path, format, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("dataset: %s: %w: decoded %dx%d, header %dx%d", path, ErrNotImage, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	return toGray(img), nil
}

// toGray converts any image to luminance in [0,1] (BT.601 weights).
func toGray(img image.Image) *Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := &Gray{W: w, H: h, Pix: make([]float64, w*h)}
	switch m := img.(type) {
	case *image.Gray:
		bytesToGray(g, m.Pix, b, m.PixOffset)
	case *image.YCbCr:
		bytesToGray(g, m.Y, b, m.YOffset)
	default:
		for y := 0; y < h; y++ {
			out := g.Pix[y*w : (y+1)*w]
			for x := range out {
				out[x] = luma(m.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return g
}

// bytesToGray fills g with 8-bit luminance samples over 255: the row of
// bounds b at image y starts at pix[offset(b.Min.X, y)].
func bytesToGray(g *Gray, pix []uint8, b image.Rectangle, offset func(x, y int) int) {
	for y := 0; y < g.H; y++ {
		o := offset(b.Min.X, b.Min.Y+y)
		out := g.Pix[y*g.W : (y+1)*g.W]
		for x, v := range pix[o : o+g.W] {
			out[x] = float64(v) / 255
		}
	}
}

// luma returns the BT.601 luminance of c in [0,1].
func luma(c color.Color) float64 {
	r, gr, bl, _ := c.RGBA()
	return min((0.299*float64(r)+0.587*float64(gr)+0.114*float64(bl))/0xffff, 1)
}
