package nn

import (
	"fmt"
	"math"

	"github.com/mrelu/mrelu/internal/kernel"
)

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
	if record {
		// A pass of its own, so that the update below is the same loop
		// (the same sums in the same order) whether it records or not.
		for _, v := range g {
			h.Add(-(lr * v))
		}
	}
	var s0, s1, s2, s3 float32
	i := 0
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
