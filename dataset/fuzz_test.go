package dataset

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
)

// sentinels are the errors DecodeIDX may wrap; every failure must wrap one.
var sentinels = []error{ErrBadMagic, ErrBadType, ErrBadDims, ErrTooLarge, ErrTruncated, ErrTrailingData, ErrCorrupt}

func sentinelOf(err error) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// FuzzDecodeIDX checks that decoding never panics, that every error wraps a
// sentinel, that the result does not depend on whether the reader reveals its
// length, and that a successful decode survives re-encoding: decoding the
// re-encoded bytes gives the same value, and for raw input (other than
// float32, whose NaN payloads may be quieted) the very same bytes.
func FuzzDecodeIDX(f *testing.F) {
	f.Add(rawIDX(0x08, []uint32{2, 2}, []byte{0, 1, 254, 255}))
	f.Add(rawIDX(0x09, []uint32{3}, []byte{0x80, 0, 0x7f}))
	f.Add(rawIDX(0x0B, []uint32{1, 2}, []byte{0x80, 0, 0x12, 0x34}))
	f.Add(rawIDX(0x0C, []uint32{1}, []byte{0xff, 0xff, 0xff, 0xfe}))
	f.Add(rawIDX(0x0D, []uint32{2}, []byte{0x7f, 0xc0, 0, 0, 0x3f, 0x80, 0, 0}))
	f.Add(rawIDX(0x0E, []uint32{1}, []byte{0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18}))
	f.Add(gzipBytes(f, rawIDX(0x08, []uint32{3}, []byte{7, 8, 9})))
	f.Add(gzipBytes(f, rawIDX(0x0C, []uint32{1, 1}, []byte{0, 0, 1, 0})))
	f.Add(rawIDX(0x08, []uint32{4}, []byte{1, 2}))          // truncated
	f.Add(rawIDX(0x08, []uint32{1}, []byte{1, 2}))          // trailing
	f.Add(rawIDX(0x08, []uint32{1 << 31, 28, 28}, nil))     // too large
	f.Add(rawIDX(0x08, []uint32{1, 0}, nil))                // zero dimension
	f.Add([]byte{1, 0, 8, 1, 0, 0, 0, 1, 0})                // bad magic
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3}) // broken gzip
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := DecodeIDX(bytes.NewReader(data), "fuzz")
		y, err2 := DecodeIDX(io.MultiReader(bytes.NewReader(data)), "fuzz")
		// The header reader the memory budget uses (ReadIDXHeader) agrees
		// with the full decoder: what it accepts has the decoded type and
		// dimensions, and what it refuses the decoder refuses too.
		ht, hd, herr := decodeIDXHeader(bytes.NewReader(data), "fuzz")
		if herr != nil && err == nil {
			t.Fatalf("header refused (%v) but the file decodes", herr)
		}
		if err == nil && (ht != x.Type || !slices.Equal(hd, x.Dims)) {
			t.Fatalf("header says %v %v, the data %v %v", ht, hd, x.Type, x.Dims)
		}
		if (err == nil) != (err2 == nil) {
			t.Fatalf("known length: %v; unknown length: %v", err, err2)
		}
		if err != nil {
			if s := sentinelOf(err); s == nil || s != sentinelOf(err2) {
				t.Fatalf("errors %q and %q do not wrap the same sentinel", err, err2)
			}
			return
		}
		if !sameIDX(x, y) {
			t.Fatalf("known vs unknown length decode differently: %+v vs %+v", x, y)
		}
		var buf bytes.Buffer
		if err := EncodeIDX(&buf, x); err != nil {
			t.Fatalf("re-encoding %+v: %v", x, err)
		}
		z, err := DecodeIDX(bytes.NewReader(buf.Bytes()), "re-encoded")
		if err != nil {
			t.Fatalf("decoding the re-encoded value: %v", err)
		}
		if !sameIDX(x, z) {
			t.Fatalf("round trip changed the value: %+v became %+v", x, z)
		}
		isGzip := len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b
		if !isGzip && x.Type != TypeF32 && !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("re-encoding changed the bytes:\n% x\n% x", data, buf.Bytes())
		}
	})
}
