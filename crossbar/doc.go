// Package crossbar maps the weights of a trained network onto arrays of
// synaptic conductances and runs inference in physical units: pixel
// intensities become read voltages, every array's columns sum currents by
// Kirchhoff's law, and each column current, through a current mirror,
// drives a neuron whose output voltage drives the next array (the
// mReLU system of Oh, Kim et al., Adv. Mater. 2023, Fig. 4).
//
// # Units
//
// Conductances in S, voltages in V, currents in A, energies in J, times in
// s, all float64 in Params and float32 in the arrays. The network side is
// unitless: weights w, biases b, activations x and pre-activations
// z = x·W + b.
//
// # Mapping
//
// Each weight is a differential pair of devices in [GMin, GMax]: the
// positive part of w on G+, the negative part on G−, the other device at
// GMin, so
//
//	G+ − G− = GScale·w,  GScale = (GMax − GMin)/max|w|  (per array, default)
//
// or a fixed Params.GScale. The inputs are voltages V_i = ReadScale·x_i
// (the first array: ReadScale V per unit pixel; later arrays: the neurons'
// outputs, HiddenReadScale = 1 V per unit). The biases sit on an extra row
// driven at ReadScale volts (one unit of input). With the columns at
// virtual ground the differential column current is
//
//	I_col,j = Σ_i V_i·(G+_ij − G−_ij) + V_b·(G+_bj − G−_bj) = ReadScale·GScale·z_j
//
// and neuron j receives I_j = MirrorGain·I_col,j = CurrentPerUnit·z_j. By
// default the mirror is matched per array, MirrorGain = UnitCurrent /
// (ReadScale·GScale), so every neuron sees UnitCurrent = 0.778 µA per unit
// of z (1 V of mReLU output per unit) and, with every non-ideality off, the
// hardware computes exactly the trained network: a test pins the crossbar
// network to nn's forward pass with nn.ClippedReLU{Max: 2} (relu2 at the
// default VDD = 2 V) to 1e-5 of the pre-activations' scale (float32
// rounding, ~5e-7 measured). The neurons' bound is Params.VDD, which the
// callers set from the run's neuron.
//
// # Non-idealities (all off by default)
//
//   - Levels: each device snaps to one of N equally spaced levels in
//     [GMin, GMax].
//   - ProgramSigma: write error once per device, G·(1 + σ·N(0,1)), clipped
//     to the window.
//   - ReadSigma: per device and per evaluation, G·(1 + σ·N(0,1)). The
//     column current's noise, a sum of independent Gaussians, is drawn
//     exactly in distribution as one Gaussian per column and evaluation with
//     variance σ²·Σ_i V_i²·(G+_ij² + G−_ij²), computed for the whole batch by
//     a second GEMM: no per-device draws, no allocation.
//   - NeuronSpread: each neuron's input gain times max(0, 1 + σ·N(0,1)),
//     drawn once (mirror mismatch).
//
// Each has its own random stream derived from Params.Seed.
//
// # Use
//
// Program writes one array; Layer.Currents computes a batch of column
// currents with the SIMD GEMM of internal/kernel. New builds a Network from
// an nn.Network and a Neuron per hidden layer (any A → V function; the
// neuron package's evaluator fits, IdealNeuron is the default);
// Network.Forward, Accuracy, NeuronCurrents and ReadEnergy run it on a
// batch of images. Read energy per inference is Σ over arrays of
// t·Σ_i V_i²·Σ_j (G+_ij + G−_ij) for a read time t.
//
// See docs/crossbar.md for the parameter table and the justification of
// every default.
//
// # Layering
//
// crossbar owns the conductance arrays, their non-idealities and the
// hardware network built from them. It imports nn (the trained weights'
// containers), dataset (the image sets Network evaluates), device (the
// params size limit), and the internal helpers kernel, clip, paramcheck,
// quantity and strictjson.
// It must not import circuit or neuron (a neuron is any Neuron, an A → V
// function), vision, params, experiment, report or sweep; nn must never
// import it.
package crossbar
