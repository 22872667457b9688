package experiment

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/params"
)

// Fig4Params sets up the system-level study of the paper's Fig. 4.
type Fig4Params struct {
	// Base holds the training settings shared by every run (Act is ignored;
	// Variation is the mReLU's temporal variation, the paper's 0.099).
	Base TrainParams `json:"base"`
	// Acts are the hidden neurons compared (default sigmoid, relu,
	// mrelu-ideal, mrelu).
	Acts []string `json:"acts"`
	// Sweep lists the temporal variations of the accuracy-versus-variation
	// curve (fractions). Points equal to 0 or to Base.Variation reuse the
	// mrelu-ideal and mrelu runs.
	Sweep []float64 `json:"sweep"`
	// Setup (Device and Neuron) is the hardware the mReLU is solved from.
	params.Setup
	// Seeds is the number of seeds every run is trained with (Base.Seed,
	// Base.Seed+1, ...; 0 or 1: one). Only the first seed's runs are
	// checkpointed and reported in full; the others add their accuracies.
	// The runs and their seeds train one after another: each already uses
	// both cores (the GEMMs), so running them side by side would only
	// oversubscribe a 2-core machine.
	Seeds int `json:"seeds,omitempty"`
	// Configs are extra named runs of the hardware neuron, each under its
	// own noise model, variation and input scale (after the Acts and the
	// Sweep runs, with the same seeds), e.g. PaperSettingConfig.
	Configs []Fig4Config `json:"configs,omitempty"`
}

// Fig4Config is a named run of the hardware neuron in a stated setting:
// tested with its noise, and trained with it (Training "" or
// TrainedNoisy) or with the ideal neuron (TrainedIdeal).
type Fig4Config struct {
	// Name is the run's name (its folder runs/<name>).
	Name string `json:"name"`
	// Label is what the report calls the row.
	Label string `json:"label"`
	// Noise, Variation and InputScale set the neuron as TrainParams'
	// fields of the same names do.
	Noise      string  `json:"noise"`
	Variation  float64 `json:"variation"`
	InputScale float64 `json:"input_scale_A"`
	// Training says which neuron trains the network: TrainedNoisy (""
	// too: the noisy neuron, hardware-aware) or TrainedIdeal (the ideal
	// neuron at the same input scale; every seed's trained network is
	// then tested with the noisy neuron, and that is the run's accuracy:
	// software training, deployment on noisy neurons).
	Training string `json:"training,omitempty"`
	// Paper is the paper's accuracy the setting is meant to reproduce (0:
	// none).
	Paper float64 `json:"paper_test_accuracy,omitempty"`
}

// The neurons a Fig4Config trains with (Fig4Config.Training).
const (
	TrainedNoisy = "noisy"
	TrainedIdeal = "ideal"
)

// PaperSettingName names the run of PaperSettingConfig;
// PaperSettingAwareName its hardware-aware twin (PaperSettingAwareConfig).
const (
	PaperSettingName      = "mrelu-paper-setting"
	PaperSettingAwareName = "mrelu-paper-setting-aware"
)

// PaperSettingInputScale is the input scale of PaperSettingConfig: 1/r_d
// of the default memristor (3.333 µA per unit of pre-activation, about
// 4.3 IUnit), as docs/system.md states it.
const PaperSettingInputScale = 3.333e-6

// PaperSettingConfig is the setting under which this simulator reproduces
// the paper's drop from ReLU's 97 % to 95.4 % (docs/system.md, "The
// paper's 95.4 %"): the neuron driven with 3.333 µA per unit of
// pre-activation (often at its bound), the network trained with the ideal
// neuron and tested with the 9.9 % temporal variation as an additive
// output noise of 9.9 % of VDD on every neuron and evaluation (fullscale).
func PaperSettingConfig() Fig4Config {
	return Fig4Config{Name: PaperSettingName, Label: "reproducing the paper's setting",
		Noise: NoiseFullScale, Variation: DefaultVariation, InputScale: PaperSettingInputScale,
		Training: TrainedIdeal, Paper: Fig4Paper[ActMReLU]}
}

// PaperSettingAwareConfig is PaperSettingConfig trained with the noisy
// neuron (hardware-aware) instead of the ideal one.
func PaperSettingAwareConfig() Fig4Config {
	c := PaperSettingConfig()
	c.Name, c.Label, c.Training = PaperSettingAwareName, "the paper's setting, trained with the noise", TrainedNoisy
	return c
}

// TrainedIdeal reports whether the configuration trains with the ideal
// neuron (Training TrainedIdeal).
func (c Fig4Config) TrainedIdeal() bool { return c.Training == TrainedIdeal }

// noisyParams returns the settings of the noisy neuron the configuration
// tests with (and trains with unless TrainedIdeal).
func (c Fig4Config) noisyParams(base TrainParams) TrainParams {
	base.Act, base.Noise, base.Variation, base.InputScale = ActMReLU, c.Noise, c.Variation, c.InputScale
	return base
}

// PaperSeeds is the number of seeds of every Fig. 4 run in the full
// paper run (mrelu paper; --seeds changes it): the accuracies are means
// over them, with error bars in Fig. 4c and 4i.
const PaperSeeds = 3

// paperFig4Params is the Fig. 4 study of the full paper run: the paper's
// settings with PaperSeeds seeds and the paper-setting run.
func paperFig4Params() Fig4Params {
	p := DefaultFig4Params()
	p.Seeds = PaperSeeds
	return p
}

// fig4Differences lists how the study c differs from the paper run's d in
// seeds and configurations (for PaperConfig.QuickDifferences).
func fig4Differences(c, d Fig4Params) []string {
	var out []string
	if n, m := max(1, c.Seeds), max(1, d.Seeds); n != m {
		out = append(out, fmt.Sprintf("Fig. 4: %d seed(s) per run instead of %d (no error bars with one)", n, m))
	}
	for _, dc := range d.Configs {
		if c.Config(dc.Name) == nil {
			trained := "trained with the noise"
			if dc.TrainedIdeal() {
				trained = "trained with the ideal neuron"
			}
			out = append(out, fmt.Sprintf("Fig. 4: the %q run (%s: %s noise, σ = %g %%, %.4g µA per unit, %s) not run", dc.Name, dc.Label, dc.Noise, 100*dc.Variation, 1e6*dc.InputScale, trained))
		}
	}
	return out
}

// params returns the training settings of the configuration's run.
func (c Fig4Config) params(base TrainParams) TrainParams {
	base = c.noisyParams(base)
	if c.TrainedIdeal() {
		base.Act = ActMReLUIdeal
	}
	return base
}

// Config returns the configuration named name, or nil.
func (p Fig4Params) Config(name string) *Fig4Config {
	if k := slices.IndexFunc(p.Configs, func(c Fig4Config) bool { return c.Name == name }); k >= 0 {
		return &p.Configs[k]
	}
	return nil
}

// DefaultFig4Params are the paper's settings.
func DefaultFig4Params() Fig4Params {
	return Fig4Params{Base: DefaultTrainParams(),
		Acts:    []string{"sigmoid", "relu", ActMReLUIdeal, ActMReLU},
		Sweep:   []float64{0, 0.05, DefaultVariation, 0.2, 0.3},
		Configs: []Fig4Config{PaperSettingConfig(), PaperSettingAwareConfig()},
		Setup:   params.Default()}
}

// Validate names the first invalid field.
func (p Fig4Params) Validate() error {
	if len(p.Acts) == 0 {
		return fmt.Errorf("fig4: no activations to compare")
	}
	for _, a := range p.Acts {
		q := p.Base
		q.Act = a
		if err := q.Validate(); err != nil {
			return fmt.Errorf("fig4: %w", err)
		}
	}
	for _, v := range p.Sweep {
		if !(v >= 0) || v > 10 || math.IsInf(v, 0) {
			return fmt.Errorf("fig4: sweep variation %v out of range 0..10", v)
		}
	}
	names := map[string]bool{}
	for _, n := range Fig4RunNames(Fig4Params{Acts: p.Acts, Sweep: p.Sweep, Base: p.Base}) {
		names[n] = true
	}
	for _, c := range p.Configs {
		if c.Name == "" || names[c.Name] || strings.ContainsAny(c.Name, `/\ `) {
			return fmt.Errorf("fig4: configuration name %q: empty, with a path separator or a space, or already a run's", c.Name)
		}
		names[c.Name] = true
		if c.Training != "" && c.Training != TrainedNoisy && c.Training != TrainedIdeal {
			return fmt.Errorf("fig4: configuration %s: training %q: want %q or %q", c.Name, c.Training, TrainedNoisy, TrainedIdeal)
		}
		if !(c.Paper >= 0 && c.Paper <= 1) {
			return fmt.Errorf("fig4: configuration %s: paper accuracy %v out of range 0..1", c.Name, c.Paper)
		}
		if err := c.params(p.Base).Validate(); err != nil {
			return fmt.Errorf("fig4: configuration %s: %w", c.Name, err)
		}
	}
	if p.Seeds < 0 || p.Seeds > MaxSeeds {
		return fmt.Errorf("fig4: seeds %d out of range 1..%d", p.Seeds, MaxSeeds)
	}
	if err := p.Device.Validate(); err != nil {
		return fmt.Errorf("fig4: %w", err)
	}
	if err := p.Neuron.Validate(); err != nil {
		return fmt.Errorf("fig4: %w", err)
	}
	return nil
}

// Fig4 trains every neuron of p.Acts on the same data and initial
// weights, then the mReLU at every extra variation of p.Sweep. label is
// called before each run (for progress output) and may be nil.
func Fig4(p Fig4Params, label func(name string) Progress) (*Fig4Result, error) {
	return Fig4With(p, Fig4Options{Label: label})
}

// Fig4Options are the optional hooks of Fig4With.
type Fig4Options struct {
	// Label is called before each run (for progress output).
	Label func(name string) Progress
	// Context, when set, interrupts the study (between SGD steps) once it
	// is done, with an error wrapping nn.ErrInterrupted.
	Context context.Context
	// Checkpoint, when set, receives each run's state after every epoch.
	Checkpoint func(name string, c *TrainCheckpoint) error
	// Resume, when set, returns the checkpoint the named run continues
	// from, or nil to start it afresh.
	Resume func(name string) *TrainCheckpoint
}

// Fig4RunNames returns the names of the runs Fig4 makes for p, in order:
// p.Acts, then "mrelu-var<percent>" for the sweep variations no other run
// covers, then the p.Configs.
func Fig4RunNames(p Fig4Params) []string {
	names := append([]string(nil), p.Acts...)
	have := map[string]bool{}
	for _, a := range p.Acts {
		have[a] = true
	}
	sweep := append([]float64(nil), p.Sweep...)
	slices.Sort(sweep)
	for _, v := range sweep {
		name := fmt.Sprintf("mrelu-var%g", 100*v)
		switch {
		case v == 0 && have[ActMReLUIdeal], v == p.Base.Variation && have[ActMReLU], have[name]:
		default:
			names = append(names, name)
			have[name] = true
		}
	}
	for _, c := range p.Configs {
		names = append(names, c.Name)
	}
	return names
}

// Fig4With is Fig4 with checkpoints, resumption and interruption
// (Fig4Options).
func Fig4With(p Fig4Params, o Fig4Options) (*Fig4Result, error) {
	label := o.Label
	if err := p.Validate(); err != nil {
		return nil, err
	}
	train, test, err := LoadData(p.Base.Data)
	if err != nil {
		return nil, err
	}
	model, err := SolveNeuron(p.Device, p.Neuron)
	if err != nil {
		return nil, err
	}
	res := &Fig4Result{Params: p, Neuron: model, Runs: map[string]*TrainRun{}, Seeds: map[string][]SeedRun{}}
	seeds := SeedList(p.Base.Seed, p.Seeds)
	var idealNoisy []SeedAccuracy
	hasNoisy := false
	for _, a := range p.Acts {
		hasNoisy = hasNoisy || actKind(a).Noisy
	}
	var fp *DataFingerprint
	if o.Checkpoint != nil || o.Resume != nil {
		f := Fingerprint(train, test)
		fp = &f
	}
	// The runs, in order: the compared neurons, the sweep's extra
	// variations, the configurations; each with every seed.
	type call struct {
		name string
		q    TrainParams
	}
	var calls []call
	have := map[string]bool{}
	for _, a := range p.Acts {
		q := p.Base
		q.Act = a
		calls = append(calls, call{a, q})
		have[a] = true
	}
	sweep := append([]float64(nil), p.Sweep...)
	slices.Sort(sweep)
	sweepRun := make([]string, len(sweep))
	for k, v := range sweep {
		name := fmt.Sprintf("mrelu-var%g", 100*v)
		switch {
		case v == 0 && have[ActMReLUIdeal]:
			name = ActMReLUIdeal
		case v == p.Base.Variation && have[ActMReLU]:
			name = ActMReLU
		case have[name]:
		default:
			q := p.Base
			q.Act, q.Variation = ActMReLU, v
			if v == 0 {
				q.Act = ActMReLUIdeal
			}
			calls = append(calls, call{name, q})
			have[name] = true
		}
		sweepRun[k] = name
	}
	for _, c := range p.Configs {
		calls = append(calls, call{c.Name, c.params(p.Base)})
	}
	// Every (run, seed) is an independent training: with two or more
	// cores two run side by side on one thread each, which is faster
	// than one after another on two threads (a two-thread epoch costs
	// about 0.7 of a one-thread one). The results do not depend on it
	// (a run gives the same bits on any thread count).
	type job struct {
		call int
		k    int
		run  *TrainRun
		// noisy is the accuracy of the mrelu-ideal network tested with
		// the noisy neuron (hardware-aware comparison), when measured.
		noisy *SeedAccuracy
		err   error
	}
	var jobs []*job
	for c := range calls {
		for k := range seeds {
			jobs = append(jobs, &job{call: c, k: k})
		}
	}
	workers := fig4Workers(len(jobs))
	threads := 0
	if workers > 1 {
		threads = 1
	}
	var mu sync.Mutex // serialises the callers' hooks (labels, progress, checkpoints)
	locked := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		f()
	}
	do := func(jb *job) {
		c := calls[jb.call]
		q := c.q
		q.Seed = seeds[jb.k]
		var prog Progress
		if label != nil {
			name := c.name
			if jb.k > 0 {
				name = fmt.Sprintf("%s seed %d", c.name, q.Seed)
			}
			locked(func() { prog = label(name) })
		}
		if prog.Step != nil {
			step := prog.Step
			prog.Step = func(epoch, st, steps int) { locked(func() { step(epoch, st, steps) }) }
		}
		if prog.Epoch != nil {
			ep := prog.Epoch
			prog.Epoch = func(e nn.EpochStats) { locked(func() { ep(e) }) }
		}
		to := TrainOptions{Progress: prog, Context: o.Context, Data: fp, Threads: threads}
		if jb.k == 0 {
			if o.Checkpoint != nil {
				to.Checkpoint = func(cp *TrainCheckpoint) (err error) {
					locked(func() { err = o.Checkpoint(c.name, cp) })
					return err
				}
			}
			if o.Resume != nil {
				locked(func() { to.Resume = o.Resume(c.name) })
			}
		}
		r, err := TrainWith(q, train, test, model, to)
		if err != nil {
			jb.err = fmt.Errorf("fig4 run %s (seed %d): %w", c.name, q.Seed, err)
			return
		}
		jb.run = r
		nq := p.Base
		nq.Act = ActMReLU
		if cf := p.Config(c.name); cf != nil {
			nq = cf.noisyParams(p.Base)
		}
		isConfig := p.Config(c.name) != nil
		// An ideal hardware run is tested with the noisy neuron too: the
		// compared neuron's own run when a noisy one is compared, a
		// configuration when it has a variation.
		if k := actKind(q.Act); k.Hardware && !k.Noisy && (c.name == q.Act && hasNoisy || isConfig && nq.Variation > 0) {
			// Trained with the ideal neuron, tested with the noisy one.
			nq.Seed = q.Seed
			noisy, err := NoisyMReLUForRun(nq, model)
			if err != nil {
				jb.err = err
				return
			}
			acc, err := TestWith(r.Net, noisy, test, q.Batch)
			if err != nil {
				jb.err = err
				return
			}
			jb.noisy = &SeedAccuracy{Seed: q.Seed, TestAccuracy: acc}
		}
	}
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				n := int(next.Add(1)) - 1
				if n >= len(jobs) {
					return
				}
				if do(jobs[n]); jobs[n].err != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	// Assemble in order, up to the first run that failed or did not run.
	for _, jb := range jobs {
		if jb.err != nil {
			return res, jb.err
		}
		if jb.run == nil {
			return res, fmt.Errorf("fig4 run %s: not run", calls[jb.call].name)
		}
		name, r := calls[jb.call].name, jb.run
		if jb.k == 0 {
			res.Names = append(res.Names, name)
			res.Runs[name] = r
		}
		sr := SeedRun{Seed: seeds[jb.k], TestAccuracy: r.FinalAccuracy(), TestAccuracyPerEpoch: r.AccuracyPerEpoch(),
			SaturatedFraction: SaturatedPerLayer(r.Result.Epochs)}
		switch {
		case jb.noisy != nil && p.Config(name) != nil:
			// A configuration trained ideal: its accuracy is the test
			// with the noise.
			sr.TestAccuracyIdeal, sr.TestAccuracy = sr.TestAccuracy, jb.noisy.TestAccuracy
		case jb.noisy != nil:
			idealNoisy = append(idealNoisy, *jb.noisy)
		}
		res.Seeds[name] = append(res.Seeds[name], sr)
	}
	for k, v := range sweep {
		name := sweepRun[k]
		st := res.SeedStats(name)
		res.Sweep = append(res.Sweep, SweepPoint{Variation: v, TestAccuracy: res.Runs[name].FinalAccuracy(), Run: name,
			TestAccuracyMean: st.Mean, TestAccuracySD: st.SD})
	}
	if idealNoisy != nil && res.Runs[ActMReLU] != nil {
		res.HardwareAware = &HardwareAware{Noise: NoiseName(p.Base.Noise), Variation: p.Base.Variation,
			TrainedIdealTestedIdeal: res.SeedStats(ActMReLUIdeal),
			TrainedIdealTestedNoisy: NewSeedStats(idealNoisy),
			TrainedNoisyTestedNoisy: res.SeedStats(ActMReLU)}
	}
	return res, nil
}

// fig4Workers is the number of (run, seed) trainings Fig4With runs at a
// time for jobs of them: two when there are two cores, one otherwise.
func fig4Workers(jobs int) int { return min(2, runtime.GOMAXPROCS(0), jobs) }
