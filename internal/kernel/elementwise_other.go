// Copyright 2026 The mrelu Authors.

//go:build noasm || !amd64

package kernel

func reluAsm(y, z []float32) int     { return 0 }
func reluMaskAsm(g, z []float32) int { return 0 }

func addClipAsm(y, d, a []float32, hi float32) int { return 0 }
func mulClipAsm(y, d, f []float32, hi float32) int { return 0 }
func addAsm(y, x []float32) int                    { return 0 }
func mulAsm(y, x []float32) int                    { return 0 }

func countAtOrAboveAsm(z []float32, thr float32) (int, int) { return 0, 0 }
