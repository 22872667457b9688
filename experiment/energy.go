package experiment

// System-level energy and latency of the mReLU network (paper Fig. 3f,
// Table 1 and the text's comparison with other analog neurons): the
// per-activation energy and latency of the neuron, from the device-level
// pulse and from the 2T-1M circuit transient, turned into an estimate per
// inference of the trained 784-100-100-100-10 network on crossbar arrays:
//
//	E_inference = N_hidden·E_neuron + t·Σ_arrays Σ_i V_i²·Σ_j (G+_ij + G−_ij)
//	T_inference = N_arrays·t,    t = the neuron latency (read time of each array)
//
// docs/paper.md lists every assumption.

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
)

// EnergyConfig is the setting of the system-level estimate.
type EnergyConfig struct {
	// Run names the Fig. 4 run whose trained network is mapped onto the
	// arrays (default "mrelu": the hardware neuron with the paper's 9.9 %
	// temporal variation; falls back to "mrelu-ideal").
	Run string `json:"run"`
	// Images is the number of test images the read energy is averaged
	// over (0: the whole test set).
	Images int `json:"images"`
	// ReadTime fixes the read time of every array in s for every scenario;
	// 0 (default) reads each array for the scenario's neuron latency.
	ReadTime float64 `json:"read_time_s"`
	// Crossbar is the arrays' mapping (crossbar.DefaultParams; its
	// UnitCurrent is replaced by the solved neuron's IUnit so that the
	// matched mirrors drive the neuron the network was trained with).
	Crossbar crossbar.Params `json:"crossbar"`
}

// DefaultEnergyConfig returns the "mrelu" run over the whole test set on
// the default arrays, each read for the neuron latency.
func DefaultEnergyConfig() EnergyConfig {
	return EnergyConfig{Run: ActMReLU, Crossbar: crossbar.DefaultParams()}
}

// Validate names the first invalid field.
func (c EnergyConfig) Validate() error {
	if c.Images < 0 {
		return fmt.Errorf("energy: images = %d: must be ≥ 0 (0: the whole test set)", c.Images)
	}
	if math.IsNaN(c.ReadTime) || math.IsInf(c.ReadTime, 0) || c.ReadTime < 0 || c.ReadTime > 1 {
		return fmt.Errorf("energy: read_time = %g s: must be in [0, 1] (0: the neuron latency)", c.ReadTime)
	}
	if err := c.Crossbar.Validate(); err != nil {
		return fmt.Errorf("energy: %w", err)
	}
	return nil
}

// EnergyScenario is one estimate per inference: a neuron's energy and
// latency per activation and the arrays read for ReadTime.
type EnergyScenario struct {
	// Name is a short key ("paper", "device", "circuit",
	// "circuit-memristor", "circuit-quasistatic"); Label says what
	// the neuron numbers come from.
	Name  string `json:"name"`
	Label string `json:"label"`
	// NeuronEnergy (J) and NeuronLatency (s) per activation; NaN when the
	// source has none (an unsettled transient).
	NeuronEnergy  float64 `json:"neuron_energy_J"`
	NeuronLatency float64 `json:"neuron_latency_s"`
	// ReadTime is the read time of each array (s).
	ReadTime float64 `json:"read_time_s"`
	// Neurons is the number of hidden neurons activated per inference.
	Neurons int `json:"neurons_per_inference"`
	// NeuronsEnergy = Neurons·NeuronEnergy; Crossbar the synapses' read
	// energy per inference (J), PerArray its split; Total their sum.
	NeuronsEnergy float64   `json:"neurons_energy_per_inference_J"`
	Crossbar      float64   `json:"crossbar_energy_per_inference_J"`
	PerArray      []float64 `json:"crossbar_energy_per_array_J"`
	Total         float64   `json:"total_energy_per_inference_J"`
	// Latency per inference (s): every array is read for ReadTime, one
	// after the other.
	Latency float64 `json:"latency_per_inference_s"`
}

// EnergyAlternative is another neuron of the comparison, per activation
// and per inference (neurons only, and with our arrays read for the
// paper's 650 ns).
type EnergyAlternative struct {
	Name             string  `json:"name"`
	Source           string  `json:"source"`
	PerActivation    float64 `json:"energy_per_activation_J"`
	NeuronsPerInf    float64 `json:"neurons_energy_per_inference_J"`
	WithCrossbarPerI float64 `json:"total_with_crossbar_at_650ns_J"`
	// Ratio is PerActivation over our device-level energy per activation.
	RatioToOurs float64 `json:"ratio_to_ours_device_level"`
	// RatioToCircuitQuasiStatic and RatioToCircuitMemristor are
	// PerActivation over the memristor's own energy per activation in the
	// 2T-1M circuit without and with parasitics; RatioToCircuit over the
	// whole circuit's (VDD + input). NaN when that pulse did not settle.
	RatioToCircuitQuasiStatic float64 `json:"ratio_to_ours_circuit_quasistatic"`
	RatioToCircuitMemristor   float64 `json:"ratio_to_ours_circuit_memristor"`
	RatioToCircuit            float64 `json:"ratio_to_ours_circuit_total"`
}

// PaperRatio is the alternative's energy per activation over the paper's
// mReLU (the paper's own comparison: ~400x for the Mott VO2 ReLU, 6820x
// for the analog CMOS sigmoid).
func (a EnergyAlternative) PaperRatio() float64 { return a.PerActivation / PaperEnergy }

// PaperReadEnergy is the arrays' read energy per inference when each is
// read for the paper's latency (J): the crossbar part of an alternative's
// total.
func (r *EnergyResult) PaperReadEnergy() float64 {
	var e float64
	for _, p := range r.ReadPower {
		e += p * PaperLatency
	}
	return e
}

// PaperInferenceLatency is the latency per inference with every array
// read for the paper's latency, one after another (s).
func (r *EnergyResult) PaperInferenceLatency() float64 { return float64(r.Arrays) * PaperLatency }

// EnergyResult is the system-level estimate.
type EnergyResult struct {
	Config EnergyConfig `json:"config"`
	// Run is the Fig. 4 run that was mapped; Sizes its layer widths;
	// Images the test images averaged over.
	Run    string `json:"run"`
	Sizes  []int  `json:"sizes"`
	Images int    `json:"images"`
	// Neurons is the number of hidden neurons (300 for 784-100-100-100-10);
	// Arrays the number of crossbar arrays (4).
	Neurons int `json:"hidden_neurons"`
	Arrays  int `json:"arrays"`
	// ReadPower is the synapses' dissipation while every array is read,
	// per inference and per array (W): the read energy is ReadPower·t.
	ReadPower []float64 `json:"read_power_per_array_W"`
	// MeanInputVoltage is the mean read voltage of each array's inputs (V).
	MeanInputVoltage []float64 `json:"mean_input_voltage_V"`
	// MeanConductance is the mean device conductance of each array (S).
	MeanConductance []float64 `json:"mean_conductance_S"`
	// CrossbarAccuracy is the mapped network's test accuracy on the arrays
	// with the run's neuron (its temporal variation included), over the
	// same images.
	CrossbarAccuracy float64             `json:"crossbar_test_accuracy"`
	Scenarios        []EnergyScenario    `json:"scenarios"`
	Alternatives     []EnergyAlternative `json:"alternatives"`
	// CircuitStatus is the circuit transient's status (settled,
	// oscillating, unsettled).
	CircuitStatus string   `json:"circuit_status"`
	Notes         []string `json:"notes"`
}

// Scenario returns the scenario named name, or nil.
func (r *EnergyResult) Scenario(name string) *EnergyScenario {
	if k := slices.IndexFunc(r.Scenarios, func(s EnergyScenario) bool { return s.Name == name }); k >= 0 {
		return &r.Scenarios[k]
	}
	return nil
}

// energyRun picks the Fig. 4 run to map: cfg.Run, else a hardware run.
func energyRun(fig4 *Fig4Result, name string) (*TrainRun, string, error) {
	if fig4 == nil {
		return nil, "", errors.New("energy: no Fig. 4 result to map onto the arrays")
	}
	for _, n := range []string{name, ActMReLU, ActMReLUIdeal} {
		if r := fig4.Runs[n]; n != "" && r != nil && r.Net != nil && r.Test != nil && r.Neuron != nil {
			return r, n, nil
		}
	}
	return nil, "", fmt.Errorf("energy: Fig. 4 has no finished hardware-neuron run (%q, %q or %q)", name, ActMReLU, ActMReLUIdeal)
}

// crossbarChunk is crossbar.Network's evaluation chunk (its minibatch).
const crossbarChunk = 500

// crossbarImages returns the first n images of s (n×Dim values) in a slice
// with spare capacity. crossbar.Network slices its input to chunk × the
// width of every array before it picks the first array's input
// (network.go, pass: x[:b*arr.In] for every layer), which runs past the
// capacity of the images when a hidden layer is wider than an image (tiny
// data sets); the spare capacity is never read.
func crossbarImages(s *dataset.Set, n int, sizes []int) []float32 {
	d := s.Dim()
	widest := 0
	for _, w := range sizes {
		widest = max(widest, w)
	}
	if s.Pixels != nil {
		return s.Float32s(n, n*d+crossbarChunk*widest)
	}
	buf := make([]float32, n*d, n*d+crossbarChunk*widest)
	copy(buf, s.Images[:n*d])
	return buf
}

// ArrayReadPower maps the trained network of run onto crossbar arrays
// under xp and returns, per array, the synapses' mean dissipation while it
// is read (W, i.e. the read energy per inference for a read time of 1 s)
// and the mean input voltage (V), over the first n test images. The
// neurons are the run's solved circuit without variation, so the hidden
// voltages are deterministic. It also returns the total from
// crossbar.Network.ReadEnergy, which the per-array sum must equal.
func ArrayReadPower(run *TrainRun, xp crossbar.Params, n int) (power, meanV []float64, total float64, err error) {
	if run == nil || run.Net == nil || run.Test == nil || run.Neuron == nil {
		return nil, nil, 0, errors.New("energy: needs a finished hardware-neuron run with its test set")
	}
	test := run.Test
	if n <= 0 || n > test.N {
		n = test.N
	}
	if n == 0 {
		return nil, nil, 0, errors.New("energy: the test set is empty")
	}
	neu := run.Neuron.EvalA
	nw, err := crossbar.New(run.Net, []crossbar.Neuron{neu}, xp)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("energy: %w", err)
	}
	images := crossbarImages(test, n, run.Sizes)
	total = nw.ReadEnergy(images, n, 1)
	L := len(nw.Layers)
	keep := make([][]float32, L)
	for l, arr := range nw.Layers {
		keep[l] = make([]float32, n*arr.Out)
	}
	nw.NeuronCurrents(keep, images, n)
	power = make([]float64, L)
	meanV = make([]float64, L)
	const chunk = crossbarChunk
	dim := nw.Inputs()
	var volts []float32
	for l, arr := range nw.Layers {
		var e, sv float64
		for lo := 0; lo < n; lo += chunk {
			b := min(chunk, n-lo)
			if cap(volts) < b*arr.In {
				volts = make([]float32, b*arr.In)
			}
			v := volts[:b*arr.In]
			if l == 0 {
				s := float32(arr.ReadScale())
				for i, x := range images[lo*dim : (lo+b)*dim] {
					v[i] = x * s
				}
			} else {
				neu.Eval(v, keep[l-1][lo*arr.In:(lo+b)*arr.In])
			}
			for _, x := range v {
				sv += float64(x)
			}
			e += arr.ReadEnergy(v, b, 1)
		}
		power[l] = e / float64(n)
		meanV[l] = sv / float64(n*arr.In)
	}
	return power, meanV, total, nil
}

// SystemEnergy estimates energy and latency per inference of the network
// trained in fig4 (cfg.Run) on crossbar arrays, with the neuron's energy
// and latency per activation taken from the paper (0.5 pJ, 650 ns), from
// our device-level pulse (dev, Fig. 3f) and from our 2T-1M circuit
// transient (neu). dev or neu may be nil (their scenario is left out).
func SystemEnergy(cfg EnergyConfig, dev *DevicePulseResult, neu *NeuronPulseResult, fig4 *Fig4Result) (*EnergyResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	run, name, err := energyRun(fig4, cfg.Run)
	if err != nil {
		return nil, err
	}
	xp := cfg.Crossbar
	xp.UnitCurrent, xp.VDD = run.Neuron.IUnit, run.Neuron.VDD()
	cfg.Crossbar = xp
	power, meanV, total, err := ArrayReadPower(run, xp, cfg.Images)
	if err != nil {
		return nil, err
	}
	n := cfg.Images
	if n <= 0 || n > run.Test.N {
		n = run.Test.N
	}
	r := &EnergyResult{Config: cfg, Run: name, Sizes: append([]int(nil), run.Sizes...), Images: n,
		Arrays: len(run.Sizes) - 1, ReadPower: power, MeanInputVoltage: meanV, CircuitStatus: "not run"}
	for _, h := range run.Sizes[1 : len(run.Sizes)-1] {
		r.Neurons += h
	}
	var sum float64
	for _, p := range power {
		sum += p
	}
	if rel := math.Abs(sum-total) / math.Max(total, 1e-300); rel > 1e-6 {
		return nil, fmt.Errorf("energy: per-array read energy %g J/s disagrees with the network's %g J/s", sum, total)
	}
	nw, err := crossbar.New(run.Net, []crossbar.Neuron{run.Neuron.EvalA}, xp)
	if err != nil {
		return nil, fmt.Errorf("energy: %w", err)
	}
	for _, l := range nw.Layers {
		gp, gn := l.Conductances()
		var g float64
		for k := range gp {
			g += float64(gp[k]) + float64(gn[k])
		}
		r.MeanConductance = append(r.MeanConductance, g/float64(2*len(gp)))
	}
	sub := *run
	sub.Test = &dataset.Set{Images: crossbarImages(run.Test, n, run.Sizes), Labels: run.Test.Labels[:n], N: n, Rows: run.Test.Rows, Cols: run.Test.Cols, Classes: run.Test.Classes}
	cr, err := CrossbarEval(&sub, xp)
	if err != nil {
		return nil, err
	}
	r.CrossbarAccuracy = cr.TestAccuracy

	add := func(key, label string, e, lat float64) {
		t := lat
		if cfg.ReadTime > 0 {
			t = cfg.ReadTime
		}
		s := EnergyScenario{Name: key, Label: label, NeuronEnergy: e, NeuronLatency: lat, ReadTime: t, Neurons: r.Neurons}
		s.NeuronsEnergy = float64(r.Neurons) * e
		for _, p := range power {
			s.PerArray = append(s.PerArray, p*t)
			s.Crossbar += p * t
		}
		s.Total = s.NeuronsEnergy + s.Crossbar
		s.Latency = float64(r.Arrays) * t
		r.Scenarios = append(r.Scenarios, s)
	}
	add("paper", "the paper's neuron: "+PaperEnergyText+" per activation, "+PaperLatencyText+" latency (Fig. 3f)", PaperEnergy, PaperLatency)
	ours := math.NaN()
	if dev != nil {
		sp := dev.Single
		label := fmt.Sprintf("our device-level pulse: %.3g V through %.3g MΩ (Fig. 3f, mrelu device pulse)", sp.Config.Amplitude, sp.Config.SeriesR/1e6)
		add("device", label, sp.Energy, sp.Latency)
		ours = sp.Energy
	}
	if neu != nil && neu.Pulse != nil {
		p := neu.Pulse
		r.CircuitStatus = p.Status
		label := fmt.Sprintf("our 2T-1M circuit transient: %.3g µA input pulse, VDD + input source energy (mrelu neuron pulse)", p.Config.Amplitude*1e6)
		add("circuit", label, p.Energy, p.Latency)
		label = fmt.Sprintf("our 2T-1M circuit transient: %.3g µA input pulse, the memristor's own energy (the paper's definition)", p.Config.Amplitude*1e6)
		add("circuit-memristor", label, p.EnergyMemristor, p.Latency)
		if q := neu.QuasiStatic; q != nil {
			label = fmt.Sprintf("our 2T-1M circuit without parasitics (the paper's SPICE level): %.3g µA input pulse, the memristor's own energy", q.Config.Amplitude*1e6)
			add("circuit-quasistatic", label, q.EnergyMemristor, q.Latency)
		}
	}
	ref := PaperLatency
	var refCrossbar float64
	for _, p := range power {
		refCrossbar += p * ref
	}
	for _, a := range []struct {
		name, src string
		e         float64
	}{
		{"analog CMOS sigmoid neuron (> 3 op-amps)", "paper, Table 1", CMOSSigmoidEnergy},
		{"Mott VO2 ReLU neuron", "paper, text (" + PaperMottText + " the mReLU)", MottVO2Energy},
		{"mReLU, the paper (Cu/p(V3D3-co-VI)/Al2O3, 2T-1M)", "paper, Fig. 3f and Table 1", PaperEnergy},
	} {
		over := func(name string) float64 {
			if sc := r.Scenario(name); sc != nil {
				return a.e / sc.NeuronEnergy
			}
			return math.NaN()
		}
		r.Alternatives = append(r.Alternatives, EnergyAlternative{Name: a.name, Source: a.src, PerActivation: a.e,
			NeuronsPerInf: float64(r.Neurons) * a.e, WithCrossbarPerI: float64(r.Neurons)*a.e + refCrossbar, RatioToOurs: a.e / ours,
			RatioToCircuitQuasiStatic: over("circuit-quasistatic"), RatioToCircuitMemristor: over("circuit-memristor"), RatioToCircuit: over("circuit")})
	}
	r.Notes = []string{
		fmt.Sprintf("network %v mapped onto %d crossbar arrays (run %q), differential pairs in [%.3g, %.3g] S, first array read at %.3g V per unit pixel, the others by the neurons' output voltages (1 V per unit)",
			r.Sizes, r.Arrays, name, xp.GMin, xp.GMax, xp.ReadScale),
		"crossbar energy per inference = t * sum over arrays of sum_i V_i^2 * sum_j (G+_ij + G-_ij), bias rows included, averaged over the test images; read noise and periphery (drivers, mirrors, sensing) not included",
		"each array is read for t = the neuron latency of the scenario (its column currents must last until the neuron after it has settled; the output array for the same time); latency per inference = arrays * t, layer after layer without pipelining",
		"neuron energy per inference = hidden neurons * energy per activation: every hidden neuron is activated once per inference, at its full-activation energy (an upper bound: most neurons see far less than the 90 % VDD pulse current)",
		"alternatives: per activation from the paper; per inference neurons only, and with our arrays read for the paper's " + PaperLatencyText,
	}
	return r, nil
}
