// Package device holds the compact models of the two devices of the mReLU
// neuron (Oh, Kim et al., Adv. Mater. 2023): the volatile, gradually
// switching Cu/p(V3D3-co-VI)/Al2O3 memristor and the n-type a-IGZO
// thin-film transistor, with their device-to-device and cycle-to-cycle
// variation, simulated characterisation experiments (DC sweeps, current
// sweeps, pulse trains, single-pulse latency and energy, relaxation), a
// fit of the memristor's steady-state R(I) to measured data, and JSON
// parameter files.
//
// # Units
//
// Everything is SI: volts, amperes, ohms, siemens, seconds, metres,
// kelvin. The memristor state x is dimensionless in [0, 1].
//
// # Memristor
//
// The state x is the fraction of the tunnelling gap closed by Cu
// nanoclusters. Conduction is tunnelling across the remaining gap, so the
// conductance grows exponentially and gradually with x and stays below
// the conductance quantum G0 = 2e²/h:
//
//	G(x)   = GMin + (GMax − GMin)·exp(−Gap0·(1−x)/Lambda)
//	i(v,x) = G(x)·VNL·sinh(v/VNL)
//
// The state moves under a set rate that is field (and current) accelerated
// and a constant relaxation rate (Cu dissolution when the drive goes):
//
//	ve     = v + RD·i                                  (effective drive)
//	ks(ve) = (1/TauSet)·logistic((ve − Vth)/V0 − ln(TauRelax/TauSet))
//	dx/dt  = ks(ve)·(1 − x) − x/TauRelax
//
// Well below saturation ks = exp((ve−Vth)/V0)/TauRelax, so the steady state
// is x = logistic((ve − Vth)/V0): the device switches only for positive
// bias on the Cu electrode (ve < 0 for v < 0), relaxes to the insulating
// state at zero bias (volatile), and under a constant current I holds
// ve ≈ Vth, i.e. v(I) ≈ Vth − RD·I and R(I) ≈ Vth/I − RD: an S-shaped,
// negative-differential-resistance characteristic whose voltage falls
// linearly as the current rises. In the 2T-1M neuron (memristor between
// VDD = Vth and the output node) this makes Vout = VDD − v(I) ≈ RD·I, a
// ReLU, saturating just below VDD when the gap closes (R → 1/GMax).
//
// Memristor.Current and Memristor.StateRate return the current and the
// state rate with their analytic partial derivatives for a Newton-based
// circuit solver; both are smooth (no branches) in v and x.
//
// # TFT
//
// The a-IGZO transistor uses a source/drain-symmetric EKV-like
// interpolation, smooth from subthreshold to saturation:
//
//	A   = 2·n·kT/q,  n = SS/(ln10·kT/q)
//	F(u)= (A·ln(1 + exp(u/A)))²
//	Ids = β/2·[F(Vgs−Vth) − F(Vgs−Vds−Vth)]·(1 + LambdaCLM·|Vds|) + GLeak·Vds
//	β   = Mobility·(eps0·EpsR/Tox)·W/L
//
// TFT.Ids returns Ids with gm and gds.
//
// # Experiments
//
// IVSweep, CurrentSweep, PulseTrain, VoltagePulses, SinglePulse,
// Relaxation and DeviceToDevice reproduce the measurements of Fig. 1f, 1h,
// 3a–f and S6 by integrating the state equation (TR-BDF2, second order and
// L-stable, with step control) in the measurement circuit; the quantities
// they report (set/hold voltages, latency, energy, relaxation time) are
// extracted from the simulated waveforms. Randomness enters only through a
// *rand.Rand passed by the caller.
//
// The equations, every default with its source, and the measured numbers
// are in docs/device.md.
//
// # Integrator policy
//
// The characterisation experiments integrate the state with this package's
// own stepper (integrate.go), not with circuit.Transient, and that is
// deliberate:
//
//   - Layering: device is the bottom of the physics stack and circuit sits
//     above it (circuit knows devices only through its StatefulModel and
//     FETModel interfaces; neuron puts the two together). Using circuit's
//     transient here would be an upward import, and moving the experiments
//     above circuit would split the device's model from its measurements.
//   - The problem is different: one scalar state ODE dx/dt = f(v(x), x)
//     whose voltage is algebraic in x through the measurement unit (source
//     voltage, series resistor and a hard current compliance, source.operate:
//     a non-smooth clamp that circuit has no element for). TR-BDF2 with a
//     scalar bracketed Newton per stage and a step control on the state
//     change solves it without an MNA system, and every output of the
//     device commands comes from it.
//
// Both integrators share one failure condition: ErrNoConvergence (a step
// size underflow) is the project's one no-convergence sentinel
// (internal/converge), the same value as circuit.ErrNoConvergence, so
// errors.Is(err, circuit.ErrNoConvergence) and errors.Is(err,
// device.ErrNoConvergence) answer alike whichever layer gave up. Every
// other way the stepper gives up wraps ErrIntegration (*IntegrationError
// names the time and the quantity).
//
// # Layering
//
// device owns the device physics: the compact models, their variation,
// the characterisation experiments and their state integrator, the fit to
// measured data and the device params JSON. It imports only the internal
// helpers atomicfile, clip, pchip, converge, paramcheck and strictjson (and
// gonum for the fit). It must not import any other package of the project: circuit,
// neuron, crossbar, nn, dataset, vision, params, experiment, report and
// sweep all sit above it.
package device
