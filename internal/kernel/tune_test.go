// Copyright 2026 The mrelu Authors.

package kernel

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
	"time"
)

// The tests in this file are tools for tuning, skipped unless KERNEL_TUNE
// is set:
//
//	KERNEL_TUNE=1 go test -run Tune -v ./internal/kernel/
//
// They time single calls and report the best, 10th percentile and median
// rates, which are more robust than benchmark means on a shared machine.

func skipUnlessTuning(t *testing.T) {
	if os.Getenv("KERNEL_TUNE") == "" {
		t.Skip("set KERNEL_TUNE=1 to run")
	}
}

// timeCalls runs f n times and returns the sorted durations.
func timeCalls(n int, f func()) []time.Duration {
	ts := make([]time.Duration, n)
	for i := range ts {
		t0 := time.Now()
		f()
		ts[i] = time.Since(t0)
	}
	slices.Sort(ts)
	return ts
}

func TestTuneShapes(t *testing.T) {
	skipUnlessTuning(t)
	for _, s := range benchShapes {
		for _, th := range []int{1, 2} {
			m, n, k := s.m, s.n, s.k
			a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			lda, ldb := k, n
			if s.transA {
				lda = m
			}
			if s.transB {
				ldb = k
			}
			withThreads(th, func() {
				ts := timeCalls(400, func() { Sgemm(s.transA, s.transB, m, n, k, 1, a, lda, b, ldb, 0, c, n) })
				f := 2 * float64(m*n*k) / 1e9
				fmt.Printf("%-22s threads=%d  best %6.1f  p10 %6.1f  median %6.1f GFLOP/s\n", s.name, th,
					f/ts[0].Seconds(), f/ts[len(ts)/10].Seconds(), f/ts[len(ts)/2].Seconds())
			})
		}
	}
}

// TestTuneDot compares the dot kernel with a padded panel for narrow C and
// shows what useDot decides.
func TestTuneDot(t *testing.T) {
	skipUnlessTuning(t)
	if defaultPool.impl.dot == nil {
		t.Skip("no dot kernel")
	}
	saved := dotCostScale
	defer func() { dotCostScale = saved }()
	for _, n := range []int{2, 4, 8, 10, 12, 16, 20, 24} {
		for _, k := range []int{32, 64, 100, 200, 784} {
			const m = 504
			a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			var p10 [2]time.Duration
			for v, scale := range []float64{0, math.Inf(1)} {
				dotCostScale = scale
				withThreads(1, func() {
					p10[v] = timeCalls(300, func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) })[30]
				})
			}
			dotCostScale = saved
			fmt.Printf("n=%2d k=%3d  dot %7d ns  padded %7d ns  ratio %.2f  useDot %v\n", n, k,
				p10[0].Nanoseconds(), p10[1].Nanoseconds(), float64(p10[0])/float64(p10[1]),
				defaultPool.impl.useDot(false, n%32, k))
		}
	}
}
