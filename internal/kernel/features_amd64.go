//go:build amd64 && !noasm

package kernel

// HasAVX512 reports whether the CPU and the operating system support the
// AVX-512 (F) kernels with the ZMM state enabled, for other packages'
// assembly paths (read once at start-up).
func HasAVX512() bool { return avx512Available }

var avx512Available = func() bool { _, ok := cpuFeatures(); return ok }()
