package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/kernel"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/nn"
)

// TrainParams is everything needed to rerun a training experiment.
type TrainParams struct {
	Act    string  `json:"act"`    // hidden activation name (nn.ActivationNames)
	Hidden []int   `json:"hidden"` // hidden layer widths
	Epochs int     `json:"epochs"`
	Batch  int     `json:"batch"`
	LR     float64 `json:"lr"`
	Seed   uint64  `json:"seed"` // seeds weights (stream 1) and shuffling (stream 2)
	Data   string  `json:"data"` // IDX folder; "" is the built-in MNIST
	// Variation is the relative temporal variation of the hardware neuron
	// per evaluation (act "mrelu"; the paper's 0.099). Ignored otherwise.
	Variation float64 `json:"variation"`
}

// DefaultTrainParams are the paper's settings (Fig. 4): 784-100-100-100-10,
// minibatch 500, He-normal initialisation, 30 epochs, lr 0.1, ReLU.
func DefaultTrainParams() TrainParams {
	return TrainParams{Act: "relu", Hidden: []int{100, 100, 100}, Epochs: 30, Batch: 500, LR: 0.1, Seed: 1, Variation: DefaultVariation}
}

// Validate names the first invalid field.
func (p TrainParams) Validate() error {
	for i, h := range p.Hidden {
		if h < 1 || h > 1<<16 {
			return fmt.Errorf("hidden layer %d has width %d (want 1..65536)", i+1, h)
		}
	}
	if p.Epochs < 1 || p.Epochs > 100000 {
		return fmt.Errorf("epochs %d out of range 1..100000", p.Epochs)
	}
	if p.Batch < 1 || p.Batch > 1<<20 {
		return fmt.Errorf("batch %d out of range 1..1048576", p.Batch)
	}
	if !(p.LR > 0) || math.IsInf(p.LR, 0) {
		return fmt.Errorf("lr must be a positive finite number, got %v", p.LR)
	}
	if !(p.Variation >= 0) || p.Variation > 10 || math.IsInf(p.Variation, 0) {
		return fmt.Errorf("variation %v out of range 0..10 (a fraction: 0.099 is 9.9 %%)", p.Variation)
	}
	return CheckActivation(p.Act)
}

// LoadData returns the training and test sets named by dir ("" = MNIST).
func LoadData(dir string) (train, test *dataset.Set, err error) {
	if dir == "" {
		return dataset.LoadMNIST()
	}
	return dataset.LoadDir(dir)
}

// TrainRun is the typed result of one training experiment.
type TrainRun struct {
	Params    TrainParams
	Sizes     []int // input, hidden..., classes
	TrainN    int
	TestN     int
	Result    *nn.Result
	Net       *nn.Network
	Threads   int
	GoVersion string
	// Crossbar is the run's evaluation on crossbar arrays, when made
	// (CrossbarEval).
	Crossbar *CrossbarResult
	// Test is the test set the run was evaluated on (not serialised).
	Test *dataset.Set
	// Neuron is the solved hardware neuron (hardware activations only).
	Neuron     *NeuronModel
	Started    time.Time
	WallSecond float64
}

// Progress receives training progress; either field may be nil.
type Progress struct {
	Step  func(epoch, step, steps int)
	Epoch func(nn.EpochStats)
}

// Train loads the data, builds the network and trains it as p says.
func Train(p TrainParams, prog Progress) (*TrainRun, error) {
	train, test, err := LoadData(p.Data)
	if err != nil {
		return nil, err
	}
	return TrainOn(p, train, test, prog)
}

// TrainOn trains on data already loaded (p.Data is only recorded). For a
// hardware activation the neuron is solved from the default device and
// neuron parameters; TrainWithNeuron takes one already solved.
func TrainOn(p TrainParams, train, test *dataset.Set, prog Progress) (*TrainRun, error) {
	return TrainWithNeuron(p, train, test, nil, prog)
}

// TrainWithNeuron is TrainOn with the hardware neuron model given (nil:
// solve the default one when the activation needs it).
func TrainWithNeuron(p TrainParams, train, test *dataset.Set, model *NeuronModel, prog Progress) (*TrainRun, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	var act nn.Activation
	if IsHardware(p.Act) {
		if model == nil {
			var err error
			if model, err = SolveNeuron(device.DefaultParams(), neuron.DefaultParams()); err != nil {
				return nil, err
			}
		}
		sigma := p.Variation
		if p.Act == ActMReLUIdeal {
			sigma = 0
		}
		m, err := NewMReLU(model, sigma, p.Seed^0x5eed5eed)
		if err != nil {
			return nil, err
		}
		act = m
	} else {
		a, err := nn.NewActivation(p.Act)
		if err != nil {
			return nil, err
		}
		act = a
		model = nil
	}
	if train.Dim() != test.Dim() {
		return nil, fmt.Errorf("experiment: training images have %d pixels, test images %d", train.Dim(), test.Dim())
	}
	classes := max(train.Classes, test.Classes)
	sizes := append(append([]int{train.Dim()}, p.Hidden...), classes)
	net, err := nn.New(sizes, act, rand.New(rand.NewPCG(p.Seed, 1)))
	if err != nil {
		return nil, err
	}
	run := &TrainRun{Params: p, Sizes: sizes, TrainN: train.N, TestN: test.N, Net: net,
		Threads: kernel.Threads(), GoVersion: runtime.Version(), Started: time.Now(), Neuron: model, Test: test}
	cfg := nn.Config{Epochs: p.Epochs, Batch: p.Batch, LR: p.LR, Seed: p.Seed ^ 0x9e3779b97f4a7c15,
		OnStep: prog.Step, OnEpoch: prog.Epoch}
	res, err := nn.Train(net, train, test, cfg)
	run.Result = res
	run.WallSecond = time.Since(run.Started).Seconds()
	if err != nil {
		return run, fmt.Errorf("experiment: %w", err)
	}
	return run, nil
}

// FinalAccuracy is the test accuracy after the last epoch.
func (r *TrainRun) FinalAccuracy() float64 {
	e := r.Result.Epochs
	if len(e) == 0 {
		return math.NaN()
	}
	return e[len(e)-1].TestAccuracy
}

// UpdateRatio is the mean |ΔW| of the first synaptic layer divided by that
// of the last, in the given epoch (1-based): far below 1 when gradients
// vanish on their way down.
func (r *TrainRun) UpdateRatio(epoch int) float64 {
	m := r.Result.Epochs[epoch-1].MeanAbsUpdate
	return m[0] / m[len(m)-1]
}
