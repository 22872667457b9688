package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mrelu/mrelu/dataset"
)

// SeqTrainer trains a Sequential network with minibatch SGD and the
// softmax cross-entropy, with the rules of Trainer: the same shuffle
// (seeded by Config.Seed), the mean loss of the batch, w −= lr·∂L/∂w for
// every parameter, and the same instruments (mean |ΔW| per weighted layer,
// the final epoch's update histograms, the saturated fraction of a
// Saturating activation's inputs). Its buffers are allocated in
// NewSeqTrainer and by the first step, so later steps allocate nothing.
type SeqTrainer struct {
	Net *Sequential
	cfg Config
	rng *rand.Rand

	rows   int
	x      []float32
	labels []uint8
	a, g   [][]float32   // per layer: outputs and ∂L/∂outputs, rows × out.Size()
	p      []float32     // softmax of the last layer's outputs
	grads  [][][]float32 // per layer, per parameter
	params [][]Param
	perm   []int

	weighted  []int // layer indices with weights, in order
	absUpd    []float64
	updCount  []float64
	updHist   []*LogHistogram
	recordUpd bool
	acts      []int // indices of Activate layers
	satCount  []int64
	satTotal  []int64
}

// NewSeqTrainer prepares the workspaces of net for batches of up to
// cfg.Batch samples. Checkpoints (OnCheckpoint, Resume) are not supported
// yet.
func NewSeqTrainer(net *Sequential, cfg Config) (*SeqTrainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Resume != nil || cfg.OnCheckpoint != nil {
		return nil, errors.New("nn: checkpoints of a Sequential network are not supported")
	}
	if net == nil || len(net.Layers) == 0 {
		return nil, fmt.Errorf("%w: empty Sequential", ErrShape)
	}
	if err := net.check(); err != nil {
		return nil, err
	}
	b := cfg.Batch
	t := &SeqTrainer{Net: net, cfg: cfg, rows: b, rng: rand.New(rand.NewPCG(cfg.Seed, 0x6d72656c75))}
	t.x = make([]float32, b*net.In.Size())
	t.labels = make([]uint8, b)
	for i, l := range net.Layers {
		_, out := l.Shapes()
		t.a = append(t.a, make([]float32, b*out.Size()))
		t.g = append(t.g, make([]float32, b*out.Size()))
		ps := l.Params()
		t.params = append(t.params, ps)
		var gs [][]float32
		for _, p := range ps {
			gs = append(gs, make([]float32, len(p.Value)))
		}
		t.grads = append(t.grads, gs)
		if _, ok := l.(*Activate); ok {
			t.acts = append(t.acts, i)
		}
	}
	t.p = make([]float32, b*net.Classes())
	t.weighted = net.Weighted()
	t.absUpd = make([]float64, len(t.weighted))
	t.updCount = make([]float64, len(t.weighted))
	for range t.weighted {
		t.updHist = append(t.updHist, &LogHistogram{})
	}
	return t, nil
}

// forward runs n rows of t.x through the layers and the softmax.
func (t *SeqTrainer) forward(n int) {
	in := t.x
	for l, layer := range t.Net.Layers {
		layer.Forward(t.a[l], in, n)
		in = t.a[l]
	}
	k := t.Net.Classes()
	softmax(t.p[:n*k], in[:n*k], k)
}

// crossEntropy returns the summed cross-entropy of the first n rows of
// the probabilities p (rows of k classes) against labels, and how many
// rows have their largest probability (the first, on ties) at the label.
func crossEntropy(p []float32, labels []uint8, n, k int) (loss float64, correct int) {
	for r, y := range labels[:n] {
		row := p[r*k : (r+1)*k]
		loss -= math.Log(math.Max(float64(row[y]), 1e-30))
		arg := 0
		for j, v := range row {
			if v > row[arg] {
				arg = j
			}
		}
		if arg == int(y) {
			correct++
		}
	}
	return loss, correct
}

// Step runs one SGD step on the first n rows of x (n × input size) with
// labels y and returns the batch's mean loss before the update.
func (t *SeqTrainer) Step(x []float32, y []uint8, n int) float64 {
	if n > t.rows || n < 1 {
		panic(fmt.Sprintf("nn: step of %d rows with batch %d", n, t.rows))
	}
	copy(t.x, x[:n*t.Net.In.Size()])
	copy(t.labels, y[:n])
	return t.step(n)
}

// Gradients runs the first n rows of x forward and back and returns the
// mean loss; the gradients are then in Grads. No parameter changes.
func (t *SeqTrainer) Gradients(x []float32, y []uint8, n int) float64 {
	copy(t.x, x[:n*t.Net.In.Size()])
	copy(t.labels, y[:n])
	return t.gradients(n)
}

// Grads returns the gradient buffers of the last step: Grads()[l][i] is
// ∂L/∂ of Net.Layers[l].Params()[i].
func (t *SeqTrainer) Grads() [][][]float32 { return t.grads }

func (t *SeqTrainer) gradients(n int) float64 {
	t.forward(n)
	k := t.Net.Classes()
	loss, _ := crossEntropy(t.p, t.labels, n, k)
	last := len(t.Net.Layers) - 1
	// ∂L/∂logits of the mean softmax cross-entropy: (p − onehot)/n.
	inv := 1 / float32(n)
	g := t.g[last][:n*k]
	for i, v := range t.p[:n*k] {
		g[i] = v * inv
	}
	for r, y := range t.labels[:n] {
		g[r*k+int(y)] -= inv
	}
	for l := last; l >= 0; l-- {
		in := t.x
		var dx []float32
		if l > 0 {
			in, dx = t.a[l-1], t.g[l-1]
		}
		t.Net.Layers[l].Backward(dx, t.g[l], in, t.a[l], n, t.grads[l])
	}
	return loss / float64(n)
}

func (t *SeqTrainer) step(n int) float64 {
	loss := t.gradients(n)
	if s, ok := t.saturating(); ok {
		thr := s.SaturationInput()
		for i, l := range t.acts {
			in := t.x
			if l > 0 {
				in = t.a[l-1]
			}
			m := n * t.Net.Layers[l].(*Activate).Shape.Size()
			t.satCount[i] += int64(CountAtOrAbove(in[:m], thr))
			t.satTotal[i] += int64(m)
		}
	}
	lr := float32(t.cfg.LR)
	w := 0
	for l, ps := range t.params {
		for i, p := range ps {
			g := t.grads[l][i]
			if !p.Weight {
				for j, v := range g {
					p.Value[j] -= lr * v
				}
				continue
			}
			t.absUpd[w] += applyUpdate(p.Value, g, lr, t.recordUpd, t.updHist[w])
			t.updCount[w] += float64(len(p.Value))
			w++
		}
	}
	return loss
}

// saturating returns the first activation when it is Saturating and the
// saturation counters are armed.
func (t *SeqTrainer) saturating() (Saturating, bool) {
	if len(t.acts) == 0 || t.satCount == nil {
		return nil, false
	}
	s, ok := t.Net.Layers[t.acts[0]].(*Activate).Act.(Saturating)
	return s, ok
}

func (t *SeqTrainer) gather(set *dataset.Set, idx []int) {
	set.Gather(t.x, idx)
	for r, i := range idx {
		t.labels[r] = set.Labels[i]
	}
}

// Epoch trains one pass over set in a fresh random order and returns the
// mean training loss, the mean |ΔW| per weighted layer and the wall time
// (recordUpdates also fills the update histograms). It stops after the
// step during which Config.Context is done, with an *InterruptedError.
func (t *SeqTrainer) Epoch(epoch int, set *dataset.Set, recordUpdates bool) (loss float64, meanAbs []float64, secs float64, err error) {
	t.perm = shuffledOrder(t.perm, set.N, t.rng)
	clear(t.absUpd)
	clear(t.updCount)
	t.satCount, t.satTotal = nil, nil
	if len(t.acts) > 0 {
		if _, ok := t.Net.Layers[t.acts[0]].(*Activate).Act.(Saturating); ok {
			t.satCount, t.satTotal = make([]int64, len(t.acts)), make([]int64, len(t.acts))
		}
	}
	t.recordUpd = recordUpdates
	defer func() { t.recordUpd = false }()
	if recordUpdates {
		for _, h := range t.updHist {
			h.Reset()
		}
	}
	start := time.Now()
	steps := (set.N + t.rows - 1) / t.rows
	var total float64
	for s := range steps {
		idx := t.perm[s*t.rows : min((s+1)*t.rows, set.N)]
		t.gather(set, idx)
		total += t.step(len(idx)) * float64(len(idx))
		if t.cfg.OnStep != nil {
			t.cfg.OnStep(epoch, s+1, steps)
		}
		if ctx := t.cfg.Context; ctx != nil && ctx.Err() != nil {
			return 0, nil, 0, &InterruptedError{Epoch: epoch, Step: s + 1, Steps: steps, Err: ctx.Err()}
		}
	}
	meanAbs = make([]float64, len(t.absUpd))
	for w, s := range t.absUpd {
		meanAbs[w] = s / t.updCount[w]
	}
	return total / float64(set.N), meanAbs, time.Since(start).Seconds(), nil
}

// SaturatedFraction is, per activation layer, the fraction of its inputs
// at or above the activation's SaturationInput during the last epoch
// (nil when the activation is not Saturating).
func (t *SeqTrainer) SaturatedFraction() []float64 {
	if t.satCount == nil {
		return nil
	}
	f := make([]float64, len(t.satCount))
	for i, c := range t.satCount {
		f[i] = float64(c) / float64(max(t.satTotal[i], 1))
	}
	return f
}

// UpdateHist returns the weight-update histograms of the last epoch
// trained with recordUpdates, per weighted layer.
func (t *SeqTrainer) UpdateHist() []*LogHistogram { return t.updHist }

// Evaluate returns the mean loss and the accuracy on set.
func (t *SeqTrainer) Evaluate(set *dataset.Set) (loss, acc float64) {
	idx := make([]int, 0, t.rows)
	correct := 0
	for lo := 0; lo < set.N; lo += t.rows {
		idx = idx[:0]
		for i := lo; i < min(lo+t.rows, set.N); i++ {
			idx = append(idx, i)
		}
		t.gather(set, idx)
		t.forward(len(idx))
		l, c := crossEntropy(t.p, t.labels, len(idx), t.Net.Classes())
		loss += l
		correct += c
	}
	return loss / float64(set.N), float64(correct) / float64(set.N)
}

// checkSet reports a set that the network cannot take.
func (t *SeqTrainer) checkSet(set *dataset.Set, what string) error {
	switch {
	case set == nil || set.N == 0:
		return fmt.Errorf("nn: %s set is empty", what)
	case set.Dim() != t.Net.In.Size():
		return fmt.Errorf("nn: %s images have %d pixels but the network takes %v = %d inputs", what, set.Dim(), t.Net.In, t.Net.In.Size())
	}
	for i, y := range set.Labels[:set.N] {
		if int(y) >= t.Net.Classes() {
			return fmt.Errorf("nn: %s label %d at sample %d is outside the network's %d classes", what, y, i, t.Net.Classes())
		}
	}
	return nil
}

// TrainSequential runs cfg.Epochs epochs of SGD on train, evaluating on
// test after each, and returns the per-epoch statistics and the final
// epoch's update histograms (Result.PreActivations is nil). It stops
// with ErrDiverged when a loss or an update is no longer finite.
func TrainSequential(net *Sequential, train, test *dataset.Set, cfg Config) (*Result, error) {
	t, err := NewSeqTrainer(net, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkSets(t.checkSet, train, test); err != nil {
		return nil, err
	}
	res := &Result{}
	for e := 1; e <= cfg.Epochs; e++ {
		loss, meanAbs, secs, err := t.Epoch(e, train, e == cfg.Epochs)
		if err != nil {
			return res, err
		}
		bad := math.IsNaN(loss) || math.IsInf(loss, 0)
		for _, m := range meanAbs {
			bad = bad || math.IsNaN(m) || math.IsInf(m, 0)
		}
		if bad {
			return res, fmt.Errorf("%w at epoch %d: training loss %v, mean |ΔW| %v (try a smaller --lr than %g)", ErrDiverged, e, loss, meanAbs, cfg.LR)
		}
		t0 := time.Now()
		tl, acc := t.Evaluate(test)
		if math.IsNaN(tl) || math.IsInf(tl, 0) {
			return res, fmt.Errorf("%w at epoch %d: test loss is %v (try a smaller --lr than %g)", ErrDiverged, e, tl, cfg.LR)
		}
		st := EpochStats{Epoch: e, TrainLoss: loss, TestLoss: tl, TestAccuracy: acc, Seconds: secs,
			EvalSeconds: time.Since(t0).Seconds(), MeanAbsUpdate: meanAbs, SaturatedFraction: t.SaturatedFraction()}
		res.Epochs = append(res.Epochs, st)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(st)
		}
	}
	res.UpdateHist = t.UpdateHist()
	return res, nil
}

// shuffledOrder returns 0..n−1 in the order of rng.Shuffle (the order
// Trainer draws), reusing perm's storage.
func shuffledOrder(perm []int, n int, rng *rand.Rand) []int {
	perm = slices.Grow(perm[:0], n)[:n]
	for i := range n {
		perm[i] = i
	}
	rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	return perm
}
