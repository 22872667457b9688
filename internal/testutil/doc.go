// Package testutil holds the checks that the tests of several packages
// share: skipping (or, in CI, failing) without ngspice, the common part
// of a decoder's fuzz target, and the re-encoding check of a codec.
//
// # Layering
//
// testutil is imported only by _test.go files. Like every internal
// package it imports nothing of the project and must not, so that the
// tests of any package may use it.
package testutil
