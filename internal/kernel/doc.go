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
// The micro-kernel keeps a 14x32 block of C in 28 AVX-512 registers and, for
// each k, loads 32 floats of a packed panel of op(B) and broadcasts 14
// elements of op(A) (VBROADCASTSS + 28 VFMADD231PS). op(A) is read in place
// in both layouts, so only op(B) is packed: into zero-padded panels of 32
// columns (16 for a last panel that fits), by masked loads or, for a
// transposed B, by gathers. C is updated through lane masks at the right
// edge, so edges need no temporary tiles, and there is one specialised
// kernel per row count 1..14 for the bottom edge. When A is not transposed
// and the last panel is narrow (n = 100 leaves 4 columns), those columns are
// computed instead by a kernel of dot products along k, which wastes no
// lanes. The kernels are generated assembly (gen_asm.go, "go generate");
// machines with AVX2 and FMA but no AVX-512 use a 6x16 AVX2 version, and
// others a pure-Go kernel. The choice is made at start-up by CPUID; [Impl]
// reports it.
//
// # Threads
//
// Products of at least about half a million flops are split over [Threads]
// threads: the calling goroutine plus the goroutines of a persistent pool
// that is started lazily and never shrinks. The threads claim tasks (row
// panels of C times a range of column panels) dynamically, and each packs
// the panels of op(B) it needs into its own buffer, so no thread ever waits
// for another one except at the end of the call, and a busy core slows a
// call down instead of stalling it. [SetThreads] changes the count (1 keeps
// all the work on the caller); it defaults to GOMAXPROCS and is capped by
// it. An idle worker polls for new work for about 100µs after a call before
// it parks, so that back-to-back calls (a training step) do not pay for
// waking it up.
//
// Sgemm may be called from several goroutines at once; calls are
// serialized by a mutex.
//
// # Training-step helpers
//
// A [Team] runs a function on Threads() goroutines at once, each with its
// own single-threaded GEMM ([Serial]): the parallel-for of a training
// step, which splits a minibatch by rows and a weight update by rows of
// the weight matrix instead of splitting each small product. A
// [PackedB] holds an operand packed once for many products (a layer's
// weights, used by every row block of a step on every thread;
// [PackedB.Update] re-packs the rows an update changed) and
// [Serial.SgemmPacked] multiplies with it, with Sgemm's results bit for
// bit. [SparseBytesGemm] and [SparseGemm] multiply a matrix of mostly
// zero inputs (pixel bytes read where they are, or float32 values) by a
// weight matrix, summing only the nonzero inputs' rows (AVX-512, with a
// Go fallback). [ReLU] and [ReLUMask] are the rectifier and its backward
// mask, 16 lanes at a time.
//
// # Allocation
//
// Sgemm allocates nothing once its per-thread packing buffers (at most
// 1 MiB each) have grown to the size of the largest problem it has seen and
// the pool goroutines exist: after one warm-up call with the thread count
// and shapes it will use, a training loop runs without garbage.
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
//
// # Layering
//
// kernel owns the float32 GEMM and the vector kernels of the training step.
// Like every internal package it imports nothing of the project and must
// not, so that any package may use it.
package kernel
