package experiment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
	"github.com/mrelu/mrelu/nn"
)

// Network models accepted by TrainCNN and `mrelu train --model`.
const (
	ModelMLP    = "mlp"    // 784-100-100-100-10 (TrainParams.Hidden), nn.Trainer
	ModelLeNet5 = "lenet5" // nn.LeNet5, nn.SeqTrainer
)

// CNNParams is everything needed to rerun a LeNet-5 training run. The
// fields mean what they mean in TrainParams.
type CNNParams struct {
	Model      string  `json:"model"` // ModelLeNet5
	Act        string  `json:"act"`
	Epochs     int     `json:"epochs"`
	Batch      int     `json:"batch"`
	LR         float64 `json:"lr"`
	Seed       uint64  `json:"seed"` // weights (stream 1), shuffle, neuron noise
	Data       string  `json:"data"`
	Variation  float64 `json:"variation"`
	Noise      string  `json:"noise,omitempty"`
	InputScale float64 `json:"input_scale_A,omitempty"`
}

// DefaultCNNParams is issue 15's recipe: LeNet-5, ReLU, batch 100 (the
// documented batch: at 500, 20 epochs of plain SGD stop short of the
// targets, BENCHMARKS.md), lr 0.1
// plain SGD, 20 epochs, seed 1, 9.9 % variation for the mReLU.
func DefaultCNNParams() CNNParams {
	return CNNParams{Model: ModelLeNet5, Act: "relu", Epochs: 20, Batch: 100, LR: 0.1, Seed: 1, Variation: DefaultVariation}
}

// trainParams is p as TrainParams with the activation widths of the
// network as its hidden layers (the d2d noise model gives each of them
// its own neurons: one per channel in a convolutional layer).
func (p CNNParams) trainParams(widths []int) TrainParams {
	return TrainParams{Act: p.Act, Hidden: widths, Epochs: p.Epochs, Batch: p.Batch, LR: p.LR, Seed: p.Seed,
		Data: p.Data, Variation: p.Variation, Noise: p.Noise, InputScale: p.InputScale}
}

// Validate names the first invalid field.
func (p CNNParams) Validate() error {
	if p.Model != ModelLeNet5 {
		return fmt.Errorf("model %q: TrainCNN trains %q", p.Model, ModelLeNet5)
	}
	return p.trainParams(nil).Validate()
}

// CNNEpoch is one epoch of a CNN run.
type CNNEpoch struct {
	nn.EpochStats
	// MeanAbsWeight is the mean |w| of every weighted layer (conv1, conv2,
	// fc1, fc2, fc3) after the epoch, and RelativeUpdate the epoch's mean
	// |ΔW| per step over it.
	MeanAbsWeight  []float64 `json:"mean_abs_weight"`
	RelativeUpdate []float64 `json:"relative_update"`
	// UpdateRatio is the mean |ΔW| of the first weighted layer over that
	// of the last: far below ReLU's when gradients vanish (sigmoid).
	UpdateRatio float64 `json:"update_ratio_first_last"`
}

// CNNRun is the typed result of TrainCNN.
type CNNRun struct {
	Params    CNNParams
	Layers    []string // one description per layer, "Conv2D 28x28x1 -> 28x28x6"
	Epochs    []CNNEpoch
	Net       *nn.Sequential
	TrainN    int
	TestN     int
	Threads   int
	GoVersion string
	// UpdateHist is the distribution of the weight updates of each
	// weighted layer over the final epoch.
	UpdateHist []*nn.LogHistogram
	// Neuron is the solved hardware neuron (mrelu runs only); Test the
	// test set (not serialised).
	Neuron *NeuronModel
	Test   *dataset.Set
	// VDD is the supply of the run's neuron in V, as TrainRun.VDD: the
	// bound of relu2 and of the crossbar's ideal neurons.
	VDD         float64
	WallSeconds float64
}

// vdd is the supply of the run's neuron in V (r.VDD; for a run made by
// hand without it, the neuron's or the default).
func (r *CNNRun) vdd() float64 { return runVDD(r.VDD, r.Neuron) }

// FinalAccuracy is the test accuracy after the last epoch.
func (r *CNNRun) FinalAccuracy() float64 {
	if len(r.Epochs) == 0 {
		return math.NaN()
	}
	return r.Epochs[len(r.Epochs)-1].TestAccuracy
}

// TrainCNN trains LeNet-5 (nn.LeNet5 for the images' shape) as p says on
// data already loaded. A hardware activation uses model (nil: the
// default devices' neuron, solved here) through NoisyMReLUForRun, with one
// neuron per channel of a convolutional layer; the network's weights come
// from a PCG stream (p.Seed, 1), as in Train. A software relu2 is clipped
// at the default neuron's VDD, 2 V; TrainCNNWith takes the run's.
func TrainCNN(p CNNParams, train, test *dataset.Set, model *NeuronModel, prog Progress) (*CNNRun, error) {
	return TrainCNNWith(p, train, test, model, CNNOptions{Progress: prog})
}

// CNNOptions are the optional settings of TrainCNNWith.
type CNNOptions struct {
	Progress Progress
	// VDD is the supply in V of the run's neuron, as TrainOptions.VDD: the
	// bound of relu2 when the run has no solved neuron (0: 2 V).
	VDD float64
}

// TrainCNNWith is TrainCNN with its options: progress and the supply of
// a software run's neuron.
func TrainCNNWith(p CNNParams, train, test *dataset.Set, model *NeuronModel, o CNNOptions) (*CNNRun, error) {
	prog := o.Progress
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	if train == nil || test == nil || train.Dim() != test.Dim() || train.Rows != test.Rows {
		return nil, fmt.Errorf("experiment: training and test images must have the same shape")
	}
	in := nn.Shape{H: train.Rows, W: train.Cols, C: 1}
	classes := max(train.Classes, test.Classes)
	// Build once with a placeholder to learn the activation widths, which
	// the d2d noise model needs before the activation exists.
	probe, err := nn.LeNet5(in, nn.ReLU{}, classes, rand.New(rand.NewPCG(p.Seed, 1)))
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	widths := activationWidths(probe)
	var act nn.Activation
	var vdd float64
	if IsHardware(p.Act) {
		if model, err = orDefaultNeuron(model); err != nil {
			return nil, err
		}
		if act, err = NoisyMReLUForRun(p.trainParams(widths), model); err != nil {
			return nil, err
		}
		vdd = model.VDD()
	} else {
		vdd = runVDD(o.VDD, model)
		if act, err = softwareActivation(p.Act, vdd); err != nil {
			return nil, err
		}
		model = nil
	}
	net, err := nn.LeNet5(in, act, classes, rand.New(rand.NewPCG(p.Seed, 1)))
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	run := &CNNRun{Params: p, Net: net, TrainN: train.N, TestN: test.N, Threads: kernel.Threads(),
		GoVersion: runtime.Version(), Neuron: model, VDD: vdd, Test: test}
	for _, l := range net.Layers {
		i, o := l.Shapes()
		run.Layers = append(run.Layers, strings.TrimPrefix(fmt.Sprintf("%T %v -> %v", l, i, o), "*nn."))
	}
	start := time.Now()
	cfg := nn.Config{Epochs: p.Epochs, Batch: p.Batch, LR: p.LR, Seed: p.Seed ^ 0x9e3779b97f4a7c15, OnStep: prog.Step,
		OnEpoch: func(st nn.EpochStats) {
			e := CNNEpoch{EpochStats: st, MeanAbsWeight: net.MeanAbsWeights()}
			for l, u := range st.MeanAbsUpdate {
				e.RelativeUpdate = append(e.RelativeUpdate, u/e.MeanAbsWeight[l])
			}
			e.UpdateRatio = st.MeanAbsUpdate[0] / st.MeanAbsUpdate[len(st.MeanAbsUpdate)-1]
			run.Epochs = append(run.Epochs, e)
			if prog.Epoch != nil {
				prog.Epoch(st)
			}
		}}
	res, err := nn.TrainSequential(net, train, test, cfg)
	run.WallSeconds = time.Since(start).Seconds()
	if err != nil {
		return run, fmt.Errorf("experiment: %w", err)
	}
	run.UpdateHist = res.UpdateHist
	return run, nil
}

// activationWidths are the channels of each activation layer of net: its
// neurons per position, the hidden widths of the d2d noise model.
func activationWidths(net *nn.Sequential) []int {
	var widths []int
	for _, l := range net.Layers {
		if a, ok := l.(*nn.Activate); ok {
			widths = append(widths, a.Shape.C)
		}
	}
	return widths
}

// CNNCrossbarResult is a trained CNN evaluated on crossbar arrays, with
// the energy and latency of one inference.
type CNNCrossbarResult struct {
	Params       crossbar.Params `json:"params"`
	TestAccuracy float64         `json:"test_accuracy"`
	// SoftwareAccuracy is the run's own final test accuracy, for the
	// comparison.
	SoftwareAccuracy float64 `json:"software_test_accuracy"`
	Clipped          int     `json:"clipped_weights"`
	// CNNArrays is the network on the arrays: what it costs per inference
	// apart from the synapses' read energy.
	CNNArrays
	// CrossbarEnergy is the synapses' mean read energy per inference (J),
	// over the images evaluated; Energy = CrossbarEnergy + NeuronsEnergy.
	CrossbarEnergy float64 `json:"crossbar_energy_per_inference_J"`
	Energy         float64 `json:"energy_per_inference_J"`
	Images         int     `json:"images"`
}

// CNNArrays is a network on crossbar arrays and the parts of the energy
// and latency per inference that depend on its shape only (not on the
// trained weights).
type CNNArrays struct {
	// Arrays describes each array (rows × column pairs, bias row not
	// counted) and Reads how often it is read per inference (a
	// convolution: once per output position).
	Arrays []string `json:"arrays"`
	Reads  []int    `json:"reads_per_inference"`
	// Activations is the number of neuron activations per inference.
	Activations int `json:"neuron_activations_per_inference"`
	// ReadTime is the duration of one array read (s): the neuron latency
	// per activation, NeuronLatency. NeuronEnergy is the energy per
	// activation (J). Both are the paper's (0.5 pJ, 650 ns) unless set.
	ReadTime     float64 `json:"read_time_s"`
	NeuronEnergy float64 `json:"neuron_energy_J"`
	// NeuronsEnergy = Activations·NeuronEnergy, per inference (J).
	NeuronsEnergy float64 `json:"neurons_energy_per_inference_J"`
	// Latency is Σ Reads·ReadTime: one array per layer, its output
	// positions read one after the other, the layers in sequence.
	Latency float64 `json:"latency_per_inference_s"`
}

// TotalReads is the number of array reads per inference (Σ Reads).
func (a *CNNArrays) TotalReads() int {
	n := 0
	for _, k := range a.Reads {
		n += k
	}
	return n
}

// CNNCrossbarEval programs the trained network of r into crossbar arrays
// under xp (one array per Dense and Conv2D layer, crossbar.NewStack) and
// measures its test accuracy over the first images test images (0: all)
// with the run's own neuron on the currents, z = I/UnitCurrent (the
// hardware neuron with its noise model and temporal variation, drawn
// afresh; or the software function). For a hardware run UnitCurrent is
// the run's input scale, so the matched mirrors drive the neuron as in
// training. The energy per inference uses the paper's neuron (0.5 pJ and
// 650 ns per activation, each array read for 650 ns). The neurons' bound
// xp.VDD is the run's (CNNRun.VDD).
func CNNCrossbarEval(r *CNNRun, xp crossbar.Params, images int) (*CNNCrossbarResult, error) {
	if r == nil || r.Net == nil || r.Test == nil {
		return nil, errors.New("experiment: crossbar evaluation needs a finished CNN run with its test set")
	}
	xp.VDD = r.vdd()
	widths := activationWidths(r.Net)
	var act nn.Activation
	var err error
	if IsHardware(r.Params.Act) {
		if r.Neuron == nil {
			return nil, errors.New("experiment: crossbar: hardware run without its neuron model")
		}
		tp := r.Params.trainParams(widths)
		xp.UnitCurrent = InputScaleFor(tp, r.Neuron)
		if act, err = NoisyMReLUForRun(tp, r.Neuron); err != nil {
			return nil, err
		}
	} else if act, err = softwareActivation(r.Params.Act, xp.VDD); err != nil {
		return nil, err
	}
	if err := xp.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: crossbar: %w", err)
	}
	var neurons []crossbar.Neuron
	for l, w := range widths {
		neurons = append(neurons, currentNeuron(act, xp.UnitCurrent, l, w))
	}
	st, err := crossbar.NewStack(r.Net, neurons, xp)
	if err != nil {
		return nil, fmt.Errorf("experiment: crossbar: %w", err)
	}
	n := images
	if n <= 0 || n > r.Test.N {
		n = r.Test.N
	}
	img := r.Test.Float32s(n, n*r.Test.Dim())
	res := &CNNCrossbarResult{Params: xp, SoftwareAccuracy: r.FinalAccuracy(), Images: n,
		CNNArrays: CNNArrays{Reads: st.Reads(), Activations: st.Activations(), ReadTime: PaperLatency, NeuronEnergy: PaperEnergy}}
	for _, a := range st.Arrays {
		res.Clipped += a.Clipped()
		res.Arrays = append(res.Arrays, fmt.Sprintf("%dx%d", a.In, a.Out))
	}
	res.TestAccuracy = st.Accuracy(img, r.Test.Labels, n)
	res.CrossbarEnergy = st.ReadEnergy(img, n, res.ReadTime)
	res.NeuronsEnergy = float64(res.Activations) * res.NeuronEnergy
	res.Energy = res.CrossbarEnergy + res.NeuronsEnergy
	for _, k := range res.Reads {
		res.Latency += float64(k) * res.ReadTime
	}
	return res, nil
}

// currentNeuron is the activation act of activation layer `layer` (width
// neurons per row, for a LayerForwarder) as a crossbar neuron: it turns
// the input currents I (A) into z = I/unit and applies act. (CrossbarEval
// builds the same for the MLP inline.)
func currentNeuron(act nn.Activation, unit float64, layer, width int) crossbar.Neuron {
	u := float32(unit)
	var z []float32
	return crossbar.NeuronFunc(func(dst, cur []float32) {
		z = slices.Grow(z[:0], len(cur))[:len(cur)]
		for i, c := range cur {
			z[i] = c / u
		}
		if lf, ok := act.(nn.LayerForwarder); ok {
			lf.ForwardLayer(layer, width, dst, z)
		} else {
			act.Forward(dst, z)
		}
	})
}
