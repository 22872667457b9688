package experiment

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/kernel"
	"github.com/mrelu/mrelu/internal/strictjson"
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
	// Noise is the hardware neuron's noise model (NoiseModels; "" is
	// proportional, the paper's relative temporal variation).
	Noise string `json:"noise,omitempty"`
	// InputScale is the current (A) one unit of pre-activation drives into
	// the hardware neuron, I = z·InputScale; 0 is the solved neuron's own
	// IUnit (neuron.DefaultIUnit = 0.778 µA with the default devices).
	InputScale float64 `json:"input_scale_A,omitempty"`
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
	if err := CheckNoise(p.Noise); err != nil {
		return fmt.Errorf("noise: %w", err)
	}
	if p.InputScale != 0 && !(p.InputScale >= 1e-9 && p.InputScale <= 1e-3) {
		return fmt.Errorf("input scale %v A out of range 1e-9..1e-3 (A per unit of pre-activation; 0: the neuron's own)", p.InputScale)
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
	Neuron *NeuronModel
	// VDD is the supply of the run's neuron in V (runVDD: the model's, or
	// TrainOptions.VDD for a software activation): the bound of relu2 and
	// of the crossbar's ideal neurons.
	VDD        float64
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
	return TrainWith(p, train, test, model, TrainOptions{Progress: prog})
}

// orDefaultNeuron returns model or, when it is nil, the default devices'
// neuron, solved here.
func orDefaultNeuron(model *NeuronModel) (*NeuronModel, error) {
	if model != nil {
		return model, nil
	}
	return SolveNeuron(device.DefaultParams(), neuron.DefaultParams())
}

// runVDD is the supply in V of a run's neuron: model's when the run has a
// solved neuron, else vdd when > 0 (the run's --vdd or --params), else the
// default neuron's, neuron.DefaultParams().VDD = 2 V (the paper's).
func runVDD(vdd float64, model *NeuronModel) float64 {
	switch {
	case model != nil:
		return model.VDD()
	case vdd > 0:
		return vdd
	}
	return neuron.DefaultParams().VDD
}

// softwareActivation is the built-in activation name (nn.NewActivation)
// of a run whose neuron's supply is vdd (V): relu2 is ReLU clipped at vdd.
func softwareActivation(name string, vdd float64) (nn.Activation, error) {
	return nn.NewActivation(name, nn.WithBound(float32(vdd)))
}

// TrainOptions are the optional hooks of TrainWith: progress, interruption,
// checkpoints and resumption, and the supply of a software run's neuron.
type TrainOptions struct {
	Progress Progress
	// VDD is the supply in V of the run's neuron when TrainWith is given
	// no solved one (a software activation): the bound of relu2 (ReLU
	// clipped at VDD) and of the crossbar's ideal neurons. 0: the default
	// neuron's, 2 V. With a model, the model's supply is used.
	VDD float64
	// Context, when set, interrupts training (between SGD steps) once it
	// is done; TrainWith then returns an error wrapping nn.ErrInterrupted.
	Context context.Context
	// Checkpoint, when set, receives the run's complete state after every
	// epoch (the final one included); an error stops training.
	Checkpoint func(*TrainCheckpoint) error
	// Resume, when set, continues the saved run from its epoch up to
	// p.Epochs. Its settings (Compatible) and data (Fingerprint) must be
	// those of p and the sets given.
	Resume *TrainCheckpoint
	// Data, when set, is the Fingerprint of the sets, to save computing
	// it again (it is needed by Checkpoint and Resume).
	Data *DataFingerprint
	// Threads is the number of threads of the run's training steps (0:
	// kernel.Threads()). The results do not depend on it. A run of one
	// thread stays on its goroutine, so independent runs (the seeds and
	// configurations of a study) can go side by side, one per core, which
	// beats one two-threaded run after another when the steps are small.
	Threads int
}

// TrainWith is TrainWithNeuron with checkpoints, resumption and
// interruption (TrainOptions).
func TrainWith(p TrainParams, train, test *dataset.Set, model *NeuronModel, o TrainOptions) (*TrainRun, error) {
	prog := o.Progress
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	var fp DataFingerprint
	switch {
	case o.Data != nil:
		fp = *o.Data
	case o.Resume != nil || o.Checkpoint != nil:
		fp = Fingerprint(train, test)
	}
	if o.Resume != nil {
		if err := o.Resume.Compatible(p); err != nil {
			return nil, err
		}
		if err := o.Resume.Data.Compatible(fp); err != nil {
			return nil, err
		}
		if o.Resume.State.Epoch >= p.Epochs {
			return nil, fmt.Errorf("experiment: resume: %w: the saved run has %d epochs done, nothing left to train up to epochs %d",
				ErrIncompatible, o.Resume.State.Epoch, p.Epochs)
		}
	}
	var act nn.Activation
	var vdd float64
	if IsHardware(p.Act) {
		var err error
		if model, err = orDefaultNeuron(model); err != nil {
			return nil, err
		}
		m, err := NoisyMReLUForRun(p, model)
		if err != nil {
			return nil, err
		}
		act, vdd = m, model.VDD()
	} else {
		vdd = runVDD(o.VDD, model)
		a, err := softwareActivation(p.Act, vdd)
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
	// The network is a stack of layers (nn.MLP); TrainStack trains it on
	// the fused MLP engine, whose view of it (Network) shares its weights.
	stack, err := nn.MLP(sizes, act, rand.New(rand.NewPCG(p.Seed, 1)))
	if err != nil {
		return nil, err
	}
	net, ok := stack.Network()
	if !ok {
		return nil, errors.New("experiment: the MLP stack has no fused view")
	}
	threads := kernel.Threads()
	if o.Threads > 0 {
		threads = min(threads, o.Threads)
	}
	run := &TrainRun{Params: p, Sizes: sizes, TrainN: train.N, TestN: test.N, Net: net,
		Threads: threads, GoVersion: runtime.Version(), Started: time.Now(), Neuron: model, VDD: vdd, Test: test}
	cfg := nn.Config{Epochs: p.Epochs, Batch: p.Batch, LR: p.LR, Seed: p.Seed ^ 0x9e3779b97f4a7c15,
		OnStep: prog.Step, OnEpoch: prog.Epoch, Context: o.Context, Threads: o.Threads}
	if o.Resume != nil {
		cfg.Resume = o.Resume.State
	}
	if o.Checkpoint != nil {
		cfg.OnCheckpoint = func(c *nn.Checkpoint) error {
			return o.Checkpoint(&TrainCheckpoint{Version: TrainCheckpointVersion, Params: p, Data: fp, State: c})
		}
	}
	res, err := nn.TrainStack(stack, train, test, cfg)
	run.Result = res
	run.WallSecond = time.Since(run.Started).Seconds()
	if err != nil {
		return run, fmt.Errorf("experiment: %w", err)
	}
	return run, nil
}

// vdd is the supply of the run's neuron in V (r.VDD; for a run made by
// hand without it, the neuron's or the default).
func (r *TrainRun) vdd() float64 { return runVDD(r.VDD, r.Neuron) }

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

// DataFingerprint identifies the training and test sets of a run, so that
// a resumed run can check it trains on the same data.
type DataFingerprint struct {
	TrainN  int `json:"train_n"`
	TestN   int `json:"test_n"`
	Dim     int `json:"inputs"`
	Classes int `json:"classes"`
	// SHA256 is the SHA-256 of both sets' sizes, pixels (float32 bits,
	// little-endian) and labels, in hex.
	SHA256 string `json:"sha256"`
}

// Fingerprint returns the fingerprint of a training and test set.
func Fingerprint(train, test *dataset.Set) DataFingerprint {
	h := sha256.New()
	buf := make([]byte, 0, 1<<16)
	for _, s := range []*dataset.Set{train, test} {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(s.N))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s.Rows))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s.Cols))
		h.Write(buf)
		buf = buf[:0]
		// The pixels' float32 values, whichever form the set holds them
		// in, so that a byte set and its float32 copy agree.
		if s.Pixels != nil {
			for _, p := range s.Pixels[:s.N*s.Dim()] {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(dataset.PixelValue(p)))
				if len(buf) == cap(buf) {
					h.Write(buf)
					buf = buf[:0]
				}
			}
		} else {
			for _, v := range s.Images[:s.N*s.Dim()] {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
				if len(buf) == cap(buf) {
					h.Write(buf)
					buf = buf[:0]
				}
			}
		}
		h.Write(buf)
		h.Write(s.Labels[:s.N])
	}
	return DataFingerprint{TrainN: train.N, TestN: test.N, Dim: train.Dim(),
		Classes: max(train.Classes, test.Classes), SHA256: hex.EncodeToString(h.Sum(nil))}
}

// Compatible returns an error naming the "data" setting when now is not the
// fingerprint f of the saved run.
func (f DataFingerprint) Compatible(now DataFingerprint) error {
	if f == now {
		return nil
	}
	return fmt.Errorf("experiment: resume: %w: data: the training and test sets (%d+%d images of %d pixels, sha256 %.12s) are not the saved run's (%d+%d images of %d pixels, sha256 %.12s)",
		ErrIncompatible, now.TrainN, now.TestN, now.Dim, now.SHA256, f.TrainN, f.TestN, f.Dim, f.SHA256)
}

// ErrIncompatible is wrapped by the error of resuming a run with other
// settings than it was started with; the message names the setting.
var ErrIncompatible = errors.New("incompatible settings")

// TrainCheckpoint is a resumable training run: the settings it was started
// with, its data's fingerprint and the training state after an epoch.
type TrainCheckpoint struct {
	Version int             `json:"version"` // TrainCheckpointVersion
	Params  TrainParams     `json:"params"`
	Data    DataFingerprint `json:"data"`
	State   *nn.Checkpoint  `json:"state"`
}

// TrainCheckpointVersion is the version of the TrainCheckpoint format.
const TrainCheckpointVersion = 1

// Epoch is the number of epochs the checkpoint has done.
func (c *TrainCheckpoint) Epoch() int { return c.State.Epoch }

// Compatible returns an error naming the first training setting of p
// (act, hidden, batch, lr, seed, variation) that differs from the saved
// run's. Epochs and the data folder may differ (the data are compared by
// their fingerprint).
func (c *TrainCheckpoint) Compatible(p TrainParams) error {
	q := c.Params
	bad := func(key string, now, saved any) error {
		return fmt.Errorf("experiment: resume: %w: %s %v differs from the saved run's %v", ErrIncompatible, key, now, saved)
	}
	switch {
	case p.Act != q.Act:
		return bad("act", p.Act, q.Act)
	case !slices.Equal(p.Hidden, q.Hidden):
		return bad("hidden", p.Hidden, q.Hidden)
	case p.Batch != q.Batch:
		return bad("batch", p.Batch, q.Batch)
	case p.LR != q.LR:
		return bad("lr", p.LR, q.LR)
	case p.Seed != q.Seed:
		return bad("seed", p.Seed, q.Seed)
	case actKind(p.Act).Noisy && p.Variation != q.Variation:
		return bad("variation", p.Variation, q.Variation)
	case actKind(p.Act).Noisy && NoiseName(p.Noise) != NoiseName(q.Noise):
		return bad("noise", NoiseName(p.Noise), NoiseName(q.Noise))
	case IsHardware(p.Act) && p.InputScale != q.InputScale:
		return bad("input-scale", p.InputScale, q.InputScale)
	}
	return nil
}

// Validate checks the checkpoint's version, settings and state, and that
// they agree with each other.
func (c *TrainCheckpoint) Validate() error {
	switch {
	case c.Version != TrainCheckpointVersion:
		return fmt.Errorf("%w: version %d (this program reads version %d)", nn.ErrBadCheckpoint, c.Version, TrainCheckpointVersion)
	case c.State == nil:
		return fmt.Errorf("%w: no training state", nn.ErrBadCheckpoint)
	}
	if err := c.Params.Validate(); err != nil {
		return fmt.Errorf("%w: params: %v", nn.ErrBadCheckpoint, err)
	}
	if err := c.State.Validate(); err != nil {
		return err
	}
	sizes := append(append([]int{c.Data.Dim}, c.Params.Hidden...), c.Data.Classes)
	switch {
	case !slices.Equal(sizes, c.State.Sizes):
		return fmt.Errorf("%w: layer sizes %v, but params and data give %v", nn.ErrBadCheckpoint, c.State.Sizes, sizes)
	case c.State.Batch != c.Params.Batch || c.State.LR != c.Params.LR:
		return fmt.Errorf("%w: state batch %d, lr %g; params batch %d, lr %g", nn.ErrBadCheckpoint, c.State.Batch, c.State.LR, c.Params.Batch, c.Params.LR)
	}
	return nil
}

// Encode writes the checkpoint as JSON on one line.
func (c *TrainCheckpoint) Encode(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := json.NewEncoder(w).Encode(c); err != nil {
		return fmt.Errorf("experiment: encode checkpoint: %w", err)
	}
	return nil
}

// DecodeTrainCheckpoint reads a checkpoint written by Encode: at most
// nn.MaxCheckpointBytes, no unknown keys, no trailing data, and a valid
// content (Validate). Every content error wraps nn.ErrBadCheckpoint.
func DecodeTrainCheckpoint(r io.Reader) (*TrainCheckpoint, error) {
	data, err := io.ReadAll(io.LimitReader(r, nn.MaxCheckpointBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("experiment: read checkpoint: %w", err)
	case int64(len(data)) > nn.MaxCheckpointBytes:
		return nil, fmt.Errorf("%w: larger than %d bytes", nn.ErrBadCheckpoint, nn.MaxCheckpointBytes)
	}
	c := &TrainCheckpoint{}
	if err := strictjson.Decode(data, c); err != nil {
		return nil, fmt.Errorf("%w: %v", nn.ErrBadCheckpoint, err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// mreluStateTag heads the binary state of an MReLU.
const mreluStateTag = "mrelu-noise-v1:"

// MarshalBinary implements encoding.BinaryMarshaler: the state of the
// neuron's noise generator (and its σ, checked on restore), so that a
// resumed run draws the same variation as an uninterrupted one.
func (m *MReLU) MarshalBinary() ([]byte, error) {
	b := append([]byte(mreluStateTag), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[len(mreluStateTag):], math.Float32bits(m.sigma))
	return binary.LittleEndian.AppendUint64(b, m.noise.State()), nil
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler, restoring the
// noise's step counter (the draws are a hash of the seed, the step and the
// element's position) saved by MarshalBinary from a neuron with the same σ
// and seed.
func (m *MReLU) UnmarshalBinary(b []byte) error {
	n := len(mreluStateTag)
	if len(b) != n+12 || string(b[:n]) != mreluStateTag {
		return fmt.Errorf("experiment: mrelu state: %d bytes, not a saved noise state", len(b))
	}
	sigma := math.Float32frombits(binary.LittleEndian.Uint32(b[n:]))
	state := binary.LittleEndian.Uint64(b[n+4:])
	if sigma != m.sigma {
		return fmt.Errorf("experiment: mrelu state: saved variation %g, this neuron has %g", sigma, m.sigma)
	}
	if state == 0 { // the step counter starts at 1 and skips 0 when it wraps
		return errors.New("experiment: mrelu state: zero step counter")
	}
	m.noise.SetState(state)
	return nil
}
