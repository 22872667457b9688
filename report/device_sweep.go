package report

// `mrelu device sweep` (Fig. 1g, 1h, 3c): r_vs_i.csv, sweep.json and the
// R(I) and G(I) figures.

import (
	"fmt"
	"path/filepath"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
)

// DeviceRI is one resistance at a current.
type DeviceRI struct {
	IA   float64 `json:"i_A"`
	ROhm float64 `json:"r_ohm"`
}

// DeviceSweepSummary is sweep.json of `mrelu device sweep`.
type DeviceSweepSummary struct {
	Points int `json:"points"`
	// R0 is the zero-bias resistance of the relaxed device (the I = 0 point,
	// left out of r_vs_i.csv so the file reads back through --data).
	R0Ohm float64 `json:"r0_ohm"`
	// RFirst and RLast are R at the smallest non-zero and the largest
	// current; Decades is log10(RFirst/RLast).
	RFirst   DeviceRI `json:"r_first"`
	RLast    DeviceRI `json:"r_last"`
	Decades  float64  `json:"decades"`
	Monotone bool     `json:"monotone_decreasing"`
	GMaxS    float64  `json:"g_max_S"`
	G0S      float64  `json:"g0_S"`
	GMaxOver float64  `json:"g_max_over_g0"`
	// MaxDevV is max |v(I) − (Vth − RD·I)| over I ≥ 0.1 µA, the check of
	// the R = Vth/I − RD form of the Fig. 3c inset.
	MaxDevV      Num      `json:"max_dev_from_vth_minus_rd_i_V"`
	PaperFigures string   `json:"paper_figures"`
	Notes        []string `json:"notes"`
}

// WriteDeviceSweep writes params.json, r_vs_i.csv, sweep.json,
// r_vs_i.png/.svg and g_vs_i.png/.svg into dir.
func WriteDeviceSweep(dir string, r *experiment.DeviceSweepResult, plots bool) (DeviceSweepSummary, error) {
	m := r.Params.Memristor
	st := r.Stats()
	s := DeviceSweepSummary{Points: len(r.Points), G0S: device.G0, Monotone: st.Monotone, MaxDevV: Num(st.MaxDev),
		R0Ohm: st.R0, GMaxS: st.GMax, GMaxOver: st.GMaxOverG0, Decades: st.Decades,
		PaperFigures: "Fig. 1h, 3c (resistance set gradually by the current; inset R = Vth/I - r_d)",
		Notes: []string{
			"r_vs_i.csv holds the non-zero currents (R = V/I of the steady state); the I = 0 point is r0_ohm, the zero-bias resistance of the relaxed device",
			"g_S = 1/r_ohm; the conductance quantum G0 = 2e^2/h = 77.5 uS is never reached (tunnelling conduction)",
		}}
	var is, rs, gs []float64
	var rows [][]string
	for _, p := range r.Points {
		if p.I == 0 {
			continue
		}
		is, rs, gs = append(is, p.I), append(rs, p.R), append(gs, p.G)
		rows = append(rows, []string{F(p.I), F(p.R), F(p.G)})
	}
	if n := len(is); n > 0 {
		s.RFirst = DeviceRI{is[0], rs[0]}
		s.RLast = DeviceRI{is[n-1], rs[n-1]}
	}
	if err := writeDeviceRun(dir, r.Params, RunSettings{Command: "device sweep", Config: r.Config}, "sweep.json", s,
		csvFile{"r_vs_i.csv", []string{"i_A", "r_ohm", "g_S"}, rows}); err != nil || !plots {
		return s, err
	}
	// Plots include the I = 0 point (the relaxed device).
	var ia, ra, ga, iref, rref []float64
	for _, p := range r.Points {
		ia, ra, ga = append(ia, p.I*1e6), append(ra, p.R), append(ga, p.G)
		if p.I > 0 {
			r := m.Vth/p.I - m.RD
			if m.Tabulated() {
				h, _ := m.HoldVoltage(p.I)
				r = h / p.I
			}
			iref, rref = append(iref, p.I*1e6), append(rref, r)
		}
	}
	refName := fmt.Sprintf("Vth/I − r_d (Vth = %.3g V, r_d = %s)", m.Vth, si(m.RD, "Ω"))
	if m.Tabulated() {
		refName = fmt.Sprintf("Vhold(I)/I (tabulated, threshold %.3g V)", m.Threshold())
	}
	imax := r.Config.IMax * 1e6
	ax := Axes{Title: fmt.Sprintf("Steady-state resistance vs current (R falls %.1f decades)", s.Decades), X: "current (µA)", Y: "R = V/I (Ω)", LogY: true}
	if lo, hi, ok := decades(ra...); ok {
		ax.YMin, ax.YMax = lo, hi
	}
	if err := LinePlot(filepath.Join(dir, "r_vs_i"), ax,
		Series{Name: "model steady state", X: ia, Y: ra, Color: pal(0)},
		Series{Name: refName, X: iref, Y: rref, Color: pal(1), Dashed: true, Marks: MarksNone},
	); err != nil {
		return s, err
	}
	title := fmt.Sprintf("Conductance vs current: G ≤ %.3g µS = %.2f·G0", s.GMaxS*1e6, s.GMaxOver)
	ax = Axes{Title: title, X: "current (µA)", Y: "G = I/V (S)", LogY: true}
	if lo, hi, ok := decades(append(ga, 1.5*device.G0)...); ok {
		ax.YMin, ax.YMax = lo, hi
	}
	ax.LegendBottom = true
	if err := LinePlot(filepath.Join(dir, "g_vs_i"), ax,
		Series{Name: "model steady state", X: ia, Y: ga, Color: pal(0)},
		hline("G0 = 2e²/h = 77.5 µS", device.G0, 0, imax, 1),
	); err != nil {
		return s, err
	}
	return s, nil
}
