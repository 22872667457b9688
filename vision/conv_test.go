package vision

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// directConv is the textbook cross-correlation of img with k at output
// pixel (x, y) under boundary b, in float64: written out from the
// definition, independent of window and of the crossbar.
func directConv(img *dataset.Gray, k Kernel, b Boundary, x, y int) float64 {
	if b == Valid {
		x, y = x+1, y+1
	}
	s := 0.0
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			ix, iy := x+dx, y+dy
			var v float64
			switch {
			case ix >= 0 && iy >= 0 && ix < img.W && iy < img.H:
				v = img.Pix[iy*img.W+ix]
			case b == Zero:
				v = 0
			default: // replicate: the nearest pixel
				v = img.Pix[min(max(iy, 0), img.H-1)*img.W+min(max(ix, 0), img.W-1)]
			}
			s += k.W[dy+1][dx+1] * v
		}
	}
	return s
}

// randImage is a w x h image of uniform random intensities.
func randImage(w, h int, seed uint64) *dataset.Gray {
	rng := rand.New(rand.NewPCG(seed, 7))
	g := &dataset.Gray{W: w, H: h, Pix: make([]float64, w*h)}
	for i := range g.Pix {
		g.Pix[i] = rng.Float64()
	}
	return g
}

// TestConvStackMatchesReference: the edge detection's one Conv2D layer,
// programmed by crossbar.NewStack and read through it, gives column
// currents equal to ReadScale·GScale times a direct convolution of the
// filter, for built-in and file kernels, every boundary and small images
// of odd shapes; Detect's Current maps are those column currents.
func TestConvStackMatchesReference(t *testing.T) {
	// A kernel file's content, through the same parser as --filter FILE.
	fromFile, err := ParseKernel("kernels/sobel-diag.txt", []byte("# a file kernel\n-2 -1 0\n-1 0 1\n0 1 2.5\n"))
	if err != nil || fromFile.Name != "sobel-diag" {
		t.Fatal(fromFile.Name, err)
	}
	n := mustNeuron(t)
	tests := []struct {
		name    string
		kernels []Kernel
		w, h    int
	}{
		{"vertical", []Kernel{Vertical()}, 7, 5},
		{"lateral", []Kernel{Lateral()}, 6, 9},
		{"file kernel", []Kernel{fromFile}, 8, 8},
		{"three filters", []Kernel{Vertical(), Lateral(), fromFile}, 11, 4},
		{"single row", []Kernel{Vertical(), Lateral()}, 9, 3},
	}
	for _, tc := range tests {
		for _, b := range []Boundary{Replicate, Zero, Valid} {
			img := randImage(tc.w, tc.h, uint64(tc.w*31+tc.h))
			cfg := DefaultConfig()
			cfg.Boundary = b
			net, err := Network(tc.kernels, img.W, img.H, b)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.name, b, err)
			}
			c, ok := net.Layers[0].(*nn.Conv2D)
			wantPad := map[Boundary]int{Replicate: 0, Zero: 1, Valid: 0}[b]
			if len(net.Layers) != 1 || !ok || c.K != 3 || c.Stride != 1 || c.Pad != wantPad || c.Out.C != len(tc.kernels) || c.In.C != 1 {
				t.Fatalf("%s %s: network %+v, want one 3x3 Conv2D, stride 1, padding %d", tc.name, b, net.Layers, wantPad)
			}
			st, err := crossbar.NewStack(net, nil, cfg.crossbarParams())
			if err != nil {
				t.Fatal(err)
			}
			ow, oh, _, _ := outSize(b, img.W, img.H)
			nf := len(tc.kernels)
			if st.Outputs() != ow*oh*nf || len(st.Arrays) != 1 || st.Arrays[0].In != 9 || st.Arrays[0].Out != nf {
				t.Fatalf("%s %s: %d outputs, arrays %d", tc.name, b, st.Outputs(), len(st.Arrays))
			}
			if reads := st.Reads(); len(reads) != 1 || reads[0] != ow*oh {
				t.Errorf("%s %s: reads %v, want one read per output pixel (%d)", tc.name, b, reads, ow*oh)
			}
			cur := make([]float32, st.Outputs())
			st.ForwardVolts(cur, RowVoltages(img, b, cfg.ReadScale), 1, 0)
			r, err := Detect(img, tc.kernels, n, cfg)
			if err != nil {
				t.Fatal(err)
			}
			unit := cfg.ReadScale * st.Arrays[0].GScale()
			for f, k := range tc.kernels {
				fs := unit * (k.PositiveSum() + k.NegativeSum())
				for p := range ow * oh {
					want := unit * directConv(img, k, b, p%ow, p/ow)
					got := float64(cur[p*nf+f])
					if math.Abs(got-want) > 1e-6*fs {
						t.Fatalf("%s %s %s pixel (%d, %d): stack current %.9g A, direct convolution %.9g A", tc.name, b, k.Name, p%ow, p/ow, got, want)
					}
					if r.Filters[f].Current[p] != cur[p*nf+f] {
						t.Fatalf("%s %s %s pixel %d: Detect's current %g A is not the stack's %g A", tc.name, b, k.Name, p, r.Filters[f].Current[p], cur[p*nf+f])
					}
					if z := r.Filters[f].Z[p]; math.Abs(z-want/unit) > 1e-12*(1+math.Abs(z)) {
						t.Fatalf("%s %s %s pixel %d: software Z %g, direct %g", tc.name, b, k.Name, p, z, want/unit)
					}
				}
			}
		}
	}
}

// legacyCurrents is the private convolution Detect used before it went
// through crossbar.NewStack: the kernels programmed with crossbar.Program
// and the 3x3 windows read in batches of 4096 pixels as volts
// ReadScale·x. It is kept here as the reference the stack path must
// reproduce bit for bit.
func legacyCurrents(img *dataset.Gray, kernels []Kernel, cfg Config, vdd float64) [][]float32 {
	nf := len(kernels)
	w := make([]float32, 9*nf)
	for f, k := range kernels {
		for i, v := range k.Weights() {
			w[i*nf+f] = float32(v)
		}
	}
	xp := cfg.crossbarParams()
	xp.VDD = vdd
	layer, err := crossbar.Program(w, 9, nf, nil, xp, nil)
	if err != nil {
		panic(err)
	}
	ow, oh, x0, y0 := outSize(cfg.Boundary, img.W, img.H)
	npix := ow * oh
	out := make([][]float32, nf)
	for f := range out {
		out[f] = make([]float32, npix)
	}
	const band = 4096
	b := min(band, npix)
	volts := make([]float32, b*9)
	cur := make([]float32, b*nf)
	vs := float32(cfg.ReadScale)
	var win [9]float64
	for p0 := 0; p0 < npix; p0 += b {
		m := min(b, npix-p0)
		for i := range m {
			p := p0 + i
			window(&win, img, p%ow+x0, p/ow+y0, cfg.Boundary)
			for k, v := range win {
				volts[i*9+k] = vs * float32(v)
			}
		}
		layer.Currents(cur, volts, m)
		for i := range m {
			for f := range nf {
				out[f][p0+i] = cur[i*nf+f]
			}
		}
	}
	return out
}

// TestStackPathEqualsLegacy: on the built-in image, the crossbar stack
// path gives exactly the current and Vout maps of the former private
// convolution, for every boundary, with the temporal variation and with
// programming and read noise (the stack draws from the same streams).
func TestStackPathEqualsLegacy(t *testing.T) {
	n, ks := mustNeuron(t), []Kernel{Vertical(), Lateral()}
	img := DefaultImage()
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"replicate", func(*Config) {}},
		{"zero", func(c *Config) { c.Boundary = Zero }},
		{"valid, 9.9% variation", func(c *Config) { c.Boundary, c.Variation, c.Seed = Valid, 0.099, 3 }},
		{"array noise", func(c *Config) { c.ProgramSigma, c.ReadSigma, c.Levels, c.Seed = 0.05, 0.02, 64, 9 }},
	} {
		cfg := DefaultConfig()
		tc.edit(&cfg)
		r, err := Detect(img, ks, n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		old := legacyCurrents(img, ks, cfg, n.VDD())
		for fi, f := range r.Filters {
			dI, dV := 0.0, 0.0
			in := make([]float32, len(old[fi]))
			g, o := float32(f.Gain), float32(f.Offset)
			for i, c := range old[fi] {
				dI = max(dI, math.Abs(float64(c)-float64(f.Current[i])))
				in[i] = g*c + o
			}
			vout := make([]float32, len(in))
			n.Eval.Eval(vout, in)
			for i, v := range vout {
				dV = max(dV, math.Abs(float64(v)-float64(f.VoutIdeal[i])))
			}
			t.Logf("%s %s: max |ΔI| = %g A, max |ΔVout| = %g V", tc.name, f.Kernel.Name, dI, dV)
			if dI != 0 || dV != 0 {
				t.Errorf("%s %s: the stack path differs from the former convolution: max |ΔI| = %g A, max |ΔVout| = %g V", tc.name, f.Kernel.Name, dI, dV)
			}
		}
	}
}

// TestReadEnergy: Detect's read energy is that of the one array read once
// per output pixel for ReadTime: Σ over the reads of
// t·(Σ_i V_i²·Σ_j (G+_ij + G−_ij) + ReadScale²·Σ_j 2·GMin) (the bias row
// holds zero weights), with G± = GMin + GScale·max(±w, 0).
func TestReadEnergy(t *testing.T) {
	n := mustNeuron(t)
	ks := []Kernel{Vertical(), Lateral()}
	for _, b := range []Boundary{Replicate, Zero, Valid} {
		img := randImage(13, 6, 5)
		cfg := DefaultConfig()
		cfg.Boundary = b
		r, err := Detect(img, ks, n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var rowG [9]float64
		for _, k := range ks {
			for i, w := range k.Weights() {
				rowG[i] += 2*cfg.GMin + r.GScale*math.Abs(w)
			}
		}
		biasG := 2 * cfg.GMin * float64(len(ks))
		want := 0.0
		var win [9]float64
		for p := range r.W * r.H {
			window(&win, img, p%r.W+r.X0, p/r.W+r.Y0, b)
			for i, x := range win {
				v := float64(float32(cfg.ReadScale) * float32(x))
				want += v * v * rowG[i]
			}
			want += cfg.ReadScale * cfg.ReadScale * biasG
		}
		want *= ReadTime
		if r.ReadTime != ReadTime || !(math.Abs(r.ReadEnergy-want) <= 1e-6*want) {
			t.Errorf("%s: read energy %.6g J over %g s reads, want %.6g J", b, r.ReadEnergy, r.ReadTime, want)
		}
	}
	r, err := Detect(DefaultImage(), ks, n, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("camera, both filters: %.4g J per image (%.4g J per output pixel)", r.ReadEnergy, r.ReadEnergy/float64(r.W*r.H))
	if !(r.ReadEnergy > 0) || math.IsInf(r.ReadEnergy, 0) {
		t.Errorf("camera: read energy %g J", r.ReadEnergy)
	}
}
