// Copyright 2026 The mrelu Authors.

package kernel

// implGeneric is the pure-Go kernel suited to this architecture.
var implGeneric = implGeneric2x4

// implGenericOther is the other pure-Go kernel, kept for tests.
var implGenericOther = implGeneric4x4
