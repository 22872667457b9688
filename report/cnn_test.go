package report

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
)

func init() {
	figureWriters = append(figureWriters, figureWriter{"cnn: three neurons, two seeds", 3, func(t *testing.T, dir string) error {
		_, err := WriteCNN(dir, tinyCNNStudy(), CNNOptions{Command: "mrelu cnn --seeds 2 --epochs 6", Plots: true})
		return err
	}})
}

// tinyCNNStudy is a CNN study result with the shape of a real one (three
// neurons, two seeds, six epochs, five weighted layers) and made-up
// numbers: sigmoid learns slowly and its first layer gets updates far
// smaller than its last; one seed of sigmoid has no update ratio in its
// first epoch (0/0), which the summary writes as null.
func tinyCNNStudy() *experiment.CNNStudyResult {
	c := experiment.CNNStudyConfig{Seeds: []uint64{1, 2}, Epochs: 6}.WithDefaults()
	r := &experiment.CNNStudyResult{Config: c, TrainN: 60000, TestN: 10000, Threads: 2, GoVersion: "go-test", WallSeconds: 42,
		Layers:         []string{"Conv2D 28x28x1 -> 28x28x6", "Activate 28x28x6 -> 28x28x6", "MaxPool2D 28x28x6 -> 14x14x6"},
		WeightedLayers: []string{"conv1", "conv2", "fc1", "fc2", "fc3"}}
	for k, act := range c.Acts {
		a := experiment.CNNStudyAct{Act: act, Params: c.Params(act, 1)}
		for _, seed := range c.Seeds {
			run := experiment.CNNStudyRun{Seed: seed, WallSeconds: 60}
			for e := 1; e <= c.Epochs; e++ {
				acc := 0.99 - 0.05/float64(e) - 0.002*float64(seed) - 0.001*float64(k)
				first := 1.0
				if act == "sigmoid" {
					acc -= 0.3 / float64(e)
					first = 0.02 * float64(e)
				}
				upd := []float64{first * 1e-4, 2e-4, 3e-4, 2e-4, 1e-4}
				ratio := upd[0] / upd[4]
				if act == "sigmoid" && seed == 2 && e == 1 {
					upd[0], upd[4], ratio = 0, 0, math.NaN()
				}
				run.Epochs = append(run.Epochs, experiment.CNNEpoch{
					EpochStats:     nn.EpochStats{Epoch: e, TrainLoss: 0.3 / float64(e), TestLoss: 0.2 / float64(e), TestAccuracy: acc, Seconds: 5, MeanAbsUpdate: upd},
					MeanAbsWeight:  []float64{0.3, 0.1, 0.05, 0.1, 0.2},
					RelativeUpdate: []float64{upd[0] / 0.3, upd[1] / 0.1, upd[2] / 0.05, upd[3] / 0.1, upd[4] / 0.2},
					UpdateRatio:    ratio})
				run.TestAccuracy = acc
			}
			reads := []int{784, 100, 1, 1, 1}
			run.Crossbar = &experiment.CNNCrossbarResult{Params: crossbar.DefaultParams(), TestAccuracy: run.TestAccuracy - 0.0003,
				SoftwareAccuracy: run.TestAccuracy, CrossbarEnergy: 1e-7 * float64(k+1) * (1 + 0.1*float64(seed)), Images: 10000,
				CNNArrays: experiment.CNNArrays{Arrays: []string{"25x6", "150x16", "400x120", "120x84", "84x10"}, Reads: reads,
					Activations: 6508, ReadTime: experiment.PaperLatency, NeuronEnergy: experiment.PaperEnergy,
					NeuronsEnergy: 6508 * experiment.PaperEnergy, Latency: 887 * experiment.PaperLatency}}
			run.Crossbar.Energy = run.Crossbar.CrossbarEnergy + run.Crossbar.NeuronsEnergy
			a.Runs = append(a.Runs, run)
		}
		r.Acts = append(r.Acts, a)
	}
	return r
}

// TestWriteCNN: the files of `mrelu cnn`, summary.json's numbers as the
// result's methods compute them (null for a ratio that is not a number),
// and the summary read back by ReadCNNSummary as written.
func TestWriteCNN(t *testing.T) {
	dir := t.TempDir()
	r := tinyCNNStudy()
	s, err := WriteCNN(dir, r, CNNOptions{Command: "mrelu cnn --out x", Plots: !testing.Short()})
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"summary.json", "report.html", "cnn_accuracy.csv", "cnn_runs.csv", "cnn_epochs.csv", "cnn_epochs_mean.csv", "cnn_layers.csv"}
	if !testing.Short() {
		for _, f := range []string{cnnAccuracyFig, cnnLayerRatioFig, cnnEpochRatioFig} {
			files = append(files, f+".png", f+".svg")
		}
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Acts []map[string]json.RawMessage `json:"acts"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Acts) != 3 || string(raw.Acts[2]["act"]) != `"sigmoid"` || !strings.HasPrefix(string(raw.Acts[2]["update_ratio_first_last_epoch1"]), "null") {
		t.Errorf("summary.json acts: %d, sigmoid's epoch-1 ratio %s (want null: one seed's is 0/0)", len(raw.Acts), raw.Acts[2]["update_ratio_first_last_epoch1"])
	}
	for k, a := range s.Acts {
		ra := &r.Acts[k]
		if st := ra.Accuracy(); a.Mean != st.Mean || a.SD != st.SD || len(a.PerSeed) != 2 {
			t.Errorf("%s: accuracy %v ± %v, result %v ± %v", a.Act, a.Mean, a.SD, st.Mean, st.SD)
		}
		m, _ := ra.LayerUpdateRatio(0)
		if len(a.LayerUpdateRatioFinalMean) != 5 || float64(a.LayerUpdateRatioFinalMean[0]) != m[0] || a.LayerUpdateRatioFinalMean[4] != 1 {
			t.Errorf("%s: final layer ratios %v, result %v", a.Act, a.LayerUpdateRatioFinalMean, m)
		}
		if em, _ := ra.Energy(); float64(a.EnergyMean) != em || !(em > 0) || float64(a.Latency) != ra.Latency() {
			t.Errorf("%s: energy %v (result %v), latency %v", a.Act, a.EnergyMean, em, a.Latency)
		}
	}
	if s.Arrays == nil || s.Arrays.TotalReads() != 887 || len(s.Arrays.Arrays) != 5 {
		t.Errorf("arrays %+v", s.Arrays)
	}
	back, err := ReadCNNSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Acts) != 3 || !math.IsNaN(float64(back.Acts[2].UpdateRatioEpoch1)) || back.Acts[0].Mean != s.Acts[0].Mean ||
		back.Command != s.Command || len(back.Figures) != len(s.Figures) || back.Arrays.TotalReads() != 887 {
		t.Errorf("read back: %+v", back.Acts)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="cnn"`, "Beyond the paper", "on crossbar arrays", "conv1", "mrelu cnn --out x"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if _, err := ReadCNNSummary(t.TempDir()); err == nil || !strings.Contains(err.Error(), "mrelu cnn") {
		t.Errorf("a folder without summary.json: %v", err)
	}
	other := t.TempDir()
	if err := WriteJSON(filepath.Join(other, "summary.json"), map[string]any{"act": "relu"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCNNSummary(other); err == nil || !strings.Contains(err.Error(), "not the summary of mrelu cnn") {
		t.Errorf("another command's summary.json: %v", err)
	}
}

// TestPaperCNNSection: `mrelu paper --cnn DIR` copies the study's files
// into cnn/ and shows its section in report.html, with its summary in
// summary.json; without a study the page says how to add one.
func TestPaperCNNSection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole (tiny) paper")
	}
	src := t.TempDir()
	if _, err := WriteCNN(src, tinyCNNStudy(), CNNOptions{Command: "mrelu cnn --out src", Plots: true}); err != nil {
		t.Fatal(err)
	}
	s, err := ReadCNNSummary(src)
	if err != nil {
		t.Fatal(err)
	}
	r := tinyPaper(t)
	with, without := t.TempDir(), t.TempDir()
	ps, err := WritePaper(with, r, PaperOptions{Command: "mrelu paper --cnn src", CNN: s, CNNDir: src})
	if err != nil {
		t.Fatal(err)
	}
	if ps.CNN == nil {
		t.Error("paper summary without its cnn part")
	}
	for _, f := range []string{"summary.json", "cnn_accuracy.csv", "cnn_layers.csv", "cnn_accuracy.png", "cnn_update_ratio.svg"} {
		if _, err := os.Stat(filepath.Join(with, "cnn", f)); err != nil {
			t.Error(err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(with, "report.html"))
	for _, want := range []string{`<section id="cnn">`, "Beyond the paper: LeNet-5", `href="cnn/cnn_layers.csv"`, "mrelu cnn --out src"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report.html with --cnn lacks %q", want)
		}
	}
	if _, err := WritePaper(without, r, PaperOptions{Command: "mrelu paper"}); err != nil {
		t.Fatal(err)
	}
	page, _ = os.ReadFile(filepath.Join(without, "report.html"))
	if strings.Contains(string(page), `<section id="cnn">`) || !strings.Contains(string(page), "mrelu paper --cnn DIR") {
		t.Error("report.html without --cnn: a CNN section, or no line saying how to add it")
	}
	if _, err := os.Stat(filepath.Join(without, "cnn")); err == nil {
		t.Error("cnn/ written without --cnn")
	}
}
