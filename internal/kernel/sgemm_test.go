// Copyright 2026 The mrelu Authors.

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// testImpls are the kernels that this machine can run, including both
// pure-Go kernels.
func testImpls() []*impl { return append(availableImpls(), implGenericOther) }

// forEachImpl runs f once per kernel available on this machine, with the
// default pool switched to it.
func forEachImpl(t *testing.T, f func(t *testing.T)) {
	saved := defaultPool.impl
	defer defaultPool.setImpl(saved)
	for _, im := range testImpls() {
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

// fixture holds random inputs for a case, the SgemmRef result and, per
// element of C, the sum of the magnitudes of the terms that make it up.
type fixture struct {
	tc            gemmCase
	lda, ldb, ldc int
	a, b, c0      []float32
	want          []float32
	mag           []float64
}

func newFixture(rng *rand.Rand, tc gemmCase) *fixture {
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	f := &fixture{tc: tc, lda: max(ac+tc.pad, 1), ldb: max(bc+tc.pad, 1), ldc: max(tc.n+tc.pad, 1)}
	f.a = randSlice(rng, max(0, (ar-1)*f.lda+ac))
	f.b = randSlice(rng, max(0, (br-1)*f.ldb+bc))
	f.c0 = randSlice(rng, max(0, (tc.m-1)*f.ldc+tc.n))
	if tc.beta == 0 {
		for i := range f.c0 {
			if i%3 == 0 {
				f.c0[i] = float32(math.NaN())
			}
		}
	}
	f.want = append([]float32(nil), f.c0...)
	SgemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, f.a, f.lda, f.b, f.ldb, tc.beta, f.want, f.ldc)

	// The magnitudes: |alpha| * |op(A)| * |op(B)| + |beta*C|.
	abs := func(s []float32) []float32 {
		r := make([]float32, len(s))
		for i, v := range s {
			r[i] = float32(math.Abs(float64(v)))
		}
		return r
	}
	mag := make([]float32, len(f.c0))
	SgemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, abs(f.a), f.lda, abs(f.b), f.ldb, 0, mag, f.ldc)
	f.mag = make([]float64, len(mag))
	for i, v := range mag {
		f.mag[i] = float64(v) * math.Abs(float64(tc.alpha))
		if tc.beta != 0 {
			f.mag[i] += math.Abs(float64(tc.beta) * float64(f.c0[i]))
		}
	}
	return f
}

// verify runs Sgemm with the current kernel and thread settings and
// compares it with the reference, element-wise, to 1e-4 relative to the sum
// of the magnitudes of the terms. Padding between rows of C must not change.
func (f *fixture) verify(t *testing.T) {
	t.Helper()
	tc := f.tc
	// got is followed by guard elements that must stay untouched.
	const guard = 64
	buf := make([]float32, len(f.c0)+guard)
	copy(buf, f.c0)
	for i := len(f.c0); i < len(buf); i++ {
		buf[i] = 12345
	}
	got := buf[:len(f.c0):len(f.c0)]
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, f.a, f.lda, f.b, f.ldb, tc.beta, got, f.ldc)
	for i := len(f.c0); i < len(buf); i++ {
		if buf[i] != 12345 {
			t.Fatalf("%v (%s, %d threads): wrote past the end of C", tc, Impl(), Threads())
		}
	}
	bad := 0
	for i := 0; i < tc.m; i++ {
		for j := 0; j < f.ldc && i*f.ldc+j < len(got); j++ {
			x := i*f.ldc + j
			g, w := float64(got[x]), float64(f.want[x])
			if j >= tc.n {
				if got[x] != f.c0[x] && !(g != g && f.c0[x] != f.c0[x]) {
					t.Fatalf("%v (%s, %d threads): padding C[%d,%d] changed", tc, Impl(), Threads(), i, j)
				}
				continue
			}
			if math.IsNaN(g) || math.Abs(g-w) > 1e-4*f.mag[x]+1e-30 {
				if bad < 5 {
					t.Errorf("%v (%s, %d threads): C[%d,%d] = %g, want %g", tc, Impl(), Threads(), i, j, g, w)
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%v: %d bad elements", tc, bad)
	}
}

// verifyAll checks the cases with every kernel and with 1 and 2 threads,
// and for kernels with a dot kernel for the right edge, with it forced on
// and off.
func verifyAll(t *testing.T, seed uint64, cases []gemmCase) {
	saved, savedScale := defaultPool.impl, dotCostScale
	defer func() {
		defaultPool.setImpl(saved)
		dotCostScale = savedScale
	}()
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, tc := range cases {
		f := newFixture(rng, tc)
		for _, im := range testImpls() {
			defaultPool.setImpl(im)
			scales := []float64{1}
			if im.dot != nil {
				scales = []float64{0, math.Inf(1)}
			}
			for _, scale := range scales {
				dotCostScale = scale
				for _, threads := range []int{1, 2} {
					withThreads(threads, func() { f.verify(t) })
				}
			}
		}
	}
}

func TestSgemmRandomShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	alphas := []float32{1, -0.5, 2, 0}
	betas := []float32{0, 1, -0.5, 2}
	var cases []gemmCase
	for i := 0; i < 400; i++ {
		tc := gemmCase{
			transA: i&1 != 0, transB: i&2 != 0,
			m: 1 + rng.IntN(130), n: 1 + rng.IntN(130), k: 1 + rng.IntN(130),
			alpha: alphas[(i/4)%4], beta: betas[(i/16)%4],
			pad: rng.IntN(2) * rng.IntN(20),
		}
		if i%5 == 0 { // tiny dimensions more often
			tc.m = 1 + rng.IntN(20)
			tc.n = 1 + rng.IntN(20)
		}
		cases = append(cases, tc)
	}
	verifyAll(t, 1, cases)
}

func TestSgemmEdgeShapes(t *testing.T) {
	dims := []int{1, 2, 3, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 29, 31, 32, 33, 47, 48, 49}
	var cases []gemmCase
	for i, m := range dims {
		for j, n := range dims {
			for tr := 0; tr < 4; tr++ {
				cases = append(cases, gemmCase{transA: tr&1 != 0, transB: tr&2 != 0,
					m: m, n: n, k: dims[(i*7+j+tr)%len(dims)], alpha: 1,
					beta: float32(tr%2) * 0.5, pad: (i + j + tr) % 3})
			}
		}
	}
	verifyAll(t, 2, cases)
}

func TestSgemmTrainingShapes(t *testing.T) {
	verifyAll(t, 3, []gemmCase{
		{m: 500, n: 100, k: 784, alpha: 1},                  // forward, first layer
		{m: 500, n: 10, k: 100, alpha: 1, beta: 1},          // forward, last layer
		{m: 500, n: 100, k: 100, alpha: 1, pad: 3},          // hidden layers
		{transA: true, m: 784, n: 100, k: 500, alpha: -0.5}, // dW
		{transA: true, m: 100, n: 10, k: 500, alpha: 2, beta: 1},
		{transB: true, m: 500, n: 784, k: 100, alpha: 1}, // dX
		{transB: true, m: 500, n: 100, k: 10, alpha: 1},
		{transA: true, transB: true, m: 130, n: 257, k: 600, alpha: 1, beta: -0.5},
		{m: 37, n: 600, k: 1100, alpha: 1, beta: 2}, // several k blocks
	})
}

// TestSgemmSmallPackBuffer forces several outer (column and k) blocks.
func TestSgemmSmallPackBuffer(t *testing.T) {
	savedMax, savedKC := maxPackB, kcBlock
	defer func() { maxPackB, kcBlock = savedMax, savedKC }()
	maxPackB, kcBlock = 4096, 64
	var cases []gemmCase
	for tr := 0; tr < 4; tr++ {
		cases = append(cases, gemmCase{transA: tr&1 != 0, transB: tr&2 != 0,
			m: 70, n: 150, k: 300, alpha: 1.5, beta: -0.5, pad: 5})
	}
	verifyAll(t, 4, cases)
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

// TestConcurrentCallers runs parallel-sized products from several
// goroutines at once; results must match a serial run bit for bit (the
// order of operations of each element does not depend on the threads).
func TestConcurrentCallers(t *testing.T) {
	const m, n, k = 150, 100, 100
	rng := rand.New(rand.NewPCG(5, 5))
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	want := make([]float32, m*n)
	withThreads(1, func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n) })
	withThreads(2, func() {
		errc := make(chan error, 4)
		for g := 0; g < 4; g++ {
			go func() {
				c := make([]float32, m*n)
				for it := 0; it < 30; it++ {
					Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
					for i := range c {
						if c[i] != want[i] {
							errc <- fmt.Errorf("mismatch at %d: %g != %g", i, c[i], want[i])
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
	})
}

// TestMoreThreadsThanCores runs with 4 threads whatever the machine has.
func TestMoreThreadsThanCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const m, n, k = 300, 100, 200
	rng := rand.New(rand.NewPCG(6, 6))
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	want := make([]float32, m*n)
	got := make([]float32, m*n)
	withThreads(1, func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n) })
	withThreads(4, func() {
		for it := 0; it < 20; it++ {
			clear(got)
			Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, got, n)
			if !slices.Equal(got, want) {
				t.Fatalf("iteration %d: 4 threads differ from 1", it)
			}
		}
	})
}
