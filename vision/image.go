package vision

import (
	"bytes"
	_ "embed" // the built-in image
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register the JPEG decoder
	_ "image/png"  // register the PNG decoder

	"github.com/mrelu/mrelu/dataset"
)

// DefaultImageName names the built-in image in reports.
const DefaultImageName = "camera-160.png"

//go:embed camera-160.png
var cameraPNG []byte

// DefaultImagePNG returns the bytes of the built-in 160x160 grayscale PNG:
// the "camera" photograph from scikit-image's sample data (by Lav
// Varshney, CC0), centre-cropped and resized to 160x160 (the paper's
// Fig. 5 uses a real 160x160 photograph).
func DefaultImagePNG() []byte { return append([]byte(nil), cameraPNG...) }

// DefaultImage returns the built-in image (DefaultImagePNG) as grey
// levels in [0, 1].
func DefaultImage() *dataset.Gray {
	g, err := DecodeGray(cameraPNG)
	if err != nil {
		panic("vision: the built-in image does not decode: " + err.Error())
	}
	return g
}

// DecodeGray decodes a PNG or JPEG held in memory into grey levels in
// [0, 1] with the ITU-R BT.601 weights, as dataset.LoadGray does for
// files (8-bit grey and JPEG luma are used as stored).
func DecodeGray(data []byte) (*dataset.Gray, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("vision: %w: %v", dataset.ErrNotImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width) > dataset.MaxImagePixels/int64(cfg.Height) {
		return nil, fmt.Errorf("vision: %w: %dx%d pixels", dataset.ErrNotImage, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("vision: decode image: %w", err)
	}
	b := img.Bounds()
	g := &dataset.Gray{W: b.Dx(), H: b.Dy(), Pix: make([]float64, b.Dx()*b.Dy())}
	for y := 0; y < g.H; y++ {
		row := g.Pix[y*g.W : (y+1)*g.W]
		switch m := img.(type) {
		case *image.Gray:
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x, v := range m.Pix[o : o+g.W] {
				row[x] = float64(v) / 255
			}
		case *image.YCbCr:
			o := m.YOffset(b.Min.X, b.Min.Y+y)
			for x, v := range m.Y[o : o+g.W] {
				row[x] = float64(v) / 255
			}
		default:
			for x := range row {
				row[x] = luma(m.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return g, nil
}

// luma is the BT.601 luminance of c in [0, 1] (alpha-premultiplied, so
// transparent pixels count as black).
func luma(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return min((0.299*float64(r)+0.587*float64(g)+0.114*float64(b))/0xffff, 1)
}
