package nn

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/mrelu/mrelu/internal/strictjson"
)

// Checkpoint is the complete state of a training run after a whole epoch:
// restoring it into a freshly built network and trainer and training on
// gives, bit for bit, the weights and per-epoch statistics of a run that
// was never interrupted. Plain SGD keeps no optimiser state beyond the
// learning rate, so the state is the weights and biases, the generator
// that shuffles the training set every epoch, the activation's own random
// state (a hardware neuron's noise generator) and the statistics of the
// epochs done.
type Checkpoint struct {
	// Version is CheckpointVersion.
	Version int `json:"version"`
	// Epoch is the number of epochs completed (>= 1).
	Epoch int `json:"epoch"`
	// Sizes are the layer widths, input first.
	Sizes []int `json:"sizes"`
	// Activation is the hidden activation's name (ActivationName).
	Activation string `json:"activation"`
	// Batch, LR and Seed are the training configuration the state belongs to.
	Batch int     `json:"batch"`
	LR    float64 `json:"lr"`
	Seed  uint64  `json:"seed"`
	// Weights[l] and Biases[l] are synaptic layer l's parameters
	// (Dense.W, Dense.B). In JSON each layer is the base64 of its float32
	// values, little-endian (keys "weights_f32le", "biases_f32le"): exact,
	// and ten times faster to write and read than decimal numbers.
	Weights [][]float32 `json:"-"`
	Biases  [][]float32 `json:"-"`
	// Shuffle is the shuffle generator's state (math/rand/v2 PCG,
	// MarshalBinary).
	Shuffle []byte `json:"shuffle_rng"`
	// ActivationState is the activation's MarshalBinary, for activations
	// with internal state (encoding.BinaryMarshaler); empty otherwise.
	ActivationState []byte `json:"activation_state,omitempty"`
	// Stats are the statistics of epochs 1..Epoch.
	Stats []EpochStats `json:"stats"`
}

// CheckpointVersion is the version of the checkpoint format.
const CheckpointVersion = 1

// checkpointAlias has Checkpoint's fields without its JSON methods.
type checkpointAlias Checkpoint

// checkpointJSON is the JSON form of a Checkpoint.
type checkpointJSON struct {
	*checkpointAlias
	Weights [][]byte `json:"weights_f32le"`
	Biases  [][]byte `json:"biases_f32le"`
}

func f32le(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func fromF32le(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%d bytes is not a whole number of float32 values", len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// MarshalJSON implements json.Marshaler.
func (c *Checkpoint) MarshalJSON() ([]byte, error) {
	j := checkpointJSON{checkpointAlias: (*checkpointAlias)(c)}
	for l := range c.Weights {
		j.Weights = append(j.Weights, f32le(c.Weights[l]))
	}
	for l := range c.Biases {
		j.Biases = append(j.Biases, f32le(c.Biases[l]))
	}
	return json.Marshal(j)
}

// UnmarshalJSON implements json.Unmarshaler; unknown keys are errors.
func (c *Checkpoint) UnmarshalJSON(b []byte) error {
	var a checkpointAlias
	j := checkpointJSON{checkpointAlias: &a}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	for _, p := range []struct {
		in  [][]byte
		out *[][]float32
	}{{j.Weights, &a.Weights}, {j.Biases, &a.Biases}} {
		*p.out = nil
		for l, raw := range p.in {
			v, err := fromF32le(raw)
			if err != nil {
				return fmt.Errorf("layer %d: %v", l+1, err)
			}
			*p.out = append(*p.out, v)
		}
	}
	*c = Checkpoint(a)
	return nil
}

// MaxCheckpointBytes caps the size of a checkpoint DecodeCheckpoint reads
// (1 GiB; the paper's 784-100-100-100-10 network takes about 0.53 MB).
var MaxCheckpointBytes int64 = 1 << 30

// ErrBadCheckpoint is wrapped by every error about a checkpoint's content.
var ErrBadCheckpoint = errors.New("nn: bad checkpoint")

// ErrInterrupted is wrapped by Train's error when Config.Context was
// cancelled (an *InterruptedError, which also wraps the context's error).
var ErrInterrupted = errors.New("nn: training interrupted")

// InterruptedError says where training stopped when its context was done.
type InterruptedError struct {
	Epoch int // the epoch interrupted (1-based)
	// Step and Steps are the last SGD step done in that epoch and the
	// epoch's number of steps; Step is 0 when the epoch had not started.
	Step, Steps int
	Err         error // the context's error
}

func (e *InterruptedError) Error() string {
	if e.Step == 0 {
		return fmt.Sprintf("nn: training interrupted before epoch %d: %v", e.Epoch, e.Err)
	}
	return fmt.Sprintf("nn: training interrupted in epoch %d (step %d of %d): %v", e.Epoch, e.Step, e.Steps, e.Err)
}

// Unwrap returns ErrInterrupted and the context's error.
func (e *InterruptedError) Unwrap() []error { return []error{ErrInterrupted, e.Err} }

// Checkpoint returns the trainer's state after epoch (which must be a
// completed epoch), with stats the statistics of epochs 1..epoch. The
// weights are copied.
func (t *Trainer) Checkpoint(epoch int, stats []EpochStats) (*Checkpoint, error) {
	shuffle, err := t.src.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("nn: checkpoint: shuffle generator: %w", err)
	}
	c := &Checkpoint{Version: CheckpointVersion, Epoch: epoch, Sizes: slices.Clone(t.Net.Sizes),
		Activation: ActivationName(t.Net.Act), Batch: t.cfg.Batch, LR: t.cfg.LR, Seed: t.cfg.Seed,
		Shuffle: shuffle, Stats: cloneStats(stats)}
	if m, ok := t.Net.Act.(encoding.BinaryMarshaler); ok {
		if c.ActivationState, err = m.MarshalBinary(); err != nil {
			return nil, fmt.Errorf("nn: checkpoint: activation state: %w", err)
		}
	}
	for _, d := range t.Net.Layers {
		c.Weights = append(c.Weights, slices.Clone(d.W))
		c.Biases = append(c.Biases, slices.Clone(d.B))
	}
	return c, nil
}

func cloneStats(s []EpochStats) []EpochStats {
	out := slices.Clone(s)
	for i := range out {
		out[i].MeanAbsUpdate = slices.Clone(out[i].MeanAbsUpdate)
		out[i].SaturatedFraction = slices.Clone(out[i].SaturatedFraction)
	}
	return out
}

// Restore puts the state of c into the trainer: weights, biases, the
// shuffle generator and the activation's state. The network's shape, the
// activation's name and the configuration's batch, learning rate and seed
// must be those of c; the error names the first that differs.
func (t *Trainer) Restore(c *Checkpoint) error {
	if err := c.Validate(); err != nil {
		return err
	}
	switch {
	case !slices.Equal(c.Sizes, t.Net.Sizes):
		return fmt.Errorf("%w: layer sizes %v, the network has %v", ErrBadCheckpoint, c.Sizes, t.Net.Sizes)
	case c.Activation != ActivationName(t.Net.Act):
		return fmt.Errorf("%w: activation %q, the network has %q", ErrBadCheckpoint, c.Activation, ActivationName(t.Net.Act))
	case c.Batch != t.cfg.Batch:
		return fmt.Errorf("%w: batch %d, the configuration has %d", ErrBadCheckpoint, c.Batch, t.cfg.Batch)
	case c.LR != t.cfg.LR:
		return fmt.Errorf("%w: learning rate %g, the configuration has %g", ErrBadCheckpoint, c.LR, t.cfg.LR)
	case c.Seed != t.cfg.Seed:
		return fmt.Errorf("%w: seed %d, the configuration has %d", ErrBadCheckpoint, c.Seed, t.cfg.Seed)
	}
	m, stateful := t.Net.Act.(encoding.BinaryUnmarshaler)
	if stateful != (len(c.ActivationState) > 0) {
		return fmt.Errorf("%w: activation state present = %v, but activation %q keeps state = %v",
			ErrBadCheckpoint, len(c.ActivationState) > 0, c.Activation, stateful)
	}
	if err := t.src.UnmarshalBinary(c.Shuffle); err != nil {
		return fmt.Errorf("%w: shuffle generator: %v", ErrBadCheckpoint, err)
	}
	if stateful {
		if err := m.UnmarshalBinary(c.ActivationState); err != nil {
			return fmt.Errorf("%w: activation state: %v", ErrBadCheckpoint, err)
		}
	}
	for l, d := range t.Net.Layers {
		copy(d.W, c.Weights[l])
		copy(d.B, c.Biases[l])
	}
	return nil
}

// Validate checks that the checkpoint is consistent: a known version, at
// least one epoch with one statistics record each, layer sizes matching
// the weights, finite weights, biases and learning rate.
func (c *Checkpoint) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadCheckpoint, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Version != CheckpointVersion:
		return bad("version %d (this program reads version %d)", c.Version, CheckpointVersion)
	case c.Epoch < 1:
		return bad("epoch %d (want >= 1)", c.Epoch)
	case len(c.Stats) != c.Epoch:
		return bad("%d epoch records for %d epochs", len(c.Stats), c.Epoch)
	case len(c.Sizes) < 2:
		return bad("layer sizes %v (want at least input and output)", c.Sizes)
	case c.Batch < 1:
		return bad("batch %d", c.Batch)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return bad("learning rate %v", c.LR)
	case len(c.Shuffle) == 0:
		return bad("no shuffle generator state")
	case len(c.Weights) != len(c.Sizes)-1 || len(c.Biases) != len(c.Sizes)-1:
		return bad("%d weight and %d bias layers for sizes %v", len(c.Weights), len(c.Biases), c.Sizes)
	}
	for i, s := range c.Sizes {
		if s < 1 {
			return bad("layer %d has width %d", i, s)
		}
	}
	for l := range c.Weights {
		in, out := c.Sizes[l], c.Sizes[l+1]
		if int64(len(c.Weights[l])) != int64(in)*int64(out) || len(c.Biases[l]) != out {
			return bad("layer %d has %d weights and %d biases, want %dx%d and %d", l+1, len(c.Weights[l]), len(c.Biases[l]), in, out, out)
		}
		for _, v := range [][]float32{c.Weights[l], c.Biases[l]} {
			for i, w := range v {
				if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
					return bad("layer %d: parameter %d is %v", l+1, i, w)
				}
			}
		}
	}
	for i, s := range c.Stats {
		if s.Epoch != i+1 {
			return bad("statistics record %d is for epoch %d", i+1, s.Epoch)
		}
		if len(s.MeanAbsUpdate) != len(c.Weights) {
			return bad("epoch %d has %d layer update means for %d layers", s.Epoch, len(s.MeanAbsUpdate), len(c.Weights))
		}
	}
	return nil
}

// Encode writes the checkpoint as JSON. Weights and biases keep every bit
// (base64 of their float32 values).
func (c *Checkpoint) Encode(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("nn: encode checkpoint: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// DecodeCheckpoint reads a checkpoint written by Encode: at most
// MaxCheckpointBytes, no unknown keys, no trailing data, and a valid
// content (Validate).
func DecodeCheckpoint(r io.Reader) (*Checkpoint, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCheckpointBytes+1))
	if err != nil {
		return nil, fmt.Errorf("nn: read checkpoint: %w", err)
	}
	if int64(len(data)) > MaxCheckpointBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrBadCheckpoint, MaxCheckpointBytes)
	}
	c := &Checkpoint{}
	if err := strictjson.Decode(data, c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
