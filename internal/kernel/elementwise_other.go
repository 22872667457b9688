// Copyright 2026 The mrelu Authors.

//go:build noasm || !amd64

package kernel

func reluAsm(y, z []float32) int     { return 0 }
func reluMaskAsm(g, z []float32) int { return 0 }

func addClipAsm(y, d, a []float32, hi float32) int { return 0 }
func mulClipAsm(y, d, f []float32, hi float32) int { return 0 }
