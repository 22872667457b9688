// Copyright 2026 The mrelu Authors.

//go:build noasm || !amd64

package kernel

// availableImpls lists the kernels this build can run, best first.
func availableImpls() []*impl { return []*impl{implGeneric} }

// spinPause is the spin-wait hint; nothing without assembly.
func spinPause() {}
