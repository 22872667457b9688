package report

// Files of `mrelu compare`: compare.json and compare.csv (one row per
// quantity, a column per device and the paper), the curves behind the
// figures (transfer.csv, r_of_i.csv, accuracy.csv), the overlaid figures
// (transfer curves, R(I), accuracy per epoch, latency and energy bars),
// params/<device>.json (each device's parameters, readable by --params)
// and compare.html, one self-contained page in the paper report's style.

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// CompareOptions are the presentation settings of WriteCompare.
type CompareOptions struct {
	// Command is the command line of the run (shown in the page).
	Command string
	// NoPlots writes the data files only (compare.json, the CSVs and the
	// params): no figures and no compare.html (--plots=false).
	NoPlots bool
}

// CompareRow is one quantity of compare.json: the comparison's row with
// its values (if it is not a row of texts) written as Num, null where
// there is none.
type CompareRow struct {
	experiment.CompareQuantity
	Values []Num `json:"values,omitempty"`
}

// CompareDeviceSummary is one device of compare.json.
type CompareDeviceSummary struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	// ParamsFile is the device's parameter file under the output folder.
	ParamsFile string                `json:"params_file"`
	Viable     bool                  `json:"viable"`
	Verdict    string                `json:"verdict"`
	Viability  *experiment.Viability `json:"viability"`
	// AccuracyPerEpoch is the test accuracy after each epoch (empty when
	// the device was not trained: Errors["train"] says why).
	AccuracyPerEpoch []Num             `json:"test_accuracy_per_epoch"`
	Errors           map[string]string `json:"errors,omitempty"`
	Params           struct {
		Memristor device.Memristor `json:"memristor"`
		TFT       device.TFT       `json:"tft"`
		Neuron    neuron.Params    `json:"neuron"`
	} `json:"params"`
}

// CompareSummary is compare.json.
type CompareSummary struct {
	Title   string `json:"title"`
	Mode    string `json:"mode"` // "quick" or "full"
	Quick   bool   `json:"quick"`
	Command string `json:"command"`
	Seed    uint64 `json:"seed"`
	// Columns are the column names: the devices, then "paper"; every
	// row of Quantities has a value or text per column, in this order.
	Columns    []string                 `json:"columns"`
	Devices    []CompareDeviceSummary   `json:"devices"`
	Paper      experiment.ComparePaper  `json:"paper"`
	Quantities []CompareRow             `json:"quantities"`
	TrainN     int                      `json:"train_images"`
	TestN      int                      `json:"test_images"`
	Config     experiment.CompareConfig `json:"config"`
	Seconds    float64                  `json:"seconds"`
	Figures    []string                 `json:"figures"`
	Notes      []string                 `json:"notes"`
}

// Row returns the quantity with key, or nil.
func (s *CompareSummary) Row(key string) *CompareRow {
	if k := slices.IndexFunc(s.Quantities, func(q CompareRow) bool { return q.Key == key }); k >= 0 {
		return &s.Quantities[k]
	}
	return nil
}

// WriteCompare writes every file of a comparison into dir (see the file
// comment) and returns the summary written to compare.json.
func WriteCompare(dir string, r *experiment.CompareResult, opt CompareOptions) (*CompareSummary, error) {
	s := &CompareSummary{Title: "mReLU devices compared", Mode: "full", Quick: r.Config.Quick, Command: opt.Command, Seed: r.Config.Seed,
		Columns: r.Names(), Paper: r.Paper, TrainN: r.TrainN, TestN: r.TestN, Config: r.Config, Seconds: r.Seconds}
	if s.Quick {
		s.Mode = "quick"
	}
	for _, q := range r.Quantities() {
		row := CompareRow{CompareQuantity: q}
		if q.Value != nil { // nil for a row of texts
			row.Values = nums(q.Value)
		}
		s.Quantities = append(s.Quantities, row)
	}
	if err := os.MkdirAll(filepath.Join(dir, "params"), 0o755); err != nil {
		return s, fmt.Errorf("report: %w", err)
	}
	for _, c := range r.Columns {
		d := CompareDeviceSummary{Name: c.Device.Name, Source: c.Device.Source, ParamsFile: "params/" + fileSafe(c.Device.Name) + ".json",
			Viable: c.Viable(), Viability: c.Viability, Errors: c.Errors, AccuracyPerEpoch: []Num{}}
		if c.Viability != nil {
			d.Verdict = c.Viability.Verdict()
		}
		if c.Train != nil && c.Train.Result != nil {
			for _, e := range c.Train.Result.Epochs {
				d.AccuracyPerEpoch = append(d.AccuracyPerEpoch, Num(e.TestAccuracy))
			}
		}
		d.Params.Memristor, d.Params.TFT, d.Params.Neuron = c.Device.Setup.Device.Memristor, c.Device.Setup.Device.TFT, c.Device.Setup.Neuron
		if err := params.Save(filepath.Join(dir, filepath.FromSlash(d.ParamsFile)), c.Device.Setup,
			params.Settings{Command: opt.Command, Config: r.Config}); err != nil {
			return s, err
		}
		s.Devices = append(s.Devices, d)
	}
	s.Notes = []string{
		"columns: the default device (built in), each device given, then the paper's reported values; values are null where there is none (the paper reports no such number, or the part could not be computed for that device: devices[].errors says why)",
		"latency and energy per activation at two levels: device level (the memristor alone under a voltage pulse, Fig. 3f) and in the 2T-1M circuit (with and without parasitic capacitances), as mrelu device pulse and mrelu neuron pulse",
		"training: the MLP with the device's solved neuron in the loop (its temporal variation included), as mrelu train --act " + r.Config.Train.Act + "; a device that is not a working ReLU is not trained",
	}
	if err := writeCompareData(dir, r, s); err != nil {
		return s, err
	}
	if !opt.NoPlots {
		if err := writeComparePlots(dir, r, s); err != nil {
			return s, err
		}
	}
	if err := WriteJSON(filepath.Join(dir, "compare.json"), s); err != nil {
		return s, err
	}
	if opt.NoPlots {
		return s, nil
	}
	return s, WriteHTML(filepath.Join(dir, "compare.html"), comparePage(r, s))
}

// writeCompareData writes compare.csv and the curves' CSVs.
func writeCompareData(dir string, r *experiment.CompareResult, s *CompareSummary) error {
	header := append([]string{"key", "quantity", "unit"}, s.Columns...)
	var rows [][]string
	for _, q := range s.Quantities {
		row := []string{q.Key, q.Label, q.Unit}
		if q.Text != nil {
			row = append(row, q.Text...)
		} else {
			for _, v := range q.Values {
				row = append(row, fmtCell(float64(v)))
			}
		}
		rows = append(rows, row)
	}
	if err := WriteCSV(filepath.Join(dir, "compare.csv"), header, rows); err != nil {
		return err
	}
	devs := s.Columns[:len(r.Columns)]
	// The transfer curves share one current grid, the R(I) sweeps too.
	curve := func(name, xkey, suffix string, x []float64, y func(c *experiment.CompareColumn) []float64) error {
		h := []string{xkey}
		for _, d := range devs {
			h = append(h, d+suffix)
		}
		out := make([][]string, len(x))
		for i := range x {
			out[i] = []string{F(x[i])}
			for k := range r.Columns {
				v := math.NaN()
				if ys := y(&r.Columns[k]); i < len(ys) {
					v = ys[i]
				}
				out[i] = append(out[i], fmtCell(v))
			}
		}
		return WriteCSV(filepath.Join(dir, name), h, out)
	}
	if err := curve("transfer.csv", "i_A", "_vout_V", r.Config.Transfer.Currents(), func(c *experiment.CompareColumn) []float64 {
		if c.Transfer == nil {
			return nil
		}
		return c.Transfer.Curve.Vout
	}); err != nil {
		return err
	}
	var ri []float64
	for _, c := range r.Columns {
		if c.Sweep != nil {
			ri = nil
			for _, p := range c.Sweep.Points {
				ri = append(ri, p.I)
			}
			break
		}
	}
	if err := curve("r_of_i.csv", "i_A", "_r_ohm", ri, func(c *experiment.CompareColumn) []float64 {
		if c.Sweep == nil {
			return nil
		}
		var v []float64
		for _, p := range c.Sweep.Points {
			v = append(v, p.R)
		}
		return v
	}); err != nil {
		return err
	}
	var epochs []float64
	for e := 1; e <= r.Config.Train.Epochs; e++ {
		epochs = append(epochs, float64(e))
	}
	return curve("accuracy.csv", "epoch", "_test_accuracy", epochs, func(c *experiment.CompareColumn) []float64 {
		if c.Train == nil || c.Train.Result == nil {
			return nil
		}
		var v []float64
		for _, e := range c.Train.Result.Epochs {
			v = append(v, e.TestAccuracy)
		}
		return v
	})
}

// writeComparePlots draws the overlaid figures.
func writeComparePlots(dir string, r *experiment.CompareResult, s *CompareSummary) error {
	add := func(name string) { s.Figures = append(s.Figures, name+".png") }
	var tr, ri, acc []Series
	for k, c := range r.Columns {
		name := c.Device.Name
		if !c.Viable() {
			name += " (not viable)"
		}
		col := Palette[k%len(Palette)]
		if c.Transfer != nil {
			tr = append(tr, Series{Name: name, X: scaled(c.Transfer.Curve.I, 1e6), Y: c.Transfer.Curve.Vout, Dashed: !c.Viable(), Color: col})
		}
		if c.Sweep != nil {
			var x, y []float64
			for _, p := range c.Sweep.Points {
				if p.I > 0 {
					x, y = append(x, p.I), append(y, p.R)
				}
			}
			ri = append(ri, Series{Name: name, X: x, Y: y, Dashed: !c.Viable(), Color: col})
		}
		if c.Train != nil && c.Train.Result != nil {
			var x, y []float64
			for _, e := range c.Train.Result.Epochs {
				x, y = append(x, float64(e.Epoch)), append(y, 100*e.TestAccuracy)
			}
			acc = append(acc, Series{Name: name, X: x, Y: y, Color: col})
		}
	}
	if len(tr) > 0 {
		if err := LinePlot(filepath.Join(dir, "transfer"), Axes{Title: "Transfer curves Vout(I) of the 2T-1M neuron",
			X: "input (mirror) current (µA)", Y: "Vout (V)"}, tr...); err != nil {
			return err
		}
		add("transfer")
	}
	if len(ri) > 0 {
		if err := LinePlot(filepath.Join(dir, "r_of_i"), Axes{Title: "Steady-state resistance of the memristor against its current",
			X: "current (A)", Y: "R = V/I (Ω)", LogX: true, LogY: true}, ri...); err != nil {
			return err
		}
		add("r_of_i")
	}
	if len(acc) > 0 {
		p := r.Paper
		if r.Config.Train.Epochs >= p.Epochs && r.Config.Train.Variation == p.Variation {
			acc = append(acc, Series{Name: fmt.Sprintf("paper (Fig. 4c, %d epochs)", p.Epochs), X: []float64{float64(p.Epochs)}, Y: []float64{100 * p.Accuracy},
				Color: Palette[len(r.Columns)%len(Palette)]})
		}
		if err := LinePlot(filepath.Join(dir, "accuracy"), Axes{Title: fmt.Sprintf("Test accuracy per epoch (%.1f %% temporal variation)", 100*r.Config.Train.Variation),
			X: "epoch (–)", Y: "test accuracy (%)", IntX: true}, acc...); err != nil {
			return err
		}
		add("accuracy")
	}
	groups := s.Columns
	val := func(key string, k int) float64 {
		if q := s.Row(key); q != nil && k < len(q.Values) {
			return float64(q.Values[k])
		}
		return math.NaN()
	}
	bars := func(keys []string) [][]float64 {
		out := make([][]float64, len(groups))
		for g := range groups {
			for _, key := range keys {
				out[g] = append(out[g], val(key, g))
			}
		}
		return out
	}
	if err := logBarsFormat(filepath.Join(dir, "latency"), "Latency per activation", "latency (s)",
		[]string{"device level", "2T-1M circuit", "circuit without\nparasitics"}, groups,
		bars([]string{"device_latency_s", "latency_s", "latency_quasistatic_s"}), experiment.FormatTime); err != nil {
		return err
	}
	add("latency")
	if err := logBars(filepath.Join(dir, "energy"), "Energy per activation", "energy (J)",
		[]string{"device level", "circuit:\nmemristor", "circuit:\nVDD + input", "no parasitics:\nmemristor"}, groups,
		bars([]string{"device_energy_J", "energy_memristor_J", "energy_J", "energy_memristor_quasistatic_J"})); err != nil {
		return err
	}
	add("energy")
	return nil
}

// comparePage lays out compare.html like the paper's report.
func comparePage(r *experiment.CompareResult, s *CompareSummary) HTMLPage {
	cfg := r.Config
	page := HTMLPage{Title: "mReLU: devices compared",
		Subtitle: fmt.Sprintf("The default device, %d of yours and the paper's values side by side (J. Oh, S. Kim et al., Adv. Mater. 2023, DOI 10.1002/adma.202300023): viability, transfer curve, R(I), latency and energy per activation, training accuracy, Table 1.", len(r.Columns)-1),
		Footer:   fmt.Sprintf("Made by mrelu in %.1f s. Every number comes from this run; compare.json and compare.csv hold them, params/ each device's parameters.", r.Seconds)}
	var devs []string
	for _, d := range s.Devices {
		src := d.Source
		if src == "" {
			src = "built-in defaults"
		}
		devs = append(devs, fmt.Sprintf("%s (%s)", d.Name, src))
	}
	tp := cfg.Train
	images := "the whole data set"
	if cfg.TrainImages > 0 || cfg.TestImages > 0 {
		images = fmt.Sprintf("the first %d training and %d test images", s.TrainN, s.TestN)
	}
	data := "MNIST"
	if tp.Data != "" {
		data = tp.Data
	}
	page.Meta = []HTMLMeta{
		{Key: "command", Value: s.Command, Code: true},
		{Key: "mode", Value: map[bool]string{true: "quick (--quick)", false: "full (Fig. 4's training)"}[cfg.Quick]},
		{Key: "devices", Value: strings.Join(devs, "; ")},
		{Key: "training", Value: fmt.Sprintf("%s, %v hidden, %d epochs, batch %d, lr %g, %.1f %% temporal variation, %s of %s, seed %d", tp.Act, tp.Hidden, tp.Epochs, tp.Batch, tp.LR, 100*tp.Variation, images, data, cfg.Seed)},
	}
	if cfg.Quick {
		page.Notices = append(page.Notices, fmt.Sprintf("Quick run: %d epochs on %s instead of Fig. 4's 30 epochs on all of MNIST, so the accuracies are below a full run's and not comparable with the paper's 30-epoch value. Run without --quick for the full training.", tp.Epochs, images))
	}
	for _, d := range s.Devices {
		if !d.Viable {
			page.Notices = append(page.Notices, fmt.Sprintf("%s is not a working ReLU neuron, so it was not trained: %s", d.Name, d.Verdict))
		}
	}

	header := append([]string{"quantity"}, s.Columns...)
	var rows [][]string
	var emph []bool
	for _, q := range s.Quantities {
		label := q.Label
		row := []string{label}
		if q.Text != nil {
			row = append(row, q.Text...)
		} else {
			for _, v := range q.Values {
				row = append(row, FormatValue(float64(v), q.Unit))
			}
		}
		rows = append(rows, row)
		emph = append(emph, q.Values != nil && !math.IsNaN(float64(q.Values[len(q.Values)-1])))
	}
	page.Sections = append(page.Sections, HTMLSection{ID: "summary", Title: "Devices side by side",
		Intro:  []string{"One column per device and one for the paper (compare.csv, compare.json). Rows in bold are those where the paper gives a number; \"–\" marks a number that does not exist for that column (the paper reports none, or the part could not be computed: compare.json, devices[].errors)."},
		Tables: []HTMLTable{{Caption: "devices side by side", Header: header, Rows: rows, Emphasis: emph}}})

	fig := func(id, label, title, img, paper, ours, cmd string, data ...string) HTMLFigure {
		return HTMLFigure{ID: id, Label: label, Title: title, Image: img, SVG: strings.TrimSuffix(img, ".png") + ".svg", Paper: paper, Ours: ours, Command: cmd, Data: data}
	}
	perDevice := func(key string) string {
		q := s.Row(key)
		if q == nil {
			return "–"
		}
		var a []string
		for k, name := range s.Columns[:len(r.Columns)] {
			a = append(a, name+" "+FormatValue(float64(q.Values[k]), q.Unit))
		}
		return strings.Join(a, ", ")
	}
	has := map[string]bool{}
	for _, f := range s.Figures {
		has[f] = true
	}
	sec := HTMLSection{ID: "figures", Title: "Curves, latency and energy, training",
		Intro: []string{"Devices that are not a working ReLU are drawn dashed; their curves show why."}}
	if has["transfer.png"] {
		sec.Figures = append(sec.Figures, fig("transfer", "Fig. 3i", "Transfer curves Vout(I), solved by the MNA solver", "transfer.png",
			"0 for negative input, a linear rise, bounded by "+experiment.PaperVDDText, "90 % of VDD at: "+perDevice("i90_A"), "mrelu neuron transfer --params FILE", "transfer.csv"))
	}
	if has["r_of_i.png"] {
		sec.Figures = append(sec.Figures, fig("rofi", "Fig. 1h, 3c", "Steady-state R(I) of each memristor", "r_of_i.png",
			"R falls gradually as the current rises (0-5 µA)", "R at the lowest current: "+perDevice("r_low_ohm"), "mrelu device sweep --params FILE", "r_of_i.csv"))
	}
	if has["accuracy.png"] {
		f := fig("accuracy", "Fig. 4c", "Test accuracy per epoch with each device's neuron in the loop", "accuracy.png",
			fmt.Sprintf("%.1f %% after %d epochs with %.1f %% variation", 100*r.Paper.Accuracy, r.Paper.Epochs, 100*r.Paper.Variation),
			"after the last epoch: "+perDevice("test_accuracy"), fmt.Sprintf("mrelu train --act %s --epochs %d --params FILE", tp.Act, tp.Epochs), "accuracy.csv")
		if cfg.Quick {
			f.Note = "Quick run: the paper's 30-epoch value is not drawn."
		}
		sec.Figures = append(sec.Figures, f)
	}
	sec.Figures = append(sec.Figures,
		fig("latency", "Fig. 3f", "Latency per activation: device level and in the 2T-1M circuit", "latency.png",
			experiment.PaperLatencyText, "device level: "+perDevice("device_latency_s")+"; circuit: "+perDevice("latency_s"), "mrelu neuron pulse --params FILE", "compare.csv"),
		fig("energy", "Fig. 3f, Table 1", "Energy per activation: device level and in the 2T-1M circuit", "energy.png",
			experiment.PaperEnergyText, "device level: "+perDevice("device_energy_J")+"; memristor in the circuit: "+perDevice("energy_memristor_J"), "mrelu neuron pulse --params FILE", "compare.csv"))
	page.Sections = append(page.Sections, sec)

	// Table 1, one column per device.
	t1 := HTMLTable{Caption: "Table 1 rows", Header: header}
	for _, f := range []struct {
		name string
		get  func(t *experiment.Table1Row) string
	}{
		{"neuron", func(t *experiment.Table1Row) string { return t.Neuron }},
		{"mechanism", func(t *experiment.Table1Row) string { return t.Mechanism }},
		{"structure", func(t *experiment.Table1Row) string { return t.Structure }},
		{"model", func(t *experiment.Table1Row) string { return t.Model }},
		{"energy", func(t *experiment.Table1Row) string { return t.Energy }},
	} {
		row := []string{f.name}
		for _, c := range r.Columns {
			if c.Table1 == nil {
				row = append(row, "– ("+c.Errors["table1"]+")")
				continue
			}
			row = append(row, f.get(c.Table1))
		}
		p := r.Paper.Table1
		t1.Rows = append(t1.Rows, append(row, f.get(&p)))
	}
	page.Sections = append(page.Sections, HTMLSection{ID: "table1", Title: "Table 1: the mReLU row of each device",
		Intro:  []string{"The paper's Table 1 row of the mReLU against the row each device gets from this run: the model from its solved transfer curve, the energy from the device-level pulse and the circuit transient."},
		Tables: []HTMLTable{t1}})

	var files [][]string
	for _, d := range s.Devices {
		files = append(files, []string{d.ParamsFile, "parameters of " + d.Name + " (readable by --params)"})
	}
	files = append(files, []string{"compare.json", "every number, null where there is none"}, []string{"compare.csv", "one row per quantity, a column per device and the paper"},
		[]string{"transfer.csv, r_of_i.csv, accuracy.csv", "the plotted curves, a column per device"})
	page.Sections = append(page.Sections, HTMLSection{ID: "files", Title: "Files", Tables: []HTMLTable{{Header: []string{"file", "holds"}, Rows: files}}})
	return page
}
