package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/report"
)

func init() {
	register("cnn", "beyond the paper: LeNet-5 with each neuron and several seeds, on crossbar arrays with energy and latency per inference", runCNN)
}

const cnnSynopsis = `Trains LeNet-5 (conv 5x5x6, max-pool, conv 5x5x16, max-pool, dense 120-84-10) on MNIST (or --data)
with each neuron of --acts and every seed --seed, --seed+1, ... (--seeds), one run after another, then
programs each trained network into crossbar arrays (one per weighted layer; flags --g-min ...
--neuron-spread, non-idealities off by default) and measures its accuracy there with the energy
and latency of one inference (arrays + neurons: the paper's 0.5 pJ and 650 ns per activation).
The hardware mReLU is the solved 2T-1M circuit in the loop with its temporal variation, one neuron
per channel of a convolution. Writes summary.json (accuracies as fractions), cnn_accuracy.csv,
cnn_runs.csv, cnn_epochs.csv, cnn_epochs_mean.csv, cnn_layers.csv, the figures cnn_accuracy
(test accuracy per epoch, mean ± s.d. over the seeds), cnn_update_ratio (mean |dW| of each layer
over the output layer's: sigmoid's vanishing gradient) and cnn_update_ratio_epochs (PNG + SVG),
report.html and params.json. 'mrelu paper --cnn DIR' adds the section to the paper's report.
The full study (3 neurons x 3 seeds x 20 epochs of 60000 images) takes about half an hour on
2 cores; --train-images and --test-images run it on the first images only (docs/cnn.md).`

func runCNN(args []string, stdout, stderr io.Writer) error {
	def := experiment.CNNStudyConfig{}.WithDefaults()
	fs := newFlags("cnn", cnnSynopsis,
		"mrelu cnn --out runs/cnn\n  mrelu cnn --acts relu,mrelu --seeds 2 --epochs 1 --train-images 3000 --test-images 1000 --out runs/cnn-quick", stdout)
	acts := fs.String("acts", strings.Join(def.Acts, ","), "neurons compared: "+strings.Join(experiment.ActivationNames(), "|")+", comma separated")
	seed := fs.Uint64("seed", def.Seeds[0], "random `N` seeding the weights, the shuffling and the neuron noise of the first seed's runs")
	seeds := fs.Int("seeds", len(def.Seeds), "train every neuron with seeds --seed, --seed+1, ...: accuracies as mean ± s.d., error bars in cnn_accuracy")
	epochs := fs.Int("epochs", def.Epochs, "training epochs of every run")
	batch := fs.Int("batch", def.Batch, "minibatch size")
	lr := fs.Float64("lr", def.LR, "SGD learning rate")
	noise := addNoiseFlags(fs, *def.Variation, "temporal variation of the mrelu neuron per evaluation (fraction; 0: none)", "neuron")
	trainImages := fs.Int("train-images", 0, "train on the first `N` training images only (0: all)")
	testImages := fs.Int("test-images", 0, "test (in software and on the arrays) on the first `N` test images only (0: all)")
	data := fs.String("data", "", "`DIR` with train-*/t10k-* IDX files (default: built-in MNIST)")
	out := addOutFlags(fs, "cnn")
	plots := fs.Bool("plots", true, "write the PNG/SVG figures (--plots=false: data files and a report.html of tables only)")
	hw := addSetupFlags(fs, paramsFlagUsage+"; the hardware of --acts mrelu, mrelu-ideal; its VDD bounds relu2 (ReLU clipped at VDD, 2 V by default)")
	xp := crossbar.DefaultParams()
	xp.AddFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := experiment.CNNStudyConfig{Epochs: *epochs, Batch: *batch, LR: *lr, Variation: noise.variation, Noise: *noise.noise,
		InputScale: *noise.inputScale, Data: *data, TrainImages: *trainImages, TestImages: *testImages, Crossbar: &xp}
	for _, a := range strings.Split(*acts, ",") {
		if a = strings.TrimSpace(a); a != "" {
			cfg.Acts = append(cfg.Acts, a)
		}
	}
	if cfg.Acts == nil {
		return usagef("cnn: --acts %q: no neuron to compare", *acts)
	}
	if *seeds < 1 || *seeds > experiment.MaxSeeds {
		return usagef("cnn: --seeds %d out of range 1..%d", *seeds, experiment.MaxSeeds)
	}
	cfg.Seeds = experiment.SeedList(*seed, *seeds)
	if *epochs < 1 || *batch < 1 || !(*lr > 0) {
		return usagef("cnn: --epochs %d, --batch %d, --lr %g: each must be > 0", *epochs, *batch, *lr)
	}
	if *trainImages < 0 || *testImages < 0 {
		return usagef("cnn: --train-images %d, --test-images %d: each must be ≥ 0 (0: all)", *trainImages, *testImages)
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	// The hardware setup (--params, --vdd), checked and solved before any
	// work when a hardware neuron is compared.
	act := "relu"
	if i := slices.IndexFunc(cfg.Acts, experiment.IsHardware); i >= 0 {
		act = cfg.Acts[i]
	}
	setup, model, err := trainSetup(fs, *hw.params, *hw.vdd, act)
	if err != nil {
		return err
	}
	train, test, err := experiment.LoadData(cfg.Data)
	if err != nil {
		return fmt.Errorf("cnn: %w", err)
	}
	dir, err := out.prepare("cnn")
	if err != nil {
		return err
	}
	if err := saveRunParams(dir, setup, "cnn", cfg.WithDefaults()); err != nil {
		return err
	}
	bar := newProgress(stderr)
	res, err := experiment.CNNStudy(cfg, train, test, model, experiment.CNNStudyOptions{
		VDD: setup.Neuron.VDD,
		Label: func(act string, seed uint64) experiment.Progress {
			bar.Line("mrelu cnn: lenet5 act=%s seed=%d epochs=%d batch=%d lr=%g", act, seed, cfg.Epochs, cfg.Batch, cfg.LR)
			return experiment.Progress{
				Step: func(epoch, step, steps int) {
					bar.Update(fmt.Sprintf("%s seed %d epoch %d/%d", act, seed, epoch, cfg.Epochs), step, steps, "")
				},
				Epoch: func(e nn.EpochStats) {
					bar.Line("  epoch %d/%d loss %.4f test accuracy %.2f%% (%.2fs)", e.Epoch, cfg.Epochs, e.TrainLoss, 100*e.TestAccuracy, e.Seconds)
				},
			}
		},
	})
	bar.Done()
	if err != nil {
		return fmt.Errorf("cnn: %w", err)
	}
	s, err := report.WriteCNN(dir, res, report.CNNOptions{Command: commandLine("cnn", args), Plots: *plots})
	if err != nil {
		return err
	}
	for _, a := range s.Acts {
		outf(stdout, "%-8s test accuracy %6.2f ± %.2f %% over %d seed(s), on crossbar arrays %6.2f ± %.2f %%; mean |dW| first/last layer, epoch 1: %.3g; %.3g J and %.3g s per inference on arrays\n",
			a.Act, 100*a.Mean, 100*a.SD, len(a.PerSeed), 100*a.CrossbarAccuracy.Mean, 100*a.CrossbarAccuracy.SD, float64(a.UpdateRatioEpoch1), float64(a.EnergyMean), float64(a.Latency))
	}
	outf(stdout, "wrote %s (open %s in a browser)\n", dir, filepath.Join(dir, "report.html"))
	return nil
}
