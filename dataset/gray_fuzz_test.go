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
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func encodePNG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// claimPNG is pngClaiming for any testing.TB.
func claimPNG(t testing.TB, w, h uint32) []byte {
	b := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// jpegClaiming returns a small valid JPEG whose SOF0 header is patched to
// claim w x h pixels.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	b := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 8, 8)))
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	// marker, length (2), precision (1), height (2), width (2)
	b[i+5], b[i+6] = byte(h>>8), byte(h)
	b[i+7], b[i+8] = byte(w>>8), byte(w)
	return b
}

// TestDecodeGrayRefusesSmallLiars: a file of a few hundred bytes whose
// header claims 8000x8000 pixels (under MaxImagePixels) is refused from
// its header, allocating next to nothing, where decoding would first
// allocate the whole image (64 to 512 MB).
func TestDecodeGrayRefusesSmallLiars(t *testing.T) {
	for name, b := range map[string][]byte{
		"png":  pngClaiming(t, 8000, 8000),
		"jpeg": jpegClaiming(t, 8000, 8000),
	} {
		var err error
		n := allocated(func() { _, err = DecodeGray(b, name+" liar") })
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "8000x8000") || !strings.Contains(err.Error(), "cannot hold") {
			t.Errorf("%s (%d bytes): %v", name, len(b), err)
		}
		if n > 1<<20 {
			t.Errorf("%s: allocated %d bytes", name, n)
		}
		t.Log(err)
	}
	// Real images, even highly compressible ones, are not refused: a
	// 1000x1000 black PNG (a few hundred bytes) and JPEG, and a 1-bit
	// 2000x2000 black PNG (8 pixels per byte before deflate: 588 bytes,
	// 6800 pixels per byte, near the bound of 8256).
	black := image.NewGray(image.Rect(0, 0, 1000, 1000))
	pal := image.NewPaletted(image.Rect(0, 0, 2000, 2000), color.Palette{color.Black, color.White})
	for name, b := range map[string][]byte{"png": encodePNG(t, black), "jpeg": encodeJPEG(t, black), "1-bit png": encodePNG(t, pal)} {
		g, err := DecodeGray(b, name)
		if err != nil || g.W*g.H != len(g.Pix) || g.W < 1000 {
			t.Errorf("%s of %d bytes: %v", name, len(b), err)
		}
	}
}

func TestDecodeGrayMatchesLoadGray(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 9, 7))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	for _, b := range [][]byte{encodePNG(t, img), encodeJPEG(t, img)} {
		path := filepath.Join(t.TempDir(), "x")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		a, err1 := LoadGray(path)
		g, err2 := DecodeGray(b, "x")
		if err1 != nil || err2 != nil || a.W != g.W || a.H != g.H {
			t.Fatalf("LoadGray %v, DecodeGray %v", err1, err2)
		}
		for i := range a.Pix {
			if a.Pix[i] != g.Pix[i] {
				t.Fatalf("pixel %d: %v vs %v", i, a.Pix[i], g.Pix[i])
			}
		}
	}
	if _, err := DecodeGray(nil, "empty"); !errors.Is(err, ErrNotImage) {
		t.Errorf("empty: %v", err)
	}
}

// FuzzDecodeGray feeds arbitrary bytes through the image decoder path
// (header check, PNG/JPEG decoding, conversion to luminance). It must not
// panic; an image is returned only within the size limits, with every
// pixel in [0, 1]; refused headers wrap ErrNotImage or ErrTooLarge. The
// pixel cap is lowered to 1 Mi pixels so that fuzzing stays within memory.
func FuzzDecodeGray(f *testing.F) {
	rgba := image.NewNRGBA(image.Rect(0, 0, 5, 4))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 13)
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 3, 2))
	gray16.Pix[1] = 0xff
	pal := image.NewPaletted(image.Rect(0, 0, 6, 3), color.Palette{color.Black, color.White, color.RGBA{255, 0, 0, 128}})
	pal.Pix[4] = 2
	for _, b := range [][]byte{
		encodePNG(f, rgba), encodePNG(f, gray16), encodePNG(f, pal),
		encodePNG(f, image.NewGray(image.Rect(0, 0, 1, 1))),
		encodeJPEG(f, rgba), encodeJPEG(f, image.NewGray(image.Rect(0, 0, 9, 9))),
		claimPNG(f, 100000, 100000),
		[]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		[]byte("\x89PNG\r\n\x1a\n"),
		{},
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		old := MaxImagePixels
		MaxImagePixels = 1 << 20
		defer func() { MaxImagePixels = old }()
		g, err := DecodeGray(data, "fuzz")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		if g.W < 1 || g.H < 1 || int64(g.W)*int64(g.H) > MaxImagePixels || len(g.Pix) != g.W*g.H {
			t.Fatalf("decoded %dx%d with %d pixels", g.W, g.H, len(g.Pix))
		}
		for _, v := range g.Pix {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel %v outside [0, 1]", v)
			}
		}
	})
}
