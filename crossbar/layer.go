package crossbar

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mrelu/mrelu/internal/kernel"
)

// ErrShape reports weights, biases or sizes that do not describe an array.
var ErrShape = errors.New("crossbar: invalid shape")

// Stream numbers of the generators a Layer derives from one seed, so that
// each non-ideality has its own reproducible stream.
const (
	streamProgram = 1
	streamSpread  = 2
	streamRead    = 3
	// streamNetwork is the PCG stream of the generator seeded by
	// Params.Seed ("mrelu").
	streamNetwork = 0x6d72656c75
)

// Layer is one synaptic layer programmed into a crossbar: In rows driven by
// input voltages plus one bias row, and Out differential column pairs whose
// currents reach Out neurons through current mirrors.
//
// Weight w[i·Out+j] is the pair (G+, G−) at row i, column j, with
// G+ − G− = GScale·w: the positive part of w on G+, the negative part on G−,
// the other device at GMin. The bias row is driven at ReadScale volts (one
// unit of input) and holds b the same way. The differential column current
// is then, by Kirchhoff's current law with the columns at virtual ground,
//
//	I_j = Σ_i V_i·(G+_ij − G−_ij) + V_b·(G+_bj − G−_bj) = ReadScale·GScale·z_j
//
// with z = x·W + b the layer's pre-activation in network units and
// V_i = ReadScale·x_i, and the neuron sees gain_j·I_j.
//
// A Layer is not safe for concurrent use: Currents draws read noise from
// the layer's generator and reuses its workspaces.
type Layer struct {
	In, Out int

	gpos, gneg []float32 // (In+1)×Out device conductances in S; row In is the bias row
	dg         []float32 // (In+1)×Out, G+ − G− in S (difference taken in float64)
	gsq        []float32 // (In+1)×Out, G+² + G−² in S²; only with read noise
	rowG       []float64 // In+1: Σ_j (G+ + G−) per row in S, for the read energy
	biasI      []float32 // Out: V_b·dg[bias row] in A
	biasVar    []float32 // Out: V_b²·gsq[bias row] in V²·S² = A²; only with read noise

	p         Params
	gscale    float64   // S per unit weight
	mirror    float64   // nominal neuron input current / column current
	gains     []float32 // Out: mirror·max(0, 1 + NeuronSpread·N(0,1))
	clipped   int
	readSigma float32
	rng       *rand.Rand // read noise

	sq []float32 // workspace: squared input voltages, batch×In
	vr []float32 // workspace: read-noise variances, batch×Out
}

// Program writes the weights w (in×out, row-major: w[i·out+j] connects
// input i to output j, as nn.Dense.W) and the biases (out values, or nil
// for none) into a new array under p, with the programming noise and the
// neuron spread drawn from rng (nil: a generator seeded by p.Seed). rng is
// read exactly once (one Uint64 seeds the layer's own streams). p.ReadScale
// is the read voltage per unit of this array's input.
func Program(w []float32, in, out int, bias []float32, p Params, rng *rand.Rand) (*Layer, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if in < 1 || out < 1 {
		return nil, fmt.Errorf("%w: %d inputs × %d outputs", ErrShape, in, out)
	}
	if len(w) != in*out {
		return nil, fmt.Errorf("%w: %d weights for %d inputs × %d outputs", ErrShape, len(w), in, out)
	}
	if bias != nil && len(bias) != out {
		return nil, fmt.Errorf("%w: %d biases for %d outputs", ErrShape, len(bias), out)
	}
	maxW := 0.0
	for k, v := range w {
		if !finite(float64(v)) {
			return nil, fmt.Errorf("crossbar: weight %d (row %d, column %d) is %v", k, k/out, k%out, v)
		}
		maxW = math.Max(maxW, math.Abs(float64(v)))
	}
	for j, v := range bias {
		if !finite(float64(v)) {
			return nil, fmt.Errorf("crossbar: bias %d is %v", j, v)
		}
		maxW = math.Max(maxW, math.Abs(float64(v)))
	}
	if rng == nil {
		rng = rand.New(rand.NewPCG(p.Seed, streamNetwork))
	}
	seed := rng.Uint64()

	window := p.GMax - p.GMin
	l := &Layer{In: in, Out: out, p: p, gscale: p.GScale}
	if l.gscale == 0 {
		l.gscale = window
		if maxW > 0 {
			l.gscale = window / maxW
		}
	}
	l.mirror = p.MirrorGain
	if l.mirror == 0 {
		l.mirror = p.UnitCurrent / (p.ReadScale * l.gscale)
	}

	rows := in + 1
	l.gpos = make([]float32, rows*out)
	l.gneg = make([]float32, rows*out)
	l.dg = make([]float32, rows*out)
	l.rowG = make([]float64, rows)
	prog := rand.New(rand.NewPCG(seed, streamProgram))
	step := 0.0
	if p.Levels >= 2 {
		step = window / float64(p.Levels-1)
	}
	// device maps a target conductance through clipping, quantisation and
	// the programming error to the programmed one.
	device := func(g float64) float64 {
		g = min(max(g, p.GMin), p.GMax)
		if step > 0 {
			k := math.Round((g - p.GMin) / step)
			g = p.GMin + min(k, float64(p.Levels-1))*step
		}
		if p.ProgramSigma > 0 {
			g *= 1 + p.ProgramSigma*prog.NormFloat64()
			g = min(max(g, p.GMin), p.GMax)
		}
		return g
	}
	for k := range l.dg {
		var v float64
		if k < in*out {
			v = float64(w[k])
		} else if bias != nil {
			v = float64(bias[k-in*out])
		}
		d := v * l.gscale
		if math.Abs(d) > window*(1+1e-9) {
			l.clipped++
		}
		gp := device(p.GMin + max(d, 0))
		gn := device(p.GMin + max(-d, 0))
		l.gpos[k], l.gneg[k] = float32(gp), float32(gn)
		l.dg[k] = float32(gp - gn)
		l.rowG[k/out] += gp + gn
	}
	vb := float32(p.ReadScale)
	l.biasI = make([]float32, out)
	for j := range l.biasI {
		l.biasI[j] = vb * l.dg[in*out+j]
	}

	l.gains = make([]float32, out)
	spread := rand.New(rand.NewPCG(seed, streamSpread))
	for j := range l.gains {
		g := l.mirror
		if p.NeuronSpread > 0 {
			g *= max(0, 1+p.NeuronSpread*spread.NormFloat64())
		}
		l.gains[j] = float32(g)
	}

	l.readSigma = float32(p.ReadSigma)
	l.rng = rand.New(rand.NewPCG(seed, streamRead))
	if p.ReadSigma > 0 {
		l.gsq = make([]float32, rows*out)
		for k := range l.gsq {
			gp, gn := float64(l.gpos[k]), float64(l.gneg[k])
			l.gsq[k] = float32(gp*gp + gn*gn)
		}
		l.biasVar = make([]float32, out)
		for j := range l.biasVar {
			l.biasVar[j] = vb * vb * l.gsq[in*out+j]
		}
	}
	return l, nil
}

// Currents writes the differential column currents in A of batch input
// vectors into dst (batch×Out): row r of volts (batch×In, V) drives the
// rows of the array and dst[r·Out+j] = Σ_i volts[r·In+i]·(G+_ij − G−_ij)
// plus the bias row. With ReadSigma > 0 every evaluation sees a fresh read
// noise (see the package documentation for the model). It allocates
// nothing once its workspaces have grown to the batch size; it panics if a
// slice is too short.
func (l *Layer) Currents(dst, volts []float32, batch int) {
	l.currents(dst, volts, batch, 1)
}

// currents is Currents for input voltages scale·x (scale in V per unit),
// which saves a pass over the inputs when they come in network units.
func (l *Layer) currents(dst, x []float32, batch int, scale float32) {
	in, out := l.In, l.Out
	if batch < 0 || len(dst) < batch*out || len(x) < batch*in {
		panic(fmt.Sprintf("crossbar: Currents of %d rows: dst has %d values (want %d), volts %d (want %d)",
			batch, len(dst), batch*out, len(x), batch*in))
	}
	if batch == 0 {
		return
	}
	dst, x = dst[:batch*out], x[:batch*in]
	for r := 0; r < batch; r++ {
		copy(dst[r*out:(r+1)*out], l.biasI)
	}
	kernel.Sgemm(false, false, batch, out, in, scale, x, in, l.dg, out, 1, dst, out)
	if l.readSigma > 0 {
		l.addReadNoise(dst, x, batch, scale)
	}
}

// addReadNoise adds to each column current the sum of the per-device read
// noises, Σ_i V_i·(G+_ij·ε+_ij − G−_ij·ε−_ij)·ReadSigma with ε i.i.d.
// N(0,1): a sum of independent Gaussians, drawn exactly in distribution as
// one Gaussian of variance ReadSigma²·Σ_i V_i²·(G+_ij² + G−_ij²), which a
// second GEMM computes for the whole batch (V = scale·x).
func (l *Layer) addReadNoise(dst, x []float32, batch int, scale float32) {
	in, out := l.In, l.Out
	if cap(l.sq) < batch*in {
		l.sq = make([]float32, batch*in)
	}
	if cap(l.vr) < batch*out {
		l.vr = make([]float32, batch*out)
	}
	sq, vr := l.sq[:len(x)], l.vr[:batch*out]
	for i := 0; i+4 <= len(sq); i += 4 {
		v := x[i : i+4 : i+4]
		s := sq[i : i+4 : i+4]
		s[0], s[1], s[2], s[3] = v[0]*v[0], v[1]*v[1], v[2]*v[2], v[3]*v[3]
	}
	for i := len(sq) &^ 3; i < len(sq); i++ {
		sq[i] = x[i] * x[i]
	}
	for r := 0; r < batch; r++ {
		copy(vr[r*out:(r+1)*out], l.biasVar)
	}
	kernel.Sgemm(false, false, batch, out, in, scale*scale, sq, in, l.gsq, out, 1, vr, out)
	s := l.readSigma
	for i, v := range vr {
		dst[i] += s * float32(math.Sqrt(float64(max(v, 0)))) * float32(l.rng.NormFloat64())
	}
}

// NeuronInputs writes the neurons' input currents in A: the column
// currents of Currents times each neuron's gain (Gains).
func (l *Layer) NeuronInputs(dst, volts []float32, batch int) {
	l.Currents(dst, volts, batch)
	l.applyGains(dst[:batch*l.Out])
}

func (l *Layer) applyGains(cur []float32) {
	out := l.Out
	for r := 0; r+out <= len(cur); r += out {
		row := cur[r : r+out]
		for j, g := range l.gains[:out] {
			row[j] *= g
		}
	}
}

// GScale is the conductance per unit weight in S: G+ − G− = GScale·w.
func (l *Layer) GScale() float64 { return l.gscale }

// ReadScale is the read voltage per unit of input in V (also the bias-row
// voltage).
func (l *Layer) ReadScale() float64 { return l.p.ReadScale }

// MirrorGain is the nominal neuron input current per column current (the
// matched or the fixed gain, without the neuron spread).
func (l *Layer) MirrorGain() float64 { return l.mirror }

// ColumnCurrentPerUnit is the differential column current in A per unit of
// pre-activation z: ReadScale·GScale.
func (l *Layer) ColumnCurrentPerUnit() float64 { return l.p.ReadScale * l.gscale }

// CurrentPerUnit is the nominal neuron input current in A per unit of
// pre-activation z, I = MirrorGain·ReadScale·GScale·z; with the matched
// mirror it equals Params.UnitCurrent.
func (l *Layer) CurrentPerUnit() float64 { return l.mirror * l.p.ReadScale * l.gscale }

// Params returns the parameters the layer was programmed with.
func (l *Layer) Params() Params { return l.p }

// Clipped is the number of weights and biases whose |w|·GScale exceeded the
// window GMax − GMin and were clipped to it (only with a fixed GScale).
func (l *Layer) Clipped() int { return l.clipped }

// Gains returns a copy of each neuron's input gain: MirrorGain times its
// device-to-device spread factor.
func (l *Layer) Gains() []float32 { return append([]float32(nil), l.gains...) }

// Conductances returns copies of the programmed device conductances in S,
// (In+1)×Out row-major with the bias row last.
func (l *Layer) Conductances() (gpos, gneg []float32) {
	return append([]float32(nil), l.gpos...), append([]float32(nil), l.gneg...)
}

// Weights returns the effective weights (In×Out) and biases (Out) in
// network units that the array computes with, after clipping, quantisation
// and programming noise: (G+ − G−)/GScale (the bias row is driven at one
// unit of input, so the same holds for it). Read noise is not included.
func (l *Layer) Weights() (w, b []float32) {
	w = make([]float32, l.In*l.Out)
	b = make([]float32, l.Out)
	for k, d := range l.dg {
		v := float32(float64(d) / l.gscale)
		if k < len(w) {
			w[k] = v
		} else {
			b[k-len(w)] = v
		}
	}
	return w, b
}

// ReadEnergy returns the energy in J dissipated in the synapses while
// batch input vectors (volts, batch×In, V) are each applied for a read time
// t (s): Σ over the batch of t·Σ_i V_i²·Σ_j (G+_ij + G−_ij), bias row
// included, with the columns at virtual ground. Read noise and the
// periphery (drivers, mirrors, neurons) are not included.
func (l *Layer) ReadEnergy(volts []float32, batch int, t float64) float64 {
	return l.readEnergy(volts, batch, t, 1)
}

// readEnergy is ReadEnergy for input voltages scale·x.
func (l *Layer) readEnergy(x []float32, batch int, t float64, scale float64) float64 {
	in := l.In
	vb := l.p.ReadScale
	var e float64
	for r := 0; r < batch; r++ {
		for i, v := range x[r*in : (r+1)*in] {
			e += float64(v) * float64(v) * l.rowG[i]
		}
	}
	return (scale*scale*e + float64(batch)*vb*vb*l.rowG[in]) * t
}
