package vision

import (
	"fmt"
	"math/rand/v2"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// ReadTime is the duration of one read of the array in s, the time
// Result.ReadEnergy is computed for: the neuron's latency, 650 ns (paper,
// Fig. 3f), the read time the CNN experiment uses for its arrays too.
const ReadTime = 650e-9

// Network returns the convolution of Detect as a network: one nn.Conv2D
// layer of 3x3 kernels over one grey channel, one output channel per
// kernel (weight (tap, f) = kernel f's weight at window position tap,
// row-major, the array's column f), stride 1, zero biases and no
// activation, for an input of w×h pixels under the boundary b. The
// network's input is what RowVoltages returns: the image itself for Zero
// (padding 1, 0 V outside) and Valid (padding 0), the image extended by
// one replicated pixel on every side for Replicate (padding 0 on the
// (w+2)×(h+2) input: the border rows of the array are driven with the
// voltage of the nearest image pixel). Its output map is Detect's
// (oh × ow × len(kernels), channels contiguous).
func Network(kernels []Kernel, w, h int, b Boundary) (*nn.Sequential, error) {
	in, pad := nn.Shape{H: h, W: w, C: 1}, 0
	switch b {
	case Replicate:
		in.H, in.W = h+2, w+2
	case Zero:
		pad = 1
	}
	nf := len(kernels)
	// The generator only feeds the He-normal draw the weights replace.
	net, err := nn.NewSequential(in, rand.New(rand.NewPCG(0, 0)), nn.ConvSpec(nf, 3, 1, pad))
	if err != nil {
		return nil, fmt.Errorf("vision: %d kernels over %dx%d (%v boundary): %w", nf, w, h, b, err)
	}
	c := net.Layers[0].(*nn.Conv2D)
	for f, k := range kernels {
		for tap, v := range k.Weights() {
			c.W[tap*nf+f] = float32(v)
		}
	}
	clear(c.B)
	return net, nil
}

// RowVoltages returns the input of Network(…, img.W, img.H, b) for img
// as the array's row voltages in V: readScale·x for every intensity x
// (float32, row-major), extended by one replicated pixel on every side
// for Replicate.
func RowVoltages(img *dataset.Gray, b Boundary, readScale float64) []float32 {
	vs := float32(readScale)
	if b != Replicate {
		x := make([]float32, len(img.Pix))
		for i, v := range img.Pix {
			x[i] = vs * float32(v)
		}
		return x
	}
	w, h := img.W, img.H
	pw := w + 2
	x := make([]float32, pw*(h+2))
	for y := range h + 2 {
		row := img.Pix[min(max(y-1, 0), h-1)*w:][:w]
		for xx := range pw {
			x[y*pw+xx] = vs * float32(row[min(max(xx-1, 0), w-1)])
		}
	}
	return x
}

// crossbarConv programs Network into one array through crossbar.NewStack
// under p and fills every filter's Current with the stack's column
// currents (the array read once per output position, its rows driven by
// RowVoltages at Config.ReadScale), r.GScale and r.ReadEnergy.
func crossbarConv(r *Result, img *dataset.Gray, p crossbar.Params) error {
	ks := make([]Kernel, len(r.Filters))
	for f, fl := range r.Filters {
		ks[f] = fl.Kernel
	}
	net, err := Network(ks, img.W, img.H, r.Config.Boundary)
	if err != nil {
		return err
	}
	st, err := crossbar.NewStack(net, nil, p)
	if err != nil {
		return fmt.Errorf("vision: program the kernels: %w", err)
	}
	nf, npix := len(ks), r.W*r.H
	if got := st.Outputs(); got != nf*npix {
		panic(fmt.Sprintf("vision: the stack gives %d currents, want %d", got, nf*npix))
	}
	cur := make([]float32, nf*npix)
	r.ReadEnergy = st.ForwardVolts(cur, RowVoltages(img, r.Config.Boundary, r.Config.ReadScale), 1, r.ReadTime)
	r.GScale = st.Arrays[0].GScale()
	for f, fl := range r.Filters {
		for i := range fl.Current {
			fl.Current[i] = cur[i*nf+f]
		}
	}
	return nil
}

// reference fills every filter's Z: the software convolution of the
// intensities in float64, the reference the crossbar is compared with.
func reference(r *Result, img *dataset.Gray) {
	var win [9]float64
	ws := make([][]float64, len(r.Filters))
	for f, fl := range r.Filters {
		ws[f] = fl.Kernel.Weights()
	}
	for p := range r.W * r.H {
		window(&win, img, p%r.W+r.X0, p/r.W+r.Y0, r.Config.Boundary)
		for f, wf := range ws {
			z := 0.0
			for k, v := range win {
				z += wf[k] * v
			}
			r.Filters[f].Z[p] = z
		}
	}
}
