// Package circuit is the circuit solver of mrelu: modified nodal analysis
// (MNA) with damped Newton–Raphson for DC operating points, DC sweeps with
// continuation and transients with a stiff-safe integrator, plus export of
// the same netlist to ngspice for cross-checking. It knows devices only
// through two small interfaces, so the memristor and TFT models of package
// device (and test-only models) plug in without this package importing them.
//
// # Units
//
// Everything is SI: volts, amperes, ohms, farads, siemens, seconds. A
// state variable has the unit its model gives it (the memristor's is
// dimensionless in [0, 1]).
//
// # Netlist
//
// A Circuit has named nodes ("0" or "gnd" is ground) and named elements:
// Resistor, Capacitor, VoltageSource and CurrentSource (with DC, Pulse or PWL
// waveforms), Stateful (a two-terminal element with one internal state, for
// example a volatile memristor) and FET (a three-terminal n-type
// transistor). Names are ASCII letters, digits and '_', unique ignoring
// case. Sign conventions follow SPICE: a current source of value I drives I
// from its first terminal through itself into its second; a voltage
// source's branch current is positive flowing into its + terminal, so a
// supply that delivers power reports a negative current.
//
// # Formulation
//
// The unknowns are the non-ground node voltages, one branch current per
// voltage source and one state per Stateful element. The residual F(x) has
// one row per unknown: Kirchhoff's current law at each node (the sum of the
// currents leaving it), V(p) − V(n) − E(t) for each voltage source, and for
// each state −f(v, x) in DC or a0·x + h − f(v, x) in a transient, where
// dx/dt ≈ a0·x + h is the integrator's discretisation and f is
// StatefulModel.StateRate. Every element stamps its currents into F and its
// analytic derivatives into the Jacobian J; Newton solves J·Δx = −F with a
// dense LU factorisation with partial pivoting (the circuits here have 5 to
// 50 unknowns). A conductance Options.Gmin (default 1e-12 S) joins every node
// to ground in every analysis, and is written into the SPICE export too.
//
// # Newton iteration and fallbacks
//
// Each update is scaled down as a whole so that no controlling voltage of a
// nonlinear element moves more than Options.MaxVoltageStep (0.5 V) and no
// state more than half its bounds' span; states are projected onto
// StateBounds. A solve has converged when, at the same iterate, every
// residual row is within RelTol·(sum of the magnitudes of its terms) + an
// absolute tolerance (AbsTol = 1e-15 A for a node, VNTol = 1e-9 V for a
// source row, XTol·|∂F/∂x| for a state row) and every update is within
// RelTol·|x| + VNTol (V), AbsTol (A) or XTol (states); RelTol = 1e-6. When
// plain Newton fails (Options.MaxIter = 100 iterations), gmin stepping and
// then source stepping are tried. A DC sweep continues from the previous
// point with a secant predictor and subdivides a failed step before falling
// back to the full sequence. Every loop is capped. A failure returns a
// *ConvergenceError that wraps ErrNoConvergence, names the analysis, where it
// failed (source value or time) and the worst unknown; structurally singular
// circuits (a node with no DC path to ground, a loop of voltage sources)
// return an error wrapping ErrSingular before any iteration.
//
// # Transient
//
// Transient starts from the DC operating point (states may be fixed with
// TranOptions.InitialState, like SPICE's .ic) and integrates with
// variable-step BDF2 (default) or the trapezoidal rule; the first two steps
// after t = 0 and after every breakpoint use backward Euler. Every corner of
// every source waveform is a breakpoint that is hit exactly. The local
// truncation error of every node voltage and state is estimated from divided
// differences of the accepted solutions; a step whose error exceeds
// RelTol·|x| + AbsTol, or whose Newton solve fails, is rejected and retried
// smaller, down to MinStep.
//
// # Results
//
// OperatingPoint returns a *Solution; DCSweep and Transient return tables
// with one row per point. All give node voltages, voltage-source branch
// currents, states and the current of every element (for a capacitor in a
// transient, the integrator's C·dv/dt). TranResult.Energy integrates the
// power a source delivered.
//
// # Device interfaces
//
// StatefulModel gives the current i(v, x) from terminal A to B and the state
// equation dx/dt = f(v, x), both with analytic partial derivatives, and the
// state's bounds. FETModel gives the drain current Ids(vgs, vds) with gm and
// gds. Models must return finite values for every input; NaN or Inf makes the
// solve fail with ErrNoConvergence. SpiceStateful and SpiceFET add ngspice
// behavioural expressions so that WriteSpice can export the circuit.
//
// # SPICE export
//
// WriteSpice writes an ngspice netlist with a .control block that runs an
// OPAnalysis, DCAnalysis or TranAnalysis and writes every node voltage,
// source current and state with wrdata; RunNgspice runs ngspice in batch
// mode and parses that file (ErrNoNgspice when ngspice is not installed).
// A Stateful element becomes a behavioural current source plus a state node:
// a 1 F capacitor charged by a behavioural current equal to the state rate.
//
// A Circuit is not safe for concurrent use; build one per goroutine.
//
// # Layering
//
// circuit owns the netlist, the MNA formulation, the Newton solver with its
// fallbacks, the DC and transient analyses and the SPICE export. Its only
// import of the project is internal/converge, the one no-convergence
// sentinel it shares with device (ErrNoConvergence is that value). It must
// not import device (device models plug in through StatefulModel and
// FETModel, so that the solver is tested with its own toy models) nor any
// package above it: neuron, crossbar, nn, dataset, vision, params,
// experiment, report, sweep.
package circuit
