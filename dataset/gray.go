package dataset

import (
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
	if st.Size() == 0 {
		return nil, fmt.Errorf("dataset: %s: %w: the file is empty", path, ErrNotImage)
	}
	cfg, format, err := image.DecodeConfig(f)
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
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: decoding %s: %w", path, format, err)
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
		for y := 0; y < h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			row := m.Pix[o : o+w]
			out := g.Pix[y*w : (y+1)*w]
			for x, v := range row {
				out[x] = float64(v) / 255
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			o := m.YOffset(b.Min.X, b.Min.Y+y)
			row := m.Y[o : o+w]
			out := g.Pix[y*w : (y+1)*w]
			for x, v := range row {
				out[x] = float64(v) / 255
			}
		}
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

// luma returns the BT.601 luminance of c in [0,1].
func luma(c color.Color) float64 {
	r, gr, bl, _ := c.RGBA()
	return min((0.299*float64(r)+0.587*float64(gr)+0.114*float64(bl))/0xffff, 1)
}
