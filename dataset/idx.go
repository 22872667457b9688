package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// DataType is the element type byte of an IDX file (the third byte of its magic number).
type DataType byte

// The IDX element types. All multi-byte values are stored big-endian.
const (
	TypeU8  DataType = 0x08 // unsigned byte
	TypeI8  DataType = 0x09 // signed byte
	TypeI16 DataType = 0x0B // int16
	TypeI32 DataType = 0x0C // int32
	TypeF32 DataType = 0x0D // float32
	TypeF64 DataType = 0x0E // float64
)

// MaxIDXDims is the largest number of dimensions an IDX file may declare.
const MaxIDXDims = 8

// MaxIDXBytes caps the memory that decoding one IDX file may allocate for its
// data: len(U8) for TypeU8, 8*len(F64) for every other type. A header that
// claims more is refused with ErrTooLarge before anything is allocated. It also
// applies to encoding, so that WriteIDX never produces a file ReadIDX refuses.
// The default is 1 GiB.
var MaxIDXBytes int64 = 1 << 30

// Sentinel errors (test with errors.Is). Every format problem found by the
// IDX functions wraps one of them, and its message names the file or stream
// concerned; I/O failures wrap the underlying error instead (e.g.
// os.ErrNotExist). ErrTooLarge is also used by LoadGray.
var (
	ErrBadMagic     = errors.New("bad IDX magic (the first two bytes must be zero)")
	ErrBadType      = errors.New("unknown IDX data type")
	ErrBadDims      = errors.New("bad IDX dimensions")
	ErrTooLarge     = errors.New("too large")
	ErrTruncated    = errors.New("truncated")
	ErrTrailingData = errors.New("trailing data after the IDX payload")
	ErrCorrupt      = errors.New("corrupt gzip stream")
	ErrBadValue     = errors.New("value not representable in the IDX data type")
	ErrBadIDX       = errors.New("inconsistent IDX value")
)

// Size returns the size in bytes of one element in the file, or 0 for an unknown type.
func (t DataType) Size() int {
	switch t {
	case TypeU8, TypeI8:
		return 1
	case TypeI16:
		return 2
	case TypeI32, TypeF32:
		return 4
	case TypeF64:
		return 8
	}
	return 0
}

// Valid reports whether t is one of the six IDX types.
func (t DataType) Valid() bool { return t.Size() != 0 }

// String returns a short name such as "uint8" or "float32".
func (t DataType) String() string {
	switch t {
	case TypeU8:
		return "uint8"
	case TypeI8:
		return "int8"
	case TypeI16:
		return "int16"
	case TypeI32:
		return "int32"
	case TypeF32:
		return "float32"
	case TypeF64:
		return "float64"
	}
	return fmt.Sprintf("DataType(0x%02x)", byte(t))
}

// memSize is the in-memory size of one decoded element.
func (t DataType) memSize() int64 {
	if t == TypeU8 {
		return 1
	}
	return 8
}

// IDX is a decoded IDX file.
//
// Storage: for Type == TypeU8 the elements are in U8 (one byte each, so the
// 47 MB MNIST training images stay 47 MB) and F64 is nil. For every other
// type the elements are in F64, converted exactly (int8/16/32 and float32 are
// all exactly representable as float64) and U8 is nil. Elements are in
// row-major order: the last dimension varies fastest.
//
// When encoding a TypeU8 value whose U8 is nil, F64 is used instead (each
// value must then be an integer in 0..255), so callers may build any type
// from float64 data.
type IDX struct {
	Type DataType
	Dims []int
	U8   []uint8
	F64  []float64
}

// Len returns the number of elements the dimensions describe (their product).
func (x *IDX) Len() int {
	if len(x.Dims) == 0 {
		return 0
	}
	n := 1
	for _, d := range x.Dims {
		n *= d
	}
	return n
}

// At returns element i as a float64, whichever slice holds it.
func (x *IDX) At(i int) float64 {
	if x.U8 != nil {
		return float64(x.U8[i])
	}
	return x.F64[i]
}

// Float64s returns all elements as float64: F64 itself for non-byte types
// (not a copy), or a new slice converted from U8.
func (x *IDX) Float64s() []float64 {
	if x.U8 == nil {
		return x.F64
	}
	out := make([]float64, len(x.U8))
	for i, v := range x.U8 {
		out[i] = float64(v)
	}
	return out
}

// checkShape validates type and dimensions and returns the element count.
func checkShape(name string, t DataType, dims []int) (int64, error) {
	if !t.Valid() {
		return 0, fmt.Errorf("dataset: %s: %w: type byte 0x%02x (want one of 08 09 0b 0c 0d 0e)", name, ErrBadType, byte(t))
	}
	if len(dims) == 0 || len(dims) > MaxIDXDims {
		return 0, fmt.Errorf("dataset: %s: %w: %d dimensions (want 1 to %d)", name, ErrBadDims, len(dims), MaxIDXDims)
	}
	limit := MaxIDXBytes / t.memSize()
	n := int64(1)
	for i, d := range dims {
		if d <= 0 || uint64(d) > math.MaxUint32 {
			return 0, fmt.Errorf("dataset: %s: %w: dimension %d is %d (want 1 to %d)", name, ErrBadDims, i, d, uint32(math.MaxUint32))
		}
		if int64(d) > limit/n {
			return 0, fmt.Errorf("dataset: %s: %w: dimensions %v of %s need more than MaxIDXBytes = %d bytes in memory",
				name, ErrTooLarge, dims, t, MaxIDXBytes)
		}
		n *= int64(d)
	}
	if n > math.MaxInt {
		return 0, fmt.Errorf("dataset: %s: %w: %d elements exceed this platform's int", name, ErrTooLarge, n)
	}
	return n, nil
}

// ReadIDX reads an IDX file, gzip-compressed or raw (gzip is recognised by
// its 0x1f 0x8b magic, not by the file name).
func ReadIDX(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	avail, isize := int64(-1), int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		avail = st.Size()
		// A gzip file ends with the decompressed size mod 2^32 (ISIZE),
		// which lets the decoder allocate once instead of growing.
		var tail [4]byte
		if avail >= 18 {
			if _, err := f.ReadAt(tail[:], avail-4); err == nil {
				isize = int64(binary.LittleEndian.Uint32(tail[:]))
			}
		}
	}
	return decodeIDX(f, path, avail, isize)
}

// DecodeIDX decodes an IDX stream, gzip-compressed or raw. name is used in
// error messages only. It reads r up to its end, because trailing data is an
// error.
func DecodeIDX(r io.Reader, name string) (*IDX, error) {
	avail := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		avail = int64(l.Len())
	}
	return decodeIDX(r, name, avail, -1)
}

// decoder carries the state of one decode, so that read errors are
// classified (truncation, gzip corruption, I/O) consistently.
type decoder struct {
	name string
	gz   bool
}

func (d *decoder) readErr(what string, want, got int64, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("dataset: %s: %w: %s: expected %d bytes, got %d", d.name, ErrTruncated, what, want, got)
	}
	if d.gz {
		return fmt.Errorf("dataset: %s: %w: %w (while reading %s)", d.name, ErrCorrupt, err, what)
	}
	return fmt.Errorf("dataset: %s: reading %s: %w", d.name, what, err)
}

// maxDeflateRatio bounds how much deflate can expand its input (the format's
// limit is about 1032:1).
const maxDeflateRatio = 1100

// decodeIDX does the work; avail is the number of raw bytes r holds, or -1
// when unknown; isize is the gzip ISIZE trailer of the file if known, else -1.
func decodeIDX(r io.Reader, name string, avail, isize int64) (*IDX, error) {
	d := &decoder{name: name}
	bufSize := 64 << 10
	if avail >= 0 {
		bufSize = int(min(max(avail, 16), int64(bufSize)))
	}
	br := bufio.NewReaderSize(r, bufSize)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		if err == io.EOF {
			return nil, fmt.Errorf("dataset: %s: %w: the file is empty", name, ErrTruncated)
		}
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	var src io.Reader = br
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("dataset: %s: %w: gzip header cut short", name, ErrTruncated)
			}
			return nil, fmt.Errorf("dataset: %s: %w: %w", name, ErrCorrupt, err)
		}
		defer zr.Close()
		d.gz = true
		src = zr
	}
	compressed := avail
	if d.gz {
		avail = -1 // the decompressed length is not known exactly
	}

	var hdr [4 + 4*MaxIDXDims]byte
	if n, err := io.ReadFull(src, hdr[:4]); err != nil {
		return nil, d.readErr("the 4-byte magic number", 4, int64(n), err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fmt.Errorf("dataset: %s: %w: got 0x%02x 0x%02x", name, ErrBadMagic, hdr[0], hdr[1])
	}
	t := DataType(hdr[2])
	if !t.Valid() {
		return nil, fmt.Errorf("dataset: %s: %w: type byte 0x%02x (want one of 08 09 0b 0c 0d 0e)", name, ErrBadType, hdr[2])
	}
	nd := int(hdr[3])
	if nd == 0 || nd > MaxIDXDims {
		return nil, fmt.Errorf("dataset: %s: %w: %d dimensions (want 1 to %d)", name, ErrBadDims, nd, MaxIDXDims)
	}
	if n, err := io.ReadFull(src, hdr[4:4+4*nd]); err != nil {
		return nil, d.readErr(fmt.Sprintf("the sizes of %d dimensions", nd), int64(4*nd), int64(n), err)
	}
	dims := make([]int, nd)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(hdr[4+4*i:]))
	}
	count, err := checkShape(name, t, dims)
	if err != nil {
		return nil, err
	}
	size := count * int64(t.Size())
	hlen := int64(4 + 4*nd)
	if avail >= 0 && avail-hlen < size {
		return nil, fmt.Errorf("dataset: %s: %w: dimensions %v of %s need %d data bytes, the file has %d",
			name, ErrTruncated, dims, t, size, max(avail-hlen, 0))
	}

	// Never read more than one byte past the declared payload: a gzip bomb
	// cannot make us decompress more than that.
	lr := io.LimitReader(src, size+1)
	x := &IDX{Type: t, Dims: dims}
	// Allocate everything at once when the length is known: exactly for raw
	// files, and for gzip files whose ISIZE trailer matches the header and
	// which are big enough for deflate to expand to that size (so a small
	// file cannot make us allocate much).
	exact := avail >= 0 ||
		d.gz && isize >= 0 && compressed >= 0 && uint32(hlen+size) == uint32(isize) &&
			size/maxDeflateRatio <= compressed
	if t == TypeU8 {
		x.U8, err = d.readBytes(lr, size, exact)
	} else {
		x.F64, err = d.readValues(lr, t, count, exact)
	}
	if err != nil {
		return nil, err
	}

	var one [1]byte
	n, err := io.ReadFull(lr, one[:])
	if n > 0 {
		if avail >= 0 {
			return nil, fmt.Errorf("dataset: %s: %w: %d bytes after the %d declared by the header", name, ErrTrailingData, avail-hlen-size, size)
		}
		return nil, fmt.Errorf("dataset: %s: %w: more bytes follow the %d declared by the header", name, ErrTrailingData, size)
	}
	if err != nil && err != io.EOF {
		if d.gz && errors.Is(err, gzip.ErrHeader) {
			return nil, fmt.Errorf("dataset: %s: %w: garbage after the end of the gzip stream", name, ErrTrailingData)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("dataset: %s: %w: the gzip stream is cut short after the data (or followed by a few bytes of garbage)", name, ErrTruncated)
		}
		return nil, d.readErr("the end of the file", 0, 0, err)
	}
	return x, nil
}

// firstChunk bounds the first allocation when the stream length is unknown:
// buffers then grow (doubling) only as data actually arrives, so a short file
// whose header claims a lot cannot force a large allocation.
const firstChunk = 1 << 20

// readBytes reads exactly n bytes.
func (d *decoder) readBytes(r io.Reader, n int64, exact bool) ([]byte, error) {
	c := n
	if !exact {
		c = min(n, firstChunk)
	}
	buf := make([]byte, c)
	got := int64(0)
	for {
		k, err := io.ReadFull(r, buf[got:])
		got += int64(k)
		if err != nil {
			return nil, d.readErr("the data", n, got, err)
		}
		if got == n {
			return buf, nil
		}
		nb := make([]byte, min(2*int64(len(buf)), n))
		copy(nb, buf)
		buf = nb
	}
}

// readValues reads count big-endian elements of type t as float64.
func (d *decoder) readValues(r io.Reader, t DataType, count int64, exact bool) ([]float64, error) {
	es := int64(t.Size())
	c := count
	if !exact {
		c = min(count, firstChunk/8)
	}
	out := make([]float64, 0, c)
	var chunk [32 << 10]byte
	left := count * es
	for left > 0 {
		k := min(left, int64(len(chunk)))
		b := chunk[:k]
		if n, err := io.ReadFull(r, b); err != nil {
			return nil, d.readErr("the data", count*es, count*es-left+int64(n), err)
		}
		left -= k
		m := int(k / es)
		if len(out)+m > cap(out) {
			nc := min(max(2*int64(cap(out)), int64(len(out)+m)), count)
			no := make([]float64, len(out), nc)
			copy(no, out)
			out = no
		}
		switch t {
		case TypeI8:
			for _, v := range b {
				out = append(out, float64(int8(v)))
			}
		case TypeI16:
			for i := 0; i < len(b); i += 2 {
				out = append(out, float64(int16(binary.BigEndian.Uint16(b[i:]))))
			}
		case TypeI32:
			for i := 0; i < len(b); i += 4 {
				out = append(out, float64(int32(binary.BigEndian.Uint32(b[i:]))))
			}
		case TypeF32:
			for i := 0; i < len(b); i += 4 {
				out = append(out, float64(math.Float32frombits(binary.BigEndian.Uint32(b[i:]))))
			}
		case TypeF64:
			for i := 0; i < len(b); i += 8 {
				out = append(out, math.Float64frombits(binary.BigEndian.Uint64(b[i:])))
			}
		}
	}
	return out, nil
}

// validate checks that x can be encoded and returns its element count.
func (x *IDX) validate(name string) (int, error) {
	if x == nil {
		return 0, fmt.Errorf("dataset: %s: %w: nil *IDX", name, ErrBadIDX)
	}
	n64, err := checkShape(name, x.Type, x.Dims)
	if err != nil {
		return 0, err
	}
	n := int(n64)
	useU8 := x.Type == TypeU8 && x.U8 != nil
	switch {
	case useU8 && len(x.U8) != n:
		return 0, fmt.Errorf("dataset: %s: %w: dimensions %v need %d elements, U8 has %d", name, ErrBadIDX, x.Dims, n, len(x.U8))
	case x.Type != TypeU8 && x.U8 != nil:
		return 0, fmt.Errorf("dataset: %s: %w: U8 is set but the type is %s (use F64)", name, ErrBadIDX, x.Type)
	case !useU8 && len(x.F64) != n:
		return 0, fmt.Errorf("dataset: %s: %w: dimensions %v need %d elements, F64 has %d", name, ErrBadIDX, x.Dims, n, len(x.F64))
	case useU8:
		return n, nil
	}
	lo, hi := 0.0, 0.0
	switch x.Type {
	case TypeU8:
		lo, hi = 0, math.MaxUint8
	case TypeI8:
		lo, hi = math.MinInt8, math.MaxInt8
	case TypeI16:
		lo, hi = math.MinInt16, math.MaxInt16
	case TypeI32:
		lo, hi = math.MinInt32, math.MaxInt32
	case TypeF32:
		for i, v := range x.F64 {
			if !math.IsInf(v, 0) && !math.IsNaN(v) && math.IsInf(float64(float32(v)), 0) {
				return 0, fmt.Errorf("dataset: %s: %w: element %d = %g overflows float32", name, ErrBadValue, i, v)
			}
		}
		return n, nil
	case TypeF64:
		return n, nil
	}
	for i, v := range x.F64 {
		if !(v >= lo && v <= hi) || v != math.Trunc(v) {
			return 0, fmt.Errorf("dataset: %s: %w: element %d = %g is not an integer in [%g, %g] (%s)", name, ErrBadValue, i, v, lo, hi, x.Type)
		}
	}
	return n, nil
}

// EncodeIDX writes x to w as a raw (uncompressed) IDX stream. It checks x
// completely before writing anything: dimensions as for decoding, slice
// length equal to the product of the dimensions, and every value
// representable in x.Type (integer types need integers in range; float32
// values are rounded to the nearest float32, but finite values beyond its
// range are refused).
func EncodeIDX(w io.Writer, x *IDX) error {
	return encodeIDX(w, x, "IDX stream")
}

func encodeIDX(w io.Writer, x *IDX, name string) error {
	n, err := x.validate(name)
	if err != nil {
		return err
	}
	var hdr [4 + 4*MaxIDXDims]byte
	hdr[2] = byte(x.Type)
	hdr[3] = byte(len(x.Dims))
	for i, d := range x.Dims {
		binary.BigEndian.PutUint32(hdr[4+4*i:], uint32(d))
	}
	if _, err := w.Write(hdr[:4+4*len(x.Dims)]); err != nil {
		return fmt.Errorf("dataset: %s: %w", name, err)
	}
	if x.Type == TypeU8 && x.U8 != nil {
		if _, err := w.Write(x.U8[:n]); err != nil {
			return fmt.Errorf("dataset: %s: %w", name, err)
		}
		return nil
	}
	es := x.Type.Size()
	var chunk [32 << 10]byte
	per := len(chunk) / es
	for start := 0; start < n; start += per {
		vals := x.F64[start:min(start+per, n)]
		b := chunk[:len(vals)*es]
		switch x.Type {
		case TypeU8, TypeI8:
			for i, v := range vals {
				b[i] = byte(int64(v))
			}
		case TypeI16:
			for i, v := range vals {
				binary.BigEndian.PutUint16(b[2*i:], uint16(int16(v)))
			}
		case TypeI32:
			for i, v := range vals {
				binary.BigEndian.PutUint32(b[4*i:], uint32(int32(v)))
			}
		case TypeF32:
			for i, v := range vals {
				binary.BigEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
			}
		case TypeF64:
			for i, v := range vals {
				binary.BigEndian.PutUint64(b[8*i:], math.Float64bits(v))
			}
		}
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("dataset: %s: %w", name, err)
		}
	}
	return nil
}

// WriteIDX writes x to path, gzip-compressed if compress is set (the file
// name is not changed or checked). It writes a temporary file in the same
// directory, syncs it and renames it over path, so a crash never leaves a
// partial file at path. The file gets mode 0644.
func WriteIDX(path string, x *IDX, compress bool) (err error) {
	if _, err := x.validate(path); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// The temporary name starts with a dot so LoadDir never mistakes it for data.
	f, err := os.CreateTemp(dir, "."+strings.TrimPrefix(base, ".")+".tmp-*")
	if err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	var w io.Writer = bw
	var zw *gzip.Writer
	if compress {
		zw = gzip.NewWriter(bw)
		w = zw
	}
	if err = encodeIDX(w, x, path); err != nil {
		return err
	}
	if zw != nil {
		if err = zw.Close(); err != nil {
			return fmt.Errorf("dataset: %s: %w", path, err)
		}
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	return nil
}
