package experiment

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// tinySets returns a small two-class training and test set.
func tinySets() (train, test *dataset.Set) {
	mk := func(n int, off float32) *dataset.Set {
		s := &dataset.Set{N: n, Rows: 2, Cols: 3, Classes: 2, Images: make([]float32, n*6), Labels: make([]uint8, n)}
		for i := range n {
			c := i % 2
			s.Labels[i] = uint8(c)
			for p := range 6 {
				s.Images[i*6+p] = off + float32((p+i)%3)/3
				if p/3 == c {
					s.Images[i*6+p] += 0.5
				}
			}
		}
		return s
	}
	return mk(40, 0), mk(10, 0.1)
}

func tinyCheckpoints(t testing.TB, act string) []*TrainCheckpoint {
	train, test := tinySets()
	p := DefaultTrainParams()
	p.Act, p.Hidden, p.Epochs, p.Batch = act, []int{3}, 2, 10
	var out []*TrainCheckpoint
	_, err := TrainWith(p, train, test, nil, TrainOptions{Checkpoint: func(c *TrainCheckpoint) error {
		out = append(out, c)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTrainCheckpointChecks(t *testing.T) {
	cks := tinyCheckpoints(t, "relu")
	if len(cks) != 2 || cks[1].Epoch() != 2 {
		t.Fatalf("%d checkpoints", len(cks))
	}
	c := cks[0]
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	d, err := DecodeTrainCheckpoint(bytes.NewReader(buf.Bytes()))
	if err != nil || d.Epoch() != 1 || d.Data != c.Data {
		t.Fatalf("round trip: %v", err)
	}
	p := c.Params
	for _, tc := range []struct {
		change func(*TrainParams)
		want   string
	}{
		{func(q *TrainParams) { q.Act = "sigmoid" }, "act sigmoid differs"},
		{func(q *TrainParams) { q.Hidden = []int{4} }, "hidden [4] differs"},
		{func(q *TrainParams) { q.Batch = 5 }, "batch 5 differs"},
		{func(q *TrainParams) { q.LR = 0.5 }, "lr 0.5 differs"},
		{func(q *TrainParams) { q.Seed = 9 }, "seed 9 differs"},
	} {
		q := p
		q.Hidden = append([]int(nil), p.Hidden...)
		tc.change(&q)
		if err := c.Compatible(q); !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
	q := p
	q.Epochs, q.Data, q.Variation = 7, "elsewhere", 0.5 // free for a software neuron
	if err := c.Compatible(q); err != nil {
		t.Errorf("epochs, data path and an unused variation should be free: %v", err)
	}
	train, test := tinySets()
	test.Images[0] += 1e-6
	if err := c.Data.Compatible(Fingerprint(train, test)); !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "data") {
		t.Errorf("changed pixel: %v", err)
	}
	// Nothing left to do.
	q = p
	q.Epochs = 1
	train, test = tinySets()
	if _, err := TrainWith(q, train, test, nil, TrainOptions{Resume: c}); !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "nothing left") {
		t.Errorf("resume to epoch 1 from epoch 1: %v", err)
	}
}

func TestMReLUStateRoundTrip(t *testing.T) {
	model := solvedNeuron(t)
	a, _ := NewMReLU(model, 0.099, 1)
	b, _ := NewMReLU(model, 0.099, 1)
	z := []float32{0.5, 1, 1.5, 0.2, 0.7, 1.1, 0.9}
	y1, y2 := make([]float32, len(z)), make([]float32, len(z))
	a.Forward(y1, z)
	s, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalBinary(s); err != nil {
		t.Fatal(err)
	}
	a.Forward(y1, z)
	b.Forward(y2, z)
	for i := range y1 {
		if math.Float32bits(y1[i]) != math.Float32bits(y2[i]) {
			t.Fatalf("restored neuron draws other noise: %v vs %v", y1, y2)
		}
	}
	other, _ := NewMReLU(model, 0.2, 1)
	if err := other.UnmarshalBinary(s); err == nil || !strings.Contains(err.Error(), "variation") {
		t.Errorf("state of another variation accepted: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("mrelu-noise-v1:"), append([]byte(mreluStateTag), make([]byte, 12)...)} {
		if err := b.UnmarshalBinary(bad); err == nil {
			t.Errorf("state %q accepted", bad)
		}
	}
}

// FuzzDecodeTrainCheckpoint checks the reader of --resume checkpoints:
// no panic, every error wraps nn.ErrBadCheckpoint (or is a read error),
// and an accepted checkpoint is valid and re-encodes to itself.
func FuzzDecodeTrainCheckpoint(f *testing.F) {
	for _, c := range tinyCheckpoints(f, "relu") {
		var buf bytes.Buffer
		if err := c.Encode(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"version":1,"params":{"act":"relu","hidden":[],"epochs":1,"batch":1,"lr":1},"data":{"inputs":1,"classes":1},"state":null}`))
	f.Add([]byte(`{"version":1,"state":{"version":1}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeTrainCheckpoint(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, nn.ErrBadCheckpoint) {
				t.Fatalf("error does not wrap nn.ErrBadCheckpoint: %v", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted an invalid checkpoint: %v", err)
		}
		var a, b bytes.Buffer
		if err := c.Encode(&a); err != nil {
			t.Fatalf("cannot encode an accepted checkpoint: %v", err)
		}
		d, err := DecodeTrainCheckpoint(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		d.Encode(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("round trip changed the checkpoint")
		}
	})
}
