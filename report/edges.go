package report

// Files of `mrelu edges` (paper, Fig. 5): per filter the summation-current
// and output-voltage maps as CSV and as heat maps with colour bars, the
// four representative patches, the whole-image figure and edges.json. The
// file names are a contract with users; keep them.

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot/vg"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/vision"
)

// EdgesStats is vision.Stats with NaN written as null.
type EdgesStats struct {
	CurrentMin         Num `json:"current_min_A"`
	CurrentMax         Num `json:"current_max_A"`
	NegativeFraction   Num `json:"negative_current_fraction"`
	MaxVoutNegative    Num `json:"max_vout_negative_current_V"`
	VoutMin            Num `json:"vout_min_V"`
	VoutMax            Num `json:"vout_max_V"`
	SaturatedFraction  Num `json:"saturated_fraction"`
	PearsonReLU        Num `json:"pearson_vs_relu"`
	PearsonBoundedReLU Num `json:"pearson_vs_bounded_relu"`
}

func edgesStats(s vision.Stats) EdgesStats {
	return EdgesStats{Num(s.CurrentMin), Num(s.CurrentMax), Num(s.NegativeFraction),
		Num(s.MaxVoutNegative), Num(s.VoutMin), Num(s.VoutMax), Num(s.SaturatedFraction),
		Num(s.PearsonReLU), Num(s.PearsonBoundedReLU)}
}

// EdgesFilter is one filter's entry in edges.json. The embedded
// statistics describe the written maps (with the variation when there is
// one); Ideal describes the neuron without variation.
type EdgesFilter struct {
	Name   string        `json:"name"`
	Kernel [3][3]float64 `json:"kernel"`
	// Files names the filter's outputs.
	Files []string `json:"files"`
	// MirrorGain, KneeCurrent (A), FullScale (A) and Design (A): the
	// neuron sees MirrorGain·I + KneeCurrent; Design is the column current
	// mapped to the target fraction of VDD.
	MirrorGain  Num `json:"mirror_gain"`
	KneeCurrent Num `json:"knee_compensation_A"`
	FullScale   Num `json:"full_scale_current_A"`
	Design      Num `json:"design_current_A"`
	EdgesStats
	// PearsonIdeal is the Pearson correlation with software ReLU without
	// variation, PearsonVaried with it (null without variation).
	PearsonIdeal  Num        `json:"pearson_vs_relu_ideal"`
	PearsonVaried Num        `json:"pearson_vs_relu_with_variation"`
	Ideal         EdgesStats `json:"ideal"`
	// ConstantMap says why the output map (without variation) is constant
	// (vision.Result.Degenerate); absent when the map varies.
	ConstantMap string `json:"constant_map,omitempty"`
}

// EdgesSummary is edges.json.
type EdgesSummary struct {
	Image struct {
		Source string `json:"source"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
	} `json:"image"`
	Output struct {
		Width    int    `json:"width"`
		Height   int    `json:"height"`
		X0       int    `json:"x0"`
		Y0       int    `json:"y0"`
		Boundary string `json:"boundary"`
		// CSV describes the map files.
		CSV string `json:"csv"`
	} `json:"output"`
	Crossbar struct {
		ReadScale Num `json:"read_scale_V"`
		GMin      Num `json:"g_min_S"`
		GMax      Num `json:"g_max_S"`
		GScale    Num `json:"g_scale_S_per_unit_weight"`
	} `json:"crossbar"`
	Neuron struct {
		VDD            Num `json:"vdd_V"`
		Floor          Num `json:"off_level_V"`
		MaxVout        Num `json:"saturation_V"`
		Onset          Num `json:"onset_current_A"`
		Target         Num `json:"target_current_A"`
		TargetFraction Num `json:"target_vdd_fraction"`
		Slope          Num `json:"slope_V_per_A"`
		R2             Num `json:"linear_fit_r2"`
		IMin           Num `json:"transfer_i_min_A"`
		IMax           Num `json:"transfer_i_max_A"`
		Points         int `json:"transfer_points"`
	} `json:"neuron"`
	Config    vision.Config  `json:"config"`
	Variation Num            `json:"variation"`
	Seed      uint64         `json:"seed"`
	Patches   []vision.Patch `json:"patches"`
	Filters   []EdgesFilter  `json:"filters"`
	Figures   []string       `json:"figures"`
	Timing    struct {
		Transfer Num `json:"transfer_s"`
		Detect   Num `json:"detect_s"`
	} `json:"timing"`
}

// edgesParamsFile is params.json: the neuron circuit parameters in the
// form `--params` reads back, and the run's setting.
type edgesParamsFile struct {
	Memristor device.Memristor       `json:"memristor"`
	TFT       device.TFT             `json:"tft"`
	Neuron    neuron.Params          `json:"neuron"`
	Settings  edgesParamsFileSetting `json:"settings"`
}

type edgesParamsFileSetting struct {
	Command string                 `json:"command"`
	Config  experiment.EdgesConfig `json:"config"`
}

// EdgesSummaryOf builds edges.json's content.
func EdgesSummaryOf(r *experiment.EdgesResult, plots bool) *EdgesSummary {
	res := r.Result
	s := &EdgesSummary{Config: res.Config, Variation: Num(res.Config.Variation), Seed: res.Config.Seed, Patches: r.Patches}
	s.Image.Source, s.Image.Width, s.Image.Height = r.ImageName, res.InW, res.InH
	s.Output.Width, s.Output.Height, s.Output.X0, s.Output.Y0 = res.W, res.H, res.X0, res.Y0
	s.Output.Boundary = res.Config.Boundary.String()
	s.Output.CSV = fmt.Sprintf("%d lines of %d comma-separated numbers, image row y on line y+1; output pixel (x, y) is centred on input pixel (x+%d, y+%d)",
		res.H, res.W, res.X0, res.Y0)
	s.Crossbar.ReadScale, s.Crossbar.GMin, s.Crossbar.GMax = Num(res.Config.ReadScale), Num(res.Config.GMin), Num(res.Config.GMax)
	s.Crossbar.GScale = Num(res.GScale)
	n := r.Neuron
	s.Neuron.VDD, s.Neuron.Floor, s.Neuron.MaxVout = Num(res.VDD), Num(n.Floor), Num(n.MaxVout)
	s.Neuron.Onset, s.Neuron.Target, s.Neuron.TargetFraction = Num(n.Onset), Num(res.Target), Num(res.Config.Target)
	s.Neuron.Slope, s.Neuron.R2 = Num(n.Metrics.Slope), Num(n.Metrics.R2)
	s.Neuron.IMin, s.Neuron.IMax, s.Neuron.Points = Num(r.Config.IMin), Num(r.Config.IMax), r.Config.Points
	s.Timing.Transfer, s.Timing.Detect = Num(r.TransferSeconds), Num(r.DetectSeconds)
	for _, f := range res.Filters {
		name := f.Kernel.Name
		e := EdgesFilter{Name: name, Kernel: f.Kernel.W, MirrorGain: Num(f.Gain), KneeCurrent: Num(f.Offset),
			FullScale: Num(f.FullScale), Design: Num(f.Design), Ideal: edgesStats(f.Ideal),
			PearsonIdeal: Num(f.Ideal.PearsonReLU), PearsonVaried: Num(math.NaN())}
		e.EdgesStats = e.Ideal
		if f.Varied != nil {
			e.EdgesStats = edgesStats(*f.Varied)
			e.PearsonVaried = Num(f.Varied.PearsonReLU)
		}
		if err := res.Degenerate(f); err != nil {
			e.ConstantMap = err.Error()
		}
		e.Files = []string{name + "_current_A.csv", name + "_vout_V.csv"}
		if plots {
			for _, b := range []string{"_current", "_vout", "_patches"} {
				e.Files = append(e.Files, name+b+".png", name+b+".svg")
			}
		}
		s.Filters = append(s.Filters, e)
	}
	if plots {
		s.Figures = []string{"edges.png", "edges.svg"}
	}
	return s
}

// WriteEdges writes into dir, for each filter <name>_current_A.csv and
// <name>_vout_V.csv (one image row per line) and, with plots, heat maps
// with colour bars <name>_current.png/.svg, <name>_vout.png/.svg and
// <name>_patches.png/.svg (the four patches: input, current, voltage);
// then edges.png/.svg (input image with the patches marked, and every
// filter's output map), edges.json and params.json. It returns the
// summary written to edges.json.
func WriteEdges(dir string, r *experiment.EdgesResult, plots bool) (*EdgesSummary, error) {
	res := r.Result
	for _, f := range res.Filters {
		name := f.Kernel.Name
		if err := WriteMapCSV(filepath.Join(dir, name+"_current_A.csv"), f.Current, res.W); err != nil {
			return nil, err
		}
		if err := WriteMapCSV(filepath.Join(dir, name+"_vout_V.csv"), f.Vout, res.W); err != nil {
			return nil, err
		}
		if !plots {
			continue
		}
		if err := edgesMapFigures(dir, r, f); err != nil {
			return nil, err
		}
		if err := edgesPatchFigure(dir, r, f); err != nil {
			return nil, err
		}
	}
	if plots {
		if err := edgesOverview(dir, r); err != nil {
			return nil, err
		}
	}
	s := EdgesSummaryOf(r, plots)
	if err := WriteJSON(filepath.Join(dir, "edges.json"), s); err != nil {
		return nil, err
	}
	p := edgesParamsFile{Memristor: r.Config.Device.Memristor, TFT: r.Config.Device.TFT, Neuron: r.Config.Neuron,
		Settings: edgesParamsFileSetting{Command: "edges", Config: r.Config}}
	if err := WriteJSON(filepath.Join(dir, "params.json"), p); err != nil {
		return nil, err
	}
	return s, nil
}

// WriteMapCSV writes a row-major map of width w as CSV without a header:
// one map row per line, comma-separated, each value the shortest decimal
// that reads back as the same float32.
func WriteMapCSV(path string, m []float32, w int) error {
	if w <= 0 || len(m)%w != 0 {
		return fmt.Errorf("report: %s: %d values do not make rows of %d", path, len(m), w)
	}
	buf := make([]byte, 0, len(m)*12)
	for i, v := range m {
		if i%w != 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
		if i%w == w-1 {
			buf = append(buf, '\n')
		}
	}
	return WriteFileAtomic(path, buf)
}

// to64 is v·scale in float64.
func to64(v []float32, scale float64) []float64 {
	return mapped(v, func(x float32) float64 { return float64(x) * scale })
}

// absMax is the largest |v|, at least floor.
func absMax(v []float64, floor float64) float64 {
	m := floor
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

// currentMap is the summation-current panel in µA, colours symmetric
// about zero.
func currentMap(title string, w, h, x0, y0 int, cur []float32) *HeatMap {
	z := to64(cur, 1e6)
	m := absMax(z, 1e-6)
	return &HeatMap{Title: title, W: w, H: h, Z: z, X0: x0, Y0: y0, Min: -m, Max: m, CMap: currentCMap(),
		Label: "summation current (µA)"}
}

// voutMap is the output-voltage panel, 0 to VDD.
func voutMap(title string, w, h, x0, y0 int, v []float32, vdd float64) *HeatMap {
	return &HeatMap{Title: title, W: w, H: h, Z: to64(v, 1), X0: x0, Y0: y0, Min: 0, Max: vdd, CMap: voltCMap(),
		Label: "mReLU output Vout (V)"}
}

func (r *edgeRun) variationNote() string {
	if v := r.Result.Config.Variation; v > 0 {
		return fmt.Sprintf(", %.3g %% variation", 100*v)
	}
	return ""
}

type edgeRun struct{ *experiment.EdgesResult }

// edgesMapFigures writes <name>_current and <name>_vout.
func edgesMapFigures(dir string, er *experiment.EdgesResult, f *vision.Filter) error {
	r := edgeRun{er}
	res := r.Result
	name := f.Kernel.Name
	cm := currentMap(fmt.Sprintf("%s filter: summation current", name), res.W, res.H, 0, 0, f.Current)
	if err := SaveHeatMaps(filepath.Join(dir, name+"_current"), [][]*HeatMap{{cm}}, 6*vg.Inch, 5*vg.Inch); err != nil {
		return err
	}
	vm := voutMap(fmt.Sprintf("%s filter: mReLU output%s", name, r.variationNote()), res.W, res.H, 0, 0, f.Vout, res.VDD)
	return SaveHeatMaps(filepath.Join(dir, name+"_vout"), [][]*HeatMap{{vm}}, 6*vg.Inch, 5*vg.Inch)
}

// edgesPatchFigure writes <name>_patches: one row per patch with the
// input intensities, the summation currents and the output voltages
// (Fig. 5b-d), the current colours shared by the four patches.
func edgesPatchFigure(dir string, er *experiment.EdgesResult, f *vision.Filter) error {
	r := edgeRun{er}
	res := r.Result
	img := r.Image
	m := 1e-6
	for _, p := range r.Patches {
		m = absMax(to64(vision.Extract(f.Current, res.W, p.X, p.Y, p.Size), 1e6), m)
	}
	var cells [][]*HeatMap
	for _, p := range r.Patches {
		s := p.Size
		in := &HeatMap{Title: fmt.Sprintf("%s %s: input", p.Label, p.Kind), W: s, H: s, X0: p.ImageX, Y0: p.ImageY,
			Z: vision.Extract(img.Pix, img.W, p.ImageX, p.ImageY, s), Min: 0, Max: 1, CMap: grayCMap(), Label: "intensity (–)", Values: cellValue}
		cm := currentMap(fmt.Sprintf("%s: %s current", p.Label, f.Kernel.Name), s, s, p.X, p.Y, vision.Extract(f.Current, res.W, p.X, p.Y, s))
		cm.Min, cm.Max = -m, m
		vm := voutMap(fmt.Sprintf("%s: Vout%s", p.Label, r.variationNote()), s, s, p.X, p.Y, vision.Extract(f.Vout, res.W, p.X, p.Y, s), res.VDD)
		cm.Values, vm.Values = cellValue, cellValue
		cells = append(cells, []*HeatMap{in, cm, vm})
	}
	// Large enough to read each cell's value (about 0.3 inch a cell).
	return SaveHeatMaps(filepath.Join(dir, f.Kernel.Name+"_patches"), cells, 4.6*vg.Inch, 3.9*vg.Inch)
}

// edgesOverview writes edges.png/.svg: the input image with the patches
// marked (Fig. 5a) and every filter's output map (Fig. 5e).
func edgesOverview(dir string, er *experiment.EdgesResult) error {
	r := edgeRun{er}
	res := r.Result
	img := r.Image
	in := &HeatMap{Title: "input: " + filepath.Base(r.ImageName), W: img.W, H: img.H, Z: img.Pix, Min: 0, Max: 1,
		CMap: grayCMap(), Label: fmt.Sprintf("intensity (× %.3g V read)", res.Config.ReadScale)}
	boxColors := []color.Color{
		color.RGBA{0, 200, 255, 255}, color.RGBA{255, 80, 200, 255}, color.RGBA{80, 255, 80, 255}, color.RGBA{255, 200, 0, 255},
	}
	for i, p := range r.Patches {
		in.Boxes = append(in.Boxes, HeatBox{Label: p.Label, X: p.ImageX, Y: p.ImageY, Size: p.Size, Color: boxColors[i%len(boxColors)]})
	}
	row := []*HeatMap{in}
	for _, f := range res.Filters {
		row = append(row, voutMap(fmt.Sprintf("%s filter: Vout%s", f.Kernel.Name, r.variationNote()), res.W, res.H, res.X0, res.Y0, f.Vout, res.VDD))
	}
	return SaveHeatMaps(filepath.Join(dir, "edges"), [][]*HeatMap{row}, 4.6*vg.Inch, 4*vg.Inch)
}
