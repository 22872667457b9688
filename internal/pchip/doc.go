// Package pchip holds the one monotone piecewise-cubic Hermite
// interpolation of the project (Fritsch & Carlson 1980): the tangents at
// the knots of data that are to be interpolated without overshoot. The
// neuron's evaluator (uniform knots of a transfer curve) and the
// tabulated memristor (non-uniform knots of a measured R(I)) both use it.
//
// # Layering
//
// pchip owns the Fritsch–Carlson tangents. Like every internal package it
// imports nothing of the project and must not, so that any package may use
// it.
package pchip
