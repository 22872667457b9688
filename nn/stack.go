package nn

import (
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/mrelu/mrelu/dataset"
)

// A Sequential is the one way to describe a network; an MLP is the stack
//
//	Dense → Activate(act) → Dense → … → Activate(act) → Dense
//
// and TrainStack / NewStackTrainer train such a stack with the fused MLP
// engine (Trainer: packed weights, two-core phases), bit-identical to
// Train on the Network that New builds from the same rng. Any other stack
// (convolutions, pooling, a different activation per layer) is trained
// layer by layer by SeqTrainer.

// MLP builds the multilayer perceptron of the given widths (input,
// hidden..., classes) as a stack: Dense layers with act between them.
// Its initial weights are exactly those New draws from rng (He-normal,
// the same draws in the same order), biases zero.
func MLP(sizes []int, act Activation, rng *rand.Rand) (*Sequential, error) {
	net, err := New(sizes, act, rng)
	if err != nil {
		return nil, err
	}
	return FromNetwork(net), nil
}

// Network returns the stack as an MLP for the fused trainer when it is
// one: Dense layers alternating with Activate layers that all hold the
// same activation (one comparable value: the same pointer, or equal
// values of a stateless type), at least one of them, a Dense layer first
// and last. The Network shares the stack's *Dense layers (weights and
// biases are not copied), so training it trains the stack. ok is false
// for any other stack.
func (s *Sequential) Network() (net *Network, ok bool) {
	if len(s.Layers)%2 == 0 || len(s.Layers) < 3 {
		return nil, false
	}
	act, ok := s.Layers[1].(*Activate)
	if !ok || act.Act == nil || !reflect.TypeOf(act.Act).Comparable() {
		return nil, false
	}
	net = &Network{Act: act.Act, Sizes: []int{s.In.Size()}}
	for i, l := range s.Layers {
		if i%2 == 1 {
			if a, ok := l.(*Activate); !ok || a.Act != act.Act {
				return nil, false
			}
			continue
		}
		d, ok := l.(*Dense)
		if !ok || d.In != net.Sizes[len(net.Sizes)-1] || len(d.W) != d.In*d.Out || len(d.B) != d.Out {
			return nil, false
		}
		net.Layers = append(net.Layers, d)
		net.Sizes = append(net.Sizes, d.Out)
	}
	return net, true
}

// TrainStack trains net as Train does and returns the same Result: with
// the fused MLP trainer (checkpoints, Resume and PreActivations
// included) when net.Network() is an MLP, otherwise with
// TrainSequential (no checkpoints; PreActivations nil).
func TrainStack(net *Sequential, train, test *dataset.Set, cfg Config) (*Result, error) {
	if mlp, ok := net.Network(); ok {
		return Train(mlp, train, test, cfg)
	}
	return TrainSequential(net, train, test, cfg)
}

// StackTrainer trains a Sequential step by step or epoch by epoch with
// the engine TrainStack picks: the fused Trainer for an MLP stack, a
// SeqTrainer otherwise.
type StackTrainer struct {
	Net   *Sequential
	fused *Trainer    // set for an MLP stack
	seq   *SeqTrainer // set otherwise
}

// NewStackTrainer prepares the workspaces of net for batches of up to
// cfg.Batch samples.
func NewStackTrainer(net *Sequential, cfg Config) (*StackTrainer, error) {
	if net == nil || len(net.Layers) == 0 {
		return nil, fmt.Errorf("%w: empty Sequential", ErrShape)
	}
	t := &StackTrainer{Net: net}
	var err error
	if mlp, ok := net.Network(); ok {
		t.fused, err = NewTrainer(mlp, cfg)
	} else {
		t.seq, err = NewSeqTrainer(net, cfg)
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Fused reports whether the fused MLP trainer runs the stack.
func (t *StackTrainer) Fused() bool { return t.fused != nil }

// Step runs one SGD step on the first n rows of x with labels y and
// returns the batch's mean loss before the update.
func (t *StackTrainer) Step(x []float32, y []uint8, n int) float64 {
	if t.fused != nil {
		return t.fused.Step(x, y, n)
	}
	return t.seq.Step(x, y, n)
}

// Epoch trains one pass over set in a fresh random order (the shuffle of
// Config.Seed) and returns the mean training loss, the mean |ΔW| per
// weighted layer and the wall time; the error wraps ErrInterrupted when
// Config.Context is done.
func (t *StackTrainer) Epoch(epoch int, set *dataset.Set, recordUpdates bool) (loss float64, meanAbs []float64, secs float64, err error) {
	if t.fused != nil {
		return t.fused.epoch(epoch, set, recordUpdates)
	}
	return t.seq.Epoch(epoch, set, recordUpdates)
}

// Evaluate returns the mean loss and the accuracy on set.
func (t *StackTrainer) Evaluate(set *dataset.Set) (loss, acc float64) {
	if t.fused != nil {
		return t.fused.Evaluate(set, nil)
	}
	return t.seq.Evaluate(set)
}

// SaturatedFraction is, per activation layer, the fraction of its inputs
// at or above the activation's SaturationInput during the last epoch
// (nil when the activation is not Saturating).
func (t *StackTrainer) SaturatedFraction() []float64 {
	if t.fused != nil {
		return t.fused.SaturatedFraction()
	}
	return t.seq.SaturatedFraction()
}

// UpdateHist returns the weight-update histograms of the last epoch
// trained with recordUpdates, per weighted layer.
func (t *StackTrainer) UpdateHist() []*LogHistogram {
	if t.fused != nil {
		return t.fused.updHist
	}
	return t.seq.UpdateHist()
}
