package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mrelu/mrelu/dataset"
)

// Config sets up minibatch SGD training.
type Config struct {
	Epochs int     // passes over the training set (>= 1)
	Batch  int     // minibatch size (>= 1); the paper uses 500
	LR     float64 // learning rate of plain SGD (> 0)
	Seed   uint64  // seeds the per-epoch shuffle (and nothing else)

	// OnStep, when set, is called after every SGD step (progress bars).
	OnStep func(epoch, step, steps int)
	// OnEpoch, when set, is called after every epoch with its statistics.
	OnEpoch func(EpochStats)

	// OnCheckpoint, when set, is called after every epoch (after OnEpoch,
	// the final one included) with the complete training state, to be
	// saved so that the run can be resumed (Resume). An error stops
	// training and is returned by Train.
	OnCheckpoint func(*Checkpoint) error
	// Resume, when set, continues the run saved in the checkpoint: its
	// weights, biases, shuffle generator and activation state are restored
	// and training goes on from epoch Resume.Epoch+1 to Epochs, the saved
	// statistics heading the result. The network must have been built as
	// the saved run's was (same sizes and activation), and Batch, LR and
	// Seed must be the saved ones.
	Resume *Checkpoint
	// Threads is the number of threads a step uses (0: kernel.Threads(),
	// capped by GOMAXPROCS). The results do not depend on it. A trainer of
	// one thread runs on the calling goroutine only, so several can train
	// side by side (independent runs of a study).
	Threads int

	// Context, when set, is checked after every SGD step: once it is done,
	// Train stops mid-epoch and returns an error wrapping ErrInterrupted
	// and the context's error. The state saved by the last OnCheckpoint
	// call (the end of the previous epoch) is then the one to resume from.
	Context context.Context
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("nn: epochs must be >= 1, got %d", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("nn: batch must be >= 1, got %d", c.Batch)
	case c.Threads < 0:
		return fmt.Errorf("nn: threads must be >= 0, got %d", c.Threads)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("nn: learning rate must be a positive finite number, got %v", c.LR)
	}
	return nil
}

// EpochStats are the per-epoch instruments of the vanishing-gradient study.
type EpochStats struct {
	Epoch        int     `json:"epoch"`         // 1-based
	TrainLoss    float64 `json:"train_loss"`    // mean softmax cross-entropy over the epoch's steps (nats)
	TestLoss     float64 `json:"test_loss"`     // mean cross-entropy on the test set after the epoch
	TestAccuracy float64 `json:"test_accuracy"` // fraction of test samples classified correctly
	Seconds      float64 `json:"seconds"`       // wall time of the training pass only
	EvalSeconds  float64 `json:"eval_seconds"`  // wall time of the test evaluation
	// MeanAbsUpdate[l] is the mean |ΔW| of synaptic layer l over all weights
	// and all steps of the epoch (ΔW = -lr·∂L/∂W).
	MeanAbsUpdate []float64 `json:"mean_abs_update"`
	// SaturatedFraction[l] is the fraction of hidden layer l's neuron
	// inputs, over every training sample of the epoch, at or above the
	// activation's SaturationInput (output at or above 90 % of its bound);
	// nil for an activation that is not Saturating.
	SaturatedFraction []float64 `json:"saturated_fraction,omitempty"`
}

// ErrDiverged is returned when training diverges: the training or test
// loss, or a layer's weight updates, stop being finite, or an epoch's mean
// training loss exceeds DivergedLoss times that of a uniform guess,
// ln(classes). (The per-sample loss is capped at -ln(1e-30) ≈ 69, so a
// run whose weights have blown up can keep a finite loss; a mean that far
// above the uniform guess's means it is confidently wrong almost always.)
var ErrDiverged = errors.New("nn: training diverged")

// DivergedLoss is the factor of ln(classes) above which an epoch's mean
// training loss counts as divergence.
const DivergedLoss = 10

// Result is everything a training run measured.
type Result struct {
	Epochs []EpochStats
	// UpdateHist[l] is the distribution of the weight updates ΔW of layer l
	// over every step of the final epoch (recorded while training).
	UpdateHist []*LogHistogram
	// PreActivations[l] holds layer l's pre-activations (summation inputs of
	// its neurons) for every test sample in the final evaluation, test
	// sample major: PreActivations[l][s*width+j].
	PreActivations [][]float32
}

// Train runs cfg.Epochs epochs of SGD on train, evaluating on test after
// each (from epoch cfg.Resume.Epoch+1 when resuming). It stops with
// ErrDiverged (naming the epoch) when the training or test loss is no
// longer finite, before any statistics or checkpoint of that epoch are
// reported, and with ErrInterrupted when cfg.Context is done.
func Train(net *Network, train, test *dataset.Set, cfg Config) (*Result, error) {
	rows := cfg.Batch
	if train != nil && test != nil {
		rows = min(rows, max(train.N, test.N))
	}
	t, err := newTrainer(net, cfg, rows)
	if err != nil {
		return nil, err
	}
	if err := checkSets(t.checkData, train, test); err != nil {
		return nil, err
	}
	res := &Result{}
	first := 1
	if cfg.Resume != nil {
		if err := t.Restore(cfg.Resume); err != nil {
			return nil, err
		}
		if cfg.Resume.Epoch >= cfg.Epochs {
			return nil, fmt.Errorf("nn: the checkpoint has %d epochs done, nothing left to train up to %d", cfg.Resume.Epoch, cfg.Epochs)
		}
		res.Epochs = cloneStats(cfg.Resume.Stats)
		first = cfg.Resume.Epoch + 1
	}
	keep := make([][]float32, len(net.Layers))
	for l, d := range net.Layers {
		keep[l] = make([]float32, test.N*d.Out)
	}
	for e := first; e <= cfg.Epochs; e++ {
		if cfg.Context != nil && cfg.Context.Err() != nil {
			return res, &InterruptedError{Epoch: e, Err: cfg.Context.Err()}
		}
		final := e == cfg.Epochs
		loss, meanAbs, secs, err := t.epoch(e, train, final)
		if err != nil {
			return res, err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return res, fmt.Errorf("%w at epoch %d: training loss is %v (try a smaller --lr than %g)", ErrDiverged, e, loss, cfg.LR)
		}
		if uniform := math.Log(float64(net.Classes())); net.Classes() > 1 && loss > DivergedLoss*uniform {
			return res, fmt.Errorf("%w at epoch %d: mean training loss %.4g is more than %d times that of a uniform guess (%.3g) (try a smaller --lr than %g)",
				ErrDiverged, e, loss, DivergedLoss, uniform, cfg.LR)
		}
		for l, m := range meanAbs {
			if math.IsNaN(m) || math.IsInf(m, 0) {
				return res, fmt.Errorf("%w at epoch %d: the weight updates of layer %d are %v (try a smaller --lr than %g)", ErrDiverged, e, l+1, m, cfg.LR)
			}
		}
		evalStart := time.Now()
		var k [][]float32
		if final {
			k = keep
		}
		tl, acc := t.Evaluate(test, k)
		if math.IsNaN(tl) || math.IsInf(tl, 0) {
			return res, fmt.Errorf("%w at epoch %d: test loss is %v (try a smaller --lr than %g)", ErrDiverged, e, tl, cfg.LR)
		}
		st := EpochStats{Epoch: e, TrainLoss: loss, TestLoss: tl, TestAccuracy: acc,
			Seconds: secs, EvalSeconds: time.Since(evalStart).Seconds(), MeanAbsUpdate: meanAbs,
			SaturatedFraction: t.SaturatedFraction()}
		res.Epochs = append(res.Epochs, st)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(st)
		}
		if cfg.OnCheckpoint != nil {
			c, err := t.Checkpoint(e, res.Epochs)
			if err != nil {
				return res, err
			}
			if err := cfg.OnCheckpoint(c); err != nil {
				return res, fmt.Errorf("nn: checkpoint after epoch %d: %w", e, err)
			}
		}
	}
	res.UpdateHist = t.updHist
	res.PreActivations = keep
	return res, nil
}

// checkSets runs a trainer's check of a data set on the training and the
// test set.
func checkSets(check func(set *dataset.Set, what string) error, train, test *dataset.Set) error {
	if err := check(train, "training"); err != nil {
		return err
	}
	return check(test, "test")
}
