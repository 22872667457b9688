// Package membudget is the memory budget of a run: an estimate of the
// bytes a run will hold, built from its shapes before anything large is
// allocated, checked against a limit (--max-memory, by default a fraction of
// the machine's memory). Sizes are in bytes and printed in SI units (1 GB =
// 10^9 bytes); the parser also takes the binary suffixes KiB, MiB, GiB, TiB.
//
// # Layering
//
// membudget owns the arithmetic of the memory budget (estimates, the limit,
// parsing and printing sizes). Like every internal package it imports
// nothing of the project and must not, so that any package may use it.
package membudget
