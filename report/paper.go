package report

// Files of `mrelu paper`: every part written by its own writer into its
// own subfolder (device/iv, device/sweep, device/pulse, device/tft,
// neuron/transfer, neuron/pulse, neuron/spice, neuron/montecarlo,
// neuron/montecarlo-trim, fig4, edges, edges/variation, energy, table1),
// then summary.json (every headline number, ours beside the paper's),
// params.json and device_params.json (the parameters used, for --params)
// and report.html (one self-contained page laid out like the paper).

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
)

// PaperOptions are the presentation settings of WritePaper.
type PaperOptions struct {
	// Command is the command line of the run (shown in the report).
	Command string
	// Out is the output folder as the user named it (used in the
	// equivalent single-experiment commands); default: the folder written.
	Out string
	// ParamsFile is the --params file as given ("" for the defaults).
	ParamsFile string
	// Log receives one line per file group written (may be nil).
	Log func(format string, args ...any)
	// CNN, when set, is the summary of a `mrelu cnn` study read from the
	// folder CNNDir (ReadCNNSummary): its files are copied into cnn/ and
	// report.html shows its section (mrelu paper --cnn DIR).
	CNN    *CNNSummary
	CNNDir string
}

// logger returns Log made safe for the parallel writers (a no-op when nil).
func (o PaperOptions) logger() func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		if o.Log != nil {
			mu.Lock()
			o.Log(format, args...)
			mu.Unlock()
		}
	}
}

// PaperSummary is summary.json of `mrelu paper`.
type PaperSummary struct {
	Title   string `json:"title"`
	Mode    string `json:"mode"` // "quick" or "full"
	Quick   bool   `json:"quick"`
	Command string `json:"command"`
	Seed    uint64 `json:"seed"`
	// ParamsFile is the --params file ("" for the built-in defaults).
	ParamsFile string   `json:"params_file"`
	QuickNotes []string `json:"quick_differences,omitempty"`
	Started    string   `json:"started"`
	// Seconds is the wall time per stage, TotalSeconds the experiments,
	// WriteSeconds the writing of every file before summary.json.
	Seconds      map[string]float64 `json:"stage_seconds"`
	TotalSeconds float64            `json:"total_seconds"`
	WriteSeconds float64            `json:"write_seconds"`
	Machine      map[string]any     `json:"machine"`
	Ngspice      struct {
		Available bool   `json:"available"`
		Ran       bool   `json:"ran"`
		Note      string `json:"note,omitempty"`
	} `json:"ngspice"`
	// Headlines are the numbers of the paper-versus-ours table; Columns
	// names its value columns: "paper", "ours", or, in a run with another
	// device than the default, "default", "yours", "paper" ("yours" is
	// each headline's "ours").
	Headlines []PaperValue `json:"headlines"`
	Columns   []string     `json:"columns"`
	// Parts hold each writer's own summary (also in its subfolder).
	Parts struct {
		DeviceIV       DeviceIVSummary       `json:"device_iv"`
		DeviceSweep    DeviceSweepSummary    `json:"device_sweep"`
		DevicePulse    DevicePulseSummary    `json:"device_pulse"`
		DeviceTFT      DeviceTFTSummary      `json:"device_tft"`
		Transfer       NeuronTransferSummary `json:"neuron_transfer"`
		NeuronPulse    NeuronPulseSummary    `json:"neuron_pulse"`
		Spice          *NeuronSpiceSummary   `json:"neuron_spice"`
		MonteCarlo     NeuronMCSummary       `json:"neuron_montecarlo"`
		MonteCarloTrim NeuronMCSummary       `json:"neuron_montecarlo_trim"`
		Fig4           Fig4Summary           `json:"fig4"`
		Edges          *EdgesSummary         `json:"edges"`
		EdgesVaried    *EdgesSummary         `json:"edges_variation,omitempty"`
		Energy         *EnergySummary        `json:"energy"`
	} `json:"parts"`
	Table1 []experiment.Table1Row `json:"table1"`
	Params struct {
		Memristor device.Memristor `json:"memristor"`
		TFT       device.TFT       `json:"tft"`
		Neuron    neuron.Params    `json:"neuron"`
	} `json:"params"`
	Config  experiment.PaperConfig `json:"config"`
	Figures []string               `json:"figures"`
	Notes   []string               `json:"notes"`
	// CNN is the summary of the `mrelu cnn` study shown in report.html
	// (mrelu paper --cnn DIR; absent without), copied with its files into
	// cnn/.
	CNN *CNNSummary `json:"cnn,omitempty"`
}

// Value returns the headline with key, or nil.
func (s *PaperSummary) Value(key string) *PaperValue {
	if k := slices.IndexFunc(s.Headlines, func(v PaperValue) bool { return v.Key == key }); k >= 0 {
		return &s.Headlines[k]
	}
	return nil
}

// paperParamsFile is params.json of a paper run: readable back by
// `mrelu paper --params` and `mrelu neuron/edges --params` ("settings" is
// ignored).
type paperParamsFile struct {
	Memristor device.Memristor `json:"memristor"`
	TFT       device.TFT       `json:"tft"`
	Neuron    neuron.Params    `json:"neuron"`
	Settings  struct {
		Command string                 `json:"command"`
		Config  experiment.PaperConfig `json:"config"`
	} `json:"settings"`
}

// paperCommands builds the equivalent single-experiment command lines.
type paperCommands struct {
	out, devParams, allParams, seed string
}

func (c paperCommands) device(sub, extra string) string {
	return strings.TrimSpace(fmt.Sprintf("mrelu device %s %s%s --out %s", sub, extra, c.devParams, ShellQuote(filepath.Join(c.out, "device", sub))))
}

func (c paperCommands) neuron(sub, folder, extra string) string {
	return strings.TrimSpace(fmt.Sprintf("mrelu neuron %s %s%s --out %s", sub, extra, c.allParams, ShellQuote(filepath.Join(c.out, "neuron", folder))))
}

// WritePaper writes every part of r into dir (see the file comment) and
// returns the summary written to summary.json.
func WritePaper(dir string, r *experiment.PaperResult, opt PaperOptions) (*PaperSummary, error) {
	t0 := time.Now()
	logf := opt.logger()
	cfg := r.Config
	s := &PaperSummary{Title: "Memristive ReLU neuron (Oh, Kim et al., Adv. Mater. 2023): the paper reproduced in simulation",
		Mode: "full", Quick: cfg.Quick, Command: opt.Command, Seed: cfg.Seed, ParamsFile: opt.ParamsFile,
		Started: r.Started.Format(time.RFC3339), Seconds: r.Seconds, TotalSeconds: r.Total, Config: cfg,
		Machine: map[string]any{"go": runtime.Version(), "cpus": runtime.NumCPU(), "goos": runtime.GOOS, "goarch": runtime.GOARCH}}
	if cfg.Quick {
		s.Mode = "quick"
	}
	s.QuickNotes = cfg.QuickDifferences()
	s.Params.Memristor, s.Params.TFT, s.Params.Neuron = cfg.Device.Memristor, cfg.Device.TFT, cfg.Neuron
	s.Ngspice.Available = experiment.NgspiceAvailable()
	s.Ngspice.Note = r.SpiceNote
	s.Ngspice.Ran = r.Spice != nil && r.Spice.Ran

	if err := writePaperParts(dir, r, s, logf); err != nil {
		return s, err
	}
	s.Table1 = r.Table1
	if err := writePaperParams(dir, r, opt); err != nil {
		return s, err
	}

	out := opt.Out
	if out == "" {
		out = dir
	}
	cmds := paperCommands{out: out}
	if opt.ParamsFile != "" {
		cmds.devParams = " --params " + ShellQuote(filepath.Join(out, "device_params.json"))
		cmds.allParams = " --params " + ShellQuote(filepath.Join(out, "params.json"))
	}
	cmds.seed = fmt.Sprint(cfg.Seed)

	s.Headlines = paperHeadlines(r, s)
	s.Columns = []string{"paper", "ours"}
	if r.Default != nil {
		if err := writePaperDefault(dir, r, s); err != nil {
			return s, err
		}
		s.Columns = []string{"default", "yours", "paper"}
	}
	s.Notes = []string{
		"ours: produced by this run; paper: the number the paper reports (null where it gives only a qualitative statement, in paper_text)",
		"source: the file under the output folder the number was read from; every part's folder also holds params.json (the parameters and settings it ran with)",
		fmt.Sprintf("latency and energy are reported twice: device level (the memristor alone under the paper's kind of voltage pulse, Fig. 3f) and circuit level (the whole 2T-1M neuron at VDD = %g V); docs/neuron.md section 5 explains why they differ", cfg.Neuron.VDD),
	}
	if opt.CNN != nil {
		if err := CopyCNNFiles(opt.CNNDir, filepath.Join(dir, "cnn"), opt.CNN); err != nil {
			return s, err
		}
		s.CNN = opt.CNN
		s.Notes = append(s.Notes, "cnn: the mrelu cnn study read from "+opt.CNNDir+" (not run by this command), copied into cnn/")
	}
	page, figs := paperPage(r, s, cmds)
	s.Figures = figs
	s.WriteSeconds = time.Since(t0).Seconds()
	if err := WriteJSON(filepath.Join(dir, "summary.json"), s); err != nil {
		return s, err
	}
	if err := WriteHTML(filepath.Join(dir, "report.html"), page); err != nil {
		return s, err
	}
	logf("wrote summary.json and report.html")
	return s, nil
}

// writePaperDefault writes the default device's parts of a run with
// another device into default/ and puts its numbers into the headlines:
// the device and neuron quantities, computed as the run's own are
// (paperHeadlines on the default device's parts).
func writePaperDefault(dir string, r *experiment.PaperResult, s *PaperSummary) error {
	def := r.Default
	d := *s
	p := &d.Parts
	p.DeviceIV, p.DevicePulse = SummarizeDeviceIV(def.IV), SummarizeDevicePulse(def.Pulse)
	// The parts without a summary function are written (without plots
	// where the writer allows) into default/.
	for _, w := range []struct {
		key string
		fn  func(dir string) error
	}{
		{"device/sweep", func(dir string) (err error) { p.DeviceSweep, err = WriteDeviceSweep(dir, def.Sweep, false); return }},
		{"device/tft", func(dir string) (err error) { p.DeviceTFT, err = WriteDeviceTFT(dir, def.TFT, false); return }},
		{"neuron/transfer", func(dir string) (err error) { p.Transfer, err = WriteNeuronTransfer(dir, def.Transfer, false); return }},
		{"neuron/pulse", func(dir string) (err error) {
			p.NeuronPulse, err = WriteNeuronPulse(dir, def.NeuronPulse, false)
			return
		}},
	} {
		sub := filepath.Join(dir, "default", filepath.FromSlash(w.key))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := w.fn(sub); err != nil {
			return fmt.Errorf("report: paper: default/%s: %w", w.key, err)
		}
	}
	vals := map[string]PaperValue{}
	for _, h := range paperHeadlines(r, &d) {
		if (strings.HasPrefix(h.Key, "device.") || strings.HasPrefix(h.Key, "neuron.")) &&
			!strings.HasPrefix(h.Key, "neuron.mc") && !strings.HasPrefix(h.Key, "neuron.ngspice") {
			vals[h.Key] = h
		}
	}
	for k := range s.Headlines {
		if v, ok := vals[s.Headlines[k].Key]; ok {
			n := v.Ours
			s.Headlines[k].Default, s.Headlines[k].DefaultText = &n, v.OursText
		}
	}
	return nil
}

// writePaperParts writes each part of r that was run into its folder (in
// parallel, the parts go to different folders and fill different fields of
// s) and fills s.Parts.
func writePaperParts(dir string, r *experiment.PaperResult, s *PaperSummary, logf func(string, ...any)) error {
	sub := func(parts ...string) (string, error) {
		d := filepath.Join(append([]string{dir}, parts...)...)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return d, fmt.Errorf("report: %w", err)
		}
		return d, nil
	}
	type step struct {
		key string
		fn  func(d string) error
	}
	steps := []step{
		{"device/iv", func(d string) (err error) { s.Parts.DeviceIV, err = WriteDeviceIV(d, r.IV, true); return }},
		{"device/sweep", func(d string) (err error) { s.Parts.DeviceSweep, err = WriteDeviceSweep(d, r.Sweep, true); return }},
		{"device/pulse", func(d string) (err error) { s.Parts.DevicePulse, err = WriteDevicePulse(d, r.Pulse, true); return }},
		{"device/tft", func(d string) (err error) { s.Parts.DeviceTFT, err = WriteDeviceTFT(d, r.TFT, true); return }},
		{"neuron/transfer", func(d string) (err error) { s.Parts.Transfer, err = WriteNeuronTransfer(d, r.Transfer, true); return }},
		{"neuron/pulse", func(d string) (err error) {
			s.Parts.NeuronPulse, err = WriteNeuronPulse(d, r.NeuronPulse, true)
			return
		}},
		{"neuron/spice", func(d string) (err error) { s.Parts.Spice, err = WriteNeuronSpice(d, r.Spice, true); return }},
		{"neuron/montecarlo", func(d string) (err error) {
			s.Parts.MonteCarlo, err = WriteNeuronMonteCarlo(d, r.MonteCarlo, true)
			return
		}},
		{"neuron/montecarlo-trim", func(d string) (err error) {
			s.Parts.MonteCarloTrim, err = WriteNeuronMonteCarlo(d, r.MonteCarloTrim, true)
			return
		}},
		{"fig4", func(d string) (err error) { s.Parts.Fig4, err = WriteFig4(d, r.Fig4, true); return }},
		{"edges", func(d string) (err error) { s.Parts.Edges, err = WriteEdges(d, r.Edges, true); return }},
		{"edges/variation", func(d string) (err error) {
			if r.EdgesVaried == nil {
				return nil
			}
			s.Parts.EdgesVaried, err = WriteEdges(d, r.EdgesVaried, true)
			return
		}},
		{"energy", func(d string) (err error) { s.Parts.Energy, err = WriteEnergy(d, r.Energy); return }},
		{"table1", func(d string) error { return WriteTable1(d, r.Table1) }},
	}
	// The parts go to different folders and fill different fields of s,
	// so they are written in parallel (plots dominate), the largest first.
	var todo []step
	for _, st := range steps {
		if st.key == "edges/variation" && r.EdgesVaried == nil {
			continue
		}
		if !paperHas(r, st.key) {
			continue // not run: the run failed before it
		}
		if _, err := sub(strings.Split(st.key, "/")...); err != nil {
			return err
		}
		todo = append(todo, st)
	}
	heavy := map[string]int{"fig4": 0, "edges": 1, "edges/variation": 2, "device/pulse": 3}
	sort.SliceStable(todo, func(a, b int) bool {
		ha, oka := heavy[todo[a].key]
		hb, okb := heavy[todo[b].key]
		return oka && (!okb || ha < hb)
	})
	errs := make([]error, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 4) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(todo) {
					return
				}
				st := todo[k]
				t := time.Now()
				if err := st.fn(filepath.Join(dir, filepath.FromSlash(st.key))); err != nil {
					errs[k] = fmt.Errorf("report: paper: %s: %w", st.key, err)
					continue
				}
				logf("wrote %s (%.1f s)", st.key+"/", time.Since(t).Seconds())
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// paperHas reports whether the part key of r was run (a failed run has the
// parts before its failed stage).
func paperHas(r *experiment.PaperResult, key string) bool {
	switch key {
	case "device/iv":
		return r.IV != nil
	case "device/sweep":
		return r.Sweep != nil
	case "device/pulse":
		return r.Pulse != nil
	case "device/tft":
		return r.TFT != nil
	case "neuron/transfer":
		return r.Transfer != nil
	case "neuron/pulse":
		return r.NeuronPulse != nil
	case "neuron/spice":
		return r.Spice != nil
	case "neuron/montecarlo":
		return r.MonteCarlo != nil
	case "neuron/montecarlo-trim":
		return r.MonteCarloTrim != nil
	case "fig4":
		return r.Fig4 != nil
	case "edges":
		return r.Edges != nil
	case "edges/variation":
		return r.EdgesVaried != nil
	case "energy", "table1":
		return r.Energy != nil
	}
	return false
}

// writePaperParams writes params.json and device_params.json: the
// parameters used, readable back by --params.
func writePaperParams(dir string, r *experiment.PaperResult, opt PaperOptions) error {
	cfg := r.Config
	pf := paperParamsFile{Memristor: cfg.Device.Memristor, TFT: cfg.Device.TFT, Neuron: cfg.Neuron}
	pf.Settings.Command, pf.Settings.Config = opt.Command, cfg
	if err := WriteJSON(filepath.Join(dir, "params.json"), pf); err != nil {
		return err
	}
	dp := cfg.Device
	dp.Settings = nil
	return WriteJSON(filepath.Join(dir, "device_params.json"), dp)
}
