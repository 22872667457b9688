package experiment

// Devices compared side by side (`mrelu compare`, issue 13 item 7): the
// default device first, each user device, and the paper's reference
// values last. For every device: the viability verdict, the transfer
// curve Vout(I) and the steady-state R(I) (always, even for a device that
// is not a working ReLU), the latency and energy of one activation (device
// level and in the 2T-1M circuit), Table 1's row, and the test accuracy
// per epoch of a short MLP training with that device's neuron in the loop
// (viable devices only). One device's failure never stops the others: the
// part that failed records why in CompareColumn.Errors.

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/params"
)

// CompareDevice is one device of a comparison.
type CompareDevice struct {
	// Name is the column's name ("default", or the file's name);
	// Source the parameter file it was read from ("" for the built-in
	// default device).
	Name   string       `json:"name"`
	Source string       `json:"source"`
	Setup  params.Setup `json:"-"`
}

// DefaultDeviceName is the name of the default device's column.
const DefaultDeviceName = "default"

// PaperColumnName is the name of the paper's column.
const PaperColumnName = "paper"

// CompareConfig is the setting of Compare.
type CompareConfig struct {
	// Quick marks the reduced training (QuickCompareConfig).
	Quick bool   `json:"quick"`
	Seed  uint64 `json:"seed"`
	// Devices are the user's devices; Compare puts the default device
	// before them.
	Devices []CompareDevice `json:"devices"`
	// Transfer is the input range of the transfer curves; IMax = 0 picks
	// it from the devices: 1.5 times the largest input of 90 % VDD,
	// between 4 and 10 µA, at 5 nA steps. RPoints is the number of
	// currents of the R(I) sweep, 0 to the same IMax.
	Transfer NeuronTransferConfig `json:"transfer"`
	RPoints  int                  `json:"r_points"`
	// Pulse is the 2T-1M activation transient (latency, energy);
	// DevicePulse the device-level voltage pulse of Fig. 3f.
	Pulse       NeuronPulseConfig   `json:"neuron_pulse"`
	DevicePulse SinglePulseSettings `json:"device_pulse"`
	// Train is the MLP training of each viable device (Act must be a
	// hardware activation; Seed is set from Seed). TrainImages and
	// TestImages, when > 0, use the first images of the sets only.
	Train       TrainParams `json:"train"`
	TrainImages int         `json:"train_images"`
	TestImages  int         `json:"test_images"`
}

// DefaultCompareConfig is the full comparison: Fig. 4's mReLU training
// (30 epochs, 9.9 % temporal variation, the whole data set).
func DefaultCompareConfig() CompareConfig {
	tp := DefaultFig4Params().Base
	tp.Act = ActMReLU
	pc := DefaultNeuronPulseConfig()
	pc.CapSearch = false
	return CompareConfig{Seed: 1, Transfer: NeuronTransferConfig{IMin: -1e-6}, RPoints: 401,
		Pulse: pc, DevicePulse: DefaultDevicePulseConfig().Single, Train: tp}
}

// QuickCompareTrainImages is the training subset of QuickCompareConfig.
const QuickCompareTrainImages = 20000

// QuickCompareConfig is `mrelu compare --quick`: QuickEpochs epochs on
// the first 20000 training images, tested on the whole test set (the
// accuracies of devices are compared, so the test set is not cut).
func QuickCompareConfig() CompareConfig {
	c := DefaultCompareConfig()
	c.Quick = true
	c.Train.Epochs = QuickEpochs
	c.TrainImages = QuickCompareTrainImages
	return c
}

// Validate names the first invalid setting.
func (c CompareConfig) Validate() error {
	seen := map[string]bool{DefaultDeviceName: true, PaperColumnName: true}
	for _, d := range c.Devices {
		if strings.TrimSpace(d.Name) == "" {
			return fmt.Errorf("compare: a device without a name (%s)", d.Source)
		}
		if seen[d.Name] {
			return fmt.Errorf("compare: device name %q used twice (or reserved): name the columns with --names", d.Name)
		}
		seen[d.Name] = true
		if err := d.Setup.Validate(); err != nil {
			return fmt.Errorf("compare: %s: %w", d.Source, err)
		}
	}
	t := c.Transfer
	if t.IMax != 0 {
		if err := t.Validate(); err != nil {
			return fmt.Errorf("compare: transfer: %w", err)
		}
	} else if math.IsNaN(t.IMin) || t.IMin >= 0 || t.IMin < -1e-3 {
		return fmt.Errorf("compare: transfer: imin = %g A: must be negative, ≥ −1 mA", t.IMin)
	}
	if c.RPoints < 2 || c.RPoints > 100000 {
		return fmt.Errorf("compare: r_points = %d: must be in 2..100000", c.RPoints)
	}
	if err := c.Pulse.Validate(); err != nil {
		return fmt.Errorf("compare: neuron pulse: %w", err)
	}
	if err := (DevicePulseConfig{Train: DefaultDevicePulseConfig().Train, Voltage: DefaultDevicePulseConfig().Voltage, Single: c.DevicePulse}).Validate(); err != nil {
		return fmt.Errorf("compare: device pulse: %w", err)
	}
	if !IsHardware(c.Train.Act) {
		return fmt.Errorf("compare: train: act %q is not a hardware neuron (%s or %s)", c.Train.Act, ActMReLU, ActMReLUIdeal)
	}
	if err := c.Train.Validate(); err != nil {
		return fmt.Errorf("compare: train: %w", err)
	}
	if c.TrainImages < 0 || c.TestImages < 0 {
		return fmt.Errorf("compare: train_images %d, test_images %d: must be ≥ 0 (0: all)", c.TrainImages, c.TestImages)
	}
	return nil
}

// CompareColumn is what Compare found for one device. A part that could
// not be computed is nil, with the reason in Errors under its key
// ("transfer", "r_of_i", "device_pulse", "neuron_pulse", "train",
// "table1").
type CompareColumn struct {
	Device    CompareDevice
	Viability *Viability
	Transfer  *NeuronTransferResult
	Sweep     *DeviceSweepResult
	// DevicePulse is the device-level pulse (Fig. 3f); Pulse the 2T-1M
	// circuit's activation transient.
	DevicePulse *device.PulseResult
	Pulse       *NeuronPulseResult
	// Train is the MLP trained with this device's neuron (viable devices
	// only).
	Train *TrainRun
	// Table1 is this device's row of the paper's Table 1.
	Table1 *Table1Row
	Errors map[string]string
}

// Viable reports whether the device makes a working ReLU neuron.
func (c *CompareColumn) Viable() bool { return c.Viability != nil && c.Viability.Viable }

// ComparePaper is the paper's column: its reported values (NaN where it
// reports none).
type ComparePaper struct {
	VDD     float64 `json:"vdd_V"`
	Latency float64 `json:"latency_s"`
	Energy  float64 `json:"energy_J"`
	// Accuracy is the mReLU's test accuracy with Variation temporal
	// variation after Epochs epochs (Fig. 4c).
	Accuracy  float64   `json:"test_accuracy"`
	Variation float64   `json:"variation"`
	Epochs    int       `json:"epochs"`
	Table1    Table1Row `json:"table1"`
}

// PaperComparison returns the paper's reference values.
func PaperComparison() ComparePaper {
	p := ComparePaper{VDD: PaperVDD, Latency: PaperLatency, Energy: PaperEnergy, Accuracy: Fig4Paper[ActMReLU],
		Variation: DefaultVariation, Epochs: DefaultTrainParams().Epochs}
	for _, r := range PaperTable1 {
		if r.Structure == "2T-1M" {
			p.Table1 = r
		}
	}
	p.Table1.Source = "paper, Table 1"
	return p
}

// CompareResult is the outcome of Compare.
type CompareResult struct {
	Config CompareConfig
	// Columns holds the default device first, then the user's devices.
	Columns []CompareColumn
	Paper   ComparePaper
	// TrainN and TestN are the images trained and tested on (0 when no
	// device was trained).
	TrainN, TestN int
	Started       time.Time
	Seconds       float64
}

// CompareProgress receives progress; every field may be nil.
type CompareProgress struct {
	// Device is called before device k (0-based) of n.
	Device func(k, n int, name string)
	// Train returns the training progress of a device.
	Train func(name string) Progress
}

// Compare runs the comparison with no progress and no interruption.
func Compare(cfg CompareConfig) (*CompareResult, error) {
	return CompareWith(context.Background(), cfg, CompareProgress{})
}

// CompareWith runs the comparison: the default device and cfg.Devices
// side by side, and the paper's values. It fails only for an invalid
// setting, data that cannot be loaded or an interruption (ctx); a device
// that is not a working ReLU, or a part that fails for one device, is
// recorded in its column.
func CompareWith(ctx context.Context, cfg CompareConfig, prog CompareProgress) (*CompareResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Train.Seed = cfg.Seed
	devs := append([]CompareDevice{{Name: DefaultDeviceName, Setup: params.Default()}}, cfg.Devices...)
	r := &CompareResult{Config: cfg, Paper: PaperComparison(), Started: time.Now()}
	for _, d := range devs {
		col := CompareColumn{Device: d, Errors: map[string]string{}}
		v, err := CheckViability(d.Setup)
		if err != nil {
			col.Errors["viability"] = err.Error()
		}
		col.Viability = v
		r.Columns = append(r.Columns, col)
	}
	tc := cfg.Transfer
	if tc.IMax == 0 {
		imax := 4e-6
		for _, c := range r.Columns {
			if c.Viability != nil && !math.IsNaN(c.Viability.I90) {
				imax = math.Max(imax, 1.5*c.Viability.I90)
			}
		}
		imax = math.Min(math.Ceil(imax/0.5e-6)*0.5e-6, ViableReach)
		tc.IMax, tc.Points = imax, int(math.Round((imax-tc.IMin)/5e-9))+1
	}
	r.Config.Transfer = tc

	var train, test *dataset.Set
	for k := range r.Columns {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		c := &r.Columns[k]
		if prog.Device != nil {
			prog.Device(k, len(r.Columns), c.Device.Name)
		}
		compareDevice(c, r.Config)
		if !c.Viable() {
			why := "the viability check failed"
			if v := c.Viability; v != nil && len(v.Why) > 0 {
				why = strings.Join(v.Why, "; ")
			} else if e := c.Errors["viability"]; e != "" {
				why = e
			}
			c.Errors["train"] = "not viable: " + why
			continue
		}
		if train == nil {
			var err error
			if train, test, err = LoadData(cfg.Train.Data); err != nil {
				return r, fmt.Errorf("compare: %w", err)
			}
			train, test = firstImages(train, cfg.TrainImages), firstImages(test, cfg.TestImages)
			r.TrainN, r.TestN = train.N, test.N
		}
		model, err := SolveNeuron(c.Device.Setup.Device, c.Device.Setup.Neuron)
		if err != nil {
			c.Errors["train"] = err.Error()
			continue
		}
		var tp Progress
		if prog.Train != nil {
			tp = prog.Train(c.Device.Name)
		}
		run, err := TrainWith(cfg.Train, train, test, model, TrainOptions{Progress: tp, Context: ctx})
		if err != nil {
			if ctx.Err() != nil {
				return r, err
			}
			c.Errors["train"] = err.Error()
			continue
		}
		c.Train = run
	}
	r.Seconds = time.Since(r.Started).Seconds()
	return r, nil
}

// compareDevice fills the device and neuron parts of c (everything but
// the training), recording each part's failure.
func compareDevice(c *CompareColumn, cfg CompareConfig) {
	s := c.Device.Setup
	var err error
	if c.Transfer, err = NeuronTransfer(s.Device, s.Neuron, cfg.Transfer); err != nil {
		c.Transfer = nil
		c.Errors["transfer"] = err.Error()
	}
	if c.Sweep, err = DeviceSweep(s.Device, DeviceSweepConfig{IMax: cfg.Transfer.IMax, Points: cfg.RPoints}); err != nil {
		c.Sweep = nil
		c.Errors["r_of_i"] = err.Error()
	}
	dp, err := device.SinglePulse(s.Device.Memristor, DevicePulseConfig{Single: cfg.DevicePulse}.PulseSettings())
	if err != nil {
		c.Errors["device_pulse"] = err.Error()
	} else {
		c.DevicePulse = &dp
	}
	if c.Pulse, err = NeuronPulse(s.Device, s.Neuron, cfg.Pulse); err != nil {
		c.Pulse = nil
		c.Errors["neuron_pulse"] = err.Error()
	}
	if c.Transfer == nil {
		c.Errors["table1"] = "no transfer curve"
		return
	}
	rows := Table1(s.Neuron, c.Transfer.Metrics, perActivation(c.DevicePulse, c.Pulse))
	row := rows[len(rows)-1]
	c.Table1 = &row
}

// perActivation holds the energies and latencies per activation of the
// device-level pulse and the circuit transient as the scenarios Table1
// reads (nothing per inference: no network is mapped).
func perActivation(dev *device.PulseResult, neu *NeuronPulseResult) *EnergyResult {
	e := &EnergyResult{CircuitStatus: "not run"}
	add := func(name string, energy, latency float64) {
		e.Scenarios = append(e.Scenarios, EnergyScenario{Name: name, NeuronEnergy: energy, NeuronLatency: latency})
	}
	if dev != nil {
		add("device", dev.Energy, dev.Latency)
	}
	if neu != nil && neu.Pulse != nil {
		e.CircuitStatus = neu.Pulse.Status
		add("circuit", neu.Pulse.Energy, neu.Pulse.Latency)
		add("circuit-memristor", neu.Pulse.EnergyMemristor, neu.Pulse.Latency)
		if q := neu.QuasiStatic; q != nil {
			add("circuit-quasistatic", q.EnergyMemristor, q.Latency)
		}
	}
	return e
}

// firstImages returns the first n images of s (s itself when n is 0 or
// not below s.N).
func firstImages(s *dataset.Set, n int) *dataset.Set {
	if n <= 0 || n >= s.N {
		return s
	}
	d := s.Dim()
	sub := *s
	if s.Pixels != nil {
		sub.Pixels = s.Pixels[: n*d : n*d]
	} else {
		sub.Images = s.Images[: n*d : n*d]
	}
	sub.Labels, sub.N = s.Labels[:n:n], n
	return &sub
}

// CompareQuantity is one row of the comparison: a value per column (the
// devices, then the paper; NaN where there is none) or, for a row of
// text, a text per column. Its JSON keys are those of a row of
// compare.json, whose writer adds the values with null for NaN.
type CompareQuantity struct {
	Key   string    `json:"key"`
	Label string    `json:"quantity"`
	Unit  string    `json:"unit"`
	Value []float64 `json:"-"`
	Text  []string  `json:"texts,omitempty"`
}

// Names returns the column names: the devices, then "paper".
func (r *CompareResult) Names() []string {
	var n []string
	for _, c := range r.Columns {
		n = append(n, c.Device.Name)
	}
	return append(n, PaperColumnName)
}

// Quantities lists every quantity compared, a value (or text) per column.
func (r *CompareResult) Quantities() []CompareQuantity {
	nan := math.NaN()
	var q []CompareQuantity
	num := func(key, label, unit string, paper float64, f func(c *CompareColumn) float64) {
		v := make([]float64, 0, len(r.Columns)+1)
		for k := range r.Columns {
			x := f(&r.Columns[k])
			if math.IsInf(x, 0) {
				x = nan
			}
			v = append(v, x)
		}
		q = append(q, CompareQuantity{Key: key, Label: label, Unit: unit, Value: append(v, paper)})
	}
	text := func(key, label, paper string, f func(c *CompareColumn) string) {
		t := make([]string, 0, len(r.Columns)+1)
		for k := range r.Columns {
			t = append(t, f(&r.Columns[k]))
		}
		q = append(q, CompareQuantity{Key: key, Label: label, Text: append(t, paper)})
	}
	text("verdict", "viability verdict (mrelu neuron check)", "a working ReLU (Fig. 3i)", func(c *CompareColumn) string {
		switch {
		case c.Viability == nil:
			return "check failed: " + c.Errors["viability"]
		case c.Viable():
			return "viable"
		}
		return "NOT VIABLE: " + strings.Join(c.Viability.Why, "; ")
	})
	p := r.Paper
	num("viable", "working ReLU neuron (1 yes, 0 no)", "", 1, func(c *CompareColumn) float64 {
		if c.Viable() {
			return 1
		}
		return 0
	})
	num("vdd_V", "supply VDD", "V", p.VDD, func(c *CompareColumn) float64 { return c.Device.Setup.Neuron.VDD })
	num("v_th_V", "memristor threshold Vth", "V", nan, func(c *CompareColumn) float64 { return c.Device.Setup.Device.Memristor.Vth })
	num("r_d_ohm", "memristor r_d (R = Vth/I − r_d)", "Ω", nan, func(c *CompareColumn) float64 { return c.Device.Setup.Device.Memristor.RD })
	num("margin_V", "margin VDD − Vth", "V", nan, func(c *CompareColumn) float64 { return c.Device.Setup.Margin() })
	tr := func(f func(c *CompareColumn) float64) func(c *CompareColumn) float64 {
		return func(c *CompareColumn) float64 {
			if c.Transfer == nil {
				return nan
			}
			return f(c)
		}
	}
	num("off_level_V", "Vout for every input ≤ 0 (off level)", "V", 0, tr(func(c *CompareColumn) float64 { return c.Transfer.Metrics.MaxVoutNonPositive }))
	num("threshold_current_A", "knee: input at which Vout is 50 mV above rest", "A", nan, tr(func(c *CompareColumn) float64 { return c.Transfer.Metrics.ThresholdCurrent }))
	num("i90_A", "input at 90 % of VDD", "A", nan, tr(func(c *CompareColumn) float64 { return c.Transfer.Metrics.I90 }))
	num("slope_V_per_A", "slope of the linear part", "Ω", nan, tr(func(c *CompareColumn) float64 { return c.Transfer.Metrics.Slope }))
	num("r2", "R² of a line over 10-90 % of the swing", "", nan, tr(func(c *CompareColumn) float64 { return c.Transfer.Metrics.R2 }))
	num("max_vout_V", "largest Vout", "V", nan, tr(func(c *CompareColumn) float64 { return c.Transfer.Metrics.MaxVout }))
	sw := func(last bool) func(c *CompareColumn) float64 {
		return func(c *CompareColumn) float64 {
			if c.Sweep == nil {
				return nan
			}
			pts := c.Sweep.Points
			if last {
				return pts[len(pts)-1].R
			}
			for _, pt := range pts {
				if pt.I > 0 {
					return pt.R
				}
			}
			return nan
		}
	}
	if c0 := r.Columns[0].Sweep; c0 != nil && len(c0.Points) > 1 {
		num("r_low_ohm", fmt.Sprintf("steady-state R at %.3g µA", 1e6*c0.Points[1].I), "Ω", nan, sw(false))
		num("r_high_ohm", fmt.Sprintf("steady-state R at %.3g µA", 1e6*c0.Points[len(c0.Points)-1].I), "Ω", nan, sw(true))
	}
	dp := func(f func(p *device.PulseResult) float64) func(c *CompareColumn) float64 {
		return func(c *CompareColumn) float64 {
			if c.DevicePulse == nil {
				return nan
			}
			return f(c.DevicePulse)
		}
	}
	amp := fmt.Sprintf("%g V pulse through %.3g MΩ", r.Config.DevicePulse.Amplitude, r.Config.DevicePulse.SeriesR/1e6)
	num("device_latency_s", "latency, device level ("+amp+")", "s", p.Latency, dp(func(p *device.PulseResult) float64 { return p.Latency }))
	num("device_energy_J", "energy per activation, device level", "J", p.Energy, dp(func(p *device.PulseResult) float64 { return p.Energy }))
	np := func(quasi bool, f func(c *CompareColumn) float64) func(c *CompareColumn) float64 {
		return func(c *CompareColumn) float64 {
			if c.Pulse == nil || c.Pulse.Pulse == nil || (quasi && c.Pulse.QuasiStatic == nil) {
				return nan
			}
			return f(c)
		}
	}
	text("pulse_status", "2T-1M activation transient", "–", func(c *CompareColumn) string {
		if c.Pulse == nil || c.Pulse.Pulse == nil {
			return "not run: " + c.Errors["neuron_pulse"]
		}
		return fmt.Sprintf("%s (%.3g µA input pulse)", c.Pulse.Pulse.Status, 1e6*c.Pulse.Pulse.Config.Amplitude)
	})
	num("latency_s", "latency of the 2T-1M circuit", "s", p.Latency, np(false, func(c *CompareColumn) float64 { return c.Pulse.Pulse.Latency }))
	num("energy_memristor_J", "the memristor's energy per activation in the circuit", "J", p.Energy, np(false, func(c *CompareColumn) float64 { return c.Pulse.Pulse.EnergyMemristor }))
	num("energy_vdd_J", "energy per activation from VDD", "J", nan, np(false, func(c *CompareColumn) float64 { return c.Pulse.Pulse.EnergySupply }))
	num("energy_input_J", "energy per activation from the input", "J", nan, np(false, func(c *CompareColumn) float64 { return c.Pulse.Pulse.EnergyInput }))
	num("energy_J", "energy per activation of the whole circuit (VDD + input)", "J", nan, np(false, func(c *CompareColumn) float64 { return c.Pulse.Pulse.Energy }))
	num("latency_quasistatic_s", "latency of the circuit without parasitic capacitances", "s", p.Latency, np(true, func(c *CompareColumn) float64 { return c.Pulse.QuasiStatic.Latency }))
	num("energy_memristor_quasistatic_J", "the memristor's energy per activation without parasitics", "J", p.Energy, np(true, func(c *CompareColumn) float64 { return c.Pulse.QuasiStatic.EnergyMemristor }))

	tp := r.Config.Train
	paperAcc := nan
	if tp.Epochs == p.Epochs && tp.Variation == p.Variation {
		paperAcc = p.Accuracy
	}
	text("training", "MLP training with this neuron", fmt.Sprintf("%.1f %% after %d epochs, %.1f %% variation (Fig. 4c)", 100*p.Accuracy, p.Epochs, 100*p.Variation), func(c *CompareColumn) string {
		if c.Train == nil {
			return c.Errors["train"]
		}
		return fmt.Sprintf("%v, %d epochs, %.1f %% variation, %d / %d images", c.Train.Sizes, tp.Epochs, 100*tp.Variation, c.Train.TrainN, c.Train.TestN)
	})
	num("test_accuracy", fmt.Sprintf("test accuracy after %d epochs", tp.Epochs), "fraction", paperAcc, func(c *CompareColumn) float64 {
		if c.Train == nil {
			return nan
		}
		return c.Train.FinalAccuracy()
	})
	for e := 1; e <= tp.Epochs; e++ {
		pa := nan
		if e == p.Epochs && tp.Variation == p.Variation {
			pa = p.Accuracy
		}
		num(fmt.Sprintf("accuracy_epoch_%d", e), fmt.Sprintf("test accuracy, epoch %d", e), "fraction", pa, func(c *CompareColumn) float64 {
			if c.Train == nil || c.Train.Result == nil || len(c.Train.Result.Epochs) < e {
				return nan
			}
			return c.Train.Result.Epochs[e-1].TestAccuracy
		})
	}
	t1 := func(f func(t *Table1Row) string) func(c *CompareColumn) string {
		return func(c *CompareColumn) string {
			if c.Table1 == nil {
				return "– (" + c.Errors["table1"] + ")"
			}
			return f(c.Table1)
		}
	}
	text("table1_structure", "Table 1: structure", p.Table1.Structure, t1(func(t *Table1Row) string { return t.Structure }))
	text("table1_model", "Table 1: model", p.Table1.Model, t1(func(t *Table1Row) string { return t.Model }))
	text("table1_energy", "Table 1: energy", p.Table1.Energy, t1(func(t *Table1Row) string { return t.Energy }))
	return q
}
