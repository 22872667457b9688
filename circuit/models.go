package circuit

// StatefulModel is a two-terminal element with one internal state variable x,
// for example a volatile memristor. The circuit calls it with the terminal
// voltage v = V(A) − V(B) in volts and the state x (dimensionless unless the
// model says otherwise).
//
// Current returns the current in amperes that flows from terminal A through
// the device to terminal B, with its analytic partial derivatives di/dv (S)
// and di/dx (A per unit state).
//
// StateRate returns the state equation dx/dt = f(v, x) in 1/s with its
// analytic partial derivatives df/dv and df/dx. In a DC analysis the state
// row of the system is f(v, x) = 0; in a transient it is the integrator's
// discretisation of dx/dt = f(v, x).
//
// StateBounds returns the closed interval [lo, hi] the state lives in (for
// example 0 and 1). Newton iterates and integrator steps are projected onto
// it, and lo is the initial guess of a DC solve. lo < hi is required.
//
// Both methods must be defined (finite) for every real v and every x in
// [lo, hi]; Newton iterates may visit voltages far from the solution. A model
// that returns NaN or ±Inf makes the solve fail with ErrNoConvergence rather
// than produce a number.
type StatefulModel interface {
	Current(v, x float64) (i, didv, didx float64)
	StateRate(v, x float64) (dxdt, dfdv, dfdx float64)
	StateBounds() (lo, hi float64)
}

// SteadyStateModel is an optional extension of StatefulModel for a model
// whose state rate is a positive factor times a simpler function,
// dx/dt = A(v)·g(v, x) with A > 0 (for example a field-accelerated ionic
// rate). Its steady states are the roots of g, which a DC analysis solves
// instead of f: the roots are the same, but g is not scaled by a factor
// that may span many decades over the voltages Newton visits.
type SteadyStateModel interface {
	SteadyStateRate(v, x float64) (g, dgdv, dgdx float64)
}

// FETModel is a three-terminal n-type field-effect transistor. Ids returns
// the current in amperes flowing into the drain, through the channel, and out
// of the source, for the gate–source voltage vgs and drain–source voltage vds
// (V), with the transconductance gm = ∂Ids/∂Vgs and output conductance
// gds = ∂Ids/∂Vds in siemens. The gate draws no current.
//
// The circuit passes the raw terminal voltages, so vds may be negative
// during Newton iterations or in the solution; the model must be defined for
// every real vgs and vds (a source/drain-symmetric model handles vds < 0 as
// Ids(vgs, vds) = −Ids(vgs−vds, −vds)).
type FETModel interface {
	Ids(vgs, vds float64) (id, gm, gds float64)
}

// SpiceStateful is a StatefulModel that can write itself as ngspice
// behavioural (B-source) expressions. SpiceCurrent and SpiceRate receive the
// ngspice expressions of the terminal voltage v (for example "v(a,b)") and of
// the state x (the voltage of the state node, for example "v(xs_m1)") and
// return expressions for the current from A to B and for dx/dt. Any clamping
// of x to StateBounds must be done smoothly inside these expressions: the
// exported state node is an ordinary capacitor voltage.
type SpiceStateful interface {
	StatefulModel
	SpiceCurrent(v, x string) string
	SpiceRate(v, x string) string
}

// SpiceFET is a FETModel that can write its drain current as an ngspice
// behavioural expression of the expressions for vgs and vds.
type SpiceFET interface {
	FETModel
	SpiceIds(vgs, vds string) string
}
