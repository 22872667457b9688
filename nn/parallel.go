package nn

import (
	"bytes"
	"math"
	"sync/atomic"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
)

// How a training step uses the cores.
//
// A step runs in two phases on the threads of a kernel.Team, each thread
// with its own single-threaded GEMM:
//
//   - Phase A splits the minibatch by rows: the threads claim blocks of
//     rows (startBlocks). For its block a thread converts the pixel bytes
//     straight from the data set into the input rows (the GEMM reads its
//     A operand in place, so this is the packing of the first product's
//     A), then runs the rows forward through every layer (bias, x·W with
//     the weights packed once, activation, softmax, loss) and back (∂L/∂z
//     of the output, dz·Wᵀ, times the activation's derivative) without
//     waiting for the other threads: a row's forward and backward pass
//     needs no other row. It packs its rows of every ∂L/∂z for phase B.
//   - Phase B splits the parameters: the threads claim parts of the
//     weight rows (planParts), compute ∂L/∂W = aᵀ·dz over the whole batch
//     for them and update those weights at once, while they are in the
//     cache, with the |ΔW| instrument and the update histogram, and
//     re-pack them for the next step; one part per layer also forms and
//     applies ∂L/∂b.
//
// Every element is computed with the same operations in the same order
// whatever the split (a GEMM's element does not depend on the rows or
// columns around it; sums over the batch run over all rows in order; the
// per-row losses and the |ΔW| sums of fixed 64-weight chunks are added by
// the caller in order), so the weights, losses and statistics are the same
// bit for bit on 1 or 2 threads.
//
// An activation that draws noise is not Elementwise. When it is a
// RowActivation (its draw for an element is a function of the step, the
// layer and the element's place in the batch only), phase A calls its
// ForwardRows on the threads' row blocks like an Elementwise activation,
// after one BeginStep per step on the calling goroutine, and keeps the
// derivatives it returns for the backward pass; the draws, and so the
// weights, are again the same on 1 or 2 threads. Any other activation that
// keeps state between calls has its Forward and MulDerivative run on the
// whole batch on the calling goroutine, between team runs of each layer's
// GEMM, in the order of the serial trainer, so its draws are those of a
// one-thread run.

// Elementwise is an optional interface of an Activation whose Forward,
// Derivative and MulDerivative compute each element from its own inputs
// only and keep no state, so that the trainer may call them at once on
// disjoint row ranges of a batch from several goroutines. The built-in
// software activations are Elementwise.
type Elementwise interface {
	Elementwise() bool
}

// Elementwise implements the Elementwise interface.
func (ReLU) Elementwise() bool { return true }

// Elementwise implements the Elementwise interface.
func (Sigmoid) Elementwise() bool { return true }

// Elementwise implements the Elementwise interface.
func (ClippedReLU) Elementwise() bool { return true }

func isElementwise(a Activation) bool {
	e, ok := a.(Elementwise)
	return ok && e.Elementwise()
}

// RowActivation is an optional interface of a stochastic Activation (a
// hardware neuron with temporal noise) whose draw for an element depends
// only on the activation's step, the hidden layer and the element's place
// in the batch, so that the trainer may evaluate disjoint row ranges of a
// batch at once from several goroutines and get the same outputs however
// it splits them.
type RowActivation interface {
	// BeginStep starts a new draw: the trainer calls it once on the
	// calling goroutine before the rows of each training step or
	// evaluation (checkpointed activations save the step count).
	BeginStep()
	// ForwardRows writes y = f(z) and d = dy/dz (of that same draw) for
	// rows of hidden layer layer (0-based), width neurons per row, whose
	// first row is row row0 of the batch (or of the evaluated set).
	// Calls on disjoint rows may run concurrently between BeginSteps.
	ForwardRows(layer, width, row0 int, y, d, z []float32)
}

// rowActivation returns a as a RowActivation, or nil.
func rowActivation(a Activation) RowActivation {
	if isElementwise(a) {
		return nil
	}
	r, _ := a.(RowActivation)
	return r
}

// updChunk is the number of weights whose |ΔW| are summed in float32
// before the sum is added in float64 (applyUpdateChunks).
const updChunk = 64

// sharedTeam is the team of the multi-threaded trainers; its runs serialize, so
// two trainers never use more threads than it has.
var sharedTeam = kernel.NewTeam()

// threadCount is the number of threads a step uses.
func (t *Trainer) threadCount() int {
	if t.cfg.Threads > 0 {
		return min(t.cfg.Threads, sharedTeam.Size())
	}
	return sharedTeam.Size()
}

// run calls f(w, nw) on the step's threads; on one thread it runs on the
// caller with the trainer's own GEMM, so single-threaded trainers can run
// side by side.
func (t *Trainer) run(f func(w, nw int)) {
	if t.threadCount() <= 1 {
		t.team = nil
		t.ensureWorkers(1)
		f(0, 1)
		return
	}
	t.team = sharedTeam
	nw := t.threadCount()
	t.ensureWorkers(nw)
	sharedTeam.RunN(nw, f)
}

// gemm is thread w's GEMM inside run.
func (t *Trainer) gemm(w int) *kernel.Serial {
	if t.team == nil {
		return t.own
	}
	return t.team.Serial(w)
}

// ensureWorkers sizes the per-thread instruments for nw threads.
func (t *Trainer) ensureWorkers(nw int) {
	for len(t.wk) < nw {
		layers := len(t.Net.Layers)
		wk := &trainWorker{sat: make([]int64, layers), hist: make([]*LogHistogram, layers)}
		for l := range wk.hist {
			wk.hist[l] = &LogHistogram{}
		}
		t.wk = append(t.wk, wk)
	}
}

// trainWorker holds one thread's counters.
type trainWorker struct {
	sat     []int64 // per hidden layer: inputs at or above the saturation input
	correct int
	hist    []*LogHistogram // per layer: weight updates (recorded epochs)
	_       [64]byte
}

// repack packs every layer's weights for the GEMMs of phase A (after they
// may have changed outside the trainer; phase B re-packs the rows it
// updates).
func (t *Trainer) repack() {
	for l, d := range t.Net.Layers {
		t.packF[l].Update(0, d.In)
		if t.packT[l] != nil {
			t.packT[l].Update(0, d.In)
		}
	}
}

// startBlocks splits the t.n rows of a step into blocks that the threads
// claim (claimRows): two per thread, of whole micro-tiles of 14 rows, so
// that a thread that the system deschedules delays the step by one block
// at most.
func (t *Trainer) startBlocks() {
	nb := 2 * t.threadCount()
	if nb <= 2 {
		nb = 1
	}
	t.blockRows = max(1, (t.n+nb-1)/nb)
	if t.blockRows > 14 {
		t.blockRows = (t.blockRows + 13) / 14 * 14
	}
	t.nextRows.Store(0)
}

// claimRows returns the next block of rows of the step.
func (t *Trainer) claimRows() (r0, r1 int, ok bool) {
	b := int(t.nextRows.Add(1) - 1)
	r0 = b * t.blockRows
	if r0 >= t.n {
		return 0, 0, false
	}
	return r0, min(r0+t.blockRows, t.n), true
}

// phaseA runs blocks of rows of the batch forward and back on thread w.
func (t *Trainer) phaseA(w, nw int) {
	for {
		r0, r1, ok := t.claimRows()
		if !ok {
			return
		}
		t.rowsForwardBack(w, r0, r1)
	}
}

// rowsForwardBack gathers rows [r0, r1) and runs them forward and back.
func (t *Trainer) rowsForwardBack(w, r0, r1 int) {
	if t.data != nil {
		d := t.Net.Inputs()
		t.data.Gather(t.x[r0*d:r1*d], t.dataIdx[r0:r1])
		for r, i := range t.dataIdx[r0:r1] {
			t.labels[r0+r] = t.data.Labels[i]
		}
	}
	sg := t.gemm(w)
	t.forwardRows(sg, r0, r1, r0, nil, 0, nil, false)
	t.lossRows(t.rowLoss[r0:r1], r0, r1, t.labels[r0:r1])
	t.countSaturated(t.wk[w], r0, r1)
	t.backwardRows(sg, r0, r1)
	if t.n == t.rows {
		for _, pb := range t.packDZ {
			pb.Update(r0, r1)
		}
	}
}

// forwardRows runs rows [r0, r1) of the input workspace through the
// network; row0 is the place of row r0 in the batch or the evaluated set
// (for a RowActivation). The pre-activations of layer l go to keep[l] from sample k0 on
// when keep is not nil, else to the workspace. When pix is not nil, the
// first layer reads the rows' pixel bytes from it instead of the input
// workspace, skipping the zero pixels (kernel.SparseBytesGemm); when
// sparse is set it skips the zero inputs of the workspace's rows
// (kernel.SparseGemm, the same sums).
func (t *Trainer) forwardRows(sg *kernel.Serial, r0, r1, row0 int, keep [][]float32, k0 int, pix []uint8, sparse bool) {
	net := t.Net
	m := r1 - r0
	in := t.x[r0*net.Inputs() : r1*net.Inputs()]
	for l, d := range net.Layers {
		z := t.z[l][r0*d.Out : r1*d.Out]
		if keep != nil {
			z = keep[l][k0*d.Out : (k0+m)*d.Out]
		}
		a := t.a[l][r0*d.Out : r1*d.Out]
		switch {
		case l == 0 && pix != nil:
			kernel.SparseBytesGemm(m, d.Out, d.In, &pixelTable, pix, d.In, d.W, d.Out, d.B, z, d.Out)
		case l == 0 && sparse:
			kernel.SparseGemm(m, d.Out, d.In, in, d.In, d.W, d.Out, d.B, z, d.Out)
		default:
			for r := 0; r < m; r++ {
				copy(z[r*d.Out:(r+1)*d.Out], d.B)
			}
			sg.SgemmPacked(m, 1, in, d.In, t.packF[l], 1, z, d.Out)
		}
		if t.rowAct != nil && l < len(net.Layers)-1 {
			t.rowAct.ForwardRows(l, d.Out, row0, a, t.dact[l][r0*d.Out:r1*d.Out], z)
		} else {
			t.activate(l, a, z)
		}
		in = a
	}
}

// lossRows writes ln p(label) of rows [r0, r1) of the softmax output into
// dst[r−r0] and returns how many of them are classified correctly.
func (t *Trainer) lossRows(dst []float64, r0, r1 int, labels []uint8) (correct int) {
	k := t.Net.Classes()
	p := t.a[len(t.a)-1]
	for r := r0; r < r1; r++ {
		pr := p[r*k : (r+1)*k]
		y := int(labels[r-r0])
		dst[r-r0] = math.Log(math.Max(float64(pr[y]), 1e-30))
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
	return correct
}

// countSaturated adds the saturated inputs of rows [r0, r1) to wk.sat.
func (t *Trainer) countSaturated(wk *trainWorker, r0, r1 int) {
	if t.satCount == nil {
		return
	}
	s, ok := t.Net.Act.(Saturating)
	if !ok {
		return
	}
	thr := s.SaturationInput()
	for l, d := range t.Net.Layers[:len(t.Net.Layers)-1] {
		wk.sat[l] += int64(CountAtOrAbove(t.z[l][r0*d.Out:r1*d.Out], thr))
	}
}

// backwardRows forms ∂L/∂z of every layer for rows [r0, r1) (the mean
// loss over the t.n rows of the batch).
func (t *Trainer) backwardRows(sg *kernel.Serial, r0, r1 int) {
	net := t.Net
	last := len(net.Layers) - 1
	m := r1 - r0
	t.outputGradient(r0, r1)
	for l := last; l > 0; l-- {
		d, prev := net.Layers[l], net.Layers[l-1]
		dzl := t.dz[l][r0*d.Out : r1*d.Out]
		da := t.dz[l-1][r0*prev.Out : r1*prev.Out]
		sg.SgemmPacked(m, 1, dzl, d.Out, t.packT[l], 0, da, prev.Out)
		if t.rowAct != nil {
			kernel.Mul(da, t.dact[l-1][r0*prev.Out:r1*prev.Out])
			continue
		}
		t.mulDerivative(da, t.z[l-1][r0*prev.Out:r1*prev.Out], t.a[l-1][r0*prev.Out:r1*prev.Out], t.deriv[r0*prev.Out:r1*prev.Out])
	}
}

// activate writes layer l's outputs a for its pre-activations z: the
// hidden activation, or the softmax of the last layer.
func (t *Trainer) activate(l int, a, z []float32) {
	net := t.Net
	d := net.Layers[l]
	switch {
	case l == len(net.Layers)-1:
		softmax(a, z, d.Out)
	default:
		if lf, ok := net.Act.(LayerForwarder); ok {
			lf.ForwardLayer(l, d.Out, a, z)
		} else {
			net.Act.Forward(a, z)
		}
	}
}

// outputGradient writes ∂L/∂z of the softmax output for rows [r0, r1),
// (p − onehot)/n for the mean loss over the t.n rows of the batch.
func (t *Trainer) outputGradient(r0, r1 int) {
	last := len(t.Net.Layers) - 1
	k := t.Net.Classes()
	inv := 1 / float32(t.n)
	dz := t.dz[last][r0*k : r1*k]
	p := t.a[last][r0*k : r1*k]
	for r := 0; r < r1-r0; r++ {
		for j := 0; j < k; j++ {
			dz[r*k+j] = p[r*k+j] * inv
		}
		dz[r*k+int(t.labels[r0+r])] -= inv
	}
}

// mulDerivative does g *= f'(z) through the activation (der: scratch).
func (t *Trainer) mulDerivative(g, z, y, der []float32) {
	if m, ok := t.Net.Act.(DerivativeMultiplier); ok {
		m.MulDerivative(g, z, y)
		return
	}
	der = der[:len(g)]
	t.Net.Act.Derivative(der, z, y)
	for i, v := range der {
		g[i] *= v
	}
}

// gradPart is a block of rows of one layer's ∂L/∂W (and, for the first
// block of a layer, its ∂L/∂b): the unit of work of phase B.
type gradPart struct {
	layer, lo, hi int
	bias          bool // this part also forms and applies ∂L/∂b
}

// planParts splits every layer's weight rows into parts of about equal
// work for nw threads (about three parts per thread over all layers), each
// boundary on whole updChunk chunks of weights.
func (t *Trainer) planParts(nw int) {
	if t.partsFor == nw && t.parts != nil {
		return
	}
	var total float64
	for _, d := range t.Net.Layers {
		total += float64(d.In * d.Out)
	}
	target := total / float64(3*nw)
	t.parts = t.parts[:0]
	for l, d := range t.Net.Layers {
		np := 1
		if nw > 1 {
			np = max(1, int(float64(d.In*d.Out)/target+0.5))
		}
		q := updChunk / gcd(updChunk, d.Out) // rows per whole number of chunks
		at := func(k int) int {
			if k >= np {
				return d.In
			}
			return min(d.In, (k*d.In/np+q/2)/q*q)
		}
		first := len(t.parts)
		for k := 0; k < np; k++ {
			if lo, hi := at(k), at(k+1); hi > lo {
				t.parts = append(t.parts, gradPart{layer: l, lo: lo, hi: hi})
			}
		}
		if len(t.parts) == first { // no weight rows: the bias alone
			t.parts = append(t.parts, gradPart{layer: l})
		}
		t.parts[first].bias = true
	}
	t.partsFor = nw
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// phaseB claims parts of ∂L/∂W and ∂L/∂b on thread w, computes them and,
// when t.update is set, applies them (and re-packs the updated weights).
func (t *Trainer) phaseB(w, nw int) {
	for {
		k := int(t.nextPart.Add(1) - 1)
		if k >= len(t.parts) {
			return
		}
		t.gradientPart(w, t.parts[k])
	}
}

// gradientPart computes and applies one part of phase B on thread w.
func (t *Trainer) gradientPart(w int, pt gradPart) {
	l, i0, i1 := pt.layer, pt.lo, pt.hi
	d := t.Net.Layers[l]
	n := t.n
	sg := t.gemm(w)
	lr := float32(t.cfg.LR)
	in := t.x
	if l > 0 {
		in = t.a[l-1]
	}
	in = in[:n*d.In]
	dzl := t.dz[l][:n*d.Out]
	if i1 > i0 {
		dW := t.dW[l][i0*d.Out : i1*d.Out]
		if t.dzPacked {
			sg.SgemmPacked(i1-i0, 1, in[i0:], d.In, t.packDZ[l], 0, dW, d.Out)
		} else {
			sg.Sgemm(true, false, i1-i0, d.Out, n, 1, in[i0:], d.In, dzl, d.Out, 0, dW, d.Out)
		}
		if t.update {
			applyUpdateChunks(d.W[i0*d.Out:i1*d.Out], dW, lr, t.recordUpd, t.wk[w].hist[l], t.chunkAbs[l][i0*d.Out/updChunk:])
			t.packF[l].Update(i0, i1)
			if t.packT[l] != nil {
				t.packT[l].Update(i0, i1)
			}
		}
	}
	if !pt.bias {
		return
	}
	db := t.dB[l]
	clear(db)
	for r := 0; r < n; r++ {
		for j, v := range dzl[r*d.Out : (r+1)*d.Out] {
			db[j] += v
		}
	}
	if t.update {
		for j, g := range db {
			d.B[j] -= lr * g
		}
	}
}

// applyUpdateChunks does w -= lr·g and writes Σ|lr·g| of each chunk of
// updChunk weights into sums (the last chunk may be shorter); with record
// it also counts every update in h.
func applyUpdateChunks(w, g []float32, lr float32, record bool, h *LogHistogram, sums []float64) {
	for c := 0; c*updChunk < len(w); c++ {
		lo, hi := c*updChunk, min((c+1)*updChunk, len(w))
		sums[c] = updateChunk(w[lo:hi], g[lo:hi], lr, record, h)
	}
}

// evalState is the shared state of a parallel evaluation.
type evalState struct {
	keep  [][]float32
	next  atomic.Int64 // next chunk to claim
	chunk int          // rows per chunk
	// sparse: the first layer skips the zero inputs (useSparse)
	sparse bool
}

// pixelTable holds the value of every pixel byte (dataset.PixelValue).
var pixelTable = func() (t [256]float32) {
	for v := range t {
		t[v] = dataset.PixelValue(uint8(v))
	}
	return t
}()

// useSparse reports whether the evaluation of set runs its first layer
// on the nonzero inputs only (kernel.SparseBytesGemm on a byte set's
// pixels where they are, kernel.SparseGemm on a float32 set's rows): when
// at least half of the set's inputs are 0 (81 % of MNIST's pixels) and
// the AVX-512 kernels take the layer's shape. A byte set and its float32
// copy have the same zeros and give the same sums.
func (t *Trainer) useSparse(set *dataset.Set) bool {
	d := t.Net.Layers[0]
	if !kernel.SparseFast(d.Out, d.In) {
		return false
	}
	if t.zeroSet != set || t.zeroN != set.N {
		n := set.N * set.Dim()
		zeros := 0
		if set.Pixels != nil {
			zeros = bytes.Count(set.Pixels[:n], []byte{0})
		} else {
			for _, v := range set.Images[:n] {
				if v == 0 {
					zeros++
				}
			}
		}
		t.zeroSet, t.zeroN, t.zeroFrac = set, set.N, float64(zeros)/float64(max(n, 1))
	}
	return t.zeroFrac >= 0.5
}

// phaseEval evaluates chunks of the evaluation set on thread w, in its
// own rows of the workspace.
func (t *Trainer) phaseEval(w, nw int) {
	set := t.data
	e := &t.eval
	R0, _ := kernel.Span(w, nw, t.rows)
	sg := t.gemm(w)
	d := set.Dim()
	wk := t.wk[w]
	for {
		c := int(e.next.Add(1) - 1)
		lo := c * e.chunk
		if lo >= set.N {
			return
		}
		hi := min(lo+e.chunk, set.N)
		m := hi - lo
		var pix []uint8
		if e.sparse && set.Pixels != nil {
			pix = set.Pixels[lo*d : hi*d]
		} else {
			set.CopyRange(t.x[R0*d:(R0+m)*d], lo, hi)
		}
		t.forwardRows(sg, R0, R0+m, lo, e.keep, lo, pix, e.sparse)
		wk.correct += t.lossRows(t.evalLoss[lo:hi], R0, R0+m, set.Labels[lo:hi])
	}
}
