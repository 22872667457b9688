//go:build !amd64 || noasm

package kernel

// HasAVX512 reports whether AVX-512 assembly may be used: never in this
// build (not amd64, or the noasm tag).
func HasAVX512() bool { return false }
