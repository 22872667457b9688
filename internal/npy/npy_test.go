package npy

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRoundTripAndAlignment(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		data  []float32
	}{
		{[]int{2, 3}, []float32{1, -2, 3.5, 0, float32(math.Inf(1)), 1e-38}},
		{[]int{4}, []float32{0.1, 0.2, 0.3, 0.4}},
		{[]int{0, 5}, nil},
		{[]int{1, 1, 1}, []float32{7}},
	} {
		var b bytes.Buffer
		if err := Write(&b, tc.shape, tc.data); err != nil {
			t.Fatal(err)
		}
		raw := b.Bytes()
		hl := int(raw[8]) | int(raw[9])<<8
		if (10+hl)%64 != 0 || raw[10+hl-1] != '\n' {
			t.Errorf("shape %v: data start at %d, not a 64-byte boundary after a newline", tc.shape, 10+hl)
		}
		shape, data, err := Read(bytes.NewReader(raw))
		if err != nil || !slices.Equal(shape, tc.shape) || len(data) != len(tc.data) {
			t.Fatalf("shape %v: read back %v, %d values, %v", tc.shape, shape, len(data), err)
		}
		for i := range data {
			if math.Float32bits(data[i]) != math.Float32bits(tc.data[i]) {
				t.Errorf("value %d: %g, want %g", i, data[i], tc.data[i])
			}
		}
	}
	// A 1-D shape is the one-element tuple "(4,)".
	var b bytes.Buffer
	Write(&b, []int{4}, make([]float32, 4))
	if !strings.Contains(b.String(), "'shape': (4,)") {
		t.Errorf("1-D header %q", b.String()[:70])
	}
}

func TestWriteRefusesBadShape(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, []int{2, 2}, make([]float32, 3)); err == nil {
		t.Error("3 values for a 2x2 shape accepted")
	}
	if err := Write(&b, []int{-1}, nil); err == nil {
		t.Error("negative dimension accepted")
	}
	if _, _, err := Read(strings.NewReader("not npy at all")); err == nil {
		t.Error("garbage read")
	}
}

// numpy itself reads what Write writes (skipped where numpy is absent).
func TestNumpyLoads(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skip("python3 with numpy not available")
	}
	p := filepath.Join(t.TempDir(), "a.npy")
	var b bytes.Buffer
	if err := Write(&b, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6.5}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", "import numpy,sys; a=numpy.load(sys.argv[1]); print(a.dtype, a.shape, a[1,2], a.flags['C_CONTIGUOUS'])", p).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "float32 (2, 3) 6.5 True" {
		t.Errorf("numpy: %q (%v)", out, err)
	}
}
