package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeImage(t *testing.T, path string, img image.Image, format string) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100})
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadGray(t *testing.T) {
	// A 4x3 image: row 0 black, white, red, green; row 1 blue, grey; row 2 half-transparent white.
	rgba := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	for y := 0; y < 3; y++ {
		for x := 0; x < 4; x++ {
			rgba.Set(x, y, color.NRGBA{128, 128, 128, 255})
		}
	}
	rgba.Set(0, 0, color.NRGBA{0, 0, 0, 255})
	rgba.Set(1, 0, color.NRGBA{255, 255, 255, 255})
	rgba.Set(2, 0, color.NRGBA{255, 0, 0, 255})
	rgba.Set(3, 0, color.NRGBA{0, 255, 0, 255})
	rgba.Set(0, 1, color.NRGBA{0, 0, 255, 255})
	rgba.Set(0, 2, color.NRGBA{255, 255, 255, 0})
	wantRGB := map[[2]int]float64{
		{0, 0}: 0, {1, 0}: 1, {2, 0}: 0.299, {3, 0}: 0.587, {0, 1}: 0.114, {1, 1}: 128.0 / 255, {0, 2}: 0,
	}

	gray := image.NewGray(image.Rect(0, 0, 5, 2))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 25)
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 2, 1))
	gray16.SetGray16(0, 0, color.Gray16{Y: 1})
	gray16.SetGray16(1, 0, color.Gray16{Y: 65535})

	// Flat-coloured images survive JPEG almost exactly.
	flat := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for i := 0; i < len(flat.Pix); i += 4 {
		copy(flat.Pix[i:], []uint8{200, 100, 50, 255})
	}
	flatY := (0.299*200 + 0.587*100 + 0.114*50) / 255

	dir := t.TempDir()
	cases := []struct {
		name   string
		img    image.Image
		format string
		w, h   int
		want   map[[2]int]float64
		tol    float64
	}{
		{"rgba png", rgba, "png", 4, 3, wantRGB, 1e-9},
		{"gray png", gray, "png", 5, 2, map[[2]int]float64{{0, 0}: 0, {4, 0}: 100.0 / 255, {2, 1}: 175.0 / 255}, 1e-12},
		{"gray16 png", gray16, "png", 2, 1, map[[2]int]float64{{0, 0}: 1.0 / 65535, {1, 0}: 1}, 1e-12},
		{"gray jpeg", gray, "jpeg", 5, 2, map[[2]int]float64{{0, 0}: 0, {2, 1}: 175.0 / 255}, 0.05},
		{"colour jpeg", flat, "jpeg", 16, 8, map[[2]int]float64{{0, 0}: flatY, {15, 7}: flatY, {7, 3}: flatY}, 2.0 / 255},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "."))
			writeImage(t, path, tc.img, tc.format)
			g, err := LoadGray(path)
			if err != nil {
				t.Fatal(err)
			}
			if g.W != tc.w || g.H != tc.h || len(g.Pix) != tc.w*tc.h {
				t.Fatalf("got %dx%d with %d pixels", g.W, g.H, len(g.Pix))
			}
			for _, v := range g.Pix {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("pixel %g outside [0,1]", v)
				}
			}
			for xy, want := range tc.want {
				if got := g.At(xy[0], xy[1]); math.Abs(got-want) > tc.tol {
					t.Errorf("pixel %v = %.6f, want %.6f", xy, got, want)
				}
			}
		})
	}
}

// pngClaiming returns a valid 1x1 PNG whose header is patched to claim w x h
// pixels (with a correct checksum), so only its header is believable.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestLoadGrayErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var gif bytes.Buffer
	gif.WriteString("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	var goodPNG bytes.Buffer
	png.Encode(&goodPNG, image.NewGray(image.Rect(0, 0, 8, 8)))

	cases := []struct {
		name string
		path string
		want error
		msg  string
	}{
		{"missing", filepath.Join(dir, "nope.png"), os.ErrNotExist, "nope.png"},
		{"empty", write("empty.png", nil), ErrNotImage, "empty"},
		{"garbage", write("garbage.jpg", []byte("this is not an image at all")), ErrNotImage, "garbage.jpg"},
		{"directory", dir, ErrNotImage, "directory"},
		{"truncated png", write("cut.png", goodPNG.Bytes()[:goodPNG.Len()-20]), nil, "cut.png"},
		{"huge claim", write("huge.png", pngClaiming(t, 100000, 100000)), ErrTooLarge, "100000x100000"},
		{"gif", write("a.gif", gif.Bytes()), ErrNotImage, "a.gif"},
		{"idx file", write("data.idx", rawIDX(8, []uint32{1}, []byte{1})), ErrNotImage, "data.idx"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = LoadGray(tc.path) })
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
			t.Log(err)
			if n > 4<<20 {
				t.Errorf("allocated %d bytes", n)
			}
		})
	}

	old := MaxImagePixels
	defer func() { MaxImagePixels = old }()
	MaxImagePixels = 63
	p := write("eight.png", goodPNG.Bytes())
	if _, err := LoadGray(p); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("8x8 with MaxImagePixels 63: got %v", err)
	}
	MaxImagePixels = 64
	if _, err := LoadGray(p); err != nil {
		t.Fatalf("8x8 with MaxImagePixels 64: %v", err)
	}
}
