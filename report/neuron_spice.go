package report

// `mrelu neuron spice`: the same netlist in our solver and in ngspice,
// spice_compare.json/.csv and the DC and pulse comparison figures.

import (
	"fmt"
	"path/filepath"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
)

// NeuronSpiceSummary is spice_compare.json.
type NeuronSpiceSummary struct {
	Points          int                `json:"points"`
	MaxAbsDiff      float64            `json:"max_abs_diff_V"`
	MaxAbsDiffPct   float64            `json:"max_abs_diff_pct_vdd"`
	MaxAbsDiffAt    float64            `json:"max_abs_diff_at_A"`
	Pulse           neuron.PulseConfig `json:"pulse"`
	LatencyOurs     Num                `json:"latency_ours_s"`
	LatencyNgspice  Num                `json:"latency_ngspice_s"`
	LatencyRelDiff  Num                `json:"latency_rel_diff"`
	StatusOurs      string             `json:"status_ours"`
	StatusNgspice   string             `json:"status_ngspice"`
	EnergyOurs      Num                `json:"energy_ours_J"`
	EnergyNgspice   Num                `json:"energy_ngspice_J"`
	PointsOurs      int                `json:"tran_points_ours"`
	PointsNgspice   int                `json:"tran_points_ngspice"`
	OursDCSeconds   float64            `json:"ours_dc_seconds"`
	SpiceDCSeconds  float64            `json:"ngspice_dc_seconds"`
	OursTranSeconds float64            `json:"ours_tran_seconds"`
	SpiceTranSecs   float64            `json:"ngspice_tran_seconds"`
	TimingNote      string             `json:"timing_note"`
}

// WriteNeuronSpice writes mrelu.cir, mrelu_tran.cir, params.json and, after
// a run, spice_compare.csv (i_in_A,vout_ours_V,vout_ngspice_V,diff_V),
// spice_compare.json, spice_compare.png/.svg, spice_pulse.csv and
// spice_pulse.png/.svg. The summary is nil without a run.
func WriteNeuronSpice(dir string, r *experiment.NeuronSpiceResult, plots bool) (*NeuronSpiceSummary, error) {
	if err := WriteFileAtomic(filepath.Join(dir, "mrelu.cir"), []byte(r.DCNetlist)); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "mrelu_tran.cir"), []byte(r.TranNetlist)); err != nil {
		return nil, err
	}
	if err := WriteNeuronParams(dir, r.Setup, RunSettings{Command: "neuron spice", Config: r.Config}); err != nil {
		return nil, err
	}
	if !r.Ran {
		return nil, nil
	}
	a, b := r.Ours, r.Spice
	pa, pb := r.PulseOurs, r.PulseSpice
	s := &NeuronSpiceSummary{
		Points: len(a.I), MaxAbsDiff: r.MaxDiff, MaxAbsDiffPct: 100 * r.MaxDiff / a.VDD, MaxAbsDiffAt: r.MaxDiffAt,
		Pulse: r.Config.Pulse, LatencyOurs: Num(pa.Latency), LatencyNgspice: Num(pb.Latency),
		LatencyRelDiff: Num(r.LatencyRelDiff), StatusOurs: pa.Status, StatusNgspice: pb.Status,
		EnergyOurs: Num(pa.Energy), EnergyNgspice: Num(pb.Energy), PointsOurs: pa.Points, PointsNgspice: pb.Points,
		OursDCSeconds: r.OursDCSeconds, SpiceDCSeconds: r.SpiceDCSeconds, OursTranSeconds: r.OursTranSeconds, SpiceTranSecs: r.SpiceTranSeconds,
		TimingNote: "ours: in-process solve; ngspice: whole process (start-up, parsing, solve, writing its data file); see bench/neuron/vs_ngspice.sh for a like-for-like comparison",
	}
	if err := writeData(dir, "spice_compare.json", s,
		csvFile{"spice_compare.csv", []string{"i_in_A", "vout_ours_V", "vout_ngspice_V", "diff_V"}, Table(a.I, a.Vout, b.Vout, r.VoutDiff())},
		neuronPulseCSV("spice_pulse_ours.csv", pa), neuronPulseCSV("spice_pulse_ngspice.csv", pb)); err != nil || !plots {
		return s, err
	}
	uA := scaled(a.I, 1e6)
	if err := LinePlot(filepath.Join(dir, "spice_compare"), Axes{
		Title: fmt.Sprintf("Same netlist: our solver vs ngspice (max |ΔV| = %.2g V)", r.MaxDiff),
		X:     "input current (µA)", Y: "Vout (V)", YMin: -0.05, YMax: voltAxisMax(a.VDD)},
		Series{Name: "ours", X: uA, Y: a.Vout}, Series{Name: "ngspice", X: uA, Y: b.Vout, Dashed: true}); err != nil {
		return s, err
	}
	return s, neuronPlotPulse(filepath.Join(dir, "spice_pulse"), fmt.Sprintf("Pulse: latency ours %.4g µs, ngspice %.4g µs", pa.Latency*1e6, pb.Latency*1e6), pa, pb)
}
