// Copyright 2026 The mrelu Authors.

//go:build !amd64

package kernel

// implGeneric is the pure-Go kernel suited to this architecture.
var implGeneric = implGeneric4x4

// implGenericOther is the other pure-Go kernel, kept for tests.
var implGenericOther = implGeneric2x4
