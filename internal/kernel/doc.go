// Copyright 2026 The mrelu Authors.

// Package kernel is a fast single-precision matrix multiplication (SGEMM) for
// the CPU, written for training small multilayer perceptrons.
//
// [Sgemm] computes
//
//	C = alpha*op(A)*op(B) + beta*C
//
// where op(X) is X or its transpose. All matrices are row-major: element
// (i, j) of a matrix with leading dimension ld is at index i*ld+j of its
// slice, and ld may be larger than the row length (sub-matrices). When beta
// is 0, C is only written, so NaNs in its old contents do not leak into the
// result. [SgemmRef] is a slow, obviously correct version for tests.
//
// # Algorithm
//
// op(B) is packed into zero-padded panels of 32 columns (16 for the last one
// if that is enough), split over threads by rows of k. A micro-kernel then
// multiplies a 14-row slice of op(A), read in place (both layouts), by one
// panel, keeping the 14x32 block of C in 28 AVX-512 registers
// (VBROADCASTSS + VFMADD231PS), and updates C through lane masks at the
// right edge, so edges cost no extra copies. The micro-kernels are generated
// assembly (gen_asm.go, "go generate"); machines with AVX2 and FMA but no
// AVX-512 use a 6x16 AVX2 version, and others a pure-Go kernel. The choice
// is made at start-up by CPUID; [Impl] reports it.
//
// # Threads
//
// Products of at least about two million flops are split over [Threads]
// threads: the calling goroutine plus workers of a persistent pool that is
// started lazily and never shrinks. The threads claim packing chunks and
// row panels of C dynamically, so a busy core slows a call down instead of
// stalling it. [SetThreads] changes the count (1 keeps all the work on the
// caller); it defaults to GOMAXPROCS and is capped by it. An idle worker
// polls for new work for about 100µs after a call before it parks, so that
// back-to-back calls (a training step) do not pay for waking it up.
//
// Sgemm may be called from several goroutines at once; calls are
// serialized by a mutex.
//
// # Allocation
//
// Sgemm allocates nothing once the packing buffer has grown to the size of
// the largest problem it has seen (at most 1 MiB) and the pool goroutines
// exist, so after one warm-up call per thread setting, training loops run
// without garbage.
//
// # Portability
//
// The assembly is used on amd64 unless the build tag noasm is given:
//
//	go test -tags noasm ./internal/kernel/
//
// With noasm, or on other architectures, the pure-Go kernels run (blocked,
// with 8 or 16 register accumulators), with the same packing, threading
// and results up to rounding.
package kernel
