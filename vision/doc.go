// Package vision detects edges the way Fig. 5 of Oh, Kim et al., Adv.
// Mater. 2023 does: a 3x3 convolution computed by a crossbar of synaptic
// conductances, whose summation currents drive memristive ReLU neurons
// (mReLU) straight into output voltages, with no ADC in between.
//
// # Units and pipeline
//
// A grey level x in [0, 1] (dataset.Gray) is a row voltage
// V = ReadScale·x (Config.ReadScale, default 0.2 V). The kernels
// (Kernel, unitless weights) form one nn.Conv2D layer of 3x3 kernels,
// stride 1, one output channel per kernel (Network), which
// crossbar.NewStack programs as one array: 9 rows × one column of
// differential conductance pairs in [GMin, GMax] per kernel (GScale =
// (GMax − GMin)/max|w| S per unit weight, 9.9 µS for the built-in
// filters). The stack reads the array once per output pixel: the pixel's
// 3x3 window drives the 9 rows (im2col) and each column sums the currents
// by Kirchhoff's law (crossbar.Stack.ForwardVolts, the SIMD GEMM), with
// the array's non-idealities and read energy:
//
//	I = Σ V_i·(G+_i − G−_i) = ReadScale·GScale·z,  z = Σ w_i·x_i
//
// in A, positive or negative depending on the position. The neuron then
// sees Gain·I + Offset and outputs Vout in [0, VDD] (its supply, 2 V by
// default) through the mReLU's solved transfer curve (Neuron: one DC sweep
// of the 2T-1M circuit per run, 400 points, reused for every pixel and
// filter), optionally with the paper's temporal variation
// Vout·(1 + σ·N(0,1)) per pixel.
//
// # Choices
//
//   - Kernels are applied as cross-correlation (no flip). The built-in
//     filters are Prewitt's: Vertical ([-1 0 1] in each row: dark-to-bright
//     vertical edges give positive current) and Lateral ([-1 -1 -1],
//     [0 0 0], [1 1 1]: dark-above, bright-below horizontal edges).
//     ParseKernel and LoadKernel read user kernels from a small text or
//     JSON file.
//   - Boundary: Replicate (default, 'same' size, the border repeats the edge
//     pixel and adds no edge of its own), Zero ('same', 0 V outside: the
//     border of a bright image reads as an edge), Valid ((W−2)×(H−2)).
//   - Scale: the mirror gain is designed per kernel (ScaleFull, default) so
//     that the strongest current the kernel can produce, a full-contrast
//     step, drives the neuron to 90 % of VDD; no image can then push the
//     neuron beyond its linear part. ScalePercentile maps the image's 99th
//     percentile current there instead (brighter maps, 1 % saturated);
//     ScaleFixed takes a gain.
//   - Knee compensation (default on): the mReLU's output only starts to
//     rise at its onset current (6.6 nA with the default circuit, whose
//     memristor rests on the edge of its switched branch); a constant
//     current of that size at the neuron input (a bias row of the array)
//     puts the knee at zero summation current, as in a software ReLU.
//     Negative summation currents still give the off level (0.035 V).
//
// Result holds per filter the software convolution Z, the summation
// current and Vout maps (row-major) and Stats: current range, fraction of
// negative currents, the largest Vout of a negative-current pixel, Vout
// range, and the Pearson correlation of Vout with software ReLU of the
// same convolution. SelectPatches picks the four representative 10x10
// patches of Fig. 5b-d. DefaultImage is the built-in 160x160 photograph
// ("camera" from scikit-image's sample data, by Lav Varshney, CC0).
//
// docs/vision.md has the parameters, their justification and the measured
// numbers.
//
// # Layering
//
// vision owns edge detection through the crossbar and the mReLU: kernels,
// configuration, detection and patch selection. It imports nn (the one
// Conv2D layer), crossbar (the stack of arrays that runs it), neuron (the
// solved transfer curve), dataset (grey images) and internal/clip. It must
// not import params, experiment, report, sweep or cmd, which sit above it;
// it needs no circuit directly.
package vision
