package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReadIDXHeader: the header alone gives the shape (gzip or raw), and a
// header ReadIDX would refuse is refused with the same sentinel, without
// reading the data.
func TestReadIDXHeader(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte, gz bool) string {
		if gz {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(b)
			zw.Close()
			b = z.Bytes()
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hdr := []byte{0, 0, 8, 3, 0, 0x14, 0xe3, 0xa8, 0, 0, 0, 28, 0, 0, 0, 28} // 1,369,000 x 28 x 28
	for _, gz := range []bool{false, true} {
		p := write("h", hdr, gz)
		typ, dims, err := ReadIDXHeader(p)
		if err != nil || typ != TypeU8 || len(dims) != 3 || dims[0] != 1369000 || dims[1] != 28 || dims[2] != 28 {
			t.Errorf("gzip %v: %v %v %v", gz, typ, dims, err)
		}
	}
	for _, c := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"magic", []byte{1, 0, 8, 1, 0, 0, 0, 1}, ErrBadMagic},
		{"type", []byte{0, 0, 7, 1, 0, 0, 0, 1}, ErrBadType},
		{"dims", []byte{0, 0, 8, 0}, ErrBadDims},
		{"short dims", []byte{0, 0, 8, 3, 0, 0}, ErrTruncated},
		{"over MaxIDXBytes", []byte{0, 0, 8, 3, 0x7f, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28}, ErrTooLarge},
	} {
		if _, _, err := ReadIDXHeader(write(c.name, c.b, true)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestGatherBytesEqualsFloat32: a byte set and its float32 copy give the
// same minibatches, images and Float32s, bit for bit.
func TestGatherBytesEqualsFloat32(t *testing.T) {
	b := &Set{N: 5, Rows: 3, Cols: 7, Pixels: make([]uint8, 5*21), Labels: make([]uint8, 5)}
	for i := range b.Pixels {
		b.Pixels[i] = uint8(i * 53)
	}
	f := *b
	f.Pixels, f.Images = nil, b.Float32s(b.N, 0)
	for k, v := range f.Images {
		if v != float32(b.Pixels[k])/255 {
			t.Fatalf("Float32s[%d] = %g", k, v)
		}
	}
	idx := []int{4, 0, 2, 2}
	g1, g2 := make([]float32, len(idx)*21), make([]float32, len(idx)*21)
	b.Gather(g1, idx)
	f.Gather(g2, idx)
	for k := range g1 {
		if g1[k] != g2[k] {
			t.Fatalf("gather %d: %g vs %g", k, g1[k], g2[k])
		}
	}
	for i := range b.N {
		x, y := b.Image(i), f.Image(i)
		for k := range x {
			if x[k] != y[k] {
				t.Fatalf("image %d pixel %d", i, k)
			}
		}
	}
	if got := b.Float32s(2, 100); len(got) != 42 || cap(got) != 100 {
		t.Errorf("Float32s(2, 100): len %d cap %d", len(got), cap(got))
	}
}
