package vision

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestParseKernel(t *testing.T) {
	sobel := [3][3]float64{{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}}
	tests := []struct {
		name, path, in string
		want           Kernel
		errs           []string // substrings of the error; nil: success
	}{
		{"text", "k/sobel-x.txt", "-1 0 1\n-2 0 2\n-1 0 1\n", Kernel{"sobel-x", sobel}, nil},
		{"text commas comments blank lines", "edge.k", "# a comment\n\n-1, 0, 1 # row 1\r\n-2,0,2\n\n-1\t0\t1", Kernel{"edge", sobel}, nil},
		{"text BOM and exponent", "bom.txt", "\ufeff1e0 0 -1\n0 0 0\n0 0 0.5e-1\n", Kernel{"bom", [3][3]float64{{1, 0, -1}, {}, {0, 0, 0.05}}}, nil},
		{"text odd name", "my kernel (v2).txt", "1 0 0\n0 0 0\n0 0 0\n", Kernel{"my_kernel__v2_", [3][3]float64{{1}}}, nil},
		{"json", "a.json", `{"name": "sobel", "kernel": [[-1,0,1],[-2,0,2],[-1,0,1]]}`, Kernel{"sobel", sobel}, nil},
		{"json no name", "dir/b.json", " \n{\"kernel\": [[-1,0,1],[-2,0,2],[-1,0,1]]}\n", Kernel{"b", sobel}, nil},
		{"empty", "e.txt", "", Kernel{}, []string{"e.txt", "empty"}},
		{"blank", "e.txt", " \n\t\n", Kernel{}, []string{"e.txt", "empty"}},
		{"two numbers", "k.txt", "1 2 3\n4 5\n7 8 9\n", Kernel{}, []string{"k.txt:2", "row 2 has 2 numbers"}},
		{"four rows", "k.txt", "1 2 3\n4 5 6\n7 8 9\n\n1 1 1\n", Kernel{}, []string{"k.txt:5", "fourth row"}},
		{"two rows", "k.txt", "1 2 3\n4 5 6\n", Kernel{}, []string{"k.txt:2", "2 rows"}},
		{"not a number", "k.txt", "1 2 3\n4 x 6\n7 8 9\n", Kernel{}, []string{"k.txt:2", `"x" is not a number`, "column 2"}},
		{"nan", "k.txt", "1 2 3\n4 NaN 6\n7 8 9\n", Kernel{}, []string{"k.txt:2", "finite"}},
		{"huge", "k.txt", "1 2 3\n4 1e10 6\n7 8 9\n", Kernel{}, []string{"k.txt:2", "finite"}},
		{"all zero", "z.txt", "0 0 0\n0 0 0\n0 -0 0\n", Kernel{}, []string{"z.txt", "every weight is zero"}},
		{"json syntax", "j.json", "{\"kernel\": [[1,0,0],\n[0,0,0],\n[0,0,0]],}", Kernel{}, []string{"j.json:3", "syntax"}},
		{"json short row", "j.json", "{\"kernel\": [\n[1,0,0],\n[0,0],\n[0,0,0]]}", Kernel{}, []string{"j.json:3", "row 2 has 2 numbers"}},
		{"json long row", "j.json", "{\"kernel\": [[1,0,0,4],[0,0,0],[0,0,0]]}", Kernel{}, []string{"j.json:1", "more than 3 numbers"}},
		{"json two rows", "j.json", "{\"kernel\": [[1,0,0],[0,0,0]]}", Kernel{}, []string{"j.json", "2 rows"}},
		{"json four rows", "j.json", "{\"kernel\": [[1,0,0],[0,0,0],[0,0,0],[1,1,1]]}", Kernel{}, []string{"more than 3 rows"}},
		{"json string weight", "j.json", "{\"kernel\": [[1,0,0],\n[0,\"a\",0],[0,0,0]]}", Kernel{}, []string{"j.json:2", "row 2, column 2", "want a number"}},
		{"json unknown key", "j.json", "{\n\"kernel\": [[1,0,0],[0,0,0],[0,0,0]],\n\"bias\": 1}", Kernel{}, []string{"j.json:3", `unknown key "bias"`}},
		{"json missing kernel", "j.json", `{"name": "x"}`, Kernel{}, []string{"j.json", `no "kernel"`}},
		{"json bad name", "j.json", `{"name": "a/b", "kernel": [[1,0,0],[0,0,0],[0,0,0]]}`, Kernel{}, []string{"j.json:1", "letters, digits"}},
		{"json name not string", "j.json", `{"name": 3, "kernel": [[1,0,0],[0,0,0],[0,0,0]]}`, Kernel{}, []string{`"name" must be a string`}},
		{"json trailing", "j.json", `{"kernel": [[1,0,0],[0,0,0],[0,0,0]]} 7`, Kernel{}, []string{"after the JSON object"}},
		{"json truncated", "j.json", `{"kernel": [[1,0,0],[0,0`, Kernel{}, []string{"j.json:1", "ends early"}},
		{"json overflow", "j.json", `{"kernel": [[1e400,0,0],[0,0,0],[0,0,0]]}`, Kernel{}, []string{"row 1, column 1", "out of range"}},
		{"json zero", "j.json", `{"kernel": [[0,0,0],[0,0,0],[0,0,0]]}`, Kernel{}, []string{"every weight is zero"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKernel(tc.path, []byte(tc.in))
			if tc.errs == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if k != tc.want {
					t.Fatalf("got %+v, want %+v", k, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, got %+v", k)
			}
			if !errors.Is(err, ErrBadKernel) {
				t.Errorf("error does not wrap ErrBadKernel: %v", err)
			}
			for _, s := range tc.errs {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestLoadKernel(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "diag.txt")
	if err := os.WriteFile(good, []byte("1 0 0\n0 0 0\n0 0 -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKernel(good)
	if err != nil || k.Name != "diag" || k.W[2][2] != -1 {
		t.Fatalf("LoadKernel: %+v, %v", k, err)
	}
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("#", MaxKernelFileBytes+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.txt"), "missing.txt"},
		{big, "larger than"},
		{dir, dir},
	} {
		if _, err := LoadKernel(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadKernel(%s) = %v, want an error with %q", tc.path, err, tc.want)
		}
	}
}

func TestKernelSums(t *testing.T) {
	for _, tc := range []struct {
		k            Kernel
		pos, neg, mx float64
	}{
		{Vertical(), 3, 3, 1},
		{Lateral(), 3, 3, 1},
		{Kernel{"s", [3][3]float64{{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1.5}}}, 4.5, 4, 2},
	} {
		if p, n, m := tc.k.PositiveSum(), tc.k.NegativeSum(), tc.k.MaxAbs(); p != tc.pos || n != tc.neg || m != tc.mx {
			t.Errorf("%s: sums %g %g %g, want %g %g %g", tc.k.Name, p, n, m, tc.pos, tc.neg, tc.mx)
		}
	}
	for _, name := range BuiltinNames() {
		k, ok := Builtin(name)
		if !ok || k.Name != name || k.Validate() != nil {
			t.Errorf("Builtin(%q) = %+v, %v", name, k, ok)
		}
	}
	if _, ok := Builtin("both"); ok {
		t.Error(`Builtin("both") should not exist`)
	}
}

// formatText writes k in the text form.
func formatText(k Kernel) string {
	var b strings.Builder
	for _, row := range k.W {
		for c, v := range row {
			if c > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// FuzzParseKernel checks that parsing never panics, that every error wraps
// ErrBadKernel and names the file, and that a parsed kernel is valid and
// survives a round trip through the text and JSON forms.
func FuzzParseKernel(f *testing.F) {
	for _, s := range []string{
		"-1 0 1\n-1 0 1\n-1 0 1\n",
		"# c\n1,2,3\n\n4,5,6\n7,8,9",
		"1 2 3\n4 5\n7 8 9\n",
		"0 0 0\n0 0 0\n0 0 0\n",
		"1 2 3\n4 5 6\n7 8 9\n1 1 1\n",
		"1 2 3\n4 5 6\n7 8 9\n" + strings.Repeat("x", 3000) + "\n",
		"1 2 " + strings.Repeat("9", 3000) + "e9999\n",
		`{"kernel": "` + strings.Repeat("s", 3000) + `"}`,
		"1e308 -1e308 0\n0 0 0\n0 0 0\n",
		"nan inf -inf\n0 0 0\n0 0 0\n",
		`{"name": "sobel", "kernel": [[-1,0,1],[-2,0,2],[-1,0,1]]}`,
		`{"kernel": [[1,0,0],[0,0],[0,0,0]]}`,
		`{"kernel": [[1,0,0],[0,0,0],[0,0,0]], "x": 1}`,
		`{"kernel": [[1,0,0],[0,0,0],[0,0,0]]`,
		`{"name": "..", "kernel": [[1,0,0],[0,0,0],[0,0,0]]}`,
		"{",
		"",
		"\ufeff1 0 0\n0 0 0\n0 0 0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := ParseKernel("fuzz.txt", []byte(in))
		if err != nil {
			if !errors.Is(err, ErrBadKernel) {
				t.Fatalf("error does not wrap ErrBadKernel: %v", err)
			}
			if !strings.Contains(err.Error(), "fuzz.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if len(err.Error()) > 300 {
				t.Fatalf("error of %d bytes quotes the input: %.100q", len(err.Error()), err)
			}
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("parsed kernel invalid: %v (%+v)", err, k)
		}
		k2, err := ParseKernel(k.Name+".txt", []byte(formatText(k)))
		if err != nil || k2 != k {
			t.Fatalf("text round trip: %+v, %v; want %+v", k2, err, k)
		}
		rows := make([]string, 3)
		for r, row := range k.W {
			rows[r] = fmt.Sprintf("[%s, %s, %s]", strconv.FormatFloat(row[0], 'g', -1, 64),
				strconv.FormatFloat(row[1], 'g', -1, 64), strconv.FormatFloat(row[2], 'g', -1, 64))
		}
		js := fmt.Sprintf(`{"name": %q, "kernel": [%s]}`, k.Name, strings.Join(rows, ", "))
		k3, err := ParseKernel("x.json", []byte(js))
		if err != nil || k3 != k {
			t.Fatalf("JSON round trip of %s: %+v, %v; want %+v", js, k3, err, k)
		}
	})
}
