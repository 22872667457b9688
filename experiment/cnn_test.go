package experiment

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// stripes is a synthetic set of size×size images in three classes: a
// bright vertical, horizontal or diagonal stripe at a random place, on
// noise. A convolutional network separates them quickly; a linear model
// of the raw pixels cannot (the stripe moves).
func stripes(n, size int, seed uint64) *dataset.Set {
	rng := rand.New(rand.NewPCG(seed, 8))
	s := &dataset.Set{N: n, Rows: size, Cols: size, Classes: 3, Images: make([]float32, n*size*size), Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		c := rng.IntN(3)
		s.Labels[i] = uint8(c)
		img := s.Images[i*size*size : (i+1)*size*size]
		for p := range img {
			img[p] = 0.2 * rng.Float32()
		}
		at := 2 + rng.IntN(size-4)
		for k := 0; k < size; k++ {
			switch c {
			case 0:
				img[k*size+at] = 1
			case 1:
				img[at*size+k] = 1
			default:
				img[k*size+k] = 1
			}
		}
	}
	return s
}

func TestTrainCNNLearnsStripes(t *testing.T) {
	train, test := stripes(600, 12, 1), stripes(200, 12, 2)
	for _, act := range []string{"relu", "sigmoid", ActMReLU} {
		p := DefaultCNNParams()
		p.Act, p.Epochs, p.Batch, p.LR = act, 4, 20, 0.1
		if act == "sigmoid" {
			p.Epochs, p.LR = 30, 1
		}
		run, err := TrainCNN(p, train, test, nil, Progress{})
		if err != nil {
			t.Fatal(act, err)
		}
		if len(run.Epochs) != p.Epochs || len(run.Layers) != 12 {
			t.Fatalf("%s: %d epochs, %d layers", act, len(run.Epochs), len(run.Layers))
		}
		e := run.Epochs[len(run.Epochs)-1]
		if len(e.MeanAbsUpdate) != 5 || len(e.RelativeUpdate) != 5 || !(e.UpdateRatio > 0) {
			t.Fatalf("%s: update statistics %+v", act, e)
		}
		if acc := run.FinalAccuracy(); acc < 0.9 {
			t.Errorf("%s: test accuracy %.3f after %d epochs, want >= 0.9", act, acc, p.Epochs)
		}
		if (act == ActMReLU) != (run.Neuron != nil) || (act == ActMReLU) != (e.SaturatedFraction != nil) {
			t.Errorf("%s: neuron %v, saturated fraction %v", act, run.Neuron != nil, e.SaturatedFraction)
		}
	}
}

// TestTrainCNNDeterministic: the same seed gives the same run.
func TestTrainCNNDeterministic(t *testing.T) {
	train, test := stripes(100, 12, 1), stripes(50, 12, 2)
	p := DefaultCNNParams()
	p.Act, p.Epochs, p.Batch = ActMReLU, 2, 16
	model, err := SolveNeuron(defaultDevice(), defaultNeuron())
	if err != nil {
		t.Fatal(err)
	}
	var losses [2]float64
	for i := range losses {
		run, err := TrainCNN(p, train, test, model, Progress{})
		if err != nil {
			t.Fatal(err)
		}
		losses[i] = run.Epochs[1].TrainLoss
	}
	if losses[0] != losses[1] {
		t.Errorf("training losses %v differ", losses)
	}
}

func TestCNNParamsValidate(t *testing.T) {
	for _, mod := range []func(*CNNParams){
		func(p *CNNParams) { p.Model = "resnet" },
		func(p *CNNParams) { p.Act = "tanh" },
		func(p *CNNParams) { p.Epochs = 0 },
		func(p *CNNParams) { p.LR = -1 },
		func(p *CNNParams) { p.Noise = "pink" },
	} {
		p := DefaultCNNParams()
		mod(&p)
		if err := p.Validate(); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
	if _, err := TrainCNN(DefaultCNNParams(), stripes(10, 12, 1), stripes(10, 14, 1), nil, Progress{}); err == nil {
		t.Error("mismatched image shapes: no error")
	}
}

// TestCNNStudy runs the accuracy study of issue 15 on MNIST when
// MRELU_CNN_STUDY names an output file (one JSON line per run appended):
//
//	MRELU_CNN_STUDY=/tmp/cnn.jsonl MRELU_CNN_ACTS=relu,sigmoid,mrelu MRELU_CNN_SEEDS=1,2,3 \
//	  go test -run TestCNNStudy -timeout 0 ./experiment/
//
// MRELU_CNN_EPOCHS, MRELU_CNN_BATCH and MRELU_CNN_LR override the 20
// epochs, batch 100 and lr 0.1. Each run is then evaluated on
// crossbar arrays with the default parameters (CNNCrossbarEval).
func TestCNNStudy(t *testing.T) {
	out := os.Getenv("MRELU_CNN_STUDY")
	if out == "" {
		t.Skip("opt-in: set MRELU_CNN_STUDY=FILE")
	}
	train, test, err := dataset.LoadMNIST()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acts := strings.Split(envOr("MRELU_CNN_ACTS", "relu,sigmoid,mrelu"), ",")
	for _, seed := range strings.Split(envOr("MRELU_CNN_SEEDS", "1"), ",") {
		for _, act := range acts {
			p := DefaultCNNParams()
			p.Act = act
			if p.Seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
				t.Fatal(err)
			}
			for key, dst := range map[string]*int{"MRELU_CNN_EPOCHS": &p.Epochs, "MRELU_CNN_BATCH": &p.Batch} {
				if e := os.Getenv(key); e != "" {
					if *dst, err = strconv.Atoi(e); err != nil {
						t.Fatal(key, err)
					}
				}
			}
			if e := os.Getenv("MRELU_CNN_LR"); e != "" {
				if p.LR, err = strconv.ParseFloat(e, 64); err != nil {
					t.Fatal(err)
				}
			}
			run, err := TrainCNN(p, train, test, nil, Progress{Epoch: func(st nn.EpochStats) {
				t.Logf("%s seed %s epoch %d: loss %.4f acc %.4f (%.2f s)", act, seed, st.Epoch, st.TrainLoss, st.TestAccuracy, st.Seconds)
			}})
			if err != nil {
				t.Fatal(err)
			}
			xp := crossbar.DefaultParams()
			xp.Seed = p.Seed
			cb, err := CNNCrossbarEval(run, xp, 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s seed %s: test accuracy %.4f, on crossbar arrays %.4f", act, seed, run.FinalAccuracy(), cb.TestAccuracy)
			line, _ := json.Marshal(map[string]any{"params": run.Params, "epochs": run.Epochs, "threads": run.Threads,
				"final_test_accuracy": run.FinalAccuracy(), "wall_s": run.WallSeconds, "crossbar": cb})
			f.Write(append(line, '\n'))
		}
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// TestCNNCrossbarEval: the trained CNN on ideal arrays keeps its software
// accuracy (software ReLU exactly: the arrays compute the same logits up
// to rounding); the hardware neuron's run too, within its noise; and the
// energy and latency add up from their parts.
func TestCNNCrossbarEval(t *testing.T) {
	train, test := stripes(400, 12, 1), stripes(150, 12, 2)
	for _, act := range []string{"relu", ActMReLU} {
		p := DefaultCNNParams()
		p.Act, p.Epochs, p.Batch = act, 3, 20
		run, err := TrainCNN(p, train, test, nil, Progress{})
		if err != nil {
			t.Fatal(err)
		}
		xp := crossbar.DefaultParams()
		res, err := CNNCrossbarEval(run, xp, 0)
		if err != nil {
			t.Fatal(err)
		}
		tol := 0.0
		if act == ActMReLU {
			tol = 0.05 // a fresh draw of the temporal variation
		}
		if math.Abs(res.TestAccuracy-res.SoftwareAccuracy) > tol+1e-9 {
			t.Errorf("%s: crossbar accuracy %.4f, software %.4f", act, res.TestAccuracy, res.SoftwareAccuracy)
		}
		if res.Images != 150 || len(res.Reads) != 5 || res.Reads[0] != 144 || res.Reads[1] != 4 {
			t.Errorf("%s: images %d, reads %v", act, res.Images, res.Reads)
		}
		lat := float64(144+4+3) * PaperLatency
		if math.Abs(res.Latency-lat) > 1e-12*lat || math.Abs(res.Energy-res.CrossbarEnergy-float64(res.Activations)*PaperEnergy) > 1e-6*res.Energy || !(res.CrossbarEnergy > 0) {
			t.Errorf("%s: %+v", act, res)
		}
		noisy := xp
		noisy.ProgramSigma, noisy.ReadSigma, noisy.Levels = 0.05, 0.05, 16
		nr, err := CNNCrossbarEval(run, noisy, 0)
		if err != nil {
			t.Fatal(err)
		}
		if nr.TestAccuracy > res.TestAccuracy+0.05 || nr.TestAccuracy < 0.5 {
			t.Errorf("%s: accuracy with non-idealities %.3f (ideal arrays %.3f)", act, nr.TestAccuracy, res.TestAccuracy)
		}
	}
}

// TestTinyCNNStudy runs the CNN study on a tiny subset (300 training and
// 200 test images of the stripes, 1 epoch, 2 seeds, relu and mrelu) and
// checks that its statistics are those of its runs: means and sample
// s.d. over the seeds, accuracies in [0, 1], the last layer's update
// ratio 1, positive energy and latency.
func TestTinyCNNStudy(t *testing.T) {
	v := 0.05
	c := CNNStudyConfig{Acts: []string{"relu", ActMReLU}, Seeds: []uint64{4, 5}, Epochs: 1, Batch: 20, Variation: &v,
		TrainImages: 300, TestImages: 200}
	labels := map[string]int{}
	r, err := CNNStudy(c, stripes(400, 12, 1), stripes(250, 12, 2), nil, CNNStudyOptions{
		Label: func(act string, seed uint64) Progress { labels[act]++; return Progress{} }})
	if err != nil {
		t.Fatal(err)
	}
	if r.TrainN != 300 || r.TestN != 200 || len(r.Acts) != 2 || labels["relu"] != 2 || labels[ActMReLU] != 2 {
		t.Fatalf("train %d, test %d, %d acts, labels %v", r.TrainN, r.TestN, len(r.Acts), labels)
	}
	if want := []string{"conv1", "conv2", "fc1", "fc2", "fc3"}; !slices.Equal(r.WeightedLayers, want) || len(r.Layers) != 12 {
		t.Errorf("weighted layers %v (want %v), %d layers", r.WeightedLayers, want, len(r.Layers))
	}
	if r.Config.Batch != 20 || r.Config.LR != DefaultCNNParams().LR || *r.Config.Variation != v || r.Config.Crossbar == nil || r.Neuron == nil {
		t.Errorf("config with defaults %+v, neuron %v", r.Config, r.Neuron != nil)
	}
	// sd is the sample standard deviation of a and b.
	sd := func(a, b float64) float64 { return math.Abs(a-b) / math.Sqrt2 }
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for _, a := range r.Acts {
		if len(a.Runs) != 2 || a.Runs[0].Seed != 4 || a.Runs[1].Seed != 5 || a.Params.Act != a.Act {
			t.Fatalf("%s: runs %+v", a.Act, a.Runs)
		}
		r0, r1 := a.Runs[0], a.Runs[1]
		for _, run := range a.Runs {
			if len(run.Epochs) != 1 || run.Crossbar == nil || run.Crossbar.Images != 200 {
				t.Fatalf("%s seed %d: %d epochs, crossbar %+v", a.Act, run.Seed, len(run.Epochs), run.Crossbar)
			}
			for _, acc := range []float64{run.TestAccuracy, run.Crossbar.TestAccuracy} {
				if !(acc >= 0 && acc <= 1) {
					t.Errorf("%s seed %d: accuracy %g outside [0, 1]", a.Act, run.Seed, acc)
				}
			}
		}
		acc := a.Accuracy()
		if !near(acc.Mean, (r0.TestAccuracy+r1.TestAccuracy)/2) || !near(acc.SD, sd(r0.TestAccuracy, r1.TestAccuracy)) || len(acc.PerSeed) != 2 {
			t.Errorf("%s: accuracy %+v from %g, %g", a.Act, acc, r0.TestAccuracy, r1.TestAccuracy)
		}
		xa := a.CrossbarAccuracy()
		if !near(xa.Mean, (r0.Crossbar.TestAccuracy+r1.Crossbar.TestAccuracy)/2) || !near(xa.SD, sd(r0.Crossbar.TestAccuracy, r1.Crossbar.TestAccuracy)) {
			t.Errorf("%s: crossbar accuracy %+v", a.Act, xa)
		}
		m, d := a.AccuracyPerEpoch()
		if len(m) != 1 || !near(m[0], acc.Mean) || !near(d[0], acc.SD) {
			t.Errorf("%s: accuracy per epoch %v ± %v, final %v ± %v", a.Act, m, d, acc.Mean, acc.SD)
		}
		um, _ := a.UpdateRatioPerEpoch()
		lm, ld := a.LayerUpdateRatio(1)
		if len(um) != 1 || len(lm) != 5 || len(ld) != 5 || lm[4] != 1 || ld[4] != 0 || !near(lm[0], um[0]) ||
			!near(um[0], (r0.Epochs[0].UpdateRatio+r1.Epochs[0].UpdateRatio)/2) {
			t.Errorf("%s: update ratio per epoch %v, per layer %v ± %v", a.Act, um, lm, ld)
		}
		if fm, _ := a.LayerUpdateRatio(0); !slices.Equal(fm, lm) {
			t.Errorf("%s: final-epoch ratios %v differ from epoch 1's %v in a 1-epoch run", a.Act, fm, lm)
		}
		if u := a.MeanAbsUpdate(1); len(u) != 5 || !near(u[0], (r0.Epochs[0].MeanAbsUpdate[0]+r1.Epochs[0].MeanAbsUpdate[0])/2) {
			t.Errorf("%s: mean |dW| %v", a.Act, u)
		}
		em, esd := a.Energy()
		cm, _ := a.CrossbarEnergy()
		if !(em > 0) || !near(em, (r0.Crossbar.Energy+r1.Crossbar.Energy)/2) || !near(esd, sd(r0.Crossbar.Energy, r1.Crossbar.Energy)) ||
			!near(em, cm+a.NeuronsEnergy()) || !(a.Latency() > 0) || a.Latency() != r0.Crossbar.Latency {
			t.Errorf("%s: energy %g ± %g (arrays %g, neurons %g), latency %g", a.Act, em, esd, cm, a.NeuronsEnergy(), a.Latency())
		}
		if r0.Crossbar.TotalReads() != 144+4+3 {
			t.Errorf("%s: %d reads per inference, want 151", a.Act, r0.Crossbar.TotalReads())
		}
		noise, vr, scale := r.HardwareSetting(a.Act)
		if hw := a.Act == ActMReLU; hw != (noise == NoiseProportional) || hw != (vr == v) || hw != (scale > 0) {
			t.Errorf("%s: hardware setting %q %g %g", a.Act, noise, vr, scale)
		}
	}
	if r.Act("sigmoid") != nil || r.Act("relu") != &r.Acts[0] {
		t.Error("Act looks up the wrong neuron")
	}
}

// TestCNNStudyConfig: nil and zero fields take the documented defaults
// (relu, mrelu with 9.9 % variation, sigmoid; seeds 1-3; 20 epochs; batch
// 100), a set zero variation stays 0, and bad settings are refused.
func TestCNNStudyConfigDefaults(t *testing.T) {
	c := CNNStudyConfig{}.WithDefaults()
	if !slices.Equal(c.Acts, []string{"relu", ActMReLU, "sigmoid"}) || !slices.Equal(c.Seeds, []uint64{1, 2, 3}) || c.Epochs != 20 ||
		c.Batch != 100 || c.LR != 0.1 || *c.Variation != DefaultVariation || c.Crossbar == nil || *c.Crossbar != crossbar.DefaultParams() {
		t.Errorf("defaults %+v", c)
	}
	zero := 0.0
	if p := (CNNStudyConfig{Variation: &zero}).Params(ActMReLU, 7); p.Variation != 0 || p.Seed != 7 || p.Model != ModelLeNet5 {
		t.Errorf("params %+v", p)
	}
	if err := (CNNStudyConfig{}).Validate(); err != nil {
		t.Error(err)
	}
	bad := -1.0
	for _, c := range []CNNStudyConfig{
		{Acts: []string{}},
		{Acts: []string{"relu", "relu"}},
		{Acts: []string{"tanh"}},
		{Seeds: []uint64{}},
		{Seeds: []uint64{1, 1}},
		{Epochs: -1},
		{Variation: &bad},
		{TrainImages: -1},
		{Crossbar: &crossbar.Params{}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
