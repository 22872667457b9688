package neuron

import (
	"math"
	"math/rand/v2"

	"github.com/mrelu/mrelu/internal/kernel"
)

// NoiseTable is the one implementation of the neuron's temporal
// (cycle-to-cycle) variation, shared by the network's hardware activation,
// the crossbar inference and the edge detection. It holds 4,096 standard
// normal values ε, made once from the seed and standardised to mean 0 and
// variance 1 exactly, turned into factors max(1 + σε, 0) for a relative
// variation σ (SetSigma) and into offsets a·ε for an additive scale a
// (SetOffset), and picks them by 12-bit indices from a counter-based hash.
//
// The draw is counter based: the table index of element p (its place in
// a row-major batch, row·width + column, counted from the first row of
// the batch) in layer l at step s is the (p mod 5)th 12-bit field, low
// bits first, of mix64(LayerKey(StepKey(s), l) + (p/5 + 1)·γ), a pure
// function of (seed, s, l, p). So the noise of any row range can be drawn
// on its own, from any goroutine, and a batch gives the same draws
// however it is split into rows. About 1 ns per element instead of ~8 ns
// for rand.NormFloat64; the tables (16 kB each) stay in the L1 cache.
//
// The tables are only read while drawing, so draws may run concurrently;
// SetSigma, SetOffset and the step counter (Next, SetState) are not safe
// for concurrent use.
type NoiseTable struct {
	v      [1 << 12]float32 // standard normal values
	factor [1 << 12]float32 // max(1 + σ·v, 0) for the σ of the last SetSigma
	off    [1 << 12]float32 // a·v for the scale a of the last SetOffset
	sigma  float32
	// seedKey keys the draws of the table's seed; state counts the steps.
	seedKey, state uint64
}

// NewNoiseTable returns the table of seed, at step 1 (State) with σ = 0.
func NewNoiseTable(seed uint64) *NoiseTable {
	t := &NoiseTable{}
	rng := rand.New(rand.NewPCG(seed, 0x6e6f697365))
	var s, s2 float64
	raw := make([]float64, len(t.v))
	for i := range raw {
		raw[i] = rng.NormFloat64()
		s += raw[i]
	}
	mean := s / float64(len(raw))
	for i := range raw {
		raw[i] -= mean
		s2 += raw[i] * raw[i]
	}
	scale := 1 / math.Sqrt(s2/float64(len(raw)))
	for i := range raw {
		t.v[i] = float32(raw[i] * scale)
	}
	t.seedKey = rng.Uint64()
	t.state = 1
	t.SetSigma(0)
	return t
}

// SetSigma fills the factor table for a relative variation sigma.
func (t *NoiseTable) SetSigma(sigma float32) {
	t.sigma = sigma
	for i, e := range t.v {
		t.factor[i] = max(1+sigma*e, 0)
	}
}

// Sigma returns the relative variation of the factor table.
func (t *NoiseTable) Sigma() float32 { return t.sigma }

// SetOffset fills the additive table a·ε for a scale a.
func (t *NoiseTable) SetOffset(a float32) {
	for i, e := range t.v {
		t.off[i] = a * e
	}
}

// State returns the step counter; SetState sets it (a saved run's).
func (t *NoiseTable) State() uint64 { return t.state }

// SetState sets the step counter (0 becomes 1: 0 marks no state).
func (t *NoiseTable) SetState(s uint64) { t.state = max(s, 1) }

// Next advances the step counter (wrapping past 2⁶⁴ − 1 to 1) and returns
// the key of the new step.
func (t *NoiseTable) Next() uint64 {
	t.state++
	if t.state == 0 {
		t.state = 1
	}
	return t.StepKey(t.state)
}

// golden is 2⁶⁴/φ, the increment of the splitmix64 sequence.
const golden = 0x9e3779b97f4a7c15

// mix64 is the splitmix64 output function: a bijective 64-bit mix.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// StepKey returns the key of step s of the table's stream.
func (t *NoiseTable) StepKey(s uint64) uint64 { return mix64(t.seedKey ^ mix64(s*golden)) }

// LayerKey returns the key of layer l in the step of key sk.
func LayerKey(sk uint64, l int) uint64 { return mix64(sk + uint64(l+1)*0xd1b54a32d192ed03) }

// indexAt is the table index of element p of key.
func indexAt(key, p uint64) uint64 {
	return mix64(key+(p/5+1)*golden) >> (12 * (p % 5)) & (1<<12 - 1)
}

// groups splits n elements from element p0 into a head of elements
// drawn one at a time up to the first whole hash (p a multiple of 5), a
// body of whole hashes of five elements (the first being hash g, its
// elements p = 5(g−1) …), and the tail after them (elements drawn one at a
// time, indexAt).
func groups(n int, p0 uint64) (head, body int, g uint64) {
	head = min(n, int((5-p0%5)%5))
	body = (n - head) / 5 * 5
	return head, body, (p0+uint64(head))/5 + 1
}

// draw fills dst with the entries of tab that elements p0, p0+1, … of
// key pick: five 12-bit indices from each hash (groups), the head and
// tail one at a time (indexAt).
func draw(dst []float32, tab *[1 << 12]float32, key, p0 uint64) {
	const mask = 1<<12 - 1
	head, body, g := groups(len(dst), p0)
	for i := 0; i < head; i++ {
		dst[i] = tab[indexAt(key, p0+uint64(i))]
	}
	for i := head; i < head+body; i += 5 {
		r := mix64(key + g*golden)
		g++
		dd := dst[i : i+5 : i+5]
		dd[0], dd[1], dd[2] = tab[r&mask], tab[r>>12&mask], tab[r>>24&mask]
		dd[3], dd[4] = tab[r>>36&mask], tab[r>>48&mask]
	}
	for i := head + body; i < len(dst); i++ {
		dst[i] = tab[indexAt(key, p0+uint64(i))]
	}
}

// Factors fills fac with the factors max(1 + σε, 0) of elements p0,
// p0+1, … of key, for the table's σ.
func (t *NoiseTable) Factors(fac []float32, key, p0 uint64) { draw(fac, &t.factor, key, p0) }

// Offsets fills off with the offsets a·ε of elements p0, p0+1, … of key,
// for the table's offset scale a (SetOffset).
func (t *NoiseTable) Offsets(off []float32, key, p0 uint64) { draw(off, &t.off, key, p0) }

// Scale is the proportional model: it multiplies y[i] (≥ 0) and its
// derivative d[i] by the factor of element p0+i of key, and where the
// product exceeds vdd sets y[i] to vdd and d[i] to 0 (kernel.MulClip);
// buf is scratch of at least len(y).
func (t *NoiseTable) Scale(y, d, buf []float32, key, p0 uint64, vdd float32) {
	fac := buf[:len(y)]
	t.Factors(fac, key, p0)
	kernel.MulClip(y, d, fac, vdd)
}

// Add is the full-scale model: it adds the offset of element p0+i of key
// to y[i], clips it to [0, vdd] and sets d[i] to 0 where it clipped
// (kernel.AddClip); buf is scratch of at least len(y).
func (t *NoiseTable) Add(y, d, buf []float32, key, p0 uint64, vdd float32) {
	off := buf[:len(y)]
	t.Offsets(off, key, p0)
	kernel.AddClip(y, d, off, vdd)
}

// Shift is the input-referred model: dst[i] = src[i] + the offset of
// element p0+i of key.
func (t *NoiseTable) Shift(dst, src []float32, key, p0 uint64) {
	dst = dst[:len(src)]
	t.Offsets(dst, key, p0)
	kernel.Add(dst, src)
}
