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
	// ∂L/∂b (4·Params) plus the weights packed for the GEMM (4·Σ in·out'
	// for the forward products and 4·Σ out·in' for the backward ones,
	// layers after the first; x' is x rounded up to the 32-column panels;
	// a layer above 2^18 packed floats is not packed).
	Network, Gradients int64
	// Activations is the minibatch workspace: 4·rows·(inputs + 3·Σ out +
	// widest layer) plus ∂L/∂z packed for the GEMM (4·Σ rows·out', as for
	// the weights), rows = min(batch, larger set's images), plus the
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

// packedFloats is the size of a k x n operand packed for the GEMM
// (kernel.PackedB): n rounded up to the 32-column panels, or 0 above the
// 2^18 floats the kernel packs at once.
func packedFloats(k, n int64) int64 {
	f := satMul(k, (n+31)/32*32)
	if f > 1<<18 {
		return 0
	}
	return f
}

// MemoryOf returns the Memory of training a network of sizes (inputs,
// hidden..., classes) with minibatch batch on trainN images, evaluated on
// testN. Products saturate rather than overflow.
func MemoryOf(sizes []int, batch, trainN, testN int) Memory {
	var m Memory
	b := int64(min(batch, max(trainN, testN, 1))) // Train's workspace rows
	var sumOut, widest, packed, sumOutP int64
	for l := 1; l < len(sizes); l++ {
		in, out := int64(sizes[l-1]), int64(sizes[l])
		m.Params = satAdd(m.Params, satMul(in+1, out))
		packed = satAdd(packed, packedFloats(in, out))
		if l > 1 {
			packed = satAdd(packed, packedFloats(out, in))
		}
		sumOut = satAdd(sumOut, out)
		sumOutP = satAdd(sumOutP, packedFloats(b, out))
		widest = max(widest, out)
	}
	in := int64(0)
	if len(sizes) > 0 {
		in = int64(sizes[0])
	}
	m.Network = satMul(4, m.Params)
	m.Gradients = satAdd(satMul(4, m.Params), satMul(4, packed))
	m.Activations = satAdd(satAdd(satMul(4, b, satAdd(satAdd(in, satMul(3, sumOut)), widest)), satMul(4, sumOutP)), satMul(8, int64(trainN)))
	m.PreActivations = satMul(4, int64(testN), sumOut)
	m.Histograms = satMul(8, int64(testN), widest)
	m.Checkpoint = satMul(CheckpointBytesPerParam, m.Params)
	return m
}
