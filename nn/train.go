package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
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

// forward runs n rows of t.x through the network.
func (t *Trainer) forward(n int) {
	t.n = n
	if t.elementwise {
		t.repack()
		t.beginStep()
		t.startBlocks()
		t.run(t.fnFwdAll)
		return
	}
	net := t.Net
	for l, d := range net.Layers {
		t.layer = l
		t.run(t.fnFwdGemm)
		t.activate(l, t.a[l][:n*d.Out], t.z[l][:n*d.Out])
	}
}

// beginStep starts a new draw of a RowActivation.
func (t *Trainer) beginStep() {
	if t.rowAct != nil {
		t.rowAct.BeginStep()
	}
}

// forwardGemm is thread w's share of z = b + in·W of layer t.layer.
func (t *Trainer) forwardGemm(w, nw int) {
	r0, r1 := kernel.Span(w, nw, t.n)
	if r1 <= r0 {
		return
	}
	d := t.Net.Layers[t.layer]
	in := t.x
	if t.layer > 0 {
		in = t.a[t.layer-1]
	}
	in = in[r0*d.In : r1*d.In]
	z := t.z[t.layer][r0*d.Out : r1*d.Out]
	for r := 0; r < r1-r0; r++ {
		copy(z[r*d.Out:(r+1)*d.Out], d.B)
	}
	t.gemm(w).Sgemm(false, false, r1-r0, d.Out, d.In, 1, in, d.In, d.W, d.Out, 1, z, d.Out)
}

// backwardGemm is thread w's share of ∂L/∂a = dz·Wᵀ below layer t.layer.
func (t *Trainer) backwardGemm(w, nw int) {
	r0, r1 := kernel.Span(w, nw, t.n)
	if r1 <= r0 {
		return
	}
	d, prev := t.Net.Layers[t.layer], t.Net.Layers[t.layer-1]
	t.gemm(w).Sgemm(false, true, r1-r0, prev.Out, d.Out, 1, t.dz[t.layer][r0*d.Out:r1*d.Out], d.Out,
		d.W, d.Out, 0, t.dz[t.layer-1][r0*prev.Out:r1*prev.Out], prev.Out)
}

// forwardAll is thread w's share of forward for an Elementwise activation.
func (t *Trainer) forwardAll(w, nw int) {
	for {
		r0, r1, ok := t.claimRows()
		if !ok {
			return
		}
		t.forwardRows(t.gemm(w), r0, r1, r0, nil, 0, nil, false)
	}
}

// gatherRows is thread w's share of gathering the step's rows from t.data.
func (t *Trainer) gatherRows(w, nw int) {
	r0, r1 := kernel.Span(w, nw, t.n)
	d := t.Net.Inputs()
	t.data.Gather(t.x[r0*d:r1*d], t.dataIdx[r0:r1])
	for r, i := range t.dataIdx[r0:r1] {
		t.labels[r0+r] = t.data.Labels[i]
	}
}

// softmax writes row-wise softmax of z (rows of width k) into p.
func softmax(p, z []float32, k int) {
	for r := 0; r+k <= len(z); r += k {
		zr, pr := z[r:r+k], p[r:r+k]
		m := zr[0]
		for _, v := range zr[1:] {
			m = max(m, v)
		}
		var s float32
		for j, v := range zr {
			e := expf(v - m)
			pr[j] = e
			s += e
		}
		inv := 1 / s
		for j := range pr {
			pr[j] *= inv
		}
	}
}

// lossAndCorrect returns the summed cross-entropy and the number of correct
// argmax predictions of the n rows of the softmax output.
func (t *Trainer) lossAndCorrect(n int) (loss float64, correct int) {
	correct = t.lossRows(t.rowLoss[:n], 0, n, t.labels[:n])
	for _, v := range t.rowLoss[:n] {
		loss -= v
	}
	return loss, correct
}

// Step runs one SGD step on the first n rows of x (n × inputs) with labels
// y, returning the mean loss of the batch before the update. n must not
// exceed the configured batch.
func (t *Trainer) Step(x []float32, y []uint8, n int) float64 {
	if n > t.rows || n < 1 {
		panic(fmt.Sprintf("nn: step of %d rows with batch %d", n, t.rows))
	}
	copy(t.x, x[:n*t.Net.Inputs()])
	copy(t.labels, y[:n])
	t.data = nil
	t.repack()
	return t.step(n)
}

// step runs one SGD step on n rows: those of t.data at t.dataIdx, or the
// workspace's when t.data is nil.
func (t *Trainer) step(n int) float64 {
	t.update = true
	loss := t.gradients(n)
	t.update = false
	for l, d := range t.Net.Layers {
		var s float64
		for _, v := range t.chunkAbs[l] {
			s += v
		}
		t.absUpd[l] += s
		t.updCount[l] += float64(len(d.W))
	}
	if t.satCount != nil {
		if _, ok := t.Net.Act.(Saturating); ok {
			for l, d := range t.Net.Layers[:len(t.Net.Layers)-1] {
				for _, wk := range t.wk {
					t.satCount[l] += wk.sat[l]
					wk.sat[l] = 0
				}
				t.satTotal[l] += int64(n * d.Out)
			}
		}
	}
	return loss
}

// gradients runs n rows forward and back and, when t.update is set,
// applies the SGD update (phase B); ∂L/∂W and ∂L/∂b of the mean batch loss are
// left in t.dW and t.dB. It returns that mean loss.
func (t *Trainer) gradients(n int) float64 {
	t.n = n
	if t.elementwise {
		t.beginStep()
		t.startBlocks()
		t.run(t.fnA)
		t.dzPacked = n == t.rows
	} else {
		t.stepSerialAct(n)
		t.dzPacked = false
	}
	var loss float64
	for _, v := range t.rowLoss[:n] {
		loss -= v
	}
	t.planParts(t.threadCount())
	t.nextPart.Store(0)
	t.run(t.fnB)
	return loss / float64(n)
}

// stepSerialAct is phase A for an activation that is not Elementwise: the
// GEMMs on the team, the activation on the whole batch on the caller.
func (t *Trainer) stepSerialAct(n int) {
	if t.data != nil {
		t.run(t.fnGather)
	}
	t.forward(n)
	net := t.Net
	last := len(net.Layers) - 1
	t.lossRows(t.rowLoss[:n], 0, n, t.labels[:n])
	t.ensureWorkers(1)
	t.countSaturated(t.wk[0], 0, n)
	t.outputGradient(0, n)
	for l := last; l > 0; l-- {
		t.layer = l
		t.run(t.fnBwdGemm)
		prev := net.Layers[l-1]
		m := n * prev.Out
		t.mulDerivative(t.dz[l-1][:m], t.z[l-1][:m], t.a[l-1][:m], t.deriv[:m])
	}
}

// applyUpdate does w -= lr·g and returns Σ|lr·g|, summed in float32 over
// chunks of updChunk weights and over the chunks in float64 (the sum
// applyUpdateChunks splits); with record it also counts every update in h.
func applyUpdate(w, g []float32, lr float32, record bool, h *LogHistogram) float64 {
	var s float64
	for lo := 0; lo < len(w); lo += updChunk {
		hi := min(lo+updChunk, len(w))
		s += updateChunk(w[lo:hi], g[lo:hi], lr, record, h)
	}
	return s
}

// updateChunk does w -= lr·g and returns Σ|lr·g|, with four float32
// partial sums; with record it also counts every update in h.
func updateChunk(w, g []float32, lr float32, record bool, h *LogHistogram) float64 {
	g = g[:len(w)]
	var s0, s1, s2, s3 float32
	i := 0
	if record {
		// The same sums in the same order as below, so that recording
		// changes no statistic.
		for ; i+4 <= len(w); i += 4 {
			u0, u1, u2, u3 := lr*g[i], lr*g[i+1], lr*g[i+2], lr*g[i+3]
			w[i] -= u0
			w[i+1] -= u1
			w[i+2] -= u2
			w[i+3] -= u3
			h.Add(-u0)
			h.Add(-u1)
			h.Add(-u2)
			h.Add(-u3)
			s0 += abs32(u0)
			s1 += abs32(u1)
			s2 += abs32(u2)
			s3 += abs32(u3)
		}
		for ; i < len(w); i++ {
			u := lr * g[i]
			w[i] -= u
			h.Add(-u)
			s0 += abs32(u)
		}
		return float64(s0) + float64(s1) + float64(s2) + float64(s3)
	}
	for ; i+4 <= len(w); i += 4 {
		u0, u1, u2, u3 := lr*g[i], lr*g[i+1], lr*g[i+2], lr*g[i+3]
		w[i] -= u0
		w[i+1] -= u1
		w[i+2] -= u2
		w[i+3] -= u3
		s0 += abs32(u0)
		s1 += abs32(u1)
		s2 += abs32(u2)
		s3 += abs32(u3)
	}
	for ; i < len(w); i++ {
		u := lr * g[i]
		w[i] -= u
		s0 += abs32(u)
	}
	return float64(s0) + float64(s1) + float64(s2) + float64(s3)
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

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
	if len(t.perm) != set.N {
		t.perm = make([]int, set.N)
	}
	for i := range t.perm {
		t.perm[i] = i
	}
	t.rng.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
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
// when v ≥ thr, since x − x is +0).
func CountAtOrAbove(z []float32, thr float32) int {
	n := 0
	for _, v := range z {
		n += int(1 - math.Float32bits(v-thr)>>31)
	}
	return n
}

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
	if err := t.checkData(train, "training"); err != nil {
		return nil, err
	}
	if err := t.checkData(test, "test"); err != nil {
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
