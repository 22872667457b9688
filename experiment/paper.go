package experiment

// The whole paper in one run (`mrelu paper`): every device, neuron,
// system and application experiment, the energy estimate and Table 1,
// from one device and neuron parameter set and one seed. Package report
// writes the result (report.WritePaper); cmd/mrelu wires the flags.

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"time"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// PaperConfig is the setting of the whole-paper run. Device, Neuron and
// Seed are the single source of truth: Paper copies them into every
// experiment (Fig4.Device/Neuron, Edges.Device/Neuron, the seeds of the
// device, Monte Carlo, training, edge-variation and crossbar draws).
type PaperConfig struct {
	// Quick marks the reduced setting (QuickPaperConfig).
	Quick bool `json:"quick"`
	// Seed seeds every random draw.
	Seed uint64 `json:"seed"`
	// Setup (Device and Neuron) is the memristor, the TFTs and the 2T-1M
	// circuit, used by every experiment.
	params.Setup

	IV          DeviceIVConfig       `json:"device_iv"`
	Sweep       DeviceSweepConfig    `json:"device_sweep"`
	Pulse       DevicePulseConfig    `json:"device_pulse"`
	TFT         DeviceTFTConfig      `json:"device_tft"`
	Transfer    NeuronTransferConfig `json:"neuron_transfer"`
	NeuronPulse NeuronPulseConfig    `json:"neuron_pulse"`
	// Spice is the netlist export; Ngspice runs the cross-check when
	// ngspice is on PATH (Spice.Run is set from it).
	Spice   NeuronSpiceConfig `json:"neuron_spice"`
	Ngspice bool              `json:"ngspice"`
	// MonteCarlo is the device-to-device population with a shared VDD;
	// MonteCarloTrim the same population with VDD trimmed per neuron.
	MonteCarlo NeuronMonteCarloConfig `json:"neuron_montecarlo"`
	Fig4       Fig4Params             `json:"fig4"`
	// Edges is the ideal-neuron edge detection (Fig. 5); EdgesVariation,
	// when > 0, adds a run with that temporal variation.
	Edges          EdgesConfig  `json:"edges"`
	EdgesVariation float64      `json:"edges_variation"`
	Energy         EnergyConfig `json:"energy"`
}

// DefaultPaperConfig returns the paper's settings: 200 DC cycles, 25
// memristors, 30 epochs and the variation sweep 0, 5, 9.9, 20, 30 %.
func DefaultPaperConfig() PaperConfig {
	return PaperConfig{
		Seed:  1,
		Setup: params.Default(),
		IV:    DefaultDeviceIVConfig(), Sweep: DefaultDeviceSweepConfig(), Pulse: DefaultDevicePulseConfig(), TFT: DefaultDeviceTFTConfig(),
		Transfer: DefaultNeuronTransferConfig(), NeuronPulse: DefaultNeuronPulseConfig(), Spice: DefaultNeuronSpiceConfig(),
		Ngspice: true, MonteCarlo: DefaultNeuronMonteCarloConfig(),
		Fig4: paperFig4Params(), Edges: DefaultEdgesConfig(), EdgesVariation: DefaultVariation,
		Energy: DefaultEnergyConfig(),
	}
}

// QuickEpochs is the number of training epochs of QuickPaperConfig.
const QuickEpochs = 3

// QuickPaperConfig returns the reduced setting of `mrelu paper --quick`:
// 3 epochs instead of 30, the variation sweep 0, 9.9, 30 % instead of five
// points, one seed instead of PaperSeeds, no paper-setting run
// (PaperSettingConfig), 50 DC cycles instead of 200; everything else as
// the paper.
func QuickPaperConfig() PaperConfig {
	c := DefaultPaperConfig()
	c.Quick = true
	c.IV.Cycles = 50
	c.Fig4.Base.Epochs = QuickEpochs
	c.Fig4.Sweep = []float64{0, DefaultVariation, 0.3}
	c.Fig4.Seeds, c.Fig4.Configs = 1, nil
	return c
}

// QuickDifferences lists, for the output and the report, how the quick
// setting differs from the paper's.
func (c PaperConfig) QuickDifferences() []string {
	d := DefaultPaperConfig()
	var out []string
	if c.Fig4.Base.Epochs != d.Fig4.Base.Epochs {
		out = append(out, fmt.Sprintf("Fig. 4: %d training epochs instead of the paper's %d (accuracies are therefore lower than after full training)", c.Fig4.Base.Epochs, d.Fig4.Base.Epochs))
	}
	if fmt.Sprint(c.Fig4.Sweep) != fmt.Sprint(d.Fig4.Sweep) {
		out = append(out, fmt.Sprintf("Fig. 4i: variation sweep %s instead of %s", percents(c.Fig4.Sweep), percents(d.Fig4.Sweep)))
	}
	out = append(out, fig4Differences(c.Fig4, d.Fig4)...)
	if c.IV.Cycles != d.IV.Cycles {
		out = append(out, fmt.Sprintf("Fig. 3a-b: %d DC cycles instead of %d", c.IV.Cycles, d.IV.Cycles))
	}
	if c.MonteCarlo.Devices != d.MonteCarlo.Devices {
		out = append(out, fmt.Sprintf("Monte Carlo: %d neurons instead of %d", c.MonteCarlo.Devices, d.MonteCarlo.Devices))
	}
	if c.Fig4.Base.Data != "" {
		out = append(out, fmt.Sprintf("Fig. 4: data set %s instead of MNIST", c.Fig4.Base.Data))
	}
	return out
}

func percents(v []float64) string {
	s := ""
	for k, x := range v {
		if k > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%g %%", 100*x)
	}
	return s
}

// resolved copies Device, Neuron and Seed into every experiment.
func (c PaperConfig) resolved() PaperConfig {
	c.Fig4.Device, c.Fig4.Neuron = c.Device, c.Neuron
	c.Edges.Device, c.Edges.Neuron = c.Device, c.Neuron
	c.Fig4.Base.Seed = c.Seed
	c.Edges.Vision.Seed = c.Seed
	c.Energy.Crossbar.Seed = c.Seed
	c.Fig4.Sweep = append([]float64(nil), c.Fig4.Sweep...)
	c.Fig4.Acts = append([]string(nil), c.Fig4.Acts...)
	c.Fig4.Configs = append([]Fig4Config(nil), c.Fig4.Configs...)
	c.Fig4.Base.Hidden = append([]int(nil), c.Fig4.Base.Hidden...)
	return c
}

// Validate names the first invalid setting.
func (c PaperConfig) Validate() error {
	c = c.resolved()
	if err := c.Device.Validate(); err != nil {
		return fmt.Errorf("paper: %w", err)
	}
	if err := c.Neuron.Validate(); err != nil {
		return fmt.Errorf("paper: %w", err)
	}
	for _, v := range []struct {
		name string
		err  error
	}{
		{"device iv", c.IV.Validate()}, {"device sweep", c.Sweep.Validate()}, {"device pulse", c.Pulse.Validate()},
		{"device tft", c.TFT.Validate()}, {"neuron transfer", c.Transfer.Validate()}, {"neuron pulse", c.NeuronPulse.Validate()},
		{"neuron spice", c.Spice.Validate()}, {"neuron montecarlo", c.MonteCarlo.Validate()},
		{"fig4", c.Fig4.Validate()}, {"edges", c.Edges.Validate()}, {"energy", c.Energy.Validate()},
	} {
		if v.err != nil {
			return fmt.Errorf("paper: %s: %w", v.name, v.err)
		}
	}
	if !(c.EdgesVariation >= 0) || c.EdgesVariation > 10 {
		return fmt.Errorf("paper: edges_variation = %v: must be in 0..10", c.EdgesVariation)
	}
	return nil
}

// PaperStage names one step of the run, for progress and timing.
type PaperStage struct {
	Key   string // "device/iv", the output subfolder
	Title string // what it reproduces
}

// PaperStages lists the stages in run order.
var PaperStages = []PaperStage{
	{"device/iv", "device: DC I-V cycles, set/hold (Fig. 1f, 3a, 3b)"},
	{"device/sweep", "device: R and G vs current (Fig. 1h, 3c)"},
	{"device/pulse", "device: pulse train, voltage pulses, latency/energy, relaxation (Fig. 3d-f)"},
	{"device/tft", "device: a-IGZO TFT and its threshold spread (Fig. S5)"},
	{"neuron/transfer", "neuron: DC transfer curve (Fig. 3i)"},
	{"neuron/pulse", "neuron: activation transient, latency and energy"},
	{"neuron/spice", "neuron: ngspice cross-check"},
	{"neuron/montecarlo", "neuron: device-to-device Monte Carlo, shared VDD"},
	{"neuron/montecarlo-trim", "neuron: device-to-device Monte Carlo, VDD trimmed per neuron"},
	{"fig4", "system: MNIST training, vanishing gradient, accuracy vs variation (Fig. 4)"},
	{"edges", "application: edge detection (Fig. 5)"},
	{"edges/variation", "application: edge detection with temporal variation"},
	{"energy", "energy and latency per inference, Table 1"},
}

// PaperProgress receives progress; every field may be nil.
type PaperProgress struct {
	// Start is called before stage k (0-based) of n, Done after it.
	Start func(s PaperStage, k, n int)
	Done  func(s PaperStage, seconds float64, note string)
	// Train returns the training progress of a Fig. 4 run.
	Train func(name string) Progress
}

// PaperResult holds every experiment of the run.
type PaperResult struct {
	// Config is the setting used, with Device, Neuron and Seed copied into
	// every experiment.
	Config PaperConfig

	IV    *DeviceIVResult
	Sweep *DeviceSweepResult
	Pulse *DevicePulseResult
	TFT   *DeviceTFTResult

	Transfer    *NeuronTransferResult
	NeuronPulse *NeuronPulseResult
	// Spice holds the netlists and, when ngspice ran, the comparison
	// (Spice.Ran); SpiceNote says why it did not run.
	Spice          *NeuronSpiceResult
	SpiceNote      string
	MonteCarlo     *NeuronMonteCarloResult
	MonteCarloTrim *NeuronMonteCarloResult

	Fig4        *Fig4Result
	Edges       *EdgesResult
	EdgesVaried *EdgesResult // nil without EdgesVariation
	Energy      *EnergyResult
	Table1      []Table1Row

	// Default holds the default device's run of the device and neuron
	// stages (DefaultStages; the other parts nil), for the report's
	// "default" column; nil when the run's device is the default one
	// (IsDefaultSetup).
	Default *PaperResult

	// Failed is the key of the stage that failed ("" when none did): the
	// stages before it hold their results (Paper returns them with the
	// error), the ones from it on are nil.
	Failed string
	// Seconds is the wall time per stage key; Total the whole run.
	Seconds map[string]float64
	Started time.Time
	Total   float64
}

// DefaultStages are the stages a run with another device than the
// default also runs with the default device, for comparison: the cheap
// device and neuron experiments (no Monte Carlo, SPICE, training or
// edges).
var DefaultStages = []string{"device/iv", "device/sweep", "device/pulse", "device/tft", "neuron/transfer", "neuron/pulse"}

// IsDefaultSetup reports whether d and np are the default device and
// neuron (device.DefaultParams, neuron.DefaultParams; the settings record
// of a parameter file does not count).
func IsDefaultSetup(d device.Params, np neuron.Params) bool {
	def := device.DefaultParams()
	return reflect.DeepEqual(d.Memristor, def.Memristor) && reflect.DeepEqual(d.TFT, def.TFT) && reflect.DeepEqual(np, neuron.DefaultParams())
}

// paperDefault runs DefaultStages of cfg with the default device.
func paperDefault(ctx context.Context, cfg PaperConfig) (*PaperResult, error) {
	cfg.Device, cfg.Neuron = device.DefaultParams(), neuron.DefaultParams()
	cfg = cfg.resolved()
	r := &PaperResult{Config: cfg, Seconds: map[string]float64{}, Started: time.Now()}
	for _, key := range DefaultStages {
		if _, err := r.stage(ctx, key, cfg.Device, cfg.Neuron, cfg.Seed, PaperProgress{}); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	r.Total = time.Since(r.Started).Seconds()
	return r, nil
}

// NgspiceAvailable reports whether ngspice is on PATH.
func NgspiceAvailable() bool {
	_, err := exec.LookPath("ngspice")
	return err == nil
}

// Paper runs every experiment of the paper with cfg. When a stage fails
// it returns the result so far, with Failed naming the stage, and the
// error.
func Paper(ctx context.Context, cfg PaperConfig, prog PaperProgress) (*PaperResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.resolved()
	r := &PaperResult{Config: cfg, Seconds: map[string]float64{}, Started: time.Now()}
	d, np, seed := cfg.Device, cfg.Neuron, cfg.Seed
	n := len(PaperStages)
	for k, st := range PaperStages {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		if prog.Start != nil {
			prog.Start(st, k, n)
		}
		t0 := time.Now()
		note, err := r.stage(ctx, st.Key, d, np, seed, prog)
		if err != nil {
			r.Failed = st.Key
			r.Total = time.Since(r.Started).Seconds()
			return r, fmt.Errorf("paper: %s: %w", st.Key, err)
		}
		sec := time.Since(t0).Seconds()
		r.Seconds[st.Key] = sec
		if prog.Done != nil {
			prog.Done(st, sec, note)
		}
	}
	if !IsDefaultSetup(d, np) {
		var err error
		if r.Default, err = paperDefault(ctx, cfg); err != nil {
			return r, fmt.Errorf("paper: the default device, for comparison: %w", err)
		}
	}
	r.Total = time.Since(r.Started).Seconds()
	return r, nil
}

// stage runs one stage and returns a one-line note for the progress.
func (r *PaperResult) stage(ctx context.Context, key string, d device.Params, np neuron.Params, seed uint64, prog PaperProgress) (string, error) {
	cfg := r.Config
	var err error
	switch key {
	case "device/iv":
		if r.IV, err = DeviceIV(d, cfg.IV, seed); err != nil {
			return "", err
		}
		s := r.IV.Sweep
		return fmt.Sprintf("%d cycles: set %.3f V, hold %.3f V (medians)", len(s.Cycles), s.Set.Median, s.Hold.Median), nil
	case "device/sweep":
		r.Sweep, err = DeviceSweep(d, cfg.Sweep)
		return "", err
	case "device/pulse":
		if r.Pulse, err = DevicePulse(d, cfg.Pulse, seed); err != nil {
			return "", err
		}
		return fmt.Sprintf("latency %s, energy %s (paper %s)", FormatTime(r.Pulse.Single.Latency), FormatEnergy(r.Pulse.Single.Energy), PaperPulseText), nil
	case "device/tft":
		r.TFT, err = DeviceTFT(d, cfg.TFT, seed)
		return "", err
	case "neuron/transfer":
		if r.Transfer, err = NeuronTransfer(d, np, cfg.Transfer); err != nil {
			return "", err
		}
		m := r.Transfer.Metrics
		return fmt.Sprintf("I90 %.3g µA, R² %.5f, off level %.4f V", m.I90*1e6, m.R2, m.MaxVoutNonPositive), nil
	case "neuron/pulse":
		if r.NeuronPulse, err = NeuronPulse(d, np, cfg.NeuronPulse); err != nil {
			return "", err
		}
		p := r.NeuronPulse.Pulse
		return fmt.Sprintf("%s: latency %s, energy %s", p.Status, FormatTime(p.Latency), FormatEnergy(p.Energy)), nil
	case "neuron/spice":
		sc := cfg.Spice
		sc.Run = cfg.Ngspice && NgspiceAvailable()
		switch {
		case !cfg.Ngspice:
			r.SpiceNote = "ngspice cross-check switched off; netlists exported only"
		case !sc.Run:
			r.SpiceNote = "ngspice is not on PATH (Debian/Ubuntu: apt-get install -y ngspice): netlists exported, cross-check not run"
		}
		r.Spice, err = NeuronSpice(ctx, d, np, sc)
		if err != nil {
			return "", err
		}
		if !r.Spice.Ran {
			return r.SpiceNote, nil
		}
		return fmt.Sprintf("max |ΔVout| vs ngspice %.3g V, latency difference %.2g %%", r.Spice.MaxDiff, 100*r.Spice.LatencyRelDiff), nil
	case "neuron/montecarlo", "neuron/montecarlo-trim":
		mc := cfg.MonteCarlo
		mc.TrimVDD = key == "neuron/montecarlo-trim"
		res, err := NeuronMonteCarlo(d, np, mc, seed)
		if err != nil {
			return "", err
		}
		if mc.TrimVDD {
			r.MonteCarloTrim = res
		} else {
			r.MonteCarlo = res
		}
		return fmt.Sprintf("%d of %d neurons never switch", res.Dead, mc.Devices), nil
	case "fig4":
		if r.Fig4, err = Fig4(cfg.Fig4, prog.Train); err != nil {
			return "", err
		}
		s := ""
		for _, name := range r.Fig4.Names {
			if cfg.Fig4.IsMain(name) {
				s += fmt.Sprintf("%s %.2f %%  ", name, 100*r.Fig4.Runs[name].FinalAccuracy())
			}
		}
		return s, nil
	case "edges":
		ec := cfg.Edges
		ec.Vision.Variation = 0
		if r.Edges, err = Edges(ec); err != nil {
			return "", err
		}
		return edgesNote(r.Edges), nil
	case "edges/variation":
		if cfg.EdgesVariation == 0 {
			return "skipped (no variation)", nil
		}
		ec := cfg.Edges
		ec.Vision.Variation = cfg.EdgesVariation
		if r.EdgesVaried, err = Edges(ec); err != nil {
			return "", err
		}
		return edgesNote(r.EdgesVaried), nil
	case "energy":
		if r.Energy, err = SystemEnergy(cfg.Energy, r.Pulse, r.NeuronPulse, r.Fig4); err != nil {
			return "", err
		}
		var m neuron.TransferMetrics
		if r.Transfer != nil {
			m = r.Transfer.Metrics
		}
		r.Table1 = Table1(np, m, r.Energy)
		s := ""
		for _, sc := range r.Energy.Scenarios {
			s += fmt.Sprintf("%s %s  ", sc.Name, FormatEnergy(sc.Total))
		}
		return "per inference: " + s, nil
	}
	return "", errors.New("unknown stage")
}

func edgesNote(e *EdgesResult) string {
	s := ""
	for _, f := range e.Result.Filters {
		r := f.Ideal.PearsonReLU
		if f.Varied != nil {
			r = f.Varied.PearsonReLU
		}
		s += fmt.Sprintf("%s r = %.4f  ", f.Kernel.Name, r)
	}
	return "correlation with software ReLU: " + s
}
