// Package neuron is the 2T-1M memristive ReLU neuron (mReLU) of Oh, Kim et
// al., Adv. Mater. 2023, built from the device models of package device
// and solved by package circuit: its circuit, DC transfer curve, transient
// activation (latency, energy, stability), ngspice cross-check,
// device-to-device Monte Carlo, and the fast evaluator the network level
// uses.
//
// # Units
//
// SI throughout: input currents in A, voltages in V, energies in J,
// capacitances in F, times in s. The Evaluator's input is a current in A
// (after Scaled, network units z with I = z·unit, e.g. DefaultIUnit) and
// its output Vout in V.
//
// # Circuit
//
// Build returns the neuron as a circuit.Circuit (docs/neuron.md draws and
// argues the schematic): the input current source (the crossbar column's
// summation current) drives a diode-connected a-IGZO TFT (M1); the output
// TFT M2 shares its gate and sinks the mirrored current from the output
// node; the memristor sits between VDD = 2 V (Cu electrode) and the output
// node; a load RLoad (the next stage's input and leakage) goes from the
// output to ground. A diode-connected clamp TFT (gate and drain at ground)
// carries negative input currents, which the n-type mirror cannot sink.
// The TFT gate and overlap capacitances (from Cox·W·L), the memristor's own
// capacitance and the output wiring and next-stage capacitances are part
// of the netlist (Params).
//
// Because the memristor holds Vth − RD·I under a current I (negative
// differential resistance), Vout = VDD − v(I) ≈ RD·I with VDD = Vth: a
// ReLU with slope ≈ RD that saturates near 0.93·VDD when the memristor's
// gap closes.
//
// # Analyses
//
//   - Transfer: DC sweep with continuation → TransferCurve; Metrics gives
//     the threshold current, the current at 90 % of VDD, a line fit over
//     10–90 % of the swing (R²), monotonicity; Envelope the running
//     maximum used by the network level.
//   - Pulse: transient response to an input current pulse → latency,
//     energy per activation, settled/oscillating/unsettled;
//     MaxStableCapacitance finds the largest output-node capacitance at
//     which it still settles; StabilityLimit is the small-signal (Hopf)
//     bound at any operating point.
//   - WriteSpiceDC, WriteSpiceTran, NgspiceTransfer, NgspicePulse: the same
//     netlist in ngspice.
//   - MonteCarlo: device-to-device variation → a family of curves.
//   - NewEvaluator: monotone cubic (Fritsch–Carlson) interpolant of a
//     curve, float32 batch Eval/Deriv (allocation free, a few ns per
//     element), WithVariation for per-evaluation temporal variation.
//   - NoiseTable: the one implementation of the temporal variation
//     (proportional, full-scale and input-referred models, counter-based
//     draws), used by the network's hardware activation, the crossbar
//     inference and the edge detection.
//
// A Circuit is not safe for concurrent use; an Evaluator is (a
// VaryingEvaluator owns a step counter and scratch and is not).
//
// # Layering
//
// neuron owns the 2T-1M circuit and everything solved from it: transfer
// curves, pulses, stability, Monte Carlo and the evaluators. It imports
// device (the models), circuit (the solver) and the internal helpers
// kernel and pchip. It must not import nn, crossbar, dataset, vision,
// params, experiment, report or sweep: the network level uses a neuron
// through its own small interfaces (nn.Activation, crossbar.Neuron).
package neuron
