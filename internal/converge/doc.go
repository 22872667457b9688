// Package converge holds the one "no convergence" condition of the
// project's numerical methods: ErrNoConvergence, which circuit's Newton
// solves and time stepping and device's state integrator both wrap, and
// which each package re-exports under its own name (circuit.
// ErrNoConvergence, device.ErrNoConvergence are this same value). A
// caller therefore tests errors.Is(err, circuit.ErrNoConvergence) or
// errors.Is(err, device.ErrNoConvergence) and gets the same answer,
// whichever layer gave up.
//
// # Layering
//
// It owns the sentinel only: each solver keeps its own error type with the
// details (circuit.ConvergenceError, device.IntegrationError). It imports
// nothing of the project and must not: it sits below device and circuit,
// which both import it.
package converge
