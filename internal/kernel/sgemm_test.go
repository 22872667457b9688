// Copyright 2026 The mrelu Authors.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// forEachImpl runs f once per kernel available on this machine, with the
// default pool switched to it.
func forEachImpl(t *testing.T, f func(t *testing.T)) {
	saved := defaultPool.impl
	defer defaultPool.setImpl(saved)
	for _, im := range availableImpls() {
		defaultPool.setImpl(im)
		t.Run(im.name, f)
	}
}

// withThreads runs f with SetThreads(n) and restores the setting afterwards.
func withThreads(n int, f func()) {
	defaultPool.mu.Lock()
	saved := defaultPool.threads
	defaultPool.mu.Unlock()
	SetThreads(n)
	defer SetThreads(saved)
	f()
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int // extra leading-dimension slack
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,alpha=%g,beta=%g,pad=%d",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// check runs Sgemm and SgemmRef on the same random inputs and compares them
// element-wise against a bound of 1e-4 relative to the sum of |terms|.
func check(t *testing.T, rng *rand.Rand, tc gemmCase) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	lda, ldb, ldc = max(lda, 1), max(ldb, 1), max(ldc, 1)
	a := randSlice(rng, max(0, (ar-1)*lda+ac))
	b := randSlice(rng, max(0, (br-1)*ldb+bc))
	c0 := randSlice(rng, max(0, (tc.m-1)*ldc+tc.n))
	if tc.beta == 0 {
		for i := range c0 {
			if i%3 == 0 {
				c0[i] = float32(math.NaN())
			}
		}
	}
	got := append([]float32(nil), c0...)
	want := append([]float32(nil), c0...)
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
	SgemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)

	bad := 0
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			var mag float64
			for p := 0; p < tc.k; p++ {
				var av, bv float32
				if tc.transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tc.transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				mag += math.Abs(float64(av) * float64(bv))
			}
			mag *= math.Abs(float64(tc.alpha))
			if tc.beta != 0 {
				mag += math.Abs(float64(tc.beta) * float64(c0[i*ldc+j]))
			}
			g, w := float64(got[i*ldc+j]), float64(want[i*ldc+j])
			if math.IsNaN(g) || math.Abs(g-w) > 1e-4*mag+1e-30 {
				if bad < 5 {
					t.Errorf("%v: C[%d,%d] = %g, want %g", tc, i, j, g, w)
				}
				bad++
			}
		}
		// Padding between rows must be untouched.
		if i < tc.m-1 {
			for j := tc.n; j < ldc; j++ {
				if x, y := got[i*ldc+j], c0[i*ldc+j]; x != y && !(x != x && y != y) {
					t.Fatalf("%v: padding C[%d,%d] changed", tc, i, j)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%v: %d bad elements", tc, bad)
	}
}

func TestSgemmRandomShapes(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, threads := range []int{1, 2} {
			withThreads(threads, func() {
				rng := rand.New(rand.NewPCG(1, uint64(threads)))
				alphas := []float32{1, -0.5, 2, 0}
				betas := []float32{0, 1, -0.5, 2}
				for i := 0; i < 300; i++ {
					tc := gemmCase{
						transA: i&1 != 0, transB: i&2 != 0,
						m: 1 + rng.IntN(130), n: 1 + rng.IntN(130), k: 1 + rng.IntN(130),
						alpha: alphas[(i/4)%4], beta: betas[(i/16)%4],
						pad: rng.IntN(3) * rng.IntN(20),
					}
					if i%5 == 0 { // exercise tiny dimensions more often
						tc.n = 1 + rng.IntN(20)
						tc.m = 1 + rng.IntN(20)
					}
					check(t, rng, tc)
				}
			})
		}
	})
}

func TestSgemmEdgeShapes(t *testing.T) {
	dims := []int{1, 2, 3, 13, 14, 15, 16, 17, 31, 32, 33, 47, 48, 49}
	forEachImpl(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(2, 2))
		withThreads(2, func() {
			for _, m := range dims {
				for _, n := range dims {
					for tr := 0; tr < 4; tr++ {
						check(t, rng, gemmCase{transA: tr&1 != 0, transB: tr&2 != 0,
							m: m, n: n, k: dims[(m+n+tr)%len(dims)], alpha: 1, beta: 0.5})
					}
				}
			}
		})
	})
}

func TestSgemmTrainingShapes(t *testing.T) {
	cases := []gemmCase{
		{m: 500, n: 100, k: 784, alpha: 1},                 // forward, first layer
		{m: 500, n: 10, k: 100, alpha: 1, beta: 1},         // forward, last layer
		{m: 500, n: 100, k: 100, alpha: 1, pad: 3},         // hidden layers
		{transA: true, m: 784, n: 100, k: 500, alpha: -0.5}, // dW
		{transA: true, m: 100, n: 10, k: 500, alpha: 2, beta: 1},
		{transB: true, m: 500, n: 784, k: 100, alpha: 1},   // dX
		{transB: true, m: 500, n: 100, k: 10, alpha: 1},
		{transA: true, transB: true, m: 130, n: 257, k: 600, alpha: 1, beta: -0.5},
		{m: 37, n: 600, k: 1100, alpha: 1, beta: 2}, // several k blocks
	}
	forEachImpl(t, func(t *testing.T) {
		for _, threads := range []int{1, 2} {
			withThreads(threads, func() {
				rng := rand.New(rand.NewPCG(3, 3))
				for _, tc := range cases {
					check(t, rng, tc)
				}
			})
		}
	})
}

// TestSgemmSmallPackBuffer forces several outer (column and k) blocks.
func TestSgemmSmallPackBuffer(t *testing.T) {
	savedMax, savedKC := maxPackB, kcBlock
	defer func() { maxPackB, kcBlock = savedMax, savedKC }()
	maxPackB, kcBlock = 4096, 64
	forEachImpl(t, func(t *testing.T) {
		withThreads(2, func() {
			rng := rand.New(rand.NewPCG(4, 4))
			for tr := 0; tr < 4; tr++ {
				check(t, rng, gemmCase{transA: tr&1 != 0, transB: tr&2 != 0,
					m: 70, n: 150, k: 300, alpha: 1.5, beta: -0.5, pad: 5})
			}
		})
	})
}

func TestSgemmBetaZeroNaN(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, shape := range [][3]int{{5, 7, 3}, {100, 100, 100}, {500, 10, 100}} {
			m, n, k := shape[0], shape[1], shape[2]
			a, b := make([]float32, m*k), make([]float32, k*n)
			for i := range a {
				a[i] = 1
			}
			for i := range b {
				b[i] = 1
			}
			for _, alpha := range []float32{1, 0} {
				c := make([]float32, m*n)
				for i := range c {
					c[i] = float32(math.NaN())
				}
				Sgemm(false, false, m, n, k, alpha, a, k, b, n, 0, c, n)
				for i, v := range c {
					if v != alpha*float32(k) {
						t.Fatalf("%v alpha=%g: c[%d] = %g, want %g", shape, alpha, i, v, alpha*float32(k))
					}
				}
			}
		}
	})
}

func TestSgemmZeroSizes(t *testing.T) {
	c := []float32{1, 2, 3, 4}
	Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0.5, c, 2)
	if c[0] != 0.5 || c[3] != 2 {
		t.Fatalf("k == 0: got %v", c)
	}
	Sgemm(false, false, 0, 2, 3, 1, nil, 3, make([]float32, 6), 2, 0, nil, 2)
	Sgemm(true, true, 2, 0, 3, 1, make([]float32, 6), 2, nil, 3, 0, nil, 1)
}

func TestSgemmPanics(t *testing.T) {
	a, b, c := make([]float32, 12), make([]float32, 12), make([]float32, 9)
	tests := []struct {
		name string
		f    func()
	}{
		{"short A", func() { Sgemm(false, false, 3, 3, 4, 1, a[:11], 4, b, 3, 0, c, 3) }},
		{"short B", func() { Sgemm(false, false, 3, 3, 4, 1, a, 4, b[:11], 3, 0, c, 3) }},
		{"short C", func() { Sgemm(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c[:8], 3) }},
		{"short A^T", func() { Sgemm(true, false, 3, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"short B^T", func() { Sgemm(false, true, 3, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"small lda", func() { Sgemm(false, false, 3, 3, 4, 1, a, 3, b, 3, 0, c, 3) }},
		{"small ldc", func() { Sgemm(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c, 2) }},
		{"negative m", func() { Sgemm(false, false, -1, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"ref short C", func() { SgemmRef(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c[:8], 3) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.name)
				}
			}()
			tt.f()
		}()
	}
	// The valid call must not panic.
	Sgemm(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c, 3)
}

func TestSgemmNoAllocs(t *testing.T) {
	const m, n, k = 500, 100, 784
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	bt := make([]float32, n*k)
	withThreads(2, func() {
		for _, tr := range []bool{false, true} {
			call := func() {
				if tr {
					Sgemm(false, true, m, n, k, 1, a, k, bt, k, 0, c, n)
				} else {
					Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				}
			}
			call() // warm up
			allocs := testing.AllocsPerRun(20, call)
			if allocs != 0 {
				t.Errorf("transB=%v: %v allocations per call, want 0", tr, allocs)
			}
		}
	})
}

func TestThreads(t *testing.T) {
	withThreads(3, func() {
		if got := Threads(); got != 3 {
			t.Errorf("Threads() = %d after SetThreads(3)", got)
		}
	})
	withThreads(0, func() {
		if got := Threads(); got < 1 {
			t.Errorf("Threads() = %d with the default setting", got)
		}
	})
}

func TestConcurrentCallers(t *testing.T) {
	const m, n, k = 60, 50, 70
	rng := rand.New(rand.NewPCG(5, 5))
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	want := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	errc := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			c := make([]float32, m*n)
			for it := 0; it < 50; it++ {
				Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				for i := range c {
					if c[i] != want[i] {
						errc <- fmt.Errorf("mismatch at %d", i)
						return
					}
				}
			}
			errc <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}
