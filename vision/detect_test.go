package vision

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

// testNeuron is the default neuron, solved once for the package's tests.
var testNeuron = sync.OnceValues(DefaultNeuron)

func mustNeuron(t testing.TB) *Neuron {
	t.Helper()
	n, err := testNeuron()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// stepImage returns a w x h image that is lo left of column edge (or
// above row edge when lateral) and hi from it on.
func stepImage(w, h, edge int, lateral bool, lo, hi float64) *dataset.Gray {
	g := &dataset.Gray{W: w, H: h, Pix: make([]float64, w*h)}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := lo
			if (!lateral && x >= edge) || (lateral && y >= edge) {
				v = hi
			}
			g.Pix[y*w+x] = v
		}
	}
	return g
}

// lines returns the sorted columns (or rows when rows is true) that hold
// at least one pixel with a current above thr.
func lines(t *testing.T, r *Result, f *Filter, rows bool, thr float32) []int {
	t.Helper()
	var out []int
	for y := 0; y < r.H; y++ {
		for x := 0; x < r.W; x++ {
			if f.Current[y*r.W+x] > thr {
				k := x
				if rows {
					k = y
				}
				if !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestStepEdge(t *testing.T) {
	n := mustNeuron(t)
	tests := []struct {
		name     string
		boundary Boundary
		lateral  bool
		lo, hi   float64
		want     []int // columns (rows for lateral) with a positive current
	}{
		// A dark-to-bright step at column 6 of a 12-wide image: the
		// windows centred on columns 5 and 6 straddle it.
		{"vertical replicate", Replicate, false, 0, 1, []int{5, 6}},
		{"vertical valid", Valid, false, 0, 1, []int{4, 5}}, // output x = input x − 1
		{"vertical zero", Zero, false, 0, 1, []int{5, 6}},   // the right border reads bright-to-black: negative
		{"lateral replicate", Replicate, true, 0, 1, []int{5, 6}},
		{"lateral valid", Valid, true, 0, 1, []int{4, 5}},
		{"vertical replicate bright-to-dark", Replicate, false, 1, 0, nil},
		{"vertical replicate low contrast", Replicate, false, 0.4, 0.6, []int{5, 6}},
		// Zero padding reads the border as black: a grey image shows a
		// line at the left column (black-to-grey) and none on the right.
		{"vertical zero grey", Zero, false, 0.5, 0.5, []int{0}},
		{"lateral zero grey", Zero, true, 0.5, 0.5, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, h := 12, 12
			img := stepImage(w, h, 6, tc.lateral, tc.lo, tc.hi)
			cfg := DefaultConfig()
			cfg.Boundary = tc.boundary
			k := Vertical()
			if tc.lateral {
				k = Lateral()
			}
			other := Lateral()
			if tc.lateral {
				other = Vertical()
			}
			r, err := Detect(img, []Kernel{k, other}, n, cfg)
			if err != nil {
				t.Fatal(err)
			}
			f := r.Filter(k.Name)
			unit := float32(cfg.ReadScale * r.GScale) // A per unit of Z
			got := lines(t, r, f, tc.lateral, 1e-3*unit)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("positive current in lines %v, want %v", got, tc.want)
			}
			for i, c := range f.Current {
				x, y := i%r.W, i/r.W
				on := slices.Contains(tc.want, x)
				if tc.lateral {
					on = slices.Contains(tc.want, y)
				}
				v := f.Vout[i]
				switch {
				case on && v < 0.3:
					t.Errorf("edge pixel (%d,%d): current %.3g A, Vout %.3f V: want a clear response", x, y, c, v)
				case !on && v > 0.05:
					t.Errorf("pixel (%d,%d) off the edge: current %.3g A, Vout %.3f V > 0.05 V", x, y, c, v)
				}
			}
			// The orthogonal filter sees no edge inside the image.
			if tc.boundary != Zero {
				if o := r.Filter(other.Name); o.Ideal.VoutMax > n.Floor+OnsetTolerance+1e-6 {
					t.Errorf("%s filter responds to a %s step: max %.4f V", other.Name, k.Name, o.Ideal.VoutMax)
				}
			}
		})
	}
}

// A full-contrast step is the strongest input the Prewitt kernels can
// see: the full-scale design maps it to Target·VDD.
func TestFullScaleStep(t *testing.T) {
	n := mustNeuron(t)
	cfg := DefaultConfig()
	r, err := Detect(stepImage(8, 8, 4, false, 0, 1), []Kernel{Vertical()}, n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Filters[0]
	if want := 3 * cfg.ReadScale * (cfg.GMax - cfg.GMin); math.Abs(f.FullScale-want) > 1e-12 || math.Abs(float64(f.Ideal.CurrentMax)-want) > 1e-5*want {
		t.Errorf("full scale %.6g A, max current %.6g A, want %.6g A", f.FullScale, f.Ideal.CurrentMax, want)
	}
	if v := f.Ideal.VoutMax; math.Abs(v-cfg.Target*r.VDD) > 0.01 {
		t.Errorf("full-contrast step gives %.4f V, want %.2f V", v, cfg.Target*r.VDD)
	}
	if math.Abs(f.Gain-(r.Target-r.Onset)/f.FullScale) > 1e-12 {
		t.Errorf("gain %.6f, want (target − onset)/full scale = %.6f", f.Gain, (r.Target-r.Onset)/f.FullScale)
	}
}

func TestCurrentsMatchSoftware(t *testing.T) {
	n := mustNeuron(t)
	img := DefaultImage()
	custom := Kernel{"custom", [3][3]float64{{0.5, -2, 0}, {1, 3, -1}, {0, 0.25, -1.75}}}
	for _, b := range []Boundary{Replicate, Zero, Valid} {
		cfg := DefaultConfig()
		cfg.Boundary = b
		r, err := Detect(img, []Kernel{Vertical(), Lateral(), custom}, n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if wantGS := (cfg.GMax - cfg.GMin) / 3; math.Abs(r.GScale-wantGS) > 1e-15 {
			t.Errorf("%s: GScale %g S, want %g S (window / max|w|)", b, r.GScale, wantGS)
		}
		unit := cfg.ReadScale * r.GScale
		for _, f := range r.Filters {
			worst, scale := 0.0, 0.0
			for i, z := range f.Z {
				worst = max(worst, math.Abs(float64(f.Current[i])-unit*z))
				scale = max(scale, math.Abs(unit*z))
			}
			if worst > 1e-6*scale {
				t.Errorf("%s %s: crossbar current differs from ReadScale·GScale·Z by %.3g A (scale %.3g A)", b, f.Kernel.Name, worst, scale)
			}
		}
	}
}

func TestCamera(t *testing.T) {
	n := mustNeuron(t)
	img := DefaultImage()
	if img.W != 160 || img.H != 160 {
		t.Fatalf("built-in image is %dx%d", img.W, img.H)
	}
	tests := []struct {
		name      string
		variation float64
		scale     ScaleMode
		minR      float64 // least Pearson correlation with software ReLU
	}{
		{"ideal full scale", 0, ScaleFull, 0.98},
		{"9.9% variation", 0.099, ScaleFull, 0.97},
		{"percentile", 0, ScalePercentile, 0.95},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Variation, cfg.Scale = tc.variation, tc.scale
			r, err := Detect(img, []Kernel{Vertical(), Lateral()}, n, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range r.Filters {
				s := f.Ideal
				if f.Varied != nil {
					s = *f.Varied
				}
				for i, v := range f.Vout {
					if !(v >= 0 && v <= float32(r.VDD)) {
						t.Fatalf("%s: Vout[%d] = %g outside [0, VDD]", f.Kernel.Name, i, v)
					}
				}
				if s.MaxVoutNegative >= 0.05 || f.Ideal.MaxVoutNegative >= 0.05 {
					t.Errorf("%s: negative-current pixels reach %.4f V (ideal %.4f V), want < 0.05 V", f.Kernel.Name, s.MaxVoutNegative, f.Ideal.MaxVoutNegative)
				}
				if !(s.NegativeFraction > 0.2 && s.NegativeFraction < 0.8) {
					t.Errorf("%s: negative fraction %.3f", f.Kernel.Name, s.NegativeFraction)
				}
				if !(s.PearsonReLU >= tc.minR) {
					t.Errorf("%s: Pearson vs ReLU %.4f < %.2f", f.Kernel.Name, s.PearsonReLU, tc.minR)
				}
				if tc.variation == 0 && f.Varied != nil {
					t.Errorf("%s: variation stats without variation", f.Kernel.Name)
				}
				t.Logf("%s: gain %.3f, I %.3g..%.3g A, Vout %.4f..%.4f V, r = %.4f (bounded %.4f), ideal r = %.4f",
					f.Kernel.Name, f.Gain, s.CurrentMin, s.CurrentMax, s.VoutMin, s.VoutMax, s.PearsonReLU, s.PearsonBoundedReLU, f.Ideal.PearsonReLU)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	n := mustNeuron(t)
	img := DefaultImage()
	run := func(seed uint64) *Result {
		cfg := DefaultConfig()
		cfg.Variation, cfg.Seed = 0.099, seed
		r, err := Detect(img, []Kernel{Vertical(), Lateral()}, n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := run(7), run(7), run(8)
	for i := range a.Filters {
		if !slices.Equal(a.Filters[i].Vout, b.Filters[i].Vout) {
			t.Errorf("%s: same seed, different maps", a.Filters[i].Kernel.Name)
		}
		if slices.Equal(a.Filters[i].Vout, c.Filters[i].Vout) {
			t.Errorf("%s: different seeds, same maps", a.Filters[i].Kernel.Name)
		}
		if !slices.Equal(a.Filters[i].VoutIdeal, c.Filters[i].VoutIdeal) {
			t.Errorf("%s: the ideal map depends on the seed", a.Filters[i].Kernel.Name)
		}
	}
	if slices.Equal(a.Filters[0].Vout, a.Filters[1].Vout) {
		t.Error("both filters drew the same variation")
	}
}

func TestAnySize(t *testing.T) {
	n := mustNeuron(t)
	for _, tc := range []struct {
		w, h     int
		boundary Boundary
		ow, oh   int
	}{
		{1, 1, Replicate, 1, 1},
		{1, 1, Zero, 1, 1},
		{7, 1, Replicate, 7, 1},
		{1, 7, Zero, 1, 7},
		{2, 2, Replicate, 2, 2},
		{3, 3, Valid, 1, 1},
		{17, 5, Valid, 15, 3},
		{5, 17, Replicate, 5, 17},
		{300, 7, Zero, 300, 7},
		{80, 80, Replicate, 80, 80}, // > band pixels: several batches
		{4099, 1, Replicate, 4099, 1},
	} {
		img := &dataset.Gray{W: tc.w, H: tc.h, Pix: make([]float64, tc.w*tc.h)}
		for i := range img.Pix {
			img.Pix[i] = float64((i*7919)%13) / 12
		}
		cfg := DefaultConfig()
		cfg.Boundary = tc.boundary
		r, err := Detect(img, []Kernel{Vertical(), Lateral()}, n, cfg)
		if err != nil {
			t.Errorf("%dx%d %s: %v", tc.w, tc.h, tc.boundary, err)
			continue
		}
		if r.W != tc.ow || r.H != tc.oh || len(r.Filters[0].Vout) != tc.ow*tc.oh {
			t.Errorf("%dx%d %s: output %dx%d (%d values), want %dx%d", tc.w, tc.h, tc.boundary, r.W, r.H, len(r.Filters[0].Vout), tc.ow, tc.oh)
		}
		// Every output against a direct software convolution.
		unit := cfg.ReadScale * r.GScale
		for _, f := range r.Filters {
			for i, z := range f.Z {
				if math.Abs(float64(f.Current[i])-unit*z) > 1e-6*unit*3 {
					t.Fatalf("%dx%d %s %s: pixel %d current %g, want %g", tc.w, tc.h, tc.boundary, f.Kernel.Name, i, f.Current[i], unit*z)
				}
			}
		}
		if _, err := SelectPatches(img, tc.boundary, PatchSize); err != nil {
			t.Errorf("%dx%d %s: patches: %v", tc.w, tc.h, tc.boundary, err)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	n := mustNeuron(t)
	img := stepImage(5, 5, 2, false, 0, 1)
	bad := DefaultConfig()
	bad.Target = 0
	tiny := DefaultConfig()
	tiny.Target = 0.01 // below the knee
	valid := DefaultConfig()
	valid.Boundary = Valid
	tests := []struct {
		name    string
		img     *dataset.Gray
		kernels []Kernel
		n       *Neuron
		cfg     Config
		want    string
		is      error
	}{
		{"nil image", nil, []Kernel{Vertical()}, n, DefaultConfig(), "empty image", ErrImage},
		{"zero size", &dataset.Gray{}, []Kernel{Vertical()}, n, DefaultConfig(), "empty image", ErrImage},
		{"short pixels", &dataset.Gray{W: 2, H: 2, Pix: []float64{1}}, []Kernel{Vertical()}, n, DefaultConfig(), "1 pixels for 2x2", ErrImage},
		{"nan pixel", &dataset.Gray{W: 1, H: 1, Pix: []float64{math.NaN()}}, []Kernel{Vertical()}, n, DefaultConfig(), "NaN", ErrImage},
		{"valid too small", &dataset.Gray{W: 2, H: 9, Pix: make([]float64, 18)}, []Kernel{Vertical()}, n, valid, "too small", ErrImage},
		{"no kernels", img, nil, n, DefaultConfig(), "0 kernels", nil},
		{"duplicate", img, []Kernel{Vertical(), Vertical()}, n, DefaultConfig(), "two kernels", nil},
		{"bad kernel", img, []Kernel{{Name: "z"}}, n, DefaultConfig(), "zero", ErrBadKernel},
		{"nil neuron", img, []Kernel{Vertical()}, nil, DefaultConfig(), "nil neuron", nil},
		{"bad config", img, []Kernel{Vertical()}, n, bad, "Target", ErrInvalidConfig},
		{"target below knee", img, []Kernel{Vertical()}, n, tiny, "knee", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Detect(tc.img, tc.kernels, tc.n, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	mod := func(f func(*Config)) Config { c := DefaultConfig(); f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want string // "" valid
	}{
		{"default", DefaultConfig(), ""},
		{"fixed gain", mod(func(c *Config) { c.Scale, c.Gain = ScaleFixed, 2 }), ""},
		{"fixed without gain", mod(func(c *Config) { c.Scale = ScaleFixed }), "Gain"},
		{"read scale", mod(func(c *Config) { c.ReadScale = 0 }), "ReadScale"},
		{"read scale high", mod(func(c *Config) { c.ReadScale = 11 }), "ReadScale"},
		{"window", mod(func(c *Config) { c.GMax = c.GMin }), "GMax"},
		{"percentile", mod(func(c *Config) { c.Percentile = 0 }), "Percentile"},
		{"target", mod(func(c *Config) { c.Target = 1.5 }), "Target"},
		{"variation", mod(func(c *Config) { c.Variation = -0.1 }), "Variation"},
		{"variation nan", mod(func(c *Config) { c.Variation = math.NaN() }), "Variation"},
		{"boundary", mod(func(c *Config) { c.Boundary = 7 }), "Boundary"},
		{"scale", mod(func(c *Config) { c.Scale = -1 }), "Scale"},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && (!strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidConfig))) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.want)
		}
	}
	for _, s := range []string{"replicate", "zero", "valid"} {
		b, err := ParseBoundary(s)
		if err != nil || b.String() != s {
			t.Errorf("ParseBoundary(%q) = %v, %v", s, b, err)
		}
	}
	for _, s := range []string{"full", "percentile", "fixed"} {
		m, err := ParseScaleMode(s)
		if err != nil || m.String() != s {
			t.Errorf("ParseScaleMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseBoundary("same"); err == nil {
		t.Error(`ParseBoundary("same") accepted`)
	}
}

func TestScaleModes(t *testing.T) {
	n := mustNeuron(t)
	img := DefaultImage()
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		gain func(r *Result, f *Filter) float64
	}{
		{"full", func(c *Config) {}, func(r *Result, f *Filter) float64 { return (r.Target - r.Onset) / f.FullScale }},
		{"full without knee", func(c *Config) { c.KneeCompensation = false }, func(r *Result, f *Filter) float64 { return r.Target / f.FullScale }},
		{"percentile", func(c *Config) { c.Scale = ScalePercentile }, func(r *Result, f *Filter) float64 {
			return (r.Target - r.Onset) / percentile32(f.Current, 99)
		}},
		{"fixed", func(c *Config) { c.Scale, c.Gain = ScaleFixed, 1.5 }, func(r *Result, f *Filter) float64 { return 1.5 }},
	} {
		cfg := DefaultConfig()
		tc.mod(&cfg)
		r, err := Detect(img, []Kernel{Vertical(), Lateral()}, n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Filters {
			if want := tc.gain(r, f); math.Abs(f.Gain-want) > 1e-9*want {
				t.Errorf("%s %s: gain %.6f, want %.6f", tc.name, f.Kernel.Name, f.Gain, want)
			}
			if tc.name == "percentile" {
				if s := f.Ideal.SaturatedFraction; s < 0.005 || s > 0.0105 { // 1 % + ties and the interpolant's error at the design point
					t.Errorf("percentile %s: %.4f of the pixels at ≥ 90 %% VDD, want ~0.01", f.Kernel.Name, s)
				}
			}
		}
	}
	// A kernel without positive weights never turns the neuron on.
	neg := Kernel{"neg", [3][3]float64{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}}}
	r, err := Detect(img, []Kernel{neg}, n, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if f := r.Filters[0]; f.Gain != 1 || f.Ideal.VoutMax > n.Floor+OnsetTolerance+1e-6 {
		t.Errorf("all-negative kernel: gain %g, max Vout %.4f V", f.Gain, f.Ideal.VoutMax)
	}
}

func TestNeuron(t *testing.T) {
	n := mustNeuron(t)
	// The default neuron rests on the edge of its switched branch: its
	// output starts to rise within a few nA of zero input.
	if !(n.Onset > 0 && n.Onset < 50e-9) {
		t.Errorf("onset %.3g A, want within 0..50 nA", n.Onset)
	}
	if v := n.Eval.At(n.Onset); math.Abs(v-(n.Floor+OnsetTolerance)) > 1e-5 {
		t.Errorf("Vout(onset) = %.6f V, want floor + 1 mV = %.6f V", v, n.Floor+OnsetTolerance)
	}
	if n.Floor >= 0.05 || n.MaxVout > n.VDD() || n.MaxVout < 0.9*n.VDD() {
		t.Errorf("floor %.4f V, saturation %.4f V", n.Floor, n.MaxVout)
	}
	i90 := n.TargetCurrent(0.9)
	if v := n.Eval.At(i90); math.Abs(v-1.8) > 1e-4 {
		t.Errorf("Vout(TargetCurrent(0.9)) = %.5f V", v)
	}
	// Beyond the neuron's saturation TargetCurrent falls back to the swing.
	if i := n.TargetCurrent(0.99); math.IsNaN(i) || math.Abs(n.Eval.At(i)-(n.Floor+0.99*(n.MaxVout-n.Floor))) > 1e-4 {
		t.Errorf("TargetCurrent(0.99) = %g A", i)
	}
	if !math.IsNaN(n.CurrentAt(2.5)) {
		t.Error("CurrentAt above the saturation should be NaN")
	}
}

func TestSelectPatches(t *testing.T) {
	img := DefaultImage()
	ps, err := SelectPatches(img, Replicate, PatchSize)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{"vertical edge", "lateral edge", "mixed", "flat"}
	if len(ps) != 4 {
		t.Fatalf("%d patches", len(ps))
	}
	for i, p := range ps {
		if p.Kind != kinds[i] || p.Size != PatchSize || p.X < 0 || p.Y < 0 || p.X+p.Size > img.W || p.Y+p.Size > img.H {
			t.Errorf("patch %d: %+v", i, p)
		}
		for _, q := range ps[:i] {
			if p.X < q.X+q.Size && q.X < p.X+p.Size && p.Y < q.Y+q.Size && q.Y < p.Y+p.Size {
				t.Errorf("patches %s and %s overlap", p.Label, q.Label)
			}
		}
	}
	a, b, c, d := ps[0], ps[1], ps[2], ps[3]
	if !(a.GradX > 2*a.GradY && b.GradY > 2*b.GradX && c.GradX > 0.2 && c.GradY > 0.2 && d.GradX+d.GradY < 0.02) {
		t.Errorf("patches do not show what they were chosen for: %+v", ps)
	}
	// On a synthetic image the vertical-edge patch sits on the edge.
	step := stepImage(40, 30, 25, false, 0.2, 0.8)
	ps, err = SelectPatches(step, Valid, PatchSize)
	if err != nil {
		t.Fatal(err)
	}
	if p := ps[0]; p.ImageX > 24 || p.ImageX+p.Size < 26 || p.ImageX != p.X+1 {
		t.Errorf("vertical-edge patch at image x %d..%d misses the edge at 24|25", p.ImageX, p.ImageX+p.Size-1)
	}
	if got := Extract(step.Pix, step.W, 20, 3, 2); !slices.Equal(got, []float64{0.2, 0.2, 0.2, 0.2}) {
		t.Errorf("Extract = %v", got)
	}
}

func TestPearson(t *testing.T) {
	for _, tc := range []struct {
		a    []float32
		b    []float64
		want float64
	}{
		{[]float32{1, 2, 3}, []float64{2, 4, 6}, 1},
		{[]float32{1, 2, 3}, []float64{3, 2, 1}, -1},
		{[]float32{1, 1, 1}, []float64{3, 2, 1}, math.NaN()},
		{[]float32{1, 2, 3, 4}, []float64{1, 3, 2, 4}, 0.8},
	} {
		got := Pearson(tc.a, tc.b)
		if math.IsNaN(tc.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.want) > 1e-12) {
			t.Errorf("Pearson(%v, %v) = %g, want %g", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDecodeGray(t *testing.T) {
	if _, err := DecodeGray([]byte("not an image")); !errors.Is(err, dataset.ErrNotImage) {
		t.Errorf("DecodeGray(garbage) = %v", err)
	}
	g := DefaultImage()
	lo, hi := slices.Min(g.Pix), slices.Max(g.Pix)
	if lo < 0 || hi > 1 || hi-lo < 0.5 {
		t.Errorf("built-in image range %g..%g", lo, hi)
	}
	b := DefaultImagePNG()
	b[0] = 0 // a copy: the built-in image is unchanged
	if DefaultImage().Pix[0] != g.Pix[0] {
		t.Error("DefaultImagePNG returned the embedded bytes themselves")
	}
}
