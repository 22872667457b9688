package vision

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/mrelu/mrelu/dataset"
	"gonum.org/v1/gonum/stat"
)

// ErrImage is wrapped by Detect's errors about the image (empty, too small
// for the boundary, pixel slice of the wrong length, NaN pixels).
var ErrImage = errors.New("vision: unusable image")

// MaxFilters bounds the number of kernels one Detect call programs.
const MaxFilters = 64

// streamVariation is the first PCG stream of the neuron variation; filter
// f draws from stream streamVariation+f.
const streamVariation = 0x65646765_00 // "edge"

// Result is the output of Detect: one Filter per kernel, every map H rows
// of W values, row-major.
type Result struct {
	// Config is the configuration the maps were computed with.
	Config Config
	// InW, InH are the input image size; W, H the output map size; output
	// pixel (x, y) is centred on input pixel (x+X0, y+Y0) (X0 = Y0 = 1 for
	// Valid, else 0).
	InW, InH, W, H, X0, Y0 int
	// GScale is the conductance per unit weight of the array in S
	// (G+ − G− = GScale·w).
	GScale float64
	// ReadEnergy is the synapses' read energy of the whole image in J:
	// the one array (every filter's column) read once per output position
	// for ReadTime seconds (crossbar.Stack.ForwardEnergy; drivers,
	// mirrors and neurons not included).
	ReadEnergy float64
	// ReadTime is the duration of one read of the array in s (ReadTime).
	ReadTime float64
	// VDD is the neuron's supply in V.
	VDD float64
	// Onset and Target are the neuron's knee current and the current that
	// drives it to Config.Target·VDD, both in A.
	Onset, Target float64
	// Floor and MaxVout are the neuron's off and saturation levels in V.
	Floor, MaxVout float64
	// Filters holds one result per kernel, in the order given.
	Filters []*Filter
}

// Filter is one kernel's maps and statistics.
type Filter struct {
	Kernel Kernel
	// Z is the software convolution of the intensities with the kernel
	// (unitless, float64): the reference the hardware is compared with.
	Z []float64
	// Current is the differential column current of the kernel's column
	// in A (the summation current, before the mirror): ReadScale·GScale·Z
	// for an ideal array.
	Current []float32
	// Vout is the neuron's output in V, with the temporal variation when
	// Config.Variation > 0; VoutIdeal is the output without variation (the
	// same slice as Vout when there is none).
	Vout, VoutIdeal []float32
	// Gain is the mirror gain (neuron input current per column current),
	// Offset the knee-compensation current added at the neuron input (A),
	// so that the neuron sees Gain·Current + Offset.
	Gain, Offset float64
	// FullScale is the largest column current the kernel can produce in A
	// (ReadScale·GScale·PositiveSum), Design the column current the gain
	// maps to Config.Target·VDD (A).
	FullScale, Design float64
	// Ideal summarises VoutIdeal, Varied summarises Vout with variation
	// (nil without).
	Ideal  Stats
	Varied *Stats
}

// Stats summarise one filter's maps.
type Stats struct {
	// CurrentMin and CurrentMax are the extreme summation currents in A.
	CurrentMin float64 `json:"current_min_A"`
	CurrentMax float64 `json:"current_max_A"`
	// NegativeFraction is the fraction of pixels with a negative summation
	// current.
	NegativeFraction float64 `json:"negative_current_fraction"`
	// MaxVoutNegative is the largest Vout among those pixels in V (NaN if
	// there are none).
	MaxVoutNegative float64 `json:"max_vout_negative_current_V"`
	// VoutMin and VoutMax are the extreme outputs in V.
	VoutMin float64 `json:"vout_min_V"`
	VoutMax float64 `json:"vout_max_V"`
	// SaturatedFraction is the fraction of pixels with Vout ≥ 0.9·VDD.
	SaturatedFraction float64 `json:"saturated_fraction"`
	// PearsonReLU is the Pearson correlation of the Vout map with software
	// ReLU applied to the same convolution, scaled to volts:
	// Slope·Gain·ReadScale·GScale·max(Z, 0) (Slope: the neuron's linear
	// slope in V/A). PearsonBoundedReLU compares with the same ReLU
	// bounded at VDD, the ideal mReLU of the paper. NaN when a map is
	// constant.
	PearsonReLU        float64 `json:"pearson_vs_relu"`
	PearsonBoundedReLU float64 `json:"pearson_vs_bounded_relu"`
}

// outSize returns the output size and offset for an input size.
func outSize(b Boundary, w, h int) (ow, oh, x0, y0 int) {
	if b == Valid {
		return w - 2, h - 2, 1, 1
	}
	return w, h, 0, 0
}

// Detect convolves img with the kernels on a crossbar and passes every
// summation current through the mReLU n:
//
//  1. each pixel intensity x in [0, 1] becomes a row voltage
//     ReadScale·x (RowVoltages; for the Replicate boundary the border
//     rows are driven with the nearest pixel's voltage);
//  2. the convolution is one nn.Conv2D layer (Network: 3x3 kernels,
//     stride 1, one output channel per kernel), programmed by
//     crossbar.NewStack into one array of 9 rows × one differential
//     column pair per kernel;
//  3. the stack reads the array once per output pixel: the pixel's 3x3
//     window drives the 9 rows, and the columns sum the currents by
//     Kirchhoff's law (crossbar.Stack.ForwardVolts, a SIMD GEMM), with
//     the array's non-idealities and its read energy (Result.ReadEnergy);
//  4. each column current I reaches its neuron through a mirror of gain
//     g (Config.Scale) plus the knee-compensation current, and the mReLU
//     gives Vout = f(g·I + Offset), with the temporal variation if asked.
//
// The neuron n is reused as is (solve it once per run). Detect is
// deterministic for a given Config.Seed.
func Detect(img *dataset.Gray, kernels []Kernel, n *Neuron, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n == nil {
		return nil, errors.New("vision: Detect: nil neuron")
	}
	if img == nil || img.W <= 0 || img.H <= 0 {
		return nil, fmt.Errorf("%w: empty image", ErrImage)
	}
	if len(img.Pix) != img.W*img.H {
		return nil, fmt.Errorf("%w: %d pixels for %dx%d", ErrImage, len(img.Pix), img.W, img.H)
	}
	for i, v := range img.Pix {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: pixel (%d, %d) is %v", ErrImage, i%img.W, i/img.W, v)
		}
	}
	if cfg.Boundary == Valid && (img.W < 3 || img.H < 3) {
		return nil, fmt.Errorf("%w: %dx%d is too small for the valid boundary (3x3 at least; use replicate or zero)", ErrImage, img.W, img.H)
	}
	nf := len(kernels)
	if nf == 0 || nf > MaxFilters {
		return nil, fmt.Errorf("vision: Detect: %d kernels, want 1 to %d", nf, MaxFilters)
	}
	seen := map[string]bool{}
	for _, k := range kernels {
		if err := k.Validate(); err != nil {
			return nil, err
		}
		if seen[k.Name] {
			return nil, fmt.Errorf("vision: Detect: two kernels are named %q", k.Name)
		}
		seen[k.Name] = true
	}

	ow, oh, x0, y0 := outSize(cfg.Boundary, img.W, img.H)
	npix := ow * oh
	r := &Result{Config: cfg, InW: img.W, InH: img.H, W: ow, H: oh, X0: x0, Y0: y0,
		VDD: n.VDD(), Onset: n.Onset, Target: n.TargetCurrent(cfg.Target),
		Floor: n.Floor, MaxVout: n.MaxVout, ReadTime: ReadTime}
	for _, k := range kernels {
		r.Filters = append(r.Filters, &Filter{Kernel: k, Z: make([]float64, npix), Current: make([]float32, npix)})
	}
	reference(r, img)
	xp := cfg.crossbarParams()
	xp.VDD = n.VDD()
	if err := crossbarConv(r, img, xp); err != nil {
		return nil, err
	}

	offset := 0.0
	if cfg.KneeCompensation {
		offset = n.Onset
	}
	span := r.Target - offset
	if !(span > 0) {
		return nil, fmt.Errorf("vision: the neuron reaches %.3g·VDD at %.4g A, not above the knee-compensation current %.4g A; raise Config.Target",
			cfg.Target, r.Target, offset)
	}
	in := make([]float32, npix)
	for fi, f := range r.Filters {
		f.Offset = offset
		f.FullScale = cfg.ReadScale * r.GScale * f.Kernel.PositiveSum()
		switch cfg.Scale {
		case ScaleFixed:
			f.Gain = cfg.Gain
			f.Design = span / f.Gain
		case ScalePercentile:
			f.Design = percentile32(f.Current, cfg.Percentile)
			if !(f.Design > 0) {
				f.Design = f.FullScale
			}
		default:
			f.Design = f.FullScale
		}
		if cfg.Scale != ScaleFixed {
			if f.Design > 0 {
				f.Gain = span / f.Design
			} else { // no positive weight: the neuron never turns on
				f.Gain, f.Design = 1, span
			}
		}
		g, o := float32(f.Gain), float32(f.Offset)
		if !math.IsInf(float64(g), 0) {
			for i, c := range f.Current {
				in[i] = g*c + o
			}
		} else { // a gain beyond float32 (a tiny kernel): 0·Inf would be NaN
			for i, c := range f.Current {
				in[i] = float32(f.Gain*float64(c) + f.Offset)
			}
		}
		f.VoutIdeal = make([]float32, npix)
		n.Eval.Eval(f.VoutIdeal, in)
		f.Vout = f.VoutIdeal
		f.Ideal = r.stats(f, f.VoutIdeal, n)
		if cfg.Variation > 0 {
			// The neuron's one variation implementation (neuron.NoiseTable),
			// a stream per filter.
			f.Vout = make([]float32, npix)
			n.Eval.WithVariation(cfg.Variation, cfg.Seed^(streamVariation+uint64(fi))<<32).Eval(f.Vout, in)
			s := r.stats(f, f.Vout, n)
			f.Varied = &s
		}
	}
	return r, nil
}

// window fills win with the 3x3 intensities centred on input pixel
// (cx, cy), row-major, under the boundary rule.
func window(win *[9]float64, img *dataset.Gray, cx, cy int, b Boundary) {
	w, h := img.W, img.H
	if cx >= 1 && cy >= 1 && cx+1 < w && cy+1 < h { // interior: no rule needed
		for r := 0; r < 3; r++ {
			o := (cy+r-1)*w + cx - 1
			copy(win[r*3:r*3+3], img.Pix[o:o+3])
		}
		return
	}
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			x, y := cx+c-1, cy+r-1
			if x < 0 || y < 0 || x >= w || y >= h {
				if b == Zero {
					win[r*3+c] = 0
					continue
				}
				x, y = min(max(x, 0), w-1), min(max(y, 0), h-1)
			}
			win[r*3+c] = img.Pix[y*w+x]
		}
	}
}

// percentile32 returns the p-th percentile (0 < p ≤ 100) of v by nearest
// rank, the ⌈p/100·n⌉-th smallest value: gonum's empirical quantile (NaN
// for an empty v or one holding NaN).
func percentile32(v []float32, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := make([]float64, len(v))
	for i, x := range v {
		s[i] = float64(x)
	}
	slices.Sort(s)
	return stat.Quantile(p/100, stat.Empirical, s, nil)
}

// stats summarises one output map of f.
func (r *Result) stats(f *Filter, vout []float32, n *Neuron) Stats {
	s := Stats{CurrentMin: math.Inf(1), CurrentMax: math.Inf(-1), VoutMin: math.Inf(1), VoutMax: math.Inf(-1),
		MaxVoutNegative: math.NaN()}
	neg, sat := 0, 0
	hi := 0.9 * r.VDD
	for i, c := range f.Current {
		cv, v := float64(c), float64(vout[i])
		s.CurrentMin, s.CurrentMax = min(s.CurrentMin, cv), max(s.CurrentMax, cv)
		s.VoutMin, s.VoutMax = min(s.VoutMin, v), max(s.VoutMax, v)
		if c < 0 {
			neg++
			if math.IsNaN(s.MaxVoutNegative) || v > s.MaxVoutNegative {
				s.MaxVoutNegative = v
			}
		}
		if v >= hi {
			sat++
		}
	}
	np := float64(len(f.Current))
	s.NegativeFraction, s.SaturatedFraction = float64(neg)/np, float64(sat)/np
	slope := n.Metrics.Slope
	if math.IsNaN(slope) || slope <= 0 {
		slope = 1
	}
	scale := slope * f.Gain * r.Config.ReadScale * r.GScale
	s.PearsonReLU = pearson(vout, f.Z, func(z float64) float64 { return scale * max(z, 0) })
	s.PearsonBoundedReLU = pearson(vout, f.Z, func(z float64) float64 { return min(scale*max(z, 0), r.VDD) })
	return s
}

// pearson returns the Pearson correlation of a and ref(b) (two passes,
// float64); NaN when either is constant.
func pearson(a []float32, b []float64, ref func(float64) float64) float64 {
	n := float64(len(a))
	if n == 0 {
		return math.NaN()
	}
	var ma, mb float64
	for i, v := range a {
		ma += float64(v)
		mb += ref(b[i])
	}
	ma, mb = ma/n, mb/n
	var sab, saa, sbb float64
	for i, v := range a {
		da, db := float64(v)-ma, ref(b[i])-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return math.NaN()
	}
	return sab / math.Sqrt(saa*sbb)
}

// Pearson returns the Pearson correlation of two equally long series
// (NaN if either is constant or they are empty); it panics if the lengths
// differ.
func Pearson(a []float32, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("vision: Pearson of %d and %d values", len(a), len(b)))
	}
	return pearson(a, b, func(v float64) float64 { return v })
}

// Filter returns the filter named name, or nil.
func (r *Result) Filter(name string) *Filter {
	for _, f := range r.Filters {
		if f.Kernel.Name == name {
			return f
		}
	}
	return nil
}
