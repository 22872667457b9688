package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/experiment"
)

// TestTrainSeedsAndNoise runs `train --seeds` with each noise model on a
// tiny set and checks the summary's seed, noise and saturation fields.
func TestTrainSeedsAndNoise(t *testing.T) {
	data := tinyData(t)
	for _, c := range []struct {
		act, noise string
		seeds      int
		wantNoise  string
		wantSat    bool
	}{
		{"mrelu", "fullscale", 3, "fullscale", true},
		{"mrelu", "proportional", 1, "proportional", true},
		{"mrelu", "input", 2, "input", true},
		{"mrelu", "d2d", 2, "d2d", true},
		{"mrelu-ideal", "fullscale", 2, "none", true},
		{"relu", "proportional", 2, "", false},
	} {
		out := filepath.Join(t.TempDir(), "run")
		runOK(t, "train", "--data", data, "--act", c.act, "--noise", c.noise, "--seeds", strconv.Itoa(c.seeds), "--epochs", "2", "--batch", "30", "--hidden", "16,8", "--out", out)
		var s struct {
			TestAccuracy float64  `json:"test_accuracy"`
			Mean         *float64 `json:"test_accuracy_mean"`
			SD           *float64 `json:"test_accuracy_sd"`
			PerSeed      []struct {
				Seed         uint64
				TestAccuracy float64 `json:"test_accuracy"`
			} `json:"test_accuracy_per_seed"`
			NoiseModel string      `json:"noise_model"`
			Saturated  [][]float64 `json:"saturated_fraction_per_layer"`
		}
		b := readSummary(t, out, &s)
		name := c.act + "/" + c.noise
		if s.Mean == nil || s.SD == nil || len(s.PerSeed) != c.seeds {
			t.Fatalf("%s: seed fields missing: %s", name, b)
		}
		var sum float64
		for i, p := range s.PerSeed {
			if p.Seed != uint64(1+i) {
				t.Errorf("%s: seed %d is %d", name, i, p.Seed)
			}
			sum += p.TestAccuracy
		}
		if s.PerSeed[0].TestAccuracy != s.TestAccuracy || math.Abs(sum/float64(c.seeds)-*s.Mean) > 1e-12 {
			t.Errorf("%s: mean %v of %+v (first %v)", name, *s.Mean, s.PerSeed, s.TestAccuracy)
		}
		var ss float64
		for _, p := range s.PerSeed {
			ss += (p.TestAccuracy - *s.Mean) * (p.TestAccuracy - *s.Mean)
		}
		want := 0.0
		if c.seeds > 1 {
			want = math.Sqrt(ss / float64(c.seeds-1))
		}
		if math.Abs(*s.SD-want) > 1e-12 {
			t.Errorf("%s: s.d. %v, want %v (sample s.d. of %+v)", name, *s.SD, want, s.PerSeed)
		}
		if s.NoiseModel != c.wantNoise {
			t.Errorf("%s: noise_model %q, want %q", name, s.NoiseModel, c.wantNoise)
		}
		if c.wantSat != (len(s.Saturated) == 2) || (c.wantSat && len(s.Saturated[0]) != 2) {
			t.Errorf("%s: saturated_fraction_per_layer %v", name, s.Saturated)
		}
		if c.seeds > 1 {
			if _, err := os.Stat(filepath.Join(out, "seeds", "seed-2", "summary.json")); err != nil {
				t.Errorf("%s: second seed's report missing: %v", name, err)
			}
		}
	}
}

// TestNoiseFlagsBad: bad --noise, --seeds and --input-scale values are
// usage errors naming the flag.
func TestNoiseFlagsBad(t *testing.T) {
	for _, args := range [][]string{
		{"train", "--noise", "pink"},
		{"train", "--seeds", "0"},
		{"train", "--input-scale", "-1e-6"},
		{"train", "--seeds", "2", "--resume", "x"},
		{"fig4", "--noise", "pink"},
		{"fig4", "--seeds", "101"},
		{"fig4", "--input-scale", "1"},
	} {
		wantExit(t, 2, append(args, "--out", filepath.Join(t.TempDir(), "o"), "--data", filepath.Join(t.TempDir(), "none")))
	}
}

// fig4Setting is what the tests read of a fig4 summary's paper_setting
// and best_hardware_aware.
type fig4Setting struct {
	Run        string  `json:"run"`
	Noise      string  `json:"noise_model"`
	InputScale float64 `json:"input_scale_A"`
	PerSeed    []any   `json:"test_accuracy_per_seed"`
}

// runTinyFig4 runs fig4 with 2 seeds and fullscale noise on a tiny data
// set, with the extra flags, and returns its output folder and stdout.
func runTinyFig4(t *testing.T, extra ...string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fig4")
	so, _ := runOK(t, append([]string{"fig4", "--data", tinyData(t), "--epochs", "2", "--batch", "30", "--hidden", "16,16",
		"--seeds", "2", "--noise", "fullscale", "--out", out}, extra...)...)
	return out, so
}

// TestFig4SeedsHardwareAware: fig4 --seeds 2 --noise fullscale records the
// seeds per run, the hardware-aware comparison and the saturation plot.
func TestFig4SeedsHardwareAware(t *testing.T) {
	out, so := runTinyFig4(t, "--acts", "relu,mrelu-ideal,mrelu", "--sweep", "0,0.099")
	var s struct {
		NoiseModel string `json:"noise_model"`
		Seeds      int    `json:"seeds"`
		Runs       []struct {
			Act     string      `json:"act"`
			PerSeed []any       `json:"test_accuracy_per_seed"`
			SDs     []float64   `json:"test_accuracy_per_epoch_sd"`
			Sat     [][]float64 `json:"saturated_fraction_per_layer"`
		} `json:"runs"`
		HW *struct {
			Noise      string `json:"noise_model"`
			IdealNoisy struct {
				PerSeed []any `json:"test_accuracy_per_seed"`
			} `json:"trained_ideal_tested_noisy"`
			NoisyNoisy struct {
				Mean float64 `json:"test_accuracy_mean"`
			} `json:"trained_noisy_tested_noisy"`
		} `json:"hardware_aware"`
		Paper *fig4Setting `json:"paper_setting"`
		Best  *fig4Setting `json:"best_hardware_aware"`
	}
	b := readSummary(t, out, &s)
	if s.NoiseModel != "fullscale" || s.Seeds != 2 || len(s.Runs) != 5 {
		t.Fatalf("summary: %s", b)
	}
	// The paper-setting run, its own row beside the best hardware-aware one.
	if s.Paper == nil || s.Paper.Run != experiment.PaperSettingName || s.Paper.Noise != "fullscale" || s.Paper.InputScale != experiment.PaperSettingInputScale ||
		len(s.Paper.PerSeed) != 2 || s.Best == nil || s.Best.Run != "mrelu" || !strings.Contains(so, "reproducing the paper's setting") {
		t.Errorf("paper_setting %+v, best_hardware_aware %+v, stdout %s", s.Paper, s.Best, so)
	}
	if csv, err := os.ReadFile(filepath.Join(out, "fig4_accuracy.csv")); err != nil || !strings.Contains(string(csv), experiment.PaperSettingName+",reproducing the paper's setting,mrelu-ideal,fullscale,") ||
		!strings.Contains(string(csv), experiment.PaperSettingAwareName+",\"the paper's setting, trained with the noise\",mrelu,fullscale,") {
		t.Errorf("fig4_accuracy.csv: %v\n%s", err, csv)
	}
	for _, r := range s.Runs {
		if len(r.PerSeed) != 2 || len(r.SDs) != 2 {
			t.Errorf("%s: seeds not recorded: %+v", r.Act, r)
		}
		if (r.Act != "relu") != (len(r.Sat) == 2) {
			t.Errorf("%s: saturation %v", r.Act, r.Sat)
		}
	}
	if s.HW == nil || s.HW.Noise != "fullscale" || len(s.HW.IdealNoisy.PerSeed) != 2 || s.HW.NoisyNoisy.Mean <= 0 {
		t.Errorf("hardware_aware: %+v", s.HW)
	}
	requireFiles(t, out, "fig4j_saturation.png", "fig4_saturation.csv")
}

// TestFig4PaperSettingTraining: at the paper setting's input scale and
// noise, the paper-setting run (trained with the ideal neuron, tested
// with the noise) gives per seed exactly the hardware-aware comparison's
// "trained ideal, tested noisy" of the mrelu-ideal run, and its
// hardware-aware twin exactly the mrelu run's accuracies.
func TestFig4PaperSettingTraining(t *testing.T) {
	out, _ := runTinyFig4(t, "--acts", "mrelu-ideal,mrelu", "--sweep", "", "--input-scale", "3.333e-6", "--plots=false")
	type perSeed struct {
		Acc   float64 `json:"test_accuracy"`
		Ideal float64 `json:"test_accuracy_ideal_neuron"`
	}
	var s struct {
		Runs []struct {
			Folder   string    `json:"folder"`
			Training string    `json:"training"`
			Noise    string    `json:"noise_model"`
			PerSeed  []perSeed `json:"test_accuracy_per_seed"`
		} `json:"runs"`
		HW struct {
			IdealNoisy struct {
				PerSeed []perSeed `json:"test_accuracy_per_seed"`
			} `json:"trained_ideal_tested_noisy"`
			IdealIdeal struct {
				PerSeed []perSeed `json:"test_accuracy_per_seed"`
			} `json:"trained_ideal_tested_ideal"`
			NoisyNoisy struct {
				PerSeed []perSeed `json:"test_accuracy_per_seed"`
			} `json:"trained_noisy_tested_noisy"`
		} `json:"hardware_aware"`
	}
	b := readSummary(t, out, &s)
	runs := map[string]int{}
	for k, r := range s.Runs {
		runs[strings.TrimPrefix(r.Folder, "runs/")] = k
	}
	ps, ok1 := runs[experiment.PaperSettingName]
	aw, ok2 := runs[experiment.PaperSettingAwareName]
	if !ok1 || !ok2 {
		t.Fatalf("runs %v", runs)
	}
	p, a := s.Runs[ps], s.Runs[aw]
	if p.Training != experiment.TrainedIdeal || p.Noise != "fullscale" || a.Training != experiment.TrainedNoisy {
		t.Errorf("paper setting %+v, aware twin %+v", p, a)
	}
	if len(p.PerSeed) != 2 || len(s.HW.IdealNoisy.PerSeed) != 2 || len(a.PerSeed) != 2 || len(s.HW.NoisyNoisy.PerSeed) != 2 {
		t.Fatalf("seeds: %s", b)
	}
	for k := range 2 {
		if p.PerSeed[k].Acc != s.HW.IdealNoisy.PerSeed[k].Acc || p.PerSeed[k].Ideal != s.HW.IdealIdeal.PerSeed[k].Acc {
			t.Errorf("seed %d: paper setting %+v, trained ideal tested noisy %+v, tested ideal %+v", k, p.PerSeed[k],
				s.HW.IdealNoisy.PerSeed[k], s.HW.IdealIdeal.PerSeed[k])
		}
		if a.PerSeed[k].Acc != s.HW.NoisyNoisy.PerSeed[k].Acc {
			t.Errorf("seed %d: aware twin %v, mrelu %v", k, a.PerSeed[k].Acc, s.HW.NoisyNoisy.PerSeed[k].Acc)
		}
	}
}
