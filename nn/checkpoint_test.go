package nn

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/internal/testutil"
)

// noisyReLU is a stateful activation: ReLU times a random factor from its
// own generator, saved and restored through encoding.BinaryMarshaler, as
// the hardware neuron's noise is.
type noisyReLU struct{ state uint64 }

func (a *noisyReLU) Name() string { return "noisy-relu" }

func (a *noisyReLU) next() float32 {
	a.state = a.state*6364136223846793005 + 1442695040888963407
	return 1 + 0.1*(float32(a.state>>40)/float32(1<<24)-0.5)
}

func (a *noisyReLU) Forward(y, z []float32) {
	for i, v := range z {
		y[i] = max(v, 0) * a.next()
	}
}

func (a *noisyReLU) Derivative(d, z, y []float32) {
	for i, v := range z {
		d[i] = 0
		if v > 0 {
			d[i] = y[i] / v
		}
	}
}

func (a *noisyReLU) MarshalBinary() ([]byte, error) {
	return binary.LittleEndian.AppendUint64(nil, a.state), nil
}

func (a *noisyReLU) UnmarshalBinary(b []byte) error {
	if len(b) != 8 {
		return errors.New("bad state")
	}
	a.state = binary.LittleEndian.Uint64(b)
	return nil
}

// TestCheckpointResumeIsExact trains 5 epochs at once and, from a fresh
// network, 5 epochs resumed from the encoded and decoded checkpoint of
// every epoch: weights, biases and statistics (wall times aside) agree bit
// for bit, with a stateless and a stateful activation.
func TestCheckpointResumeIsExact(t *testing.T) {
	train := synthetic(300, 20, 4, 1)
	test := synthetic(100, 20, 4, 2)
	for _, mk := range []func() Activation{func() Activation { return ReLU{} }, func() Activation { return &noisyReLU{state: 9} }} {
		name := ActivationName(mk())
		t.Run(name, func(t *testing.T) {
			cfg := Config{Epochs: 5, Batch: 32, LR: 0.1, Seed: 3}
			build := func() *Network {
				net, err := New([]int{20, 12, 8, 4}, mk(), rand.New(rand.NewPCG(5, 6)))
				if err != nil {
					t.Fatal(err)
				}
				return net
			}
			var saved [][]byte
			c := cfg
			c.OnCheckpoint = func(ck *Checkpoint) error {
				var buf bytes.Buffer
				if err := ck.Encode(&buf); err != nil {
					return err
				}
				saved = append(saved, buf.Bytes())
				return nil
			}
			ref := build()
			want, err := Train(ref, train, test, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(saved) != 5 {
				t.Fatalf("%d checkpoints for 5 epochs", len(saved))
			}
			for e := 1; e < 5; e++ {
				ck, err := DecodeCheckpoint(bytes.NewReader(saved[e-1]))
				if err != nil {
					t.Fatalf("epoch %d: %v", e, err)
				}
				c := cfg
				c.Resume = ck
				net := build()
				got, err := Train(net, train, test, c)
				if err != nil {
					t.Fatalf("resumed after epoch %d: %v", e, err)
				}
				for l := range ref.Layers {
					for i, w := range ref.Layers[l].W {
						if math.Float32bits(w) != math.Float32bits(net.Layers[l].W[i]) {
							t.Fatalf("resumed after epoch %d: layer %d weight %d is %v, want %v", e, l, i, net.Layers[l].W[i], w)
						}
					}
					for i, b := range ref.Layers[l].B {
						if math.Float32bits(b) != math.Float32bits(net.Layers[l].B[i]) {
							t.Fatalf("resumed after epoch %d: layer %d bias %d differs", e, l, i)
						}
					}
				}
				if len(got.Epochs) != 5 {
					t.Fatalf("resumed after epoch %d: %d epoch records", e, len(got.Epochs))
				}
				for i, st := range want.Epochs {
					g := got.Epochs[i]
					if st.TrainLoss != g.TrainLoss || st.TestLoss != g.TestLoss || st.TestAccuracy != g.TestAccuracy {
						t.Errorf("resumed after epoch %d: epoch %d stats %+v, want %+v", e, i+1, g, st)
					}
					for l := range st.MeanAbsUpdate {
						if st.MeanAbsUpdate[l] != g.MeanAbsUpdate[l] {
							t.Errorf("resumed after epoch %d: epoch %d mean |dW| differs", e, i+1)
						}
					}
				}
				for l, h := range want.UpdateHist {
					if *h != *got.UpdateHist[l] {
						t.Errorf("resumed after epoch %d: layer %d update histogram differs", e, l)
					}
				}
				for l, z := range want.PreActivations {
					for i := range z {
						if math.Float32bits(z[i]) != math.Float32bits(got.PreActivations[l][i]) {
							t.Fatalf("resumed after epoch %d: pre-activation differs", e)
						}
					}
				}
			}
		})
	}
}

// TestRecordingChangesNothing: the final epoch records every update in a
// histogram; that must not change any weight or statistic, so that a run
// extended after its final epoch matches a longer run.
func TestRecordingChangesNothing(t *testing.T) {
	train := synthetic(130, 20, 4, 1)
	var sums [2][]float64
	var ws [2][]float32
	for k, record := range []bool{false, true} {
		net, _ := New([]int{20, 9, 4}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
		tr, err := NewTrainer(net, Config{Epochs: 1, Batch: 32, LR: 0.1, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, sums[k], _ = tr.Epoch(1, train, record)
		ws[k] = append(append([]float32(nil), net.Layers[0].W...), net.Layers[1].W...)
	}
	for i := range sums[0] {
		if sums[0][i] != sums[1][i] {
			t.Errorf("layer %d mean |dW| %v without recording, %v with", i, sums[0][i], sums[1][i])
		}
	}
	for i := range ws[0] {
		if ws[0][i] != ws[1][i] {
			t.Fatalf("weight %d differs", i)
		}
	}
}

func TestRestoreRefusesOtherRuns(t *testing.T) {
	train := synthetic(100, 20, 4, 1)
	var ck *Checkpoint
	net, _ := New([]int{20, 8, 4}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
	cfg := Config{Epochs: 1, Batch: 10, LR: 0.1, Seed: 1, OnCheckpoint: func(c *Checkpoint) error { ck = c; return nil }}
	if _, err := Train(net, train, train, cfg); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		sizes []int
		act   Activation
		cfg   Config
		want  string
	}{
		{"sizes", []int{20, 9, 4}, ReLU{}, Config{Epochs: 2, Batch: 10, LR: 0.1, Seed: 1}, "layer sizes"},
		{"activation", []int{20, 8, 4}, Sigmoid{}, Config{Epochs: 2, Batch: 10, LR: 0.1, Seed: 1}, "activation"},
		{"batch", []int{20, 8, 4}, ReLU{}, Config{Epochs: 2, Batch: 11, LR: 0.1, Seed: 1}, "batch"},
		{"lr", []int{20, 8, 4}, ReLU{}, Config{Epochs: 2, Batch: 10, LR: 0.2, Seed: 1}, "learning rate"},
		{"seed", []int{20, 8, 4}, ReLU{}, Config{Epochs: 2, Batch: 10, LR: 0.1, Seed: 2}, "seed"},
		{"done", []int{20, 8, 4}, ReLU{}, Config{Epochs: 1, Batch: 10, LR: 0.1, Seed: 1}, "nothing left"},
	}
	for _, tc := range cases {
		net, _ := New(tc.sizes, tc.act, rand.New(rand.NewPCG(1, 2)))
		tc.cfg.Resume = ck
		if _, err := Train(net, train, train, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	// A stateful activation's checkpoint does not restore into a stateless one.
	net, _ = New([]int{20, 8, 4}, &noisyReLU{}, rand.New(rand.NewPCG(1, 2)))
	ck.Activation = "noisy-relu"
	if _, err := Train(net, train, train, Config{Epochs: 2, Batch: 10, LR: 0.1, Seed: 1, Resume: ck}); err == nil || !strings.Contains(err.Error(), "activation state") {
		t.Errorf("stateless checkpoint into a stateful activation: %v", err)
	}
}

// TestInterrupt cancels the context in the middle of epoch 2: Train stops
// after that step with ErrInterrupted naming the epoch, and the last
// checkpoint is the one after epoch 1.
func TestInterrupt(t *testing.T) {
	train := synthetic(200, 20, 4, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := 0
	steps := 0
	net, _ := New([]int{20, 8, 4}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
	cfg := Config{Epochs: 5, Batch: 20, LR: 0.1, Context: ctx,
		OnStep: func(epoch, step, n int) {
			if steps++; epoch == 2 && step == 3 {
				cancel()
			}
		},
		OnCheckpoint: func(c *Checkpoint) error { last = c.Epoch; return nil }}
	res, err := Train(net, train, train, cfg)
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "epoch 2 (step 3 of 10)") {
		t.Fatalf("err = %v", err)
	}
	if last != 1 || steps != 13 || len(res.Epochs) != 1 {
		t.Errorf("last checkpoint after epoch %d, %d steps, %d epoch records; want 1, 13, 1", last, steps, len(res.Epochs))
	}
	// A context done before training starts stops it before any step.
	steps = 0
	if _, err := Train(net, train, train, cfg); !errors.Is(err, ErrInterrupted) || steps != 0 {
		t.Errorf("cancelled context: err %v after %d steps", err, steps)
	}
}

func TestCheckpointErrorStopsTraining(t *testing.T) {
	train := synthetic(100, 20, 4, 1)
	net, _ := New([]int{20, 8, 4}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
	boom := errors.New("disk full")
	_, err := Train(net, train, train, Config{Epochs: 3, Batch: 10, LR: 0.1, OnCheckpoint: func(*Checkpoint) error { return boom }})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "after epoch 1") {
		t.Fatalf("err = %v", err)
	}
}

// TestDivergenceNamesEpoch: blown-up weights can leave the (capped) loss
// finite; the run still stops at the first epoch, naming it.
func TestDivergenceNamesEpoch(t *testing.T) {
	train := synthetic(200, 20, 4, 1)
	for _, lr := range []float64{1e3, 1e30} {
		net, _ := New([]int{20, 16, 16, 4}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
		called := false
		res, err := Train(net, train, train, Config{Epochs: 5, Batch: 20, LR: lr, OnCheckpoint: func(*Checkpoint) error { called = true; return nil }})
		if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "at epoch 1") {
			t.Fatalf("lr %g: err = %v", lr, err)
		}
		if called || len(res.Epochs) != 0 {
			t.Errorf("lr %g: a diverged epoch was reported (checkpoint %v, %d records)", lr, called, len(res.Epochs))
		}
	}
}

// nanWeight returns the checkpoint doc with its first weight made NaN.
func nanWeight(t *testing.T, doc []byte) string {
	c, err := DecodeCheckpoint(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c.Weights[0][0] = float32(math.NaN())
	b, err := json.Marshal(c) // Encode would refuse it
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDecodeCheckpointErrors(t *testing.T) {
	train := synthetic(50, 4, 2, 1)
	net, _ := New([]int{4, 3, 2}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
	var good []byte
	Train(net, train, train, Config{Epochs: 1, Batch: 10, LR: 0.1, OnCheckpoint: func(c *Checkpoint) error {
		var buf bytes.Buffer
		err := c.Encode(&buf)
		good = buf.Bytes()
		return err
	}})
	if _, err := DecodeCheckpoint(bytes.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	s := string(good)
	for _, tc := range []struct{ doc, want string }{
		{"", "EOF"},
		{s[:len(s)/2], "unexpected EOF"},
		{s + "{}", "unexpected data"},
		{strings.Replace(s, `"version":1`, `"version":2`, 1), "version 2"},
		{strings.Replace(s, `"epoch":1,"sizes"`, `"epoch":2,"sizes"`, 1), "2 epochs"},
		{strings.Replace(s, `"sizes":[4,3,2]`, `"sizes":[4,3,3]`, 1), "layer 2 has"},
		{strings.Replace(s, `"batch":10`, `"batch":0`, 1), "batch 0"},
		{strings.Replace(s, `"lr":0.1`, `"lr":-1`, 1), "learning rate"},
		{strings.Replace(s, `"version":1`, `"version":1,"extra":1`, 1), "unknown field"},
		{strings.Replace(s, `"weights_f32le":["`, `"weights_f32le":["AAAA`, 1), "not a whole number of float32"},
		{nanWeight(t, good), "parameter 0 is NaN"},
		{strings.Replace(s, `"weights_f32le":["`, `"weights_f32le":["!`, 1), "illegal base64"},
	} {
		if _, err := DecodeCheckpoint(strings.NewReader(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60q: err %v, want one mentioning %q", tc.doc, err, tc.want)
		} else if !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("%v does not wrap ErrBadCheckpoint", err)
		}
	}
	old := MaxCheckpointBytes
	defer func() { MaxCheckpointBytes = old }()
	MaxCheckpointBytes = int64(len(good) - 1)
	if _, err := DecodeCheckpoint(bytes.NewReader(good)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("over the size cap: %v", err)
	}
}

// FuzzDecodeCheckpoint: decoding never panics, every error wraps
// ErrBadCheckpoint, and an accepted checkpoint is valid and encodes to a
// document that decodes to the same encoding.
func FuzzDecodeCheckpoint(f *testing.F) {
	train := synthetic(30, 3, 2, 1)
	net, _ := New([]int{3, 2, 2}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
	Train(net, train, train, Config{Epochs: 2, Batch: 10, LR: 0.1, OnCheckpoint: func(c *Checkpoint) error {
		var buf bytes.Buffer
		c.Encode(&buf)
		f.Add(buf.Bytes())
		return nil
	}})
	f.Add([]byte(`{"version":1,"epoch":1,"sizes":[1,1],"activation":"relu","batch":1,"lr":1,"seed":0,"weights":[[0]],"biases":[[0]],"shuffle_rng":"cGNnOg==","stats":[{"epoch":1,"mean_abs_update":[0]}]}`))
	f.Add([]byte(`{"version":1,"epoch":1,"sizes":[65536,65536]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCheckpoint(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrBadCheckpoint) {
				t.Fatalf("error does not wrap ErrBadCheckpoint: %v", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted an invalid checkpoint: %v", err)
		}
		testutil.ReEncodes(t, c, (*Checkpoint).Encode, DecodeCheckpoint)
	})
}
