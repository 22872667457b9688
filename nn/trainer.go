package nn

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
)

// Trainer owns the workspaces of one network and trains it. All buffers are
// allocated in NewTrainer, so a training step allocates nothing.
type Trainer struct {
	Net *Network
	cfg Config
	rng *rand.Rand
	src *rand.PCG // rng's source, saved in checkpoints

	batch  int
	rows   int         // rows of the workspaces: batch, or fewer when no set has that many images
	x      []float32   // rows × inputs
	labels []uint8     // batch
	z      [][]float32 // per layer: batch × out, pre-activations
	a      [][]float32 // per layer: batch × out, activations (last: softmax)
	dz     [][]float32 // per layer: batch × out, ∂L/∂z
	deriv  []float32   // batch × widest hidden layer
	dW     [][]float32
	dB     [][]float32
	perm   []int

	// The parallel step (parallel.go).
	elementwise bool              // the activation's element-wise work may be split by rows
	rowAct      RowActivation     // the activation as a RowActivation, or nil
	dact        [][]float32       // per hidden layer with rowAct: batch × out, dy/dz
	team        *kernel.Team      // the team of the current run; nil: the caller alone
	own         *kernel.Serial    // the GEMM of single-threaded runs
	wk          []*trainWorker    // per-thread counters
	n           int               // rows of the current step
	data        *dataset.Set      // the set phase A gathers rows from (nil: x is filled)
	dataIdx     []int             // the images of the step's rows
	rowLoss     []float64         // per row: ln p(label)
	evalLoss    []float64         // per evaluated sample: ln p(label)
	chunkAbs    [][]float64       // per layer and chunk of updChunk weights: Σ|ΔW| of the step
	update      bool              // phase B applies the update (else it forms the gradients only)
	packF       []*kernel.PackedB // per layer: W packed as the B of z = x·W
	packT       []*kernel.PackedB // per layer > 0: W packed as the B of dz·Wᵀ
	nextRows    atomic.Int64      // phase A: the next block of rows to claim
	packDZ      []*kernel.PackedB // per layer: ∂L/∂z packed as the B of aᵀ·dz (full batches)
	parts       []gradPart        // phase B's parts for partsFor threads
	partsFor    int
	nextPart    atomic.Int64 // phase B: the next part to claim
	dzPacked    bool         // phase A packed every row of ∂L/∂z into packDZ
	zeroSet     *dataset.Set // the set whose fraction of zero inputs is zeroFrac
	zeroN       int
	zeroFrac    float64
	blockRows   int // phase A: rows per block
	eval        evalState
	layer       int // the layer of fnFwdGemm and fnBwdGemm
	fnA, fnB    func(w, nw int)
	fnEval      func(w, nw int)
	fnGather    func(w, nw int)
	fnFwdAll    func(w, nw int)
	fnFwdGemm   func(w, nw int)
	fnBwdGemm   func(w, nw int)

	// per-epoch accumulators
	absUpd    []float64
	updCount  []float64
	recordUpd bool
	updHist   []*LogHistogram
	satCount  []int64 // per hidden layer: inputs at or above the saturation input
	satTotal  []int64
}

// NewTrainer prepares workspaces for net under cfg.
func NewTrainer(net *Network, cfg Config) (*Trainer, error) {
	return newTrainer(net, cfg, cfg.Batch)
}

// newTrainer is NewTrainer with workspaces of rows rows (at most
// cfg.Batch): a minibatch never has more rows than its data set has
// images, so Train sizes them by the larger set.
func newTrainer(net *Network, cfg Config, rows int) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rows = max(1, min(rows, cfg.Batch))
	t := &Trainer{Net: net, cfg: cfg, batch: cfg.Batch, rows: rows, src: rand.NewPCG(cfg.Seed, 0x6d72656c75)}
	t.rng = rand.New(t.src)
	b := rows
	t.x = make([]float32, b*net.Inputs())
	t.labels = make([]uint8, b)
	widest := 0
	for _, d := range net.Layers {
		t.z = append(t.z, make([]float32, b*d.Out))
		t.a = append(t.a, make([]float32, b*d.Out))
		t.dz = append(t.dz, make([]float32, b*d.Out))
		t.dW = append(t.dW, make([]float32, d.In*d.Out))
		t.dB = append(t.dB, make([]float32, d.Out))
		t.updHist = append(t.updHist, &LogHistogram{})
		widest = max(widest, d.Out)
	}
	t.deriv = make([]float32, b*widest)
	t.rowLoss = make([]float64, b)
	for _, d := range net.Layers {
		t.chunkAbs = append(t.chunkAbs, make([]float64, (d.In*d.Out+updChunk-1)/updChunk))
	}
	t.elementwise = isElementwise(net.Act)
	if t.rowAct = rowActivation(net.Act); t.rowAct != nil {
		t.elementwise = true // split by rows too
		for _, d := range net.Layers[:len(net.Layers)-1] {
			t.dact = append(t.dact, make([]float32, b*d.Out))
		}
	}
	for l, d := range net.Layers {
		t.packF = append(t.packF, kernel.NewPackedB(false, false, d.In, d.Out, d.W, d.Out))
		var pt *kernel.PackedB
		if l > 0 {
			pt = kernel.NewPackedB(false, true, d.Out, d.In, d.W, d.Out)
		}
		t.packT = append(t.packT, pt)
		t.packDZ = append(t.packDZ, kernel.NewPackedB(true, false, b, d.Out, t.dz[l], d.Out))
	}
	t.own = kernel.NewSerial()
	t.fnA, t.fnB, t.fnEval, t.fnGather = t.phaseA, t.phaseB, t.phaseEval, t.gatherRows
	t.fnFwdGemm, t.fnBwdGemm, t.fnFwdAll = t.forwardGemm, t.backwardGemm, t.forwardAll
	t.absUpd = make([]float64, len(net.Layers))
	t.updCount = make([]float64, len(net.Layers))
	return t, nil
}

func (t *Trainer) checkData(set *dataset.Set, what string) error {
	if set == nil || set.N == 0 {
		return fmt.Errorf("nn: %s set is empty", what)
	}
	if set.Dim() != t.Net.Inputs() {
		return fmt.Errorf("nn: %s images have %d pixels but the network takes %d inputs", what, set.Dim(), t.Net.Inputs())
	}
	if n := set.N * set.Dim(); len(set.Labels) < set.N || (set.Pixels != nil && len(set.Pixels) < n) || (set.Pixels == nil && len(set.Images) < n) {
		return fmt.Errorf("nn: %s set of %d images of %d pixels holds %d labels, %d pixel bytes and %d float32 pixels", what, set.N, set.Dim(), len(set.Labels), len(set.Pixels), len(set.Images))
	}
	for i, y := range set.Labels[:set.N] {
		if int(y) >= t.Net.Classes() {
			return fmt.Errorf("nn: %s label %d at sample %d is outside the network's %d classes", what, y, i, t.Net.Classes())
		}
	}
	return nil
}

// Epoch trains one pass over set in a fresh random order and returns the
// mean training loss, the mean |ΔW| per layer and the wall time.
func (t *Trainer) Epoch(epoch int, set *dataset.Set, recordUpdates bool) (loss float64, meanAbs []float64, secs float64) {
	loss, meanAbs, secs, _ = t.epoch(epoch, set, recordUpdates)
	return loss, meanAbs, secs
}

// epoch is Epoch, stopping after the step during which the configured
// Context is done with an error wrapping ErrInterrupted.
func (t *Trainer) epoch(epoch int, set *dataset.Set, recordUpdates bool) (loss float64, meanAbs []float64, secs float64, err error) {
	t.perm = shuffledOrder(t.perm, set.N, t.rng)
	clear(t.absUpd)
	clear(t.updCount)
	if _, ok := t.Net.Act.(Saturating); ok {
		hidden := len(t.Net.Layers) - 1
		t.satCount, t.satTotal = make([]int64, hidden), make([]int64, hidden)
	}
	t.recordUpd = recordUpdates
	if recordUpdates {
		t.ensureWorkers(1)
		for l, h := range t.updHist {
			h.Reset()
			for _, wk := range t.wk {
				wk.hist[l].Reset()
			}
		}
	}
	for _, wk := range t.wk {
		clear(wk.sat)
	}
	t.repack()
	defer func() { t.data, t.dataIdx = nil, nil }()
	steps := (set.N + t.batch - 1) / t.batch
	start := time.Now()
	var total float64
	for s := 0; s < steps; s++ {
		lo, hi := s*t.batch, min((s+1)*t.batch, set.N)
		t.data, t.dataIdx = set, t.perm[lo:hi]
		total += t.step(hi-lo) * float64(hi-lo)
		if t.cfg.OnStep != nil {
			t.cfg.OnStep(epoch, s+1, steps)
		}
		if t.cfg.Context != nil && t.cfg.Context.Err() != nil {
			t.recordUpd = false
			return 0, nil, 0, &InterruptedError{Epoch: epoch, Step: s + 1, Steps: steps, Err: t.cfg.Context.Err()}
		}
	}
	secs = time.Since(start).Seconds()
	if t.recordUpd {
		for l, h := range t.updHist {
			for _, wk := range t.wk {
				h.merge(wk.hist[l])
			}
		}
	}
	t.recordUpd = false
	meanAbs = make([]float64, len(t.absUpd))
	for l := range meanAbs {
		meanAbs[l] = t.absUpd[l] / t.updCount[l]
	}
	return total / float64(set.N), meanAbs, secs, nil
}

// SaturatedFraction returns, per hidden layer, the fraction of neuron
// inputs at or above the activation's saturation input over the training
// steps of the last epoch (nil when the activation is not Saturating).
func (t *Trainer) SaturatedFraction() []float64 {
	if t.satCount == nil {
		return nil
	}
	f := make([]float64, len(t.satCount))
	for l, c := range t.satCount {
		if t.satTotal[l] > 0 {
			f[l] = float64(c) / float64(t.satTotal[l])
		}
	}
	return f
}

// CountAtOrAbove returns how many values of z are at or above thr
// (finite values; branch-free: v − thr is ≥ 0, sign bit clear, exactly
// when v ≥ thr, since x − x is +0): kernel.CountAtOrAbove, 16 values at a
// time with AVX-512.
func CountAtOrAbove(z []float32, thr float32) int { return kernel.CountAtOrAbove(z, thr) }

// Evaluate returns the mean loss and accuracy on set. When keep is non-nil
// it must have one slice per layer with room for set.N × width values; the
// pre-activations of every layer are stored there.
//
// With an Elementwise activation the threads claim chunks of the set and
// run each through the whole network in their own rows of the workspace
// (the pre-activations written straight into keep); the losses are summed
// afterwards in the order of a serial pass of minibatches, so the result
// does not depend on the thread count. When at least half of the set's
// inputs are 0 (MNIST: 81 %) on a CPU with AVX-512, the first layer sums
// only the nonzero inputs' rows of W (a byte set's pixels read where they
// are, with no float32 copy; kernel.SparseBytesGemm and SparseGemm: the
// same sums in another order than the GEMM's, so the evaluation differs
// from a dense one by rounding only, and a byte set and its float32 copy
// evaluate identically); otherwise the bytes are converted as they are
// copied in and the first layer is a GEMM.
func (t *Trainer) Evaluate(set *dataset.Set, keep [][]float32) (loss, acc float64) {
	if cap(t.evalLoss) < set.N {
		t.evalLoss = make([]float64, set.N)
	}
	t.evalLoss = t.evalLoss[:set.N]
	correct := 0
	if t.elementwise {
		t.repack()
		nw := t.threadCount()
		t.ensureWorkers(nw)
		for _, wk := range t.wk {
			wk.correct = 0
		}
		t.data = set
		t.eval.keep = keep
		t.eval.chunk = max(1, t.rows/nw)
		t.eval.next.Store(0)
		t.eval.sparse = t.useSparse(set)
		t.beginStep()
		t.run(t.fnEval)
		t.data, t.eval.keep = nil, nil
		for _, wk := range t.wk {
			correct += wk.correct
		}
	} else {
		idx := make([]int, 0, t.batch)
		for lo := 0; lo < set.N; lo += t.batch {
			hi := min(lo+t.batch, set.N)
			idx = idx[:0]
			for i := lo; i < hi; i++ {
				idx = append(idx, i)
			}
			n := hi - lo
			t.n, t.data, t.dataIdx = n, set, idx
			t.run(t.fnGather)
			t.data, t.dataIdx = nil, nil
			t.forward(n)
			correct += t.lossRows(t.evalLoss[lo:hi], 0, n, t.labels[:n])
			if keep != nil {
				for li, d := range t.Net.Layers {
					copy(keep[li][lo*d.Out:hi*d.Out], t.z[li][:n*d.Out])
				}
			}
		}
	}
	for lo := 0; lo < set.N; lo += t.batch {
		var l float64
		for _, v := range t.evalLoss[lo:min(lo+t.batch, set.N)] {
			l -= v
		}
		loss += l
	}
	return loss / float64(set.N), float64(correct) / float64(set.N)
}
