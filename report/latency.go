package report

import (
	"math"
	"path/filepath"

	"github.com/mrelu/mrelu/experiment"
)

// writeLatencySweep writes latency_vs_amplitude.csv
// (amplitude_V,latency_s,energy_J,steady_current_A) and, with plots, the
// figure latency_vs_amplitude.png/.svg: the single-pulse latency and energy
// per activation against the pulse amplitude, with the paper's 650 ns and
// 0.5 pJ as reference lines (Fig. 3f does not state its amplitude).
func writeLatencySweep(dir string, r *experiment.DevicePulseResult, plots bool) error {
	n := len(r.Sweep)
	amp, lat, en, ss := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k, p := range r.Sweep {
		amp[k], lat[k], en[k], ss[k] = p.Amplitude, p.Latency, p.Energy, p.Steady
		if math.IsNaN(p.Latency) {
			en[k] = math.NaN()
		}
	}
	if err := WriteCSV(filepath.Join(dir, "latency_vs_amplitude.csv"),
		[]string{"amplitude_V", "latency_s", "energy_J", "steady_current_A"}, Table(amp, lat, en, ss)); err != nil {
		return err
	}
	if !plots || n < 2 {
		return nil
	}
	ns, pj := make([]float64, n), make([]float64, n)
	for k := range amp {
		ns[k], pj[k] = lat[k]*1e9, en[k]*1e12
	}
	line := func(y float64) []float64 { return []float64{y, y} }
	ends := []float64{amp[0], amp[n-1]}
	if err := LinePlot(filepath.Join(dir, "latency_vs_amplitude"),
		Axes{Title: "Fig. 3f over the pulse amplitude (1 MΩ series)", X: "pulse amplitude (V)", Y: "latency (ns)", LogY: true},
		Series{Name: "latency", X: amp, Y: ns},
		Series{Name: "paper " + experiment.PaperLatencyText, X: ends, Y: line(experiment.PaperLatency * 1e9), Dashed: true}); err != nil {
		return err
	}
	return LinePlot(filepath.Join(dir, "energy_vs_amplitude"),
		Axes{Title: "Energy per activation over the pulse amplitude", X: "pulse amplitude (V)", Y: "energy over the latency (pJ)", LogY: true},
		Series{Name: "energy", X: amp, Y: pj},
		Series{Name: "paper " + experiment.PaperEnergyText, X: ends, Y: line(experiment.PaperEnergy * 1e12), Dashed: true})
}
