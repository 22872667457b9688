package report

// Files of the system-level energy estimate and of Table 1 (`mrelu
// paper`): energy.json, energy.csv, energy_per_activation.png/.svg,
// energy_per_inference.png/.svg, table1.csv, table1.json, table1.html.

import (
	"fmt"
	"html/template"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/mrelu/mrelu/experiment"
)

// EnergyRow is one neuron of the energy comparison (energy.csv).
type EnergyRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Ours marks rows computed by this run.
	Ours bool `json:"ours"`
	// PerActivation (J) and Latency (s) of one activation (latency NaN
	// where not known).
	PerActivation Num `json:"energy_per_activation_J"`
	Latency       Num `json:"latency_per_activation_s"`
	// NeuronsPerInference is hidden neurons × PerActivation; Crossbar the
	// arrays' read energy per inference at ReadTime; Total their sum;
	// InferenceLatency arrays × ReadTime.
	NeuronsPerInference Num `json:"neurons_energy_per_inference_J"`
	ReadTime            Num `json:"read_time_s"`
	Crossbar            Num `json:"crossbar_energy_per_inference_J"`
	Total               Num `json:"total_energy_per_inference_J"`
	InferenceLatency    Num `json:"latency_per_inference_s"`
}

// EnergySummary is energy.json.
type EnergySummary struct {
	*experiment.EnergyResult
	Rows    []EnergyRow `json:"rows"`
	Figures []string    `json:"figures"`
}

// EnergyRows turns the estimate into one row per neuron: the paper's
// mReLU, ours at device and circuit level, the alternatives.
func EnergyRows(e *experiment.EnergyResult) []EnergyRow {
	var rows []EnergyRow
	for _, s := range e.Scenarios {
		rows = append(rows, EnergyRow{Key: s.Name, Label: s.Label, Ours: s.Name != "paper",
			PerActivation: Num(s.NeuronEnergy), Latency: Num(s.NeuronLatency),
			NeuronsPerInference: Num(s.NeuronsEnergy), ReadTime: Num(s.ReadTime), Crossbar: Num(s.Crossbar),
			Total: Num(s.Total), InferenceLatency: Num(s.Latency)})
	}
	ref := e.PaperReadEnergy()
	for k, a := range e.Alternatives {
		if strings.HasPrefix(a.Name, "mReLU, the paper") {
			continue // the "paper" scenario above
		}
		rows = append(rows, EnergyRow{Key: fmt.Sprintf("alternative%d", k+1), Label: a.Name + " (" + a.Source + ")",
			PerActivation: Num(a.PerActivation), Latency: Num(math.NaN()),
			NeuronsPerInference: Num(a.NeuronsPerInf), ReadTime: Num(experiment.PaperLatency), Crossbar: Num(ref),
			Total: Num(a.WithCrossbarPerI), InferenceLatency: Num(e.PaperInferenceLatency())})
	}
	return rows
}

// shortEnergyName is a bar label.
func shortEnergyName(r EnergyRow) string {
	switch {
	case r.Key == "paper":
		return "mReLU\n(paper)"
	case r.Key == "device":
		return "ours:\ndevice"
	case r.Key == "circuit":
		return "ours: circuit\nVDD + input"
	case r.Key == "circuit-quasistatic":
		return "ours: circuit\nno parasitics"
	case r.Key == "circuit-memristor":
		return "ours: circuit\nmemristor"
	case strings.Contains(r.Label, "CMOS"):
		return "CMOS\nsigmoid"
	case strings.Contains(r.Label, "VO2"):
		return "Mott VO2\nReLU"
	}
	return r.Key
}

// logBars draws groups of bars on a log axis (gonum's bar chart starts at
// 0, which a log axis cannot show): values[g][k] is bar g of category k,
// each labelled as an energy.
func logBars(base, title, ylabel string, names []string, groups []string, values [][]float64) error {
	return logBarsFormat(base, title, ylabel, names, groups, values, experiment.FormatEnergy)
}

// logBarsFormat is logBars with the value labels written by format.
func logBarsFormat(base, title, ylabel string, names []string, groups []string, values [][]float64, format func(float64) string) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range values {
		for _, v := range g {
			if v > 0 && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 1e-12, 1e-9
	}
	floor := math.Pow(10, math.Floor(math.Log10(lo))-1)
	top := math.Pow(10, math.Ceil(math.Log10(hi))+float64(len(groups)))
	p := newPlot(Axes{Title: title, Y: ylabel, LogY: true, YMin: floor, YMax: top})
	p.Y.Min, p.Y.Max = floor, top
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	w := 0.7 / float64(len(groups))
	// labelY is the height of the last value label of each category: the
	// next group's label goes at least half a decade above it, so two
	// labels over neighbouring bars of similar height do not collide.
	labelY := make([]float64, len(names))
	for g, vals := range values {
		var labels plotter.XYLabels
		for k, v := range vals {
			if !(v > 0) || math.IsInf(v, 0) {
				continue
			}
			x := float64(k) - 0.35 + w*(float64(g)+0.5)
			poly, err := plotter.NewPolygon(plotter.XYs{{X: x - w/2, Y: floor}, {X: x + w/2, Y: floor}, {X: x + w/2, Y: v}, {X: x - w/2, Y: v}})
			if err != nil {
				return fmt.Errorf("report: plot %s: %w", base, err)
			}
			c := Palette[g%len(Palette)]
			poly.Color = c
			poly.LineStyle.Color = c
			p.Add(poly)
			if k == 0 || len(labels.XYs) == 0 {
				p.Legend.Add(groups[g], poly)
			}
			y := v * 1.4
			if k < len(labelY) && labelY[k] > 0 {
				y = math.Max(y, labelY[k]*3.5)
			}
			if k < len(labelY) {
				labelY[k] = y
			}
			labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: y})
			labels.Labels = append(labels.Labels, format(v))
		}
		if len(labels.XYs) > 0 {
			l, err := plotter.NewLabels(labels)
			if err != nil {
				return fmt.Errorf("report: plot %s: %w", base, err)
			}
			for i := range l.TextStyle {
				l.TextStyle[i].XAlign = -0.5
				l.TextStyle[i].Font = StyleFont
				l.TextStyle[i].Font.Size = vg.Points(7.5)
			}
			p.Add(l)
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	return Save(p, base)
}

// WriteEnergy writes energy.json, energy.csv and the two bar charts
// energy_per_activation and energy_per_inference (PNG + SVG) into dir.
func WriteEnergy(dir string, e *experiment.EnergyResult) (*EnergySummary, error) {
	rows := EnergyRows(e)
	s := &EnergySummary{EnergyResult: e, Rows: rows,
		Figures: []string{"energy_per_activation.png", "energy_per_activation.svg", "energy_per_inference.png", "energy_per_inference.svg"}}
	var csvRows [][]string
	for _, r := range rows {
		csvRows = append(csvRows, []string{r.Key, r.Label, fmt.Sprint(r.Ours), F(float64(r.PerActivation)), F(float64(r.Latency)),
			F(float64(r.NeuronsPerInference)), F(float64(r.ReadTime)), F(float64(r.Crossbar)), F(float64(r.Total)), F(float64(r.InferenceLatency))})
	}
	var arr [][]string
	for _, sc := range e.Scenarios {
		for l, v := range sc.PerArray {
			arr = append(arr, []string{sc.Name, fmt.Sprint(l + 1), fmt.Sprintf("%dx%d", e.Sizes[l], e.Sizes[l+1]), F(e.MeanInputVoltage[l]), F(e.MeanConductance[l]), F(e.ReadPower[l]), F(sc.ReadTime), F(v)})
		}
	}
	if err := writeData(dir, "energy.json", s,
		csvFile{"energy.csv", []string{"key", "neuron", "ours", "energy_per_activation_J", "latency_per_activation_s",
			"neurons_energy_per_inference_J", "read_time_s", "crossbar_energy_per_inference_J", "total_energy_per_inference_J", "latency_per_inference_s"}, csvRows},
		csvFile{"energy_arrays.csv", []string{"scenario", "array", "shape", "mean_input_V", "mean_conductance_S", "read_power_W", "read_time_s", "energy_per_inference_J"}, arr}); err != nil {
		return s, err
	}
	var names []string
	act, neu, tot := []float64{}, []float64{}, []float64{}
	for _, r := range rows {
		if r.Key == "circuit-memristor" {
			continue // in the table and CSV; the bars show the circuit's extremes
		}
		names = append(names, shortEnergyName(r))
		act = append(act, float64(r.PerActivation))
		neu = append(neu, float64(r.NeuronsPerInference))
		tot = append(tot, float64(r.Total))
	}
	if err := logBars(filepath.Join(dir, "energy_per_activation"), "Energy per activation of one neuron", "energy (J)",
		names, []string{"per activation"}, [][]float64{act}); err != nil {
		return s, err
	}
	title := fmt.Sprintf("Energy per inference, %d hidden neurons + %d crossbar arrays", e.Neurons, e.Arrays)
	if err := logBars(filepath.Join(dir, "energy_per_inference"), title, "energy (J)", names,
		[]string{"neurons only", "neurons + arrays (read for the neuron latency; " + experiment.PaperLatencyText + " for the others)"}, [][]float64{neu, tot}); err != nil {
		return s, err
	}
	return s, nil
}

// Table1HTML renders Table 1 as an HTML table (our row highlighted).
func Table1HTML(rows []experiment.Table1Row) template.HTML {
	var b strings.Builder
	b.WriteString(`<table class="t1"><thead><tr><th>neuron</th><th>mechanism</th><th>structure</th><th>model</th><th>energy</th><th>source</th></tr></thead><tbody>`)
	for _, r := range rows {
		cls := ""
		if r.Ours {
			cls = ` class="ours"`
		}
		fmt.Fprintf(&b, "<tr%s><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", cls,
			template.HTMLEscapeString(r.Neuron), template.HTMLEscapeString(r.Mechanism), template.HTMLEscapeString(r.Structure),
			template.HTMLEscapeString(r.Model), template.HTMLEscapeString(r.Energy), template.HTMLEscapeString(r.Source))
	}
	b.WriteString("</tbody></table>")
	return template.HTML(b.String())
}

// WriteTable1 writes table1.csv, table1.json and table1.html (a
// standalone page with the table) into dir.
func WriteTable1(dir string, rows []experiment.Table1Row) error {
	var csvRows [][]string
	for _, r := range rows {
		e := ""
		if r.EnergyJ != nil {
			e = F(*r.EnergyJ)
		}
		ec := ""
		if r.EnergyCircuitJ != nil {
			ec = F(*r.EnergyCircuitJ)
		}
		csvRows = append(csvRows, []string{r.Neuron, r.Mechanism, r.Structure, r.Model, r.Energy, e, ec, fmt.Sprint(r.Ours), r.Source})
	}
	if err := writeData(dir, "table1.json", rows,
		csvFile{"table1.csv", []string{"neuron", "mechanism", "structure", "model", "energy", "energy_J", "energy_circuit_J", "ours", "source"}, csvRows}); err != nil {
		return err
	}
	page := "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Table 1: analog neurons compared</title>" +
		"<style>" + htmlCSS + "</style></head><body><h1>Table 1: analog neurons compared</h1>" + string(Table1HTML(rows)) + "</body></html>\n"
	return WriteFileAtomic(filepath.Join(dir, "table1.html"), []byte(page))
}
