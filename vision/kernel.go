package vision

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/internal/clip"
)

// ErrBadKernel is wrapped by every error of ParseKernel and LoadKernel
// about the content of a kernel file.
var ErrBadKernel = errors.New("invalid kernel")

// MaxKernelFileBytes caps the size of a kernel file LoadKernel reads (a
// 3x3 kernel needs well under 1 kB).
const MaxKernelFileBytes = 64 << 10

// MaxKernelWeight bounds |w| of every kernel weight. Weights are unitless
// and only their ratios matter (the array scales the largest |w| to the
// conductance window), so the bound only keeps the arithmetic finite.
const MaxKernelWeight = 1e9

// Kernel is a 3x3 filter of unitless weights, applied as a
// cross-correlation (no flip, as in convolutional networks): the output at
// pixel (x, y) is Σ W[r][c]·I(x+c−1, y+r−1), row 0 above the pixel,
// column 0 to its left.
type Kernel struct {
	// Name labels the filter; output files are named after it, so it is
	// restricted to letters, digits, '_', '-' and '.' (1 to 64 characters,
	// not starting with '.').
	Name string `json:"name"`
	// W holds the weights, W[row][column].
	W [3][3]float64 `json:"kernel"`
}

// Vertical returns the built-in vertical-edge filter, the Prewitt
// horizontal-derivative kernel
//
//	−1 0 1
//	−1 0 1
//	−1 0 1
//
// Its current is positive where the image gets brighter from left to
// right (a dark-to-bright vertical edge), negative for bright-to-dark and
// zero on flat regions; the ReLU keeps the positive side.
func Vertical() Kernel {
	return Kernel{Name: "vertical", W: [3][3]float64{{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}}}
}

// Lateral returns the built-in lateral (horizontal-edge) filter, the
// Prewitt vertical-derivative kernel
//
//	−1 −1 −1
//	 0  0  0
//	 1  1  1
//
// Its current is positive where the image gets brighter from top to
// bottom (a dark-above, bright-below horizontal edge).
func Lateral() Kernel {
	return Kernel{Name: "lateral", W: [3][3]float64{{-1, -1, -1}, {0, 0, 0}, {1, 1, 1}}}
}

// BuiltinNames lists the names Builtin accepts.
func BuiltinNames() []string { return []string{"vertical", "lateral"} }

// Builtin returns the built-in kernel of that name (vertical or lateral).
func Builtin(name string) (Kernel, bool) {
	switch name {
	case "vertical":
		return Vertical(), true
	case "lateral":
		return Lateral(), true
	}
	return Kernel{}, false
}

// Weights returns the nine weights in row-major order.
func (k Kernel) Weights() []float64 {
	out := make([]float64, 0, 9)
	for _, row := range k.W {
		out = append(out, row[:]...)
	}
	return out
}

// PositiveSum is Σ max(w, 0): the largest response of the kernel to an
// image with intensities in [0, 1] (1 under the positive weights, 0 under
// the negative ones).
func (k Kernel) PositiveSum() float64 {
	s := 0.0
	for _, w := range k.Weights() {
		s += max(w, 0)
	}
	return s
}

// NegativeSum is Σ max(−w, 0): minus the smallest response to an image in
// [0, 1].
func (k Kernel) NegativeSum() float64 {
	s := 0.0
	for _, w := range k.Weights() {
		s += max(-w, 0)
	}
	return s
}

// MaxAbs is the largest |w|.
func (k Kernel) MaxAbs() float64 {
	m := 0.0
	for _, w := range k.Weights() {
		m = max(m, math.Abs(w))
	}
	return m
}

// Validate checks the name and the weights (finite, |w| ≤
// MaxKernelWeight, not all zero).
func (k Kernel) Validate() error {
	if err := checkName(k.Name); err != nil {
		return fmt.Errorf("vision: kernel %q: %w", k.Name, err)
	}
	if err := checkWeights(k.W); err != nil {
		return fmt.Errorf("vision: kernel %q: %w", k.Name, err)
	}
	return nil
}

func checkName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%w: the name must have 1 to 64 characters", ErrBadKernel)
	}
	if name[0] == '.' {
		return fmt.Errorf("%w: the name %q must not start with '.'", ErrBadKernel, clip.String(name))
	}
	for _, r := range name {
		if !nameRune(r) {
			return fmt.Errorf("%w: the name %q may only hold letters, digits, '_', '-' and '.'", ErrBadKernel, clip.String(name))
		}
	}
	return nil
}

func nameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
}

func checkWeight(w float64) error {
	if math.IsNaN(w) || math.IsInf(w, 0) || math.Abs(w) > MaxKernelWeight {
		return fmt.Errorf("%w: weight %g must be finite with |w| ≤ %g", ErrBadKernel, w, MaxKernelWeight)
	}
	return nil
}

func checkWeights(w [3][3]float64) error {
	zero := true
	for r, row := range w {
		for c, v := range row {
			if err := checkWeight(v); err != nil {
				return fmt.Errorf("row %d, column %d: %w", r+1, c+1, err)
			}
			zero = zero && v == 0
		}
	}
	if zero {
		return fmt.Errorf("%w: every weight is zero", ErrBadKernel)
	}
	return nil
}

// LoadKernel reads a kernel file (see ParseKernel). Errors name the file
// and, for its content, the line.
func LoadKernel(path string) (Kernel, error) {
	f, err := os.Open(path)
	if err != nil {
		return Kernel{}, fmt.Errorf("vision: kernel file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxKernelFileBytes+1))
	if err != nil {
		return Kernel{}, fmt.Errorf("vision: kernel file %s: %w", path, err)
	}
	if len(data) > MaxKernelFileBytes {
		return Kernel{}, fmt.Errorf("vision: kernel file %s is larger than %d KiB (the limit for a kernel file): %w", path, MaxKernelFileBytes>>10, ErrBadKernel)
	}
	return ParseKernel(path, data)
}

// NameFromPath derives a kernel name from a file path: the base name
// without its extension, with every character a name may not hold
// replaced by '_' ("kernel" if nothing is left).
func NameFromPath(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	for _, r := range base {
		if nameRune(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" || s == "_" {
		return "kernel"
	}
	return s
}

// ParseKernel parses the content of a kernel file; path names the file in
// errors and gives the kernel its default name (NameFromPath). Two forms
// are accepted:
//
// Text: three rows of three numbers, separated by spaces, tabs or commas;
// '#' starts a comment that runs to the end of the line; blank lines are
// ignored. The kernel is named after the file.
//
//	# my vertical filter
//	-1 0 1
//	-2 0 2
//	-1 0 1
//
// JSON (the first non-blank character is '{'): an object with "kernel",
// an array of three arrays of three numbers, and optionally "name"; other
// keys are errors.
//
//	{"name": "sobel-x", "kernel": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]}
//
// Every weight must be finite with |w| ≤ MaxKernelWeight and at least one
// must be non-zero. Errors wrap ErrBadKernel and name the file and line.
func ParseKernel(path string, data []byte) (Kernel, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\ufeff"))
	if len(bytes.TrimSpace(trimmed)) == 0 {
		return Kernel{}, fmt.Errorf("vision: kernel file %s: %w: the file is empty (want 3 rows of 3 numbers, or JSON)", path, ErrBadKernel)
	}
	if trimmed[0] == '{' {
		return parseKernelJSON(path, data)
	}
	return parseKernelText(path, data)
}

func parseKernelText(path string, data []byte) (Kernel, error) {
	k := Kernel{Name: NameFromPath(path)}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxKernelFileBytes+1)
	row, line := 0, 0
	bad := func(format string, args ...any) error {
		return fmt.Errorf("vision: kernel file %s:%d: %w: %s", path, line, ErrBadKernel, fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.FieldsFunc(text, func(r rune) bool {
			return r == ' ' || r == '\t' || r == ',' || r == '\r' || r == '\v' || r == '\f'
		})
		if len(fields) == 0 {
			continue
		}
		if row == 3 {
			return Kernel{}, bad("a fourth row %q: a kernel has exactly 3 rows", clip.String(strings.TrimSpace(text)))
		}
		if len(fields) != 3 {
			return Kernel{}, bad("row %d has %d numbers, want 3", row+1, len(fields))
		}
		for c, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return Kernel{}, bad("row %d, column %d: %q is not a number", row+1, c+1, clip.String(f))
			}
			if err := checkWeight(v); err != nil {
				return Kernel{}, fmt.Errorf("vision: kernel file %s:%d: row %d, column %d: %w", path, line, row+1, c+1, err)
			}
			k.W[row][c] = v
		}
		row++
	}
	if err := sc.Err(); err != nil {
		return Kernel{}, fmt.Errorf("vision: kernel file %s:%d: %w: %v", path, line+1, ErrBadKernel, err)
	}
	if row < 3 {
		return Kernel{}, fmt.Errorf("vision: kernel file %s:%d: %w: %d rows of numbers, want 3", path, line, ErrBadKernel, row)
	}
	if err := checkWeights(k.W); err != nil {
		return Kernel{}, fmt.Errorf("vision: kernel file %s: %w", path, err)
	}
	return k, nil
}

// lineOf returns the 1-based line of byte offset off in data.
func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

func parseKernelJSON(path string, data []byte) (Kernel, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// at is the line of the last token read.
	at := func() int { return lineOf(data, dec.InputOffset()) }
	bad := func(line int, format string, args ...any) error {
		return fmt.Errorf("vision: kernel file %s:%d: %w: %s", path, line, ErrBadKernel, fmt.Sprintf(format, args...))
	}
	// token reads one token, turning syntax errors into errors with a line.
	token := func() (json.Token, error) {
		t, err := dec.Token()
		if err != nil {
			var se *json.SyntaxError
			switch {
			case errors.As(err, &se):
				return nil, bad(lineOf(data, se.Offset), "JSON syntax: %v", se)
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
				return nil, bad(lineOf(data, int64(len(data))), "JSON ends early")
			}
			return nil, bad(at(), "JSON: %v", err)
		}
		return t, nil
	}
	delim := func(want json.Delim, what string) error {
		t, err := token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); !ok || d != want {
			return bad(at(), "%s: want %q, found %v", what, string(want), tokenString(t))
		}
		return nil
	}
	// short reports a row or the array ending early: a truncated file if
	// the next token is missing, else too few elements.
	short := func(format string, args ...any) error {
		if _, err := token(); err != nil {
			return err
		}
		return bad(at(), format, args...)
	}
	if err := delim('{', "the file"); err != nil {
		return Kernel{}, err
	}
	k := Kernel{Name: NameFromPath(path)}
	haveKernel, haveName := false, false
	for dec.More() {
		t, err := token()
		if err != nil {
			return Kernel{}, err
		}
		key, _ := t.(string)
		switch key {
		case "name":
			if haveName {
				return Kernel{}, bad(at(), `"name" appears twice`)
			}
			haveName = true
			t, err := token()
			if err != nil {
				return Kernel{}, err
			}
			s, ok := t.(string)
			if !ok {
				return Kernel{}, bad(at(), `"name" must be a string, found %v`, tokenString(t))
			}
			if err := checkName(s); err != nil {
				return Kernel{}, fmt.Errorf("vision: kernel file %s:%d: %w", path, at(), err)
			}
			k.Name = s
		case "kernel":
			if haveKernel {
				return Kernel{}, bad(at(), `"kernel" appears twice`)
			}
			haveKernel = true
			if err := delim('[', `"kernel" (an array of 3 rows)`); err != nil {
				return Kernel{}, err
			}
			for r := 0; r < 3; r++ {
				if !dec.More() {
					return Kernel{}, short(`"kernel" has %d rows, want 3`, r)
				}
				if err := delim('[', fmt.Sprintf(`"kernel" row %d (an array of 3 numbers)`, r+1)); err != nil {
					return Kernel{}, err
				}
				for c := 0; c < 3; c++ {
					if !dec.More() {
						return Kernel{}, short(`"kernel" row %d has %d numbers, want 3`, r+1, c)
					}
					t, err := token()
					if err != nil {
						return Kernel{}, err
					}
					n, ok := t.(json.Number)
					if !ok {
						return Kernel{}, bad(at(), `"kernel" row %d, column %d: want a number, found %v`, r+1, c+1, tokenString(t))
					}
					v, err := strconv.ParseFloat(string(n), 64)
					if err == nil {
						err = checkWeight(v)
					} else {
						err = fmt.Errorf("%w: %s is out of range", ErrBadKernel, clip.String(string(n)))
					}
					if err != nil {
						return Kernel{}, fmt.Errorf("vision: kernel file %s:%d: row %d, column %d: %w", path, at(), r+1, c+1, err)
					}
					k.W[r][c] = v
				}
				if dec.More() {
					return Kernel{}, bad(at(), `"kernel" row %d has more than 3 numbers`, r+1)
				}
				if err := delim(']', fmt.Sprintf(`end of "kernel" row %d`, r+1)); err != nil {
					return Kernel{}, err
				}
			}
			if dec.More() {
				return Kernel{}, bad(at(), `"kernel" has more than 3 rows`)
			}
			if err := delim(']', `end of "kernel"`); err != nil {
				return Kernel{}, err
			}
		default:
			return Kernel{}, bad(at(), "unknown key %v (want \"name\" and \"kernel\")", tokenString(t))
		}
	}
	if err := delim('}', "end of the object"); err != nil {
		return Kernel{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Kernel{}, bad(at(), "unexpected data after the JSON object")
	}
	if !haveKernel {
		return Kernel{}, bad(at(), `no "kernel" key (want {"name": ..., "kernel": [[a,b,c],[d,e,f],[g,h,i]]})`)
	}
	if err := checkWeights(k.W); err != nil {
		return Kernel{}, fmt.Errorf("vision: kernel file %s: %w", path, err)
	}
	return k, nil
}

func tokenString(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(v))
	case string:
		return strconv.Quote(clip.String(v))
	case nil:
		return "null"
	}
	return clip.String(fmt.Sprint(t))
}
