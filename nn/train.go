package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
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
	t.absUpd = make([]float64, len(net.Layers))
	t.updCount = make([]float64, len(net.Layers))
	return t, nil
}

// forward runs n rows of t.x through the network. When keep is non-nil,
// the pre-activations of layer l are appended to keep[l].
func (t *Trainer) forward(n int) {
	net := t.Net
	last := len(net.Layers) - 1
	in := t.x
	for l, d := range net.Layers {
		z := t.z[l][:n*d.Out]
		// z = b (broadcast over rows, a fast copy) then z += x·W in the GEMM.
		for r := 0; r < n; r++ {
			copy(z[r*d.Out:(r+1)*d.Out], d.B)
		}
		kernel.Sgemm(false, false, n, d.Out, d.In, 1, in, d.In, d.W, d.Out, 1, z, d.Out)
		if l < last {
			if lf, ok := net.Act.(LayerForwarder); ok {
				lf.ForwardLayer(l, d.Out, t.a[l][:n*d.Out], z)
			} else {
				net.Act.Forward(t.a[l][:n*d.Out], z)
			}
		} else {
			softmax(t.a[l][:n*d.Out], z, d.Out)
		}
		in = t.a[l]
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
	k := t.Net.Classes()
	p := t.a[len(t.a)-1]
	for r := 0; r < n; r++ {
		pr := p[r*k : (r+1)*k]
		y := int(t.labels[r])
		loss -= math.Log(math.Max(float64(pr[y]), 1e-30))
		best := 0
		for j := 1; j < k; j++ {
			if pr[j] > pr[best] {
				best = j
			}
		}
		if best == y {
			correct++
		}
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
	return t.step(n)
}

func (t *Trainer) step(n int) float64 {
	loss := t.gradients(n)
	if s, ok := t.Net.Act.(Saturating); ok && t.satCount != nil {
		thr := s.SaturationInput()
		for l, d := range t.Net.Layers[:len(t.Net.Layers)-1] {
			t.satCount[l] += int64(CountAtOrAbove(t.z[l][:n*d.Out], thr))
			t.satTotal[l] += int64(n * d.Out)
		}
	}
	lr := float32(t.cfg.LR)
	for l, d := range t.Net.Layers {
		t.absUpd[l] += applyUpdate(d.W, t.dW[l], lr, t.recordUpd, t.updHist[l])
		t.updCount[l] += float64(len(d.W))
		for j, g := range t.dB[l] {
			d.B[j] -= lr * g
		}
	}
	return loss
}

// gradients runs the first n rows of the workspace forward and back,
// leaving ∂L/∂W and ∂L/∂b of the mean batch loss in t.dW and t.dB, and
// returns that mean loss.
func (t *Trainer) gradients(n int) float64 {
	net := t.Net
	t.forward(n)
	loss, _ := t.lossAndCorrect(n)
	last := len(net.Layers) - 1
	k := net.Classes()
	// ∂L/∂z of softmax cross-entropy averaged over the batch: (p - onehot)/n.
	inv := 1 / float32(n)
	dz := t.dz[last][:n*k]
	p := t.a[last]
	for r := 0; r < n; r++ {
		for j := 0; j < k; j++ {
			dz[r*k+j] = p[r*k+j] * inv
		}
		dz[r*k+int(t.labels[r])] -= inv
	}
	for l := last; l >= 0; l-- {
		d := net.Layers[l]
		in := t.x
		if l > 0 {
			in = t.a[l-1]
		}
		dzl := t.dz[l][:n*d.Out]
		kernel.Sgemm(true, false, d.In, d.Out, n, 1, in, d.In, dzl, d.Out, 0, t.dW[l], d.Out)
		db := t.dB[l]
		clear(db)
		for r := 0; r < n; r++ {
			for j, v := range dzl[r*d.Out : (r+1)*d.Out] {
				db[j] += v
			}
		}
		if l > 0 {
			// ∂L/∂a of the layer below, then through its activation.
			prev := net.Layers[l-1]
			da := t.dz[l-1][:n*prev.Out]
			kernel.Sgemm(false, true, n, prev.Out, d.Out, 1, dzl, d.Out, d.W, d.Out, 0, da, prev.Out)
			zp, ap := t.z[l-1][:n*prev.Out], t.a[l-1][:n*prev.Out]
			if m, ok := net.Act.(DerivativeMultiplier); ok {
				m.MulDerivative(da, zp, ap)
			} else {
				der := t.deriv[:n*prev.Out]
				net.Act.Derivative(der, zp, ap)
				for i, g := range der {
					da[i] *= g
				}
			}
		}
	}
	return loss / float64(n)
}

// applyUpdate does w -= lr·g and returns Σ|lr·g|; with record it also
// counts every update in h.
func applyUpdate(w, g []float32, lr float32, record bool, h *LogHistogram) float64 {
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

// gather copies the rows idx of set into the input workspace, converting
// a byte set's pixels to float32 on the way (dataset.Set.Gather).
func (t *Trainer) gather(set *dataset.Set, idx []int) {
	set.Gather(t.x, idx)
	for r, i := range idx {
		t.labels[r] = set.Labels[i]
	}
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
		for _, h := range t.updHist {
			h.Reset()
		}
	}
	steps := (set.N + t.batch - 1) / t.batch
	start := time.Now()
	var total float64
	for s := 0; s < steps; s++ {
		lo, hi := s*t.batch, min((s+1)*t.batch, set.N)
		t.gather(set, t.perm[lo:hi])
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
func (t *Trainer) Evaluate(set *dataset.Set, keep [][]float32) (loss, acc float64) {
	correct := 0
	idx := make([]int, 0, t.batch)
	for lo := 0; lo < set.N; lo += t.batch {
		hi := min(lo+t.batch, set.N)
		idx = idx[:0]
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		t.gather(set, idx)
		n := hi - lo
		t.forward(n)
		l, c := t.lossAndCorrect(n)
		loss += l
		correct += c
		if keep != nil {
			for li, d := range t.Net.Layers {
				copy(keep[li][lo*d.Out:hi*d.Out], t.z[li][:n*d.Out])
			}
		}
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
