package experiment

import (
	"math"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
)

// energyFig4 trains a tiny network with the hardware neuron in the loop
// and wraps it as a Fig. 4 result.
func energyFig4(t *testing.T) *Fig4Result {
	t.Helper()
	train, test := tinySet(240, 1), tinySet(60, 2)
	m := solvedNeuron(t)
	p := DefaultTrainParams()
	// The first hidden layer is wider than an image (18 pixels), as with
	// the tiny sets of the command tests.
	p.Act, p.Hidden, p.Epochs, p.Batch = ActMReLU, []int{40, 8}, 2, 30
	r, err := TrainWithNeuron(p, train, test, m, Progress{})
	if err != nil {
		t.Fatal(err)
	}
	return &Fig4Result{Neuron: m, Names: []string{ActMReLU}, Runs: map[string]*TrainRun{ActMReLU: r}}
}

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) }

// TestArrayReadPowerSplitsTheNetworkEnergy: the per-array read power sums
// to crossbar.Network.ReadEnergy at t = 1 s, the first array reads the
// pixels at 0.2 V per unit and the hidden arrays the neurons' volts.
func TestArrayReadPowerSplitsTheNetworkEnergy(t *testing.T) {
	f := energyFig4(t)
	run := f.Runs[ActMReLU]
	xp := crossbar.DefaultParams()
	xp.UnitCurrent = run.Neuron.IUnit
	pw, mv, total, err := ArrayReadPower(run, xp, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pw) != 3 || len(mv) != 3 {
		t.Fatalf("%d arrays, want 3", len(pw))
	}
	var sum float64
	for l, p := range pw {
		if !(p > 0) {
			t.Errorf("array %d read power %g W", l+1, p)
		}
		sum += p
	}
	if !near(sum, total, 1e-7) {
		t.Errorf("per-array sum %g, network %g", sum, total)
	}
	// Mean input voltage of the first array: 0.2 V times the mean pixel.
	var px float64
	for _, x := range run.Test.Images {
		px += float64(x)
	}
	px /= float64(len(run.Test.Images))
	if !near(mv[0], 0.2*px, 1e-5) {
		t.Errorf("first array mean input %g V, want %g", mv[0], 0.2*px)
	}
	for l := 1; l < 3; l++ {
		if !(mv[l] > 0 && mv[l] < 2) {
			t.Errorf("array %d mean input %g V outside (0, 2)", l+1, mv[l])
		}
	}
	// Fewer images: a different mean, still positive.
	pw5, _, _, err := ArrayReadPower(run, xp, 5)
	if err != nil || !(pw5[0] > 0) {
		t.Errorf("5 images: %v %v", pw5, err)
	}
	if _, _, _, err := ArrayReadPower(nil, xp, 0); err == nil {
		t.Error("nil run accepted")
	}
}

// TestSystemEnergyBookkeeping checks every sum of the estimate: neurons ×
// energy, crossbar = power × read time, latency = arrays × read time, the
// alternatives and Table 1's row.
func TestSystemEnergyBookkeeping(t *testing.T) {
	f := energyFig4(t)
	dev := &DevicePulseResult{Single: device.PulseResult{Energy: 0.6e-12, Latency: 700e-9, Config: device.DefaultPulseConfig()}}
	neu := &NeuronPulseResult{Pulse: &neuron.PulseResult{Energy: 3e-9, EnergyMemristor: 2e-12, Latency: 300e-6, Status: neuron.Settled, Config: neuron.DefaultPulseConfig()},
		QuasiStatic: &neuron.PulseResult{Energy: 1e-12, EnergyMemristor: 0.4e-12, Latency: 0.8e-6, Status: neuron.Settled, Config: neuron.DefaultPulseConfig()}}
	e, err := SystemEnergy(DefaultEnergyConfig(), dev, neu, f)
	if err != nil {
		t.Fatal(err)
	}
	if e.Neurons != 48 || e.Arrays != 3 || e.Run != ActMReLU || e.Images != 60 {
		t.Fatalf("neurons %d arrays %d run %q images %d", e.Neurons, e.Arrays, e.Run, e.Images)
	}
	var power float64
	for _, p := range e.ReadPower {
		power += p
	}
	want := map[string][2]float64{"paper": {PaperEnergy, PaperLatency}, "device": {0.6e-12, 700e-9}, "circuit": {3e-9, 300e-6},
		"circuit-memristor": {2e-12, 300e-6}, "circuit-quasistatic": {0.4e-12, 0.8e-6}}
	if len(e.Scenarios) != 5 {
		t.Fatalf("%d scenarios", len(e.Scenarios))
	}
	for _, s := range e.Scenarios {
		w := want[s.Name]
		if s.NeuronEnergy != w[0] || s.NeuronLatency != w[1] || s.ReadTime != w[1] {
			t.Errorf("%s: neuron %g J %g s, read %g s; want %g J %g s", s.Name, s.NeuronEnergy, s.NeuronLatency, s.ReadTime, w[0], w[1])
		}
		if !near(s.NeuronsEnergy, 48*w[0], 1e-12) || !near(s.Crossbar, power*w[1], 1e-9) ||
			!near(s.Total, s.NeuronsEnergy+s.Crossbar, 1e-12) || !near(s.Latency, 3*w[1], 1e-12) {
			t.Errorf("%s: neurons %g crossbar %g total %g latency %g", s.Name, s.NeuronsEnergy, s.Crossbar, s.Total, s.Latency)
		}
	}
	if len(e.Alternatives) != 3 {
		t.Fatalf("%d alternatives", len(e.Alternatives))
	}
	for _, a := range e.Alternatives {
		if !near(a.NeuronsPerInf, 48*a.PerActivation, 1e-12) || !near(a.WithCrossbarPerI, a.NeuronsPerInf+power*PaperLatency, 1e-9) ||
			!near(a.RatioToOurs, a.PerActivation/0.6e-12, 1e-12) || !near(a.RatioToCircuitQuasiStatic, a.PerActivation/0.4e-12, 1e-12) ||
			!near(a.RatioToCircuitMemristor, a.PerActivation/2e-12, 1e-12) || !near(a.RatioToCircuit, a.PerActivation/3e-9, 1e-12) {
			t.Errorf("%s: %+v", a.Name, a)
		}
	}
	if !(e.CrossbarAccuracy > 0.5) {
		t.Errorf("crossbar accuracy %g on an easy set", e.CrossbarAccuracy)
	}
	// A fixed read time applies to every scenario.
	cfg := DefaultEnergyConfig()
	cfg.ReadTime = 100e-9
	e2, err := SystemEnergy(cfg, dev, neu, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range e2.Scenarios {
		if s.ReadTime != 100e-9 || !near(s.Crossbar, power*100e-9, 1e-9) {
			t.Errorf("%s: read %g s, crossbar %g J", s.Name, s.ReadTime, s.Crossbar)
		}
	}
	// Table 1: the paper's rows, then ours with both energies.
	rows := Table1(neuron.DefaultParams(), f.Neuron.Metrics, e)
	if len(rows) != len(PaperTable1)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	our := rows[len(rows)-1]
	if !our.Ours || our.EnergyJ == nil || *our.EnergyJ != 0.6e-12 || our.EnergyCircuitJ == nil || *our.EnergyCircuitJ != 3e-9 {
		t.Errorf("our row %+v", our)
	}
	if !strings.Contains(our.Model, "ReLU bounded") || !strings.Contains(our.Structure, "2T-1M") || !strings.Contains(our.Energy, "0.6 pJ") {
		t.Errorf("our row reads %q / %q / %q", our.Model, our.Structure, our.Energy)
	}
	for _, r := range rows[:len(rows)-1] {
		if r.Ours {
			t.Errorf("paper row %q marked ours", r.Neuron)
		}
	}
	// An unsettled circuit has no energy: NaN, said in the table.
	bad := &NeuronPulseResult{Pulse: &neuron.PulseResult{Energy: math.NaN(), Latency: math.NaN(), Status: neuron.Oscillating, Config: neuron.DefaultPulseConfig()}}
	e3, err := SystemEnergy(DefaultEnergyConfig(), dev, bad, f)
	if err != nil {
		t.Fatal(err)
	}
	if s := e3.Scenario("circuit"); s == nil || !math.IsNaN(s.Total) {
		t.Errorf("oscillating circuit gives %+v", s)
	}
	if r := Table1(neuron.DefaultParams(), f.Neuron.Metrics, e3); !strings.Contains(r[len(r)-1].Energy, "oscillating") {
		t.Errorf("our energy %q does not say the circuit oscillates", r[len(r)-1].Energy)
	}
}

func TestSystemEnergyErrors(t *testing.T) {
	for _, c := range []EnergyConfig{{Images: -1, Crossbar: crossbar.DefaultParams()}, {ReadTime: math.NaN(), Crossbar: crossbar.DefaultParams()},
		{ReadTime: -1, Crossbar: crossbar.DefaultParams()}, {}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := SystemEnergy(DefaultEnergyConfig(), nil, nil, nil); err == nil {
		t.Error("no Fig. 4 result accepted")
	}
	if _, err := SystemEnergy(DefaultEnergyConfig(), nil, nil, &Fig4Result{Runs: map[string]*TrainRun{}}); err == nil || !strings.Contains(err.Error(), "hardware-neuron run") {
		t.Errorf("Fig. 4 without a hardware run: %v", err)
	}
}

func TestFormatEnergyAndTime(t *testing.T) {
	for _, c := range []struct {
		v    float64
		f    func(float64) string
		want string
	}{
		{0.5e-12, FormatEnergy, "0.5 pJ"}, {7.1e-15, FormatEnergy, "7.1 fJ"}, {3.31e-9, FormatEnergy, "3.31 nJ"}, {8.98e-6, FormatEnergy, "8.98 µJ"},
		{math.NaN(), FormatEnergy, "-"}, {650e-9, FormatTime, "650 ns"}, {328e-6, FormatTime, "328 µs"}, {1.31e-3, FormatTime, "1.31 ms"}, {2, FormatTime, "2 s"},
	} {
		if got := c.f(c.v); got != c.want {
			t.Errorf("%g: %q, want %q", c.v, got, c.want)
		}
	}
}

// TestPaperConfigResolves: Device, Neuron and Seed reach every experiment,
// the quick setting differs from the full one only where it says so.
func TestPaperConfigResolves(t *testing.T) {
	c := QuickPaperConfig()
	c.Seed = 7
	c.Device.Memristor.RD = 0.25e6
	c.Neuron.VDD = 2.01
	r := c.resolved()
	if r.Fig4.Device.Memristor.RD != 0.25e6 || r.Edges.Device.Memristor.RD != 0.25e6 || r.Fig4.Neuron.VDD != 2.01 || r.Edges.Neuron.VDD != 2.01 {
		t.Error("device/neuron parameters not copied into fig4 and edges")
	}
	if r.Fig4.Base.Seed != 7 || r.Edges.Vision.Seed != 7 || r.Energy.Crossbar.Seed != 7 {
		t.Error("seed not copied")
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d := c.QuickDifferences()
	if len(d) != 6 || !strings.Contains(d[0], "3 training epochs") || !strings.Contains(d[2], "1 seed(s) per run instead of 3") ||
		!strings.Contains(d[3], PaperSettingName) || !strings.Contains(d[3], "trained with the ideal neuron") || !strings.Contains(d[4], PaperSettingAwareName) {
		t.Errorf("quick differences %q", d)
	}
	if len(DefaultPaperConfig().QuickDifferences()) != 0 {
		t.Error("the full setting reports differences")
	}
	bad := DefaultPaperConfig()
	bad.Device.Memristor.RD = -1
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "r_d_ohm") {
		t.Errorf("negative RD: %v", err)
	}
	bad = DefaultPaperConfig()
	bad.Fig4.Base.Epochs = 0
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "fig4") {
		t.Errorf("0 epochs: %v", err)
	}
}
