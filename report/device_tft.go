package report

// `mrelu device tft` (Fig. S5): the a-IGZO TFT curves, the threshold
// spread, tft.json and their figures.

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mrelu/mrelu/experiment"
)

// DeviceTFTSummary is tft.json of `mrelu device tft`.
type DeviceTFTSummary struct {
	Devices              int         `json:"devices"`
	NominalVthV          float64     `json:"nominal_v_th_V"`
	NominalVthExtractedV Num         `json:"nominal_v_th_extracted_V"`
	CoxFPerM2            float64     `json:"cox_F_per_m2"`
	BetaAPerV2           float64     `json:"beta_A_per_V2"`
	IdealityFactor       float64     `json:"ideality_factor"`
	IdOnA                float64     `json:"id_on_A"`
	IdOffA               float64     `json:"id_off_A"`
	OnOffBias            [3]float64  `json:"on_off_bias_vgs_on_vgs_off_vds_V"`
	Vth                  DeviceStats `json:"v_th_V"`
	VthExtracted         DeviceStats `json:"v_th_extracted_V"`
	SigmaTargetV         float64     `json:"v_th_sigma_target_V"`
	PaperSigmaV          float64     `json:"paper_v_th_sigma_V"`
	PaperFigures         string      `json:"paper_figures"`
	Notes                []string    `json:"notes"`
}

// tftRows are the CSV rows of curves: the fixed bias, the swept voltage,
// Id and its derivative.
func tftRows(curves []experiment.TFTCurve) [][]string {
	var rows [][]string
	for _, cv := range curves {
		for k := range cv.V {
			rows = append(rows, []string{F(cv.Bias), F(cv.V[k]), F(cv.Id[k]), F(cv.G[k])})
		}
	}
	return rows
}

// WriteDeviceTFT writes params.json, tft_transfer.csv, tft_output.csv,
// tft_vth.csv, tft.json and the plots tft_transfer, tft_transfer_devices,
// tft_output and tft_vth into dir.
func WriteDeviceTFT(dir string, r *experiment.DeviceTFTResult, plots bool) (DeviceTFTSummary, error) {
	t := r.Params.TFT
	c := r.Config
	s := DeviceTFTSummary{Devices: len(r.Devices), NominalVthV: t.Vth, NominalVthExtractedV: Num(r.NominalVthExtracted),
		CoxFPerM2: t.Cox(), BetaAPerV2: t.Beta(), IdealityFactor: t.IdealityFactor(),
		OnOffBias:    [3]float64{c.VgsMax, c.VgsMin, c.VdsVth},
		SigmaTargetV: c.Variation.TFTVthSigma, PaperSigmaV: experiment.PaperTFTVthSigma,
		PaperFigures: fmt.Sprintf("Fig. S5 (%d a-IGZO TFTs, threshold spread %s)", experiment.PaperTFTCount, experiment.PaperTFTText),
		Notes: []string{
			"v_th_V: the sampled model parameter; v_th_extracted_V: from each transfer curve at vds_vth by the sqrt(Id) extrapolation at the steepest point",
			"id_on_A / id_off_A: nominal TFT at (vgs_max, vds_vth) and (vgs_min, vds_vth)",
		}}
	st := r.Stats()
	s.IdOnA, s.IdOffA = st.IdOn, st.IdOff
	s.Vth, s.VthExtracted = deviceStats(st.Vth), deviceStats(st.VthExtracted)
	var vth [][]string
	for k, d := range r.Devices {
		vth = append(vth, []string{strconv.Itoa(k + 1), F(d.Vth), F(r.VthExtracted[k]), F(d.Mobility)})
	}
	if err := writeDeviceRun(dir, r.Params, seeded("device tft", r.Seed, r.Config), "tft.json", s,
		csvFile{"tft_transfer.csv", []string{"vds_V", "vgs_V", "id_A", "gm_S"}, tftRows(r.Transfer)},
		csvFile{"tft_output.csv", []string{"vgs_V", "vds_V", "id_A", "gds_S"}, tftRows(r.Output)},
		csvFile{"tft_vth.csv", []string{"device", "v_th_V", "v_th_extracted_V", "mobility_m2_per_Vs"}, vth}); err != nil || !plots {
		return s, err
	}
	// Plots.
	var lines []Series
	for k, cv := range r.Transfer {
		lines = append(lines, Series{Name: fmt.Sprintf("Vds = %g V", cv.Bias), X: cv.V, Y: cv.Id, Color: pal(k), Marks: MarksNone})
	}
	if err := LinePlot(filepath.Join(dir, "tft_transfer"), Axes{Title: fmt.Sprintf("a-IGZO TFT transfer curves (W/L = %.0f/%.0f µm, Vth = %.2f V)", t.W*1e6, t.L*1e6, t.Vth), X: "Vgs (V)", Y: "Id (A)", LogY: true, LegendBottom: true},
		lines...); err != nil {
		return s, err
	}
	lines = nil
	for k, cv := range r.DeviceTransfer {
		lines = append(lines, Series{X: cv.V, Y: cv.Id, Color: pal(k), Thin: true, Marks: MarksNone})
	}
	title := fmt.Sprintf("%d sampled TFTs at Vds = %g V: σ(Vth) = %.3f V (paper %s)", len(r.Devices), c.VdsVth, float64(s.VthExtracted.Sigma), experiment.PaperTFTText)
	if err := LinePlot(filepath.Join(dir, "tft_transfer_devices"), Axes{Title: title, X: "Vgs (V)", Y: "Id (A)", LogY: true}, lines...); err != nil {
		return s, err
	}
	lines = nil
	for k, cv := range r.Output {
		lines = append(lines, Series{Name: fmt.Sprintf("Vgs = %g V", cv.Bias), X: cv.V, Y: scaled(cv.Id, 1e6), Color: pal(k), Marks: MarksNone})
	}
	if err := LinePlot(filepath.Join(dir, "tft_output"), Axes{Title: "a-IGZO TFT output curves", X: "Vds (V)", Y: "Id (µA)", LegendLeft: true}, lines...); err != nil {
		return s, err
	}
	// Histogram of the extracted thresholds, bins of σ_target/2 around
	// the mean.
	ext := make([]float64, 0, len(r.VthExtracted))
	for _, v := range r.VthExtracted {
		if !math.IsNaN(v) {
			ext = append(ext, v)
		}
	}
	var bars []Bars
	if len(ext) > 0 {
		lo, hi := slices.Min(ext), slices.Max(ext)
		w := math.Max(c.Variation.TFTVthSigma/2, 1e-3)
		start := math.Floor(lo/w) * w
		n := int(math.Floor((hi-start)/w)) + 1
		b := Bars{Name: fmt.Sprintf("sampled TFTs (mean %.3f V)", float64(s.VthExtracted.Mean))}
		for k := 0; k <= n; k++ {
			b.Edges = append(b.Edges, start+float64(k)*w)
		}
		b.Counts = make([]float64, n)
		for _, v := range ext {
			k := min(int(math.Floor((v-start)/w)), n-1)
			b.Counts[k]++
		}
		bars = append(bars, b)
	}
	// Expected counts per bin for a normal spread around the nominal Vth.
	var gx, gy []float64
	if len(bars) > 0 && c.Variation.TFTVthSigma > 0 {
		b := bars[0]
		w := b.Edges[1] - b.Edges[0]
		sg := c.Variation.TFTVthSigma
		lo, hi := math.Min(b.Edges[0], t.Vth-3*sg), math.Max(b.Edges[len(b.Edges)-1], t.Vth+3*sg)
		for k := 0; k <= 200; k++ {
			x := lo + (hi-lo)*float64(k)/200
			z := (x - t.Vth) / sg
			gx = append(gx, x)
			gy = append(gy, float64(len(ext))*w*math.Exp(-z*z/2)/(sg*math.Sqrt(2*math.Pi)))
		}
	}
	title = fmt.Sprintf("Threshold voltage of %d TFTs: σ = %.3f V (paper %s)", len(r.Devices), float64(s.VthExtracted.Sigma), experiment.PaperTFTText)
	if err := HistLinePlot(filepath.Join(dir, "tft_vth"), Axes{Title: title, X: "extracted Vth (V)", Y: "devices per bin (–)"}, bars,
		Series{Name: fmt.Sprintf("expected, normal σ = %.3g V", c.Variation.TFTVthSigma), X: gx, Y: gy, Color: pal(1), Marks: MarksNone}); err != nil {
		return s, err
	}
	return s, nil
}
