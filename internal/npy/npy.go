package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// magic opens every .npy file.
const magic = "\x93NUMPY"

// ErrFormat is wrapped by every Read error about the file's contents.
var ErrFormat = errors.New("npy: not a float32 .npy file this package writes")

// header returns the format 1.0 header (magic to newline) of a
// little-endian float32 array of the given shape.
func header(shape []int) ([]byte, error) {
	dims := make([]string, len(shape))
	for i, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("npy: negative dimension %d in shape %v", d, shape)
		}
		dims[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	dict := "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }"
	// magic (6) + version (2) + length (2) + dict + padding + '\n' ≡ 0 mod 64.
	n := 10 + len(dict) + 1
	pad := (64 - n%64) % 64
	if len(dict)+pad+1 > math.MaxUint16 {
		return nil, fmt.Errorf("npy: shape %v makes a header longer than 65535 bytes", shape)
	}
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write([]byte{1, 0})
	var l [2]byte
	binary.LittleEndian.PutUint16(l[:], uint16(len(dict)+pad+1))
	b.Write(l[:])
	b.WriteString(dict)
	b.WriteString(strings.Repeat(" ", pad))
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// Write writes data as a float32 array of the given shape (row-major:
// the last index varies fastest). The product of shape must be len(data).
func Write(w io.Writer, shape []int, data []float32) error {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		return fmt.Errorf("npy: shape %v holds %d values, got %d", shape, n, len(data))
	}
	h, err := header(shape)
	if err != nil {
		return err
	}
	buf := make([]byte, len(h)+4*len(data))
	copy(buf, h)
	for i, v := range data {
		binary.LittleEndian.PutUint32(buf[len(h)+4*i:], math.Float32bits(v))
	}
	_, err = w.Write(buf)
	return err
}

// Read reads a float32 C-order array written by Write (or by numpy.save
// of a float32 array): its shape and values. It is meant for round trips
// and tests, not as a general .npy reader.
func Read(r io.Reader) (shape []int, data []float32, err error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if string(pre[:6]) != magic || pre[6] != 1 {
		return nil, nil, fmt.Errorf("%w: bad magic or version", ErrFormat)
	}
	hl := int(binary.LittleEndian.Uint16(pre[8:]))
	h := make([]byte, hl)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	dict := string(h)
	if !strings.Contains(dict, "'descr': '<f4'") || !strings.Contains(dict, "'fortran_order': False") {
		return nil, nil, fmt.Errorf("%w: %q", ErrFormat, strings.TrimSpace(dict))
	}
	i := strings.Index(dict, "'shape': (")
	j := strings.Index(dict[i+1:], ")")
	if i < 0 || j < 0 {
		return nil, nil, fmt.Errorf("%w: no shape in %q", ErrFormat, strings.TrimSpace(dict))
	}
	n := 1
	for _, f := range strings.Split(dict[i+len("'shape': ("):i+1+j], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 || d > 1<<30 {
			return nil, nil, fmt.Errorf("%w: dimension %q", ErrFormat, f)
		}
		shape = append(shape, d)
		n *= d
		if n > 1<<28 {
			return nil, nil, fmt.Errorf("%w: more than 2^28 values", ErrFormat)
		}
	}
	raw := make([]byte, 4*n)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, nil, fmt.Errorf("%w: data: %v", ErrFormat, err)
	}
	data = make([]float32, n)
	for k := range data {
		data[k] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*k:]))
	}
	return shape, data, nil
}
