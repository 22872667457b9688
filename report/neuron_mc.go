package report

// `mrelu neuron montecarlo` (Fig. S6): the device-to-device population,
// montecarlo.json, the CSVs and the population figures.

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strconv"

	"github.com/mrelu/mrelu/experiment"
)

// NeuronMCSummary is montecarlo.json.
type NeuronMCSummary struct {
	Devices          int    `json:"devices"`
	Seed             uint64 `json:"seed"`
	TrimVDD          bool   `json:"trim_vdd"`
	Failed           int    `json:"failed"`
	Dead             int    `json:"never_reach_half_vdd"`
	OffAbove50mV     int    `json:"off_level_above_50mV"`
	ThresholdMedian  Num    `json:"threshold_current_median_A"`
	ThresholdSigma   Num    `json:"threshold_current_sigma_A"`
	I90Median        Num    `json:"i90_median_A"`
	I90Sigma         Num    `json:"i90_sigma_A"`
	MaxVoutMedian    Num    `json:"max_vout_median_V"`
	MaxVoutSigma     Num    `json:"max_vout_sigma_V"`
	SlopeMedian      Num    `json:"slope_median_V_per_A"`
	SlopeSigma       Num    `json:"slope_sigma_V_per_A"`
	SwitchingDevices int    `json:"switching_devices"`
	// SwitchingFraction and OffAbove50mVFraction are the two counts as
	// fractions of Devices; VDDMargin is the nominal VDD − Vth (V) that a
	// trimmed neuron keeps.
	SwitchingFraction    float64 `json:"switching_fraction"`
	OffAbove50mVFraction float64 `json:"off_level_above_50mV_fraction"`
	VDDMargin            float64 `json:"vdd_margin_V"`
	Seconds              float64 `json:"solve_seconds"`
}

// WriteNeuronMonteCarlo writes montecarlo.csv (device,i_in_A,vout_V),
// montecarlo_spread.csv, montecarlo_devices.csv, montecarlo.json,
// montecarlo.png/.svg (every curve), montecarlo_spread.png/.svg and
// params.json.
func WriteNeuronMonteCarlo(dir string, r *experiment.NeuronMonteCarloResult, plots bool) (NeuronMCSummary, error) {
	var rows [][]string
	var drows [][]string
	st := r.Stats()
	for k, s := range r.Samples {
		d := s.Devices
		if s.Err == nil {
			for j := range s.Curve.I {
				rows = append(rows, []string{strconv.Itoa(k), F(s.Curve.I[j]), F(s.Curve.Vout[j])})
			}
		}
		m := s.Metrics
		drows = append(drows, []string{strconv.Itoa(k), st.Status[k], F(d.Memristor.Vth), F(d.Memristor.RD), F(d.Memristor.GMin), F(d.Memristor.GMax),
			F(d.Diode.Vth), F(d.Output.Vth), F(d.Clamp.Vth), F(m.ThresholdCurrent), F(m.I90), F(m.MaxVout), F(m.MaxVoutNonPositive), F(m.Slope)})
	}
	sp := r.Spread
	s := NeuronMCSummary{Devices: len(r.Samples), Seed: r.Seed, TrimVDD: r.Config.TrimVDD, Failed: r.Failed, Dead: r.Dead,
		OffAbove50mV: r.OffAbove, SwitchingDevices: st.Switching, Seconds: r.Seconds, VDDMargin: st.VDDMargin,
		SwitchingFraction: st.SwitchingFraction, OffAbove50mVFraction: st.OffAboveFraction,
		ThresholdMedian: Num(st.Threshold.Median), ThresholdSigma: Num(st.Threshold.Sigma),
		I90Median: Num(st.I90.Median), I90Sigma: Num(st.I90.Sigma),
		MaxVoutMedian: Num(st.MaxVout.Median), MaxVoutSigma: Num(st.MaxVout.Sigma),
		SlopeMedian: Num(st.Slope.Median), SlopeSigma: Num(st.Slope.Sigma)}
	if err := writeNeuronRun(dir, r.Setup, seeded("neuron montecarlo", r.Seed, r.Config), "montecarlo.json", s,
		csvFile{"montecarlo.csv", []string{"device", "i_in_A", "vout_V"}, rows},
		csvFile{"montecarlo_devices.csv", []string{"device", "status", "mem_v_th_V", "mem_r_d_ohm", "mem_g_min_S", "mem_g_max_S", "m1_v_th_V", "m2_v_th_V", "mc_v_th_V",
			"threshold_current_A", "i_at_90pct_vdd_A", "max_vout_V", "max_vout_nonpositive_V", "slope_V_per_A"}, drows},
		csvFile{"montecarlo_spread.csv", []string{"i_in_A", "mean_V", "std_V", "min_V", "p05_V", "median_V", "p95_V", "max_V"},
			Table(sp.I, sp.Mean, sp.Std, sp.Min, sp.P05, sp.Median, sp.P95, sp.Max)}); err != nil || !plots || sp.N == 0 {
		return s, err
	}
	var curves []Series
	for _, x := range r.Samples {
		if x.Err == nil {
			curves = append(curves, Series{X: scaled(x.Curve.I, 1e6), Y: scaled(x.Curve.Vout, 1/x.Curve.VDD)})
		}
	}
	trim := "shared VDD"
	if r.Config.TrimVDD {
		trim = fmt.Sprintf("supply trimmed to each memristor, Vth + %.0f mV", 1e3*(r.Setup.Neuron.VDD-r.Setup.Device.Memristor.Vth))
	}
	ax := Axes{Title: fmt.Sprintf("%d sampled neurons (%s): %d never switch", len(r.Samples), trim, r.Dead),
		X: "input current (µA)", Y: "Vout / VDD (–)", YMin: -0.02, YMax: 1.1}
	mp := newPlot(ax)
	// The device-to-device spread as a band (min-max over the neurons) and
	// the median, when every curve has the same currents.
	cs, spread := r.NormalizedSpread()
	if spread {
		if err := AddBand(mp, fmt.Sprintf("min - max over %d neurons", len(curves)), curves[0].X, cs.Min, cs.Max, Palette[0]); err != nil {
			return s, err
		}
	}
	for i := range curves {
		curves[i].Color = withAlpha(Palette[(i+1)%len(Palette)], 150)
	}
	if err := addSeries(mp, ax, 0, curves...); err != nil {
		return s, err
	}
	if spread {
		if err := addSeries(mp, ax, 0, Series{Name: "median", X: curves[0].X, Y: cs.Median, Color: color.Black}); err != nil {
			return s, err
		}
	}
	if err := Save(mp, filepath.Join(dir, "montecarlo")); err != nil {
		return s, err
	}
	uA := scaled(sp.I, 1e6)
	ax = Axes{Title: fmt.Sprintf("Spread of Vout over %d neurons (%s)", sp.N, trim),
		X: "input current (µA)", Y: "Vout (V)", YMin: -0.05, YMax: voltAxisMax(r.Setup.Neuron.VDD)}
	p := newPlot(ax)
	if err := addBandAlpha(p, "min - max", uA, sp.Min, sp.Max, Palette[0], 40); err != nil {
		return s, err
	}
	if err := addBandAlpha(p, "5 - 95 %", uA, sp.P05, sp.P95, Palette[0], 90); err != nil {
		return s, err
	}
	if err := addSeries(p, ax, 0, Series{Name: "median", X: uA, Y: sp.Median},
		Series{Name: "mean", X: uA, Y: sp.Mean, Dashed: true, Color: Palette[1]}); err != nil {
		return s, err
	}
	return s, Save(p, filepath.Join(dir, "montecarlo_spread"))
}
