package nn

import "github.com/mrelu/mrelu/internal/membudget"

var (
	satAdd = membudget.SatAdd
	satMul = membudget.SatMul
)

// CheckpointBytesPerParam bounds the memory that encoding a checkpoint
// holds at its peak per weight or bias: the copy in the Checkpoint (4
// bytes), its little-endian bytes (4) and the base64 text (5.33) as it is
// copied through encoding/json's buffers, the caller's JSON of the
// enclosing object and the buffer it is written from (about four copies).
const CheckpointBytesPerParam = 32

// Memory is the memory, in bytes, that Train holds for a network of the
// given layer sizes (the data sets aside), from the shapes alone: what a
// memory budget is checked against before anything is allocated. Each
// field is a sum of float32 buffers of NewTrainer, New and Train.
type Memory struct {
	// Params is the number of weights and biases, Σ (in+1)·out.
	Params int64
	// Network is the weights and biases (4·Params), Gradients ∂L/∂W and
	// ∂L/∂b (4·Params).
	Network, Gradients int64
	// Activations is the minibatch workspace: 4·rows·(inputs + 3·Σ out +
	// widest layer), rows = min(batch, larger set's images), plus the
	// shuffle permutation (8 bytes per training image).
	Activations int64
	// PreActivations is the final evaluation's record of every layer's
	// pre-activations on the test set, 4·testN·Σ out.
	PreActivations int64
	// Histograms is the two copies of the widest layer's pre-activations
	// that the report's histograms make, 8·testN·widest.
	Histograms int64
	// Checkpoint is the peak of encoding a checkpoint after an epoch,
	// CheckpointBytesPerParam·Params.
	Checkpoint int64
}

// MemoryOf returns the Memory of training a network of sizes (inputs,
// hidden..., classes) with minibatch batch on trainN images, evaluated on
// testN. Products saturate rather than overflow.
func MemoryOf(sizes []int, batch, trainN, testN int) Memory {
	var m Memory
	var sumOut, widest int64
	for l := 1; l < len(sizes); l++ {
		in, out := int64(sizes[l-1]), int64(sizes[l])
		m.Params = satAdd(m.Params, satMul(in+1, out))
		sumOut = satAdd(sumOut, out)
		widest = max(widest, out)
	}
	in := int64(0)
	if len(sizes) > 0 {
		in = int64(sizes[0])
	}
	b := int64(min(batch, max(trainN, testN, 1))) // Train's workspace rows
	m.Network = satMul(4, m.Params)
	m.Gradients = satMul(4, m.Params)
	m.Activations = satAdd(satMul(4, b, satAdd(satAdd(in, satMul(3, sumOut)), widest)), satMul(8, int64(trainN)))
	m.PreActivations = satMul(4, int64(testN), sumOut)
	m.Histograms = satMul(8, int64(testN), widest)
	m.Checkpoint = satMul(CheckpointBytesPerParam, m.Params)
	return m
}
