package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// rawIDX builds an IDX stream by hand: header from the arguments, then data.
func rawIDX(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sameIDX reports whether two IDX values hold the same type, shape and
// elements (NaNs compare equal to NaNs).
func sameIDX(a, b *IDX) bool {
	if a.Type != b.Type || len(a.Dims) != len(b.Dims) || a.Len() != b.Len() {
		return false
	}
	for i := range a.Dims {
		if a.Dims[i] != b.Dims[i] {
			return false
		}
	}
	for i := 0; i < a.Len(); i++ {
		x, y := a.At(i), b.At(i)
		if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
			return false
		}
		if x == 0 && math.Signbit(x) != math.Signbit(y) {
			return false
		}
	}
	return true
}

func roundTripCases() []struct {
	name string
	x    *IDX
} {
	return []struct {
		name string
		x    *IDX
	}{
		{"u8", &IDX{Type: TypeU8, Dims: []int{2, 3}, U8: []uint8{0, 1, 127, 128, 254, 255}}},
		{"u8-from-f64", &IDX{Type: TypeU8, Dims: []int{3}, F64: []float64{0, 17, 255}}},
		{"i8", &IDX{Type: TypeI8, Dims: []int{4}, F64: []float64{-128, -1, 0, 127}}},
		{"i16", &IDX{Type: TypeI16, Dims: []int{2, 2}, F64: []float64{-32768, -300, 300, 32767}}},
		{"i32", &IDX{Type: TypeI32, Dims: []int{1, 1, 5}, F64: []float64{math.MinInt32, -70000, 0, 70000, math.MaxInt32}}},
		{"f32", &IDX{Type: TypeF32, Dims: []int{6}, F64: []float64{0, math.Copysign(0, -1), 0.5, -0.125, float64(float32(math.Pi)), math.Inf(1)}}},
		{"f32-nan", &IDX{Type: TypeF32, Dims: []int{1}, F64: []float64{math.NaN()}}},
		{"f64", &IDX{Type: TypeF64, Dims: []int{2, 1, 2}, F64: []float64{math.Pi, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(-1)}}},
		{"8-dims", &IDX{Type: TypeI16, Dims: []int{1, 2, 1, 1, 1, 1, 1, 2}, F64: []float64{1, 2, 3, 4}}},
		{"big-u8", &IDX{Type: TypeU8, Dims: []int{70000}, U8: bytes.Repeat([]byte{1, 2, 3, 250, 0}, 14000)}},
		{"big-f64", &IDX{Type: TypeF64, Dims: []int{10000}, F64: make([]float64, 10000)}},
	}
}

func TestIDXRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range roundTripCases() {
		for _, compress := range []bool{false, true} {
			name := tc.name
			if compress {
				name += "-gz"
			}
			t.Run(name, func(t *testing.T) {
				// Through a file.
				path := filepath.Join(dir, name)
				if err := WriteIDX(path, tc.x, compress); err != nil {
					t.Fatal(err)
				}
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if isGz := len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b; isGz != compress {
					t.Fatalf("gzip magic present = %v, want %v", isGz, compress)
				}
				got, err := ReadIDX(path)
				if err != nil {
					t.Fatal(err)
				}
				if !sameIDX(tc.x, got) {
					t.Fatalf("ReadIDX after WriteIDX: got %+v, want %+v", got, tc.x)
				}
				if (got.Type == TypeU8) != (got.U8 != nil) || (got.Type != TypeU8) != (got.F64 != nil) {
					t.Fatalf("storage: type %s with U8 %v, F64 %v", got.Type, got.U8 != nil, got.F64 != nil)
				}
				// Through a stream that hides its length.
				got, err = DecodeIDX(io.MultiReader(bytes.NewReader(raw)), "stream")
				if err != nil {
					t.Fatal(err)
				}
				if !sameIDX(tc.x, got) {
					t.Fatalf("DecodeIDX: got %+v, want %+v", got, tc.x)
				}
			})
		}
	}
	// No temporary files may be left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left-over temporary file %s", e.Name())
		}
	}
}

func TestEncodeIDXBytes(t *testing.T) {
	var buf bytes.Buffer
	x := &IDX{Type: TypeI16, Dims: []int{2}, F64: []float64{-2, 258}}
	if err := EncodeIDX(&buf, x); err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0x0B, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x02}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("got % x, want % x", buf.Bytes(), want)
	}
}

func TestDecodeIDXErrors(t *testing.T) {
	valid := rawIDX(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4})
	cases := []struct {
		name string
		data []byte
		want error
		msg  string // substring of the message
	}{
		{"empty", nil, ErrTruncated, "empty"},
		{"one byte", []byte{0}, ErrTruncated, "magic"},
		{"nonzero first byte", append([]byte{1}, valid[1:]...), ErrBadMagic, "0x01"},
		{"nonzero second byte", append([]byte{0, 7}, valid[2:]...), ErrBadMagic, "0x07"},
		{"png file", []byte("\x89PNG\r\n\x1a\n...."), ErrBadMagic, ""},
		{"bad type", rawIDX(0x0A, []uint32{1}, []byte{1}), ErrBadType, "0x0a"},
		{"type zero", rawIDX(0x00, []uint32{1}, []byte{1}), ErrBadType, ""},
		{"zero dims", rawIDX(0x08, nil, []byte{1}), ErrBadDims, "0 dimensions"},
		{"nine dims", rawIDX(0x08, []uint32{1, 1, 1, 1, 1, 1, 1, 1, 1}, []byte{1}), ErrBadDims, "9 dimensions"},
		{"zero dimension", rawIDX(0x08, []uint32{3, 0}, nil), ErrBadDims, "dimension 1 is 0"},
		{"dims cut short", rawIDX(0x08, []uint32{3, 4}, nil)[:9], ErrTruncated, "expected 8 bytes, got 5"},
		{"data cut short", valid[:len(valid)-1], ErrTruncated, "need 4 data bytes, the file has 3"},
		{"i32 cut short", rawIDX(0x0C, []uint32{2}, []byte{0, 0, 0, 1, 0, 0}), ErrTruncated, "need 8"},
		{"trailing byte", append(append([]byte{}, valid...), 9), ErrTrailingData, "1 bytes after"},
		{"too large", rawIDX(0x08, []uint32{1 << 31, 28, 28}, nil), ErrTooLarge, "MaxIDXBytes"},
		{"too large f64", rawIDX(0x0E, []uint32{1 << 27, 2}, nil), ErrTooLarge, ""},
		{"overflowing product", rawIDX(0x08, []uint32{math.MaxUint32, math.MaxUint32, math.MaxUint32, math.MaxUint32, math.MaxUint32}, nil), ErrTooLarge, ""},
		{"gzip truncated", gzipBytes(t, valid)[:20], ErrTruncated, ""},
		{"gzip data cut short", gzipBytes(t, valid[:len(valid)-2]), ErrTruncated, "expected 4 bytes, got 2"},
		{"gzip trailing", gzipBytes(t, append(append([]byte{}, valid...), 1, 2, 3)), ErrTrailingData, ""},
		{"gzip bad magic", gzipBytes(t, []byte{9, 9, 8, 1, 0, 0, 0, 1, 1}), ErrBadMagic, ""},
		{"gzip empty", gzipBytes(t, nil), ErrTruncated, ""},
		{"gzip header only", []byte{0x1f, 0x8b}, ErrTruncated, ""},
		{"gzip garbage after stream", append(gzipBytes(t, valid), bytes.Repeat([]byte{7}, 20)...), ErrTrailingData, "gzip"},
		{"gzip corrupt body", corruptGzip(t, valid), ErrCorrupt, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, hide := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(tc.data)
				if hide { // a reader without Len, as a pipe would be
					r = io.MultiReader(r)
				}
				x, err := DecodeIDX(r, "file.idx")
				if err == nil {
					t.Fatalf("hide=%v: no error, decoded %+v", hide, x)
				}
				if !errors.Is(err, tc.want) {
					t.Fatalf("hide=%v: error %q does not wrap %q", hide, err, tc.want)
				}
				if !strings.Contains(err.Error(), "file.idx") {
					t.Errorf("error %q does not name the file", err)
				}
				if !hide && tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("error %q does not contain %q", err, tc.msg)
				}
			}
		})
	}
}

// corruptGzip gzips b and flips a bit of its CRC, so decompression itself
// works but the checksum fails.
func corruptGzip(t *testing.T, b []byte) []byte {
	z := gzipBytes(t, b)
	z[len(z)-6] ^= 0x40
	return z
}

func TestReadIDXErrorsNameFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "short-file")
	if err := os.WriteFile(path, rawIDX(0x0D, []uint32{10}, make([]byte, 39)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadIDX(path)
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "need 40 data bytes, the file has 39") {
		t.Fatalf("got %v", err)
	}
	_, err = ReadIDX(filepath.Join(dir, "missing"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing file: got %v", err)
	}
}

// allocated returns the bytes allocated while running f.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestLyingHeadersAllocateLittle(t *testing.T) {
	huge := rawIDX(0x08, []uint32{1 << 31, 28, 28}, make([]byte, 84)) // a 100-byte file
	if len(huge) != 100 {
		t.Fatalf("len %d", len(huge))
	}
	// Just under the cap, but the data is not there.
	big := rawIDX(0x08, []uint32{1000, 1000, 1000}, make([]byte, 84))
	bigGz := gzipBytes(t, big)
	cases := []struct {
		name  string
		data  []byte
		hide  bool
		want  error
		limit uint64
	}{
		{"2^31 images", huge, false, ErrTooLarge, 1 << 20},
		{"2^31 images, unknown length", huge, true, ErrTooLarge, 1 << 20},
		{"1 GB claimed, 100 bytes", big, false, ErrTruncated, 1 << 20},
		{"1 GB claimed, 100 bytes, unknown length", big, true, ErrTruncated, 4 << 20},
		{"1 GB claimed, gzip", bigGz, false, ErrTruncated, 4 << 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() {
				var r io.Reader = bytes.NewReader(tc.data)
				if tc.hide {
					r = io.MultiReader(r)
				}
				_, err = DecodeIDX(r, "lie")
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if n > tc.limit {
				t.Fatalf("allocated %d bytes, limit %d", n, tc.limit)
			}
			t.Logf("allocated %d bytes: %v", n, err)
		})
	}
}

func TestReadIDXLyingGzipTrailer(t *testing.T) {
	// A small gzip file whose header claims 1e9 bytes and whose ISIZE trailer
	// agrees: ReadIDX must not believe it and allocate a gigabyte.
	hdr := rawIDX(0x08, []uint32{1000, 1000, 1000}, nil)
	z := gzipBytes(t, append(hdr, 1, 2, 3))
	binary.LittleEndian.PutUint32(z[len(z)-4:], uint32(len(hdr)+1e9))
	path := filepath.Join(t.TempDir(), "liar.gz")
	if err := os.WriteFile(path, z, 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	n := allocated(func() { _, err = ReadIDX(path) })
	if !errors.Is(err, ErrCorrupt) { // the data end early, so the trailer fails its check
		t.Fatalf("got %v", err)
	}
	if n > 4<<20 {
		t.Fatalf("allocated %d bytes", n)
	}
}

func TestGzipBomb(t *testing.T) {
	// 8 MB of zeros compress to about 8 KB; the header claims 10 bytes.
	data := append(rawIDX(0x08, []uint32{10}, nil), make([]byte, 8<<20)...)
	z := gzipBytes(t, data)
	var err error
	n := allocated(func() { _, err = DecodeIDX(bytes.NewReader(z), "bomb.gz") })
	if !errors.Is(err, ErrTrailingData) {
		t.Fatalf("got %v", err)
	}
	if n > 1<<20 {
		t.Fatalf("allocated %d bytes", n)
	}
}

func TestMaxIDXBytesAdjustable(t *testing.T) {
	old := MaxIDXBytes
	defer func() { MaxIDXBytes = old }()
	MaxIDXBytes = 15
	b := rawIDX(0x08, []uint32{4, 4}, make([]byte, 16))
	if _, err := DecodeIDX(bytes.NewReader(b), "x"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v", err)
	}
	MaxIDXBytes = 16
	if _, err := DecodeIDX(bytes.NewReader(b), "x"); err != nil {
		t.Fatal(err)
	}
	// int16 data take 8 bytes per element in memory.
	b = rawIDX(0x0B, []uint32{2}, make([]byte, 4))
	if _, err := DecodeIDX(bytes.NewReader(b), "x"); err != nil {
		t.Fatal(err)
	}
	b = rawIDX(0x0B, []uint32{3}, make([]byte, 6))
	if _, err := DecodeIDX(bytes.NewReader(b), "x"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v", err)
	}
}

func TestEncodeIDXErrors(t *testing.T) {
	cases := []struct {
		name string
		x    *IDX
		want error
	}{
		{"nil", nil, ErrBadIDX},
		{"bad type", &IDX{Type: 0x07, Dims: []int{1}, F64: []float64{1}}, ErrBadType},
		{"no dims", &IDX{Type: TypeU8, U8: []uint8{}}, ErrBadDims},
		{"nine dims", &IDX{Type: TypeU8, Dims: []int{1, 1, 1, 1, 1, 1, 1, 1, 1}, U8: []uint8{1}}, ErrBadDims},
		{"zero dim", &IDX{Type: TypeU8, Dims: []int{0}, U8: []uint8{}}, ErrBadDims},
		{"negative dim", &IDX{Type: TypeF64, Dims: []int{-1}, F64: []float64{}}, ErrBadDims},
		{"dim over uint32", &IDX{Type: TypeU8, Dims: []int{1 << 32}}, ErrBadDims},
		{"too large", &IDX{Type: TypeF64, Dims: []int{1 << 20, 1 << 20}}, ErrTooLarge},
		{"short U8", &IDX{Type: TypeU8, Dims: []int{3}, U8: []uint8{1, 2}}, ErrBadIDX},
		{"short F64", &IDX{Type: TypeI8, Dims: []int{3}, F64: []float64{1, 2}}, ErrBadIDX},
		{"U8 for int16", &IDX{Type: TypeI16, Dims: []int{1}, U8: []uint8{1}, F64: []float64{1}}, ErrBadIDX},
		{"u8 out of range", &IDX{Type: TypeU8, Dims: []int{1}, F64: []float64{256}}, ErrBadValue},
		{"u8 negative", &IDX{Type: TypeU8, Dims: []int{1}, F64: []float64{-1}}, ErrBadValue},
		{"i8 out of range", &IDX{Type: TypeI8, Dims: []int{1}, F64: []float64{128}}, ErrBadValue},
		{"i16 fraction", &IDX{Type: TypeI16, Dims: []int{1}, F64: []float64{1.5}}, ErrBadValue},
		{"i32 out of range", &IDX{Type: TypeI32, Dims: []int{1}, F64: []float64{1 << 31}}, ErrBadValue},
		{"i32 NaN", &IDX{Type: TypeI32, Dims: []int{1}, F64: []float64{math.NaN()}}, ErrBadValue},
		{"f32 overflow", &IDX{Type: TypeF32, Dims: []int{1}, F64: []float64{1e39}}, ErrBadValue},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := EncodeIDX(&buf, tc.x)
			if !errors.Is(err, tc.want) {
				t.Fatalf("EncodeIDX: got %v, want %v", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("EncodeIDX wrote %d bytes before failing", buf.Len())
			}
			path := filepath.Join(dir, "out")
			if err := WriteIDX(path, tc.x, false); !errors.Is(err, tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("WriteIDX: got %v, want %v naming the file", err, tc.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("WriteIDX left a file behind: %v", err)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files in the directory", len(entries))
	}
}

func TestWriteIDXReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.idx")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	x := &IDX{Type: TypeU8, Dims: []int{1}, U8: []uint8{42}}
	if err := WriteIDX(path, x, false); err != nil {
		t.Fatal(err)
	}
	got, err := ReadIDX(path)
	if err != nil || got.U8[0] != 42 {
		t.Fatalf("got %+v, %v", got, err)
	}
	if err := WriteIDX(filepath.Join(dir, "no-such-dir", "b.idx"), x, false); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

func TestDataTypeString(t *testing.T) {
	for typ, want := range map[DataType]string{TypeU8: "uint8", TypeI8: "int8", TypeI16: "int16", TypeI32: "int32", TypeF32: "float32", TypeF64: "float64", 0x42: "DataType(0x42)"} {
		if got := typ.String(); got != want {
			t.Errorf("%#x: got %q, want %q", byte(typ), got, want)
		}
	}
}
