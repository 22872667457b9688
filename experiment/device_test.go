package experiment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/device"
)

func TestDeviceConfigsValidate(t *testing.T) {
	if err := DefaultDeviceIVConfig().Validate(); err != nil {
		t.Errorf("default iv: %v", err)
	}
	if err := DefaultDeviceSweepConfig().Validate(); err != nil {
		t.Errorf("default sweep: %v", err)
	}
	if err := DefaultDevicePulseConfig().Validate(); err != nil {
		t.Errorf("default pulse: %v", err)
	}
	if err := DefaultDeviceTFTConfig().Validate(); err != nil {
		t.Errorf("default tft: %v", err)
	}
	iv := func(f func(*DeviceIVConfig)) error { c := DefaultDeviceIVConfig(); f(&c); return c.Validate() }
	pu := func(f func(*DevicePulseConfig)) error { c := DefaultDevicePulseConfig(); f(&c); return c.Validate() }
	tf := func(f func(*DeviceTFTConfig)) error { c := DefaultDeviceTFTConfig(); f(&c); return c.Validate() }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"cycles 0", iv(func(c *DeviceIVConfig) { c.Cycles = 0 }), "cycles"},
		{"icc -1", iv(func(c *DeviceIVConfig) { c.Icc = -1 }), "icc"},
		{"icc NaN", iv(func(c *DeviceIVConfig) { c.Icc = math.NaN() }), "icc"},
		{"vneg > 0", iv(func(c *DeviceIVConfig) { c.VNeg = 0.5 }), "v_neg"},
		{"tiny step", iv(func(c *DeviceIVConfig) { c.Step = 1e-9 }), "step"},
		{"negative sigma", iv(func(c *DeviceIVConfig) { c.Variation.VthRel = -0.1 }), "VthRel"},
		{"sweep points", DeviceSweepConfig{IMax: 5e-6, Points: 1}.Validate(), "points"},
		{"sweep imax", DeviceSweepConfig{IMax: math.Inf(1), Points: 5}.Validate(), "i_max"},
		{"train width > period", pu(func(c *DevicePulseConfig) { c.Train.Width = 1 }), "period"},
		{"train pulses", pu(func(c *DevicePulseConfig) { c.Train.Pulses = 0 }), "pulses"},
		{"no amplitudes", pu(func(c *DevicePulseConfig) { c.Voltage.Amplitudes = nil }), "amplitudes"},
		{"series R", pu(func(c *DevicePulseConfig) { c.Single.SeriesR = -1 }), "series_r"},
		{"devices", tf(func(c *DeviceTFTConfig) { c.Devices = 0 }), "devices"},
		{"vgs range", tf(func(c *DeviceTFTConfig) { c.VgsMax = c.VgsMin }), "vgs"},
		{"tft sigma", tf(func(c *DeviceTFTConfig) { c.Variation.TFTVthSigma = -1 }), "TFTVthSigma"},
	}
	for _, tc := range tests {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, tc.err, tc.want)
		}
	}
}

func TestDeviceIVSeeded(t *testing.T) {
	cfg := DefaultDeviceIVConfig()
	cfg.Cycles = 8
	p := device.DefaultParams()
	a, err := DeviceIV(p, cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := DeviceIV(p, cfg, 5)
	c, _ := DeviceIV(p, cfg, 6)
	same, differ := true, false
	for k := range a.Sweep.Cycles {
		same = same && a.Sweep.Cycles[k].Set == b.Sweep.Cycles[k].Set && a.Sweep.Cycles[k].Hold == b.Sweep.Cycles[k].Hold
		differ = differ || a.Sweep.Cycles[k].Hold != c.Sweep.Cycles[k].Hold || a.Sweep.Cycles[k].Set != c.Sweep.Cycles[k].Set
	}
	if !same || !differ {
		t.Errorf("same seed reproduces: %v; another seed differs: %v", same, differ)
	}
	if len(a.Sweep.Cycles) != 8 || a.Seed != 5 || a.Config.Cycles != 8 {
		t.Errorf("result does not record its setting: %d cycles, seed %d", len(a.Sweep.Cycles), a.Seed)
	}
	bad := p
	bad.Memristor.RD = -1
	if _, err := DeviceIV(bad, cfg, 1); err == nil || !strings.Contains(err.Error(), "r_d_ohm") {
		t.Errorf("invalid params: %v", err)
	}
}

func TestDevicePulseMatchesPaper(t *testing.T) {
	cfg := DefaultDevicePulseConfig()
	cfg.Train.Pulses = 4
	r, err := DevicePulse(device.DefaultParams(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The amplitude is calibrated to the latency; the energy is not fitted.
	if math.Abs(r.Single.Latency/PaperLatency-1) > 0.15 || math.Abs(r.Single.Energy/PaperEnergy-1) > 0.25 {
		t.Errorf("latency %g s, energy %g J", r.Single.Latency, r.Single.Energy)
	}
	if len(r.Sweep) != len(LatencySweepAmplitudes()) || math.Abs(r.AmplitudeForPaperLatency-cfg.Single.Amplitude) > 0.01 {
		t.Errorf("latency sweep %d points, amplitude for 650 ns %g V (pulse %g V)", len(r.Sweep), r.AmplitudeForPaperLatency, cfg.Single.Amplitude)
	}
	if len(r.Train.Readings) != 4 || len(r.TrainNominal.Readings) != 4 || len(r.Voltage.Readings) != len(cfg.Voltage.Amplitudes) {
		t.Errorf("readings: train %d, nominal %d, voltage %d", len(r.Train.Readings), len(r.TrainNominal.Readings), len(r.Voltage.Readings))
	}
	if !(r.Relaxation.RelaxationTime > 0 && r.Relaxation.RelaxationTime < cfg.Single.RelaxSpan) {
		t.Errorf("relaxation time %g s not within the %g s span", r.Relaxation.RelaxationTime, cfg.Single.RelaxSpan)
	}
}

func TestExtractVthRecoversThreshold(t *testing.T) {
	cfg := DefaultDeviceTFTConfig()
	cfg.Devices = 5
	for _, vth := range []float64{0.6, 1, 1.3} {
		p := device.DefaultParams()
		p.TFT.Vth = vth
		r, err := DeviceTFT(p, cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.NominalVthExtracted-vth) > 0.01 {
			t.Errorf("Vth %g V extracted as %g V", vth, r.NominalVthExtracted)
		}
		for k, d := range r.Devices {
			if math.Abs(r.VthExtracted[k]-d.Vth) > 0.01 {
				t.Errorf("device %d: Vth %g V extracted as %g V", k, d.Vth, r.VthExtracted[k])
			}
		}
		if len(r.Transfer) != 2 || len(r.Output) != 4 || len(r.DeviceTransfer) != 5 {
			t.Errorf("curves: %d transfer, %d output, %d device", len(r.Transfer), len(r.Output), len(r.DeviceTransfer))
		}
	}
	if v := ExtractVth(TFTCurve{V: []float64{0, 1, 2}, Id: []float64{0, 0, 0}}); !math.IsNaN(v) {
		t.Errorf("flat curve: Vth %g, want NaN", v)
	}
}

func TestParseFitParams(t *testing.T) {
	got, err := ParseFitParams(" VTH, rd ,gmax")
	if err != nil || len(got) != 3 || got[0] != device.FitVth || got[1] != device.FitRD || got[2] != device.FitGMax {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := ParseFitParams(""); err != nil || len(got) != 2 {
		t.Errorf("empty: %v, %v (want Vth, RD)", got, err)
	}
	for _, s := range []string{"vth,bogus", "rd,rd"} {
		if _, err := ParseFitParams(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestDeviceFitReadsAndFits(t *testing.T) {
	truth := device.DefaultMemristor()
	truth.Vth, truth.RD = 2.2, 0.35e6
	var b strings.Builder
	b.WriteString("i_A,r_ohm\n")
	for k := 1; k <= 12; k++ {
		i := 0.4e-6 * float64(k)
		_, _, r, _ := truth.SteadyStateAtCurrent(i)
		b.WriteString(strconv.FormatFloat(i, 'g', -1, 64) + "," + strconv.FormatFloat(r, 'g', -1, 64) + "\n")
	}
	pts, err := ReadRIData(strings.NewReader(b.String()), "mem.csv")
	if err != nil {
		t.Fatal(err)
	}
	r, err := DeviceFit(pts, "mem.csv", device.DefaultParams(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := r.Fitted.Memristor
	if math.Abs(m.Vth/truth.Vth-1) > 0.01 || math.Abs(m.RD/truth.RD-1) > 0.01 {
		t.Errorf("fit Vth %g V, RD %g Ω; truth 2.2 V, 3.5e5 Ω", m.Vth, m.RD)
	}
	if len(r.Model) != len(pts) || len(r.StartCurve) != len(r.Report.Curve) || r.Start.Memristor.Vth != device.DefaultMemristor().Vth {
		t.Errorf("result incomplete: %d model, %d start curve", len(r.Model), len(r.StartCurve))
	}
	if _, err := ReadRIData(strings.NewReader("i_A,r_ohm\n1,2\nx,3\n"), "bad.csv"); err == nil || !strings.Contains(err.Error(), "bad.csv:3") {
		t.Errorf("bad CSV: %v", err)
	}
}

func TestIVPlotCycles(t *testing.T) {
	for n, want := range map[int]string{1: "[0]", 2: "[0 1]", 3: "[0 1 2]", 200: "[0 50 100 149 199]"} {
		if got := fmt.Sprint(ivPlotCycles(n)); got != want {
			t.Errorf("ivPlotCycles(%d) = %s, want %s", n, got, want)
		}
	}
}
