package vision

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

// scaled returns k with every weight multiplied by s, renamed.
func scaled(k Kernel, name string, s float64) Kernel {
	k.Name = name
	for r := range k.W {
		for c := range k.W[r] {
			k.W[r][c] *= s
		}
	}
	return k
}

// Constant output maps are reported with their level and cause; maps
// that vary are not.
func TestDegenerate(t *testing.T) {
	n := mustNeuron(t)
	step := stepImage(12, 9, 6, false, 0, 1)
	flat := stepImage(12, 9, 0, false, 0.5, 0.5)
	column := stepImage(1, 20, 10, true, 0, 1) // 1 pixel wide, lateral step
	fixed := func(g float64) func(*Config) {
		return func(c *Config) { c.Scale, c.Gain = ScaleFixed, g }
	}
	negative := Kernel{Name: "dark", W: [3][3]float64{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}}}
	tests := []struct {
		name   string
		img    *dataset.Gray
		kernel Kernel
		cfg    func(*Config)
		want   []string // substrings of the error; nil: no error
	}{
		{"step edge", step, Vertical(), nil, nil},
		{"one row", stepImage(40, 1, 20, false, 0, 1), Vertical(), nil, nil},
		{"one column, lateral", column, Lateral(), nil, nil},
		{"tiny kernel 1e-300", step, scaled(Vertical(), "tiny", 1e-300), nil,
			[]string{`filter "tiny"`, "off level", "too small to drive the neuron", "1e-300"}},
		{"tiny positive kernel", step, Kernel{Name: "tinypos", W: [3][3]float64{{1e-300, 1e-300, 1e-300}, {1e-300, -1e-300, 1e-300}, {1e-300, 1e-300, 1e-300}}}, nil,
			[]string{"off level", "too small"}},
		{"small kernel 1e-20 still works", step, scaled(Vertical(), "small", 1e-20), nil, nil},
		{"flat image", flat, Vertical(), nil, []string{"off level", "same response (0)", "flat"}},
		{"one column, vertical", column, Vertical(), nil, []string{"same response (0)"}},
		{"one pixel", &dataset.Gray{W: 1, H: 1, Pix: []float64{1}}, Lateral(), nil, []string{"single pixel"}},
		{"gain too small", step, Vertical(), fixed(1e-6), []string{"off level", "above its knee", "gain 1e-06"}},
		{"gain too large", stepImage(12, 9, 6, false, 0.5, 1), Kernel{Name: "sum", W: [3][3]float64{{0, 0, 0}, {0, 1, 0}, {0, 0, 0}}}, fixed(1e3),
			[]string{"saturation", "too large"}},
		{"no positive weight", step, negative, nil, []string{"off level", "no positive weight"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			r, err := Detect(tc.img, []Kernel{tc.kernel}, n, cfg)
			if err != nil {
				t.Fatal(err)
			}
			f := r.Filters[0]
			for i, v := range f.Vout {
				if math.IsNaN(float64(v)) {
					t.Fatalf("Vout[%d] is NaN", i)
				}
			}
			if strings.HasPrefix(tc.name, "tiny") {
				// The currents underflow to 0 A: the neuron sees just the
				// knee compensation (not NaN from 0 × a float32-overflowed gain).
				for i, v := range f.Vout {
					if math.Abs(float64(v)-(n.Floor+OnsetTolerance)) > 1e-5 {
						t.Fatalf("Vout[%d] = %g V, want the knee output %g V", i, v, n.Floor+OnsetTolerance)
					}
				}
			}
			err = r.Degenerate(f)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("a varying map reported: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrConstantMap) {
				t.Fatalf("constant map (Vout %g..%g V) not reported: %v", f.Ideal.VoutMin, f.Ideal.VoutMax, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}
