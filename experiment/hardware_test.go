package experiment

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/nn"
)

func solvedNeuron(t *testing.T) *NeuronModel {
	t.Helper()
	m, err := SolveNeuron(device.DefaultParams(), neuron.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMReLUIsABoundedReLU checks the network-level neuron: ~0 for z <= 0,
// rising with slope ~1, bounded by VDD.
func TestMReLUIsABoundedReLU(t *testing.T) {
	m := solvedNeuron(t)
	act, err := NewMReLU(m, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	z := []float32{-5, -1, 0, 0.5, 1, 1.5, 5, 50}
	y := make([]float32, len(z))
	act.Forward(y, z)
	for i, v := range z {
		if v <= 0 && y[i] >= 0.05 {
			t.Errorf("z=%v: Vout %v, want < 0.05 V", v, y[i])
		}
		if y[i] > 2 || y[i] < 0 {
			t.Errorf("z=%v: Vout %v outside [0, 2]", v, y[i])
		}
		if i > 0 && y[i] < y[i-1] {
			t.Errorf("not monotone at z=%v", v)
		}
	}
	// Slope in network units over the linear part: ~1 by the choice of IUnit.
	if s := (y[5] - y[3]) / 1; s < 0.85 || s > 1.15 {
		t.Errorf("slope %v in network units, want ~1", s)
	}
	if m.Metrics.MaxVoutNonPositive >= 0.05 {
		t.Errorf("solved curve gives %v V for a non-positive input", m.Metrics.MaxVoutNonPositive)
	}
}

// TestMReLUDerivativeFiniteDifference compares the hardware activation's
// derivative with finite differences of its own forward (no variation).
func TestMReLUDerivativeFiniteDifference(t *testing.T) {
	m := solvedNeuron(t)
	act, _ := NewMReLU(m, 0, 1)
	const h = 1e-3
	for z := float32(-0.8); z < 3.5; z += 0.0731 {
		y, yp, ym, d := make([]float32, 1), make([]float32, 1), make([]float32, 1), make([]float32, 1)
		act.Forward(y, []float32{z})
		act.Derivative(d, []float32{z}, y)
		act.Forward(yp, []float32{z + h})
		act.Forward(ym, []float32{z - h})
		fd := float64(yp[0]-ym[0]) / (2 * h)
		if math.Abs(fd-float64(d[0])) > 0.02+0.02*math.Abs(fd) {
			t.Errorf("z=%.4f: derivative %v, finite difference %v", z, d[0], fd)
		}
	}
	// The trainer's own gradient check through the hardware neuron.
	var _ nn.DerivativeMultiplier = act
}

// TestMReLUVariation checks that the temporal variation has the requested
// relative standard deviation, is unbiased, is deterministic for a seed,
// and that the derivative carries the same draw.
func TestMReLUVariation(t *testing.T) {
	m := solvedNeuron(t)
	for _, sigma := range []float64{0.05, 0.099, 0.2} {
		act, _ := NewMReLU(m, sigma, 7)
		ideal, _ := NewMReLU(m, 0, 7)
		const n = 200000
		z := make([]float32, n)
		for i := range z {
			z[i] = 1 // mid-range: Vout ~1 V, no clipping at 20 % either
		}
		y, y0 := make([]float32, n), make([]float32, n)
		act.Forward(y, z)
		ideal.Forward(y0, z)
		var s, s2 float64
		for i := range y {
			r := float64(y[i]/y0[i]) - 1
			s += r
			s2 += r * r
		}
		mean, std := s/n, math.Sqrt(s2/n-(s/n)*(s/n))
		if math.Abs(std-sigma) > 0.01*sigma || math.Abs(mean) > 3*sigma/math.Sqrt(n) {
			t.Errorf("sigma %v: measured relative std %.5f, mean %.5f", sigma, std, mean)
		}
		// Derivative: same factor as the output.
		d, d0 := make([]float32, n), make([]float32, n)
		act.Derivative(d, z, y)
		ideal.Derivative(d0, z, y0)
		for i := 0; i < 1000; i++ {
			if math.Abs(float64(d[i]/d0[i]-y[i]/y0[i])) > 1e-5 {
				t.Fatalf("sigma %v: derivative factor %v, output factor %v", sigma, d[i]/d0[i], y[i]/y0[i])
			}
		}
		// The recovery path (a buffer Forward never wrote) agrees.
		yc := append([]float32(nil), y...)
		dc := make([]float32, n)
		act.Derivative(dc, z, yc)
		for i := 0; i < 1000; i++ {
			if math.Abs(float64(dc[i]-d[i])) > 1e-4*math.Abs(float64(d[i])) {
				t.Fatalf("sigma %v: recovered derivative %v, cached %v", sigma, dc[i], d[i])
			}
		}
		// Same seed, same draws.
		again, _ := NewMReLU(m, sigma, 7)
		y2 := make([]float32, n)
		again.Forward(y2, z)
		for i := range y {
			if y[i] != y2[i] {
				t.Fatalf("sigma %v: two neurons with seed 7 differ at %d", sigma, i)
			}
		}
	}
}

func TestMReLUBadVariation(t *testing.T) {
	m := solvedNeuron(t)
	for _, v := range []float64{-0.1, math.NaN(), math.Inf(1)} {
		if _, err := NewMReLU(m, v, 1); err == nil {
			t.Errorf("variation %v accepted", v)
		}
	}
	p := DefaultTrainParams()
	p.Act = "mrelu"
	p.Variation = -1
	if p.Validate() == nil {
		t.Error("negative --variation accepted")
	}
	p.Variation = 0.1
	p.Act = "mrelu3"
	if p.Validate() == nil {
		t.Error("unknown activation accepted")
	}
}

// tinySet is a 3-class set whose class is which third of the pixels is
// bright.
func tinySet(n int, seed uint64) *dataset.Set {
	return dataset.Bands(rand.New(rand.NewPCG(seed, 9)), n, 3, 6, 3, 0.3, 0.7)
}

// TestTrainHardwareDeterministic: a whole training run with the noisy
// hardware neuron in the loop is reproducible for a seed, and a different
// seed changes it.
func TestTrainHardwareDeterministic(t *testing.T) {
	train, test := tinySet(240, 1), tinySet(60, 2)
	m := solvedNeuron(t)
	p := DefaultTrainParams()
	p.Act, p.Hidden, p.Epochs, p.Batch = ActMReLU, []int{12, 12}, 3, 30
	run := func(seed uint64) *TrainRun {
		q := p
		q.Seed = seed
		r, err := TrainWithNeuron(q, train, test, m, Progress{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := run(5), run(5), run(6)
	same := func(x, y *TrainRun) bool {
		for l := range x.Net.Layers {
			for i, w := range x.Net.Layers[l].W {
				if w != y.Net.Layers[l].W[i] {
					return false
				}
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("two mrelu runs with seed 5 differ")
	}
	if same(a, c) {
		t.Error("seeds 5 and 6 gave the same weights")
	}
	if a.FinalAccuracy() < 0.9 {
		t.Errorf("mrelu reaches only %.3f on an easy set", a.FinalAccuracy())
	}
}
