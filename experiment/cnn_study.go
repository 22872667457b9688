package experiment

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
	"github.com/mrelu/mrelu/nn"
)

// The CNN study of issue 15 ("beyond the paper"): LeNet-5 trained with
// each compared neuron and several seeds (TrainCNN), every run then
// programmed into crossbar arrays and evaluated there with its energy and
// latency per inference (CNNCrossbarEval). Its result holds every run and
// computes the summaries the report states (means and s.d. over the
// seeds, per epoch and per weighted layer).

// CNNStudyDefaultActs are the neurons compared by default: software ReLU,
// the hardware mReLU with its temporal variation, and sigmoid (whose
// vanishing gradient the per-layer update ratios show).
var CNNStudyDefaultActs = []string{"relu", ActMReLU, "sigmoid"}

// CNNStudyDefaultSeeds are the seeds of the default study (BENCHMARKS.md:
// the mean of seeds 1-3 at batch 100).
var CNNStudyDefaultSeeds = []uint64{1, 2, 3}

// CNNStudyConfig is everything needed to rerun the study. A zero or nil
// field takes its default (WithDefaults): the defaults are issue 15's
// documented recipe, DefaultCNNParams.
type CNNStudyConfig struct {
	// Acts are the neurons compared (nil: CNNStudyDefaultActs); Seeds the
	// seeds every neuron is trained with (nil: CNNStudyDefaultSeeds).
	Acts  []string `json:"acts"`
	Seeds []uint64 `json:"seeds"`
	// Epochs (0: 20), Batch (0: 100) and LR (0: 0.1) of plain SGD.
	Epochs int     `json:"epochs"`
	Batch  int     `json:"batch"`
	LR     float64 `json:"lr"`
	// Variation is the hardware mReLU's temporal variation per evaluation
	// (fraction; nil: DefaultVariation, 9.9 %; 0: none); Noise its noise
	// model ("": proportional) and InputScale the current per unit of
	// pre-activation (A; 0: the solved neuron's own).
	Variation  *float64 `json:"variation"`
	Noise      string   `json:"noise,omitempty"`
	InputScale float64  `json:"input_scale_A,omitempty"`
	// Data is the folder of the IDX files ("": the built-in MNIST), as
	// recorded; the runner takes the sets already loaded. TrainImages and
	// TestImages, when > 0, use the first images of the sets only.
	Data        string `json:"data"`
	TrainImages int    `json:"train_images"`
	TestImages  int    `json:"test_images"`
	// Crossbar are the arrays every run is evaluated on (nil:
	// crossbar.DefaultParams(), non-idealities off); its Seed is each
	// run's seed. CrossbarImages, when > 0, evaluates the first test
	// images only.
	Crossbar       *crossbar.Params `json:"crossbar"`
	CrossbarImages int              `json:"crossbar_images"`
}

// WithDefaults returns c with every zero or nil field set to its default.
func (c CNNStudyConfig) WithDefaults() CNNStudyConfig {
	d := DefaultCNNParams()
	if c.Acts == nil {
		c.Acts = slices.Clone(CNNStudyDefaultActs)
	}
	if c.Seeds == nil {
		c.Seeds = slices.Clone(CNNStudyDefaultSeeds)
	}
	if c.Epochs == 0 {
		c.Epochs = d.Epochs
	}
	if c.Batch == 0 {
		c.Batch = d.Batch
	}
	if c.LR == 0 {
		c.LR = d.LR
	}
	if c.Variation == nil {
		v := d.Variation
		c.Variation = &v
	}
	if c.Crossbar == nil {
		xp := crossbar.DefaultParams()
		c.Crossbar = &xp
	}
	return c
}

// Params returns the training parameters of act with seed (c with its
// defaults).
func (c CNNStudyConfig) Params(act string, seed uint64) CNNParams {
	c = c.WithDefaults()
	return CNNParams{Model: ModelLeNet5, Act: act, Epochs: c.Epochs, Batch: c.Batch, LR: c.LR, Seed: seed,
		Data: c.Data, Variation: *c.Variation, Noise: c.Noise, InputScale: c.InputScale}
}

// Validate names the first invalid setting (of c with its defaults).
func (c CNNStudyConfig) Validate() error {
	c = c.WithDefaults()
	if len(c.Acts) == 0 {
		return errors.New("cnn: acts: no neuron to compare")
	}
	if len(c.Seeds) == 0 || len(c.Seeds) > MaxSeeds {
		return fmt.Errorf("cnn: seeds: %d seeds, want 1..%d", len(c.Seeds), MaxSeeds)
	}
	seen := map[string]bool{}
	for _, a := range c.Acts {
		if seen[a] {
			return fmt.Errorf("cnn: acts: %q twice", a)
		}
		seen[a] = true
		if err := CheckActivation(a); err != nil {
			return fmt.Errorf("cnn: acts: %w", err)
		}
		if err := c.Params(a, c.Seeds[0]).Validate(); err != nil {
			return fmt.Errorf("cnn: %s: %w", a, err)
		}
	}
	got := map[uint64]bool{}
	for _, s := range c.Seeds {
		if got[s] {
			return fmt.Errorf("cnn: seeds: %d twice", s)
		}
		got[s] = true
	}
	if c.TrainImages < 0 || c.TestImages < 0 || c.CrossbarImages < 0 {
		return fmt.Errorf("cnn: train_images %d, test_images %d, crossbar_images %d: must be ≥ 0 (0: all)", c.TrainImages, c.TestImages, c.CrossbarImages)
	}
	if err := c.Crossbar.Validate(); err != nil {
		return fmt.Errorf("cnn: crossbar: %w", err)
	}
	return nil
}

// CNNStudyRun is one seed of one neuron: its epochs (accuracy, losses,
// the per-layer weight updates) and its evaluation on crossbar arrays.
type CNNStudyRun struct {
	Seed         uint64             `json:"seed"`
	TestAccuracy float64            `json:"test_accuracy"`
	Epochs       []CNNEpoch         `json:"epochs"`
	Crossbar     *CNNCrossbarResult `json:"crossbar"`
	WallSeconds  float64            `json:"wall_seconds"`
}

// CNNStudyAct is every seed of one neuron, in the order of the seeds.
type CNNStudyAct struct {
	Act    string        `json:"act"`
	Params CNNParams     `json:"params"` // the first seed's
	Runs   []CNNStudyRun `json:"runs"`
}

// CNNStudyResult is the typed result of CNNStudy.
type CNNStudyResult struct {
	Config CNNStudyConfig `json:"config"` // with its defaults
	Acts   []CNNStudyAct  `json:"acts"`   // in Config.Acts order
	// Layers describes every layer ("Conv2D 28x28x1 -> 28x28x6");
	// WeightedLayers names the synaptic ones (conv1, conv2, fc1, ...),
	// the layers of the per-layer statistics.
	Layers         []string `json:"layers"`
	WeightedLayers []string `json:"weighted_layers"`
	TrainN         int      `json:"train_images"`
	TestN          int      `json:"test_images"`
	Threads        int      `json:"threads"`
	GoVersion      string   `json:"go_version"`
	WallSeconds    float64  `json:"wall_seconds"`
	// Neuron is the solved hardware neuron (nil without a hardware act).
	Neuron *NeuronModel `json:"-"`
}

// CNNStudyOptions are the optional hooks of CNNStudy.
type CNNStudyOptions struct {
	// Label is called before each run (for progress output).
	Label func(act string, seed uint64) Progress
	// Run is called after each run with the run's neuron and seed.
	Run func(act string, run CNNStudyRun)
	// VDD is the supply in V of the neurons, as CNNOptions.VDD: the bound
	// of relu2 when the study has no solved neuron (with one, its supply;
	// 0: 2 V).
	VDD float64
}

// CNNStudy trains LeNet-5 with every neuron of c.Acts and every seed of
// c.Seeds on train and test (their first c.TrainImages and c.TestImages
// images when set), one run after another, and evaluates each trained
// network on crossbar arrays (CNNCrossbarEval with c.Crossbar, its seed
// the run's). A hardware neuron is model (nil: the default devices'
// neuron, solved here once). Runs of the same seed start from the same
// weights for every neuron.
func CNNStudy(c CNNStudyConfig, train, test *dataset.Set, model *NeuronModel, o CNNStudyOptions) (*CNNStudyResult, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	c = c.WithDefaults()
	if train == nil || test == nil {
		return nil, errors.New("experiment: cnn: no data")
	}
	train, test = firstImages(train, c.TrainImages), firstImages(test, c.TestImages)
	res := &CNNStudyResult{Config: c, TrainN: train.N, TestN: test.N, Threads: kernel.Threads(), GoVersion: runtime.Version()}
	if slices.ContainsFunc(c.Acts, IsHardware) {
		var err error
		if model, err = orDefaultNeuron(model); err != nil {
			return nil, err
		}
		res.Neuron = model
	}
	start := time.Now()
	for _, act := range c.Acts {
		a := CNNStudyAct{Act: act, Params: c.Params(act, c.Seeds[0])}
		for _, seed := range c.Seeds {
			var prog Progress
			if o.Label != nil {
				prog = o.Label(act, seed)
			}
			run, err := TrainCNNWith(c.Params(act, seed), train, test, model, CNNOptions{Progress: prog, VDD: o.VDD})
			if err != nil {
				return res, fmt.Errorf("experiment: cnn: %s seed %d: %w", act, seed, err)
			}
			xp := *c.Crossbar
			xp.Seed = seed
			cb, err := CNNCrossbarEval(run, xp, c.CrossbarImages)
			if err != nil {
				return res, fmt.Errorf("experiment: cnn: %s seed %d: %w", act, seed, err)
			}
			if res.Layers == nil {
				res.Layers = run.Layers
				res.WeightedLayers = weightedLayerNames(run.Net)
			}
			sr := CNNStudyRun{Seed: seed, TestAccuracy: run.FinalAccuracy(), Epochs: run.Epochs, Crossbar: cb, WallSeconds: run.WallSeconds}
			a.Runs = append(a.Runs, sr)
			if o.Run != nil {
				o.Run(act, sr)
			}
		}
		res.Acts = append(res.Acts, a)
	}
	res.WallSeconds = time.Since(start).Seconds()
	return res, nil
}

// weightedLayerNames names the weighted layers of net in order: conv1,
// conv2, … for convolutions and fc1, fc2, … for dense layers.
func weightedLayerNames(net *nn.Sequential) []string {
	var names []string
	conv, fc := 0, 0
	for _, i := range net.Weighted() {
		switch net.Layers[i].(type) {
		case *nn.Conv2D:
			conv++
			names = append(names, fmt.Sprintf("conv%d", conv))
		default:
			fc++
			names = append(names, fmt.Sprintf("fc%d", fc))
		}
	}
	return names
}

// Arrays is the network on crossbar arrays (the same for every run: it
// depends on the network's shape only); nil before any run.
func (r *CNNStudyResult) Arrays() *CNNArrays {
	for _, a := range r.Acts {
		for _, run := range a.Runs {
			if run.Crossbar != nil {
				return &run.Crossbar.CNNArrays
			}
		}
	}
	return nil
}

// Act returns the runs of the neuron named act (nil if not compared).
func (r *CNNStudyResult) Act(act string) *CNNStudyAct {
	if k := slices.IndexFunc(r.Acts, func(a CNNStudyAct) bool { return a.Act == act }); k >= 0 {
		return &r.Acts[k]
	}
	return nil
}

// Accuracy is the final test accuracy over the seeds (mean, sample s.d.).
func (a *CNNStudyAct) Accuracy() SeedStats {
	return a.seedStats(func(r CNNStudyRun) float64 { return r.TestAccuracy })
}

// SeedCurves is the test accuracy over the seeds, final (Accuracy) and
// after each epoch (AccuracyPerEpoch).
func (a *CNNStudyAct) SeedCurves() SeedCurves {
	c := SeedCurves{SeedStats: a.Accuracy()}
	c.TestAccuracyPerEpochMean, c.TestAccuracyPerEpochSD = a.AccuracyPerEpoch()
	return c
}

// CrossbarAccuracy is the test accuracy on crossbar arrays over the seeds.
func (a *CNNStudyAct) CrossbarAccuracy() SeedStats {
	return a.seedStats(func(r CNNStudyRun) float64 { return r.Crossbar.TestAccuracy })
}

func (a *CNNStudyAct) seedStats(f func(CNNStudyRun) float64) SeedStats {
	per := make([]SeedAccuracy, len(a.Runs))
	for i, r := range a.Runs {
		per[i] = SeedAccuracy{Seed: r.Seed, TestAccuracy: f(r)}
	}
	return NewSeedStats(per)
}

// overSeeds returns the mean and sample s.d. over the seeds of f(run).
func (a *CNNStudyAct) overSeeds(f func(CNNStudyRun) float64) (mean, sd float64) {
	v := make([]float64, len(a.Runs))
	for i, r := range a.Runs {
		v[i] = f(r)
	}
	return MeanSD(v)
}

// epochs is the number of epochs every seed has.
func (a *CNNStudyAct) epochs() int {
	if len(a.Runs) == 0 {
		return 0
	}
	n := math.MaxInt
	for _, r := range a.Runs {
		n = min(n, len(r.Epochs))
	}
	return n
}

// perEpoch returns, per epoch, the mean and sample s.d. over the seeds of
// f(epoch).
func (a *CNNStudyAct) perEpoch(f func(CNNEpoch) float64) (mean, sd []float64) {
	var series [][]float64
	for _, r := range a.Runs {
		v := make([]float64, len(r.Epochs))
		for e := range r.Epochs {
			v[e] = f(r.Epochs[e])
		}
		series = append(series, v)
	}
	return MeanSDPerEpoch(series)
}

// AccuracyPerEpoch is the test accuracy after each epoch: mean and sample
// s.d. over the seeds.
func (a *CNNStudyAct) AccuracyPerEpoch() (mean, sd []float64) {
	return a.perEpoch(func(e CNNEpoch) float64 { return e.TestAccuracy })
}

// UpdateRatioPerEpoch is, per epoch, the mean |ΔW| of the first weighted
// layer over that of the last (CNNEpoch.UpdateRatio): mean and sample
// s.d. over the seeds. NaN where a seed's ratio is not a number.
func (a *CNNStudyAct) UpdateRatioPerEpoch() (mean, sd []float64) {
	return a.perEpoch(func(e CNNEpoch) float64 { return e.UpdateRatio })
}

// LayerUpdateRatio is, for each weighted layer, its mean |ΔW| in epoch
// (1-based; 0 or past the end: the last epoch) over that of the last
// weighted layer: mean and sample s.d. over the seeds. The last layer's
// is 1; a vanishing gradient shows as ratios far below 1 towards the
// input. Nil when the runs have no epoch.
func (a *CNNStudyAct) LayerUpdateRatio(epoch int) (mean, sd []float64) {
	n := a.epochs()
	if n == 0 {
		return nil, nil
	}
	if epoch <= 0 || epoch > n {
		epoch = n
	}
	layers := len(a.Runs[0].Epochs[epoch-1].MeanAbsUpdate)
	for l := range layers {
		m, d := a.overSeeds(func(r CNNStudyRun) float64 {
			u := r.Epochs[epoch-1].MeanAbsUpdate
			if len(u) != layers {
				return math.NaN()
			}
			return u[l] / u[layers-1]
		})
		mean, sd = append(mean, m), append(sd, d)
	}
	return mean, sd
}

// MeanAbsUpdate is, for each weighted layer, its mean |ΔW| per step in
// epoch (1-based; 0 or past the end: the last epoch), averaged over the
// seeds.
func (a *CNNStudyAct) MeanAbsUpdate(epoch int) []float64 {
	n := a.epochs()
	if n == 0 {
		return nil
	}
	if epoch <= 0 || epoch > n {
		epoch = n
	}
	var out []float64
	for l := range a.Runs[0].Epochs[epoch-1].MeanAbsUpdate {
		m, _ := a.overSeeds(func(r CNNStudyRun) float64 { return r.Epochs[epoch-1].MeanAbsUpdate[l] })
		out = append(out, m)
	}
	return out
}

// Energy is the energy per inference on the arrays (synapses and neurons,
// J) over the seeds: mean and sample s.d. The synapses' part depends on
// the trained weights and the voltages they see, so it differs by seed.
func (a *CNNStudyAct) Energy() (mean, sd float64) {
	return a.overSeeds(func(r CNNStudyRun) float64 { return r.Crossbar.Energy })
}

// CrossbarEnergy is the synapses' read energy per inference (J) over the
// seeds: mean and sample s.d.
func (a *CNNStudyAct) CrossbarEnergy() (mean, sd float64) {
	return a.overSeeds(func(r CNNStudyRun) float64 { return r.Crossbar.CrossbarEnergy })
}

// NeuronsEnergy is the neurons' energy per inference (J): activations per
// inference times the energy per activation, the same for every seed.
func (a *CNNStudyAct) NeuronsEnergy() float64 {
	m, _ := a.overSeeds(func(r CNNStudyRun) float64 { return r.Crossbar.NeuronsEnergy })
	return m
}

// Latency is the latency per inference on the arrays (s), the same for
// every seed (it depends on the network's shape only).
func (a *CNNStudyAct) Latency() float64 {
	m, _ := a.overSeeds(func(r CNNStudyRun) float64 { return r.Crossbar.Latency })
	return m
}

// MedianEpochSeconds is the median wall time of an epoch's training pass
// over every seed's epochs.
func (a *CNNStudyAct) MedianEpochSeconds() float64 {
	var v []float64
	for _, r := range a.Runs {
		for _, e := range r.Epochs {
			v = append(v, e.Seconds)
		}
	}
	return Median(v)
}

// HardwareSetting returns the hardware neuron's noise model ("none" for
// mrelu-ideal), its variation and the current per unit of pre-activation
// it was driven with (0 when neither set nor solved); "", 0 and 0 for a
// software neuron.
func (r *CNNStudyResult) HardwareSetting(act string) (noise string, variation, inputScale float64) {
	a := r.Act(act)
	if a == nil || !IsHardware(act) {
		return "", 0, 0
	}
	noise = "none"
	if actKind(act).Noisy {
		noise, variation = NoiseName(a.Params.Noise), a.Params.Variation
	}
	inputScale = a.Params.InputScale
	if inputScale == 0 && r.Neuron != nil {
		inputScale = r.Neuron.IUnit
	}
	return noise, variation, inputScale
}
