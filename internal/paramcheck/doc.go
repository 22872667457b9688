// Package paramcheck validates the numeric fields of a parameter struct
// and words the error of a field that fails, the same way for every
// package whose Validate names a field, its JSON key and its unit:
//
//	device: Memristor.GMax (json "g_max_S") = 0.0001 S: must be below G0 = 7.748e-05 S (tunnelling conduction): invalid parameter
//
// A Checker holds what every error of one struct shares (the prefix and
// the sentinel it wraps); Checker.All runs one Rule over a table of
// Fields and Checker.Invalid words a failure found by the caller's own
// test.
//
// # Layering
//
// paramcheck owns the wording of an invalid numeric parameter and the
// common rules (Positive, NonNegative). Like every internal package it
// imports nothing of the project and must not, so that any package may
// use it.
package paramcheck
