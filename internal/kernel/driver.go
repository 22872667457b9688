// Copyright 2026 The mrelu Authors.

package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// impl describes a micro-kernel.
//
// The driver packs op(B) into panels of nr columns (the last panel of a block
// is rounded up to a multiple of vec columns and zero-padded) and calls the
// kernel on micro-tiles of at most mr rows of C times one panel.
type impl struct {
	name string
	mr   int // rows of C per micro-tile
	nr   int // columns of a full panel
	vec  int // panel widths are multiples of vec

	// asm, if not nil, is an assembly kernel that reads A in place:
	// A(i, p) = a[i*lda+p], or a[p*lda+i] if transA. nr is the number of
	// columns of C to write (<= the panel width, which is vec when nr <= vec
	// and the full panel width otherwise). If nil, the driver packs A and
	// calls genericKernel.
	asm func(kc, mr, nr int, a *float32, lda int, transA bool, b, c *float32, ldc int, alpha, beta float32)
}

// Tuning parameters.
var (
	// kcBlock is the depth of the k blocks that the micro-kernel runs over
	// before C is updated.
	kcBlock = 256
	// maxPackB bounds the size of the shared buffer for packed B, in floats.
	maxPackB = 1 << 18
	// minParallelFlops is the size (2*m*n*k) below which Sgemm runs on the
	// calling goroutine only.
	minParallelFlops = 2 << 20
	// spinTime is how long an idle worker polls for the next job before it
	// blocks on its channel.
	spinTime = 100 * time.Microsecond
)

// job is the description of one Sgemm call shared by the threads.
type job struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int

	nt      int       // threads taking part
	ncBlock int       // columns of C per outer block (multiple of impl.nr)
	kBlock  int       // depth of an outer block (multiple of kcBlock)
	bp      []float32 // packed B buffer (64-byte aligned)
}

// worker holds one thread's state. Thread 0 is the calling goroutine.
type worker struct {
	id       int
	pool     *pool
	gen      atomic.Uint64 // incremented by the dispatcher for each job
	sleeping atomic.Int32
	wake     chan struct{}
	apack    []float32 // packed A micro-panel for the generic kernel
	_        [64]byte  // keep hot atomics of different workers apart
}

// pool is a set of persistent worker goroutines plus the calling goroutine.
type pool struct {
	mu      sync.Mutex
	threads int // configured thread count; 0 means GOMAXPROCS
	impl    *impl
	workers []*worker
	job     job
	bbuf    []float32 // backing store of job.bp

	_       [64]byte
	arrived atomic.Int64 // barrier arrivals in the current job
	_       [64]byte
	done    atomic.Int64 // workers that finished the current job
}

var defaultPool = &pool{impl: availableImpls()[0]}

// SetThreads sets the number of threads (the calling goroutine plus pool
// workers) that Sgemm may use. n == 1 runs everything on the caller; n <= 0
// restores the default, runtime.GOMAXPROCS(0). The count used by a call is
// also capped by GOMAXPROCS at the time of the call.
func SetThreads(n int) {
	p := defaultPool
	p.mu.Lock()
	p.threads = max(n, 0)
	p.mu.Unlock()
}

// Threads reports the number of threads Sgemm may use.
func Threads() int {
	p := defaultPool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.threadCount()
}

// Impl reports the name of the micro-kernel in use: "avx512", "avx2" or
// "generic".
func Impl() string {
	p := defaultPool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.impl.name
}

func (p *pool) threadCount() int {
	if p.threads > 0 {
		return p.threads
	}
	return runtime.GOMAXPROCS(0)
}

// setImpl switches the kernel (for tests and benchmarks).
func (p *pool) setImpl(im *impl) {
	p.mu.Lock()
	p.impl = im
	p.mu.Unlock()
}

func (p *pool) sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	im := p.impl

	// Blocking: the packed B block (kBlock x ncBlock, padded) must fit in
	// maxPackB floats.
	ncPad := roundUp(n, im.nr)
	ncBlock, kBlock := n, k
	if k*ncPad > maxPackB {
		ncBlock = min(n, max(im.nr, maxPackB/kcBlock/im.nr*im.nr))
		kBlock = min(k, max(kcBlock, maxPackB/roundUp(ncBlock, im.nr)/kcBlock*kcBlock))
	}

	nt := min(p.threadCount(), runtime.GOMAXPROCS(0))
	if 2*float64(m)*float64(n)*float64(k) < float64(minParallelFlops) {
		nt = 1
	}
	tiles := ceilDiv(m, im.mr) * ceilDiv(ncBlock, im.nr)
	nt = max(1, min(nt, tiles))

	p.ensureWorkers(nt)
	need := kBlock * roundUp(ncBlock, im.nr)
	if len(p.bbuf) < need+16 {
		p.bbuf = make([]float32, need+16)
	}
	off := 0
	for uintptr(unsafe.Pointer(&p.bbuf[off]))%64 != 0 {
		off++
	}

	p.job = job{
		transA: transA, transB: transB,
		m: m, n: n, k: k,
		alpha: alpha, beta: beta,
		a: a, b: b, c: c,
		lda: lda, ldb: ldb, ldc: ldc,
		nt: nt, ncBlock: ncBlock, kBlock: kBlock,
		bp: p.bbuf[off : off+need],
	}
	p.arrived.Store(0)
	p.done.Store(0)
	for _, w := range p.workers[1:nt] {
		w.gen.Add(1)
		if w.sleeping.Load() != 0 {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
	p.run(p.workers[0])
	for i := 0; p.done.Load() != int64(nt-1); i++ {
		if i&63 == 63 {
			runtime.Gosched()
		}
	}
	p.job = job{} // drop references to the caller's slices
}

// ensureWorkers makes sure workers[0:n] exist, starting goroutines for the
// missing ones.
func (p *pool) ensureWorkers(n int) {
	for len(p.workers) < n {
		w := &worker{id: len(p.workers), pool: p, wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		if w.id > 0 {
			go w.loop()
		}
	}
}

// loop is the body of a pool goroutine: wait for a job, run it, repeat.
func (w *worker) loop() {
	var last uint64
	for {
		start := time.Now()
		for i := 0; w.gen.Load() == last; i++ {
			if i&255 != 255 || time.Since(start) < spinTime {
				continue
			}
			w.sleeping.Store(1)
			if w.gen.Load() == last {
				<-w.wake
			}
			w.sleeping.Store(0)
			start = time.Now()
		}
		last++
		w.pool.run(w)
		w.pool.done.Add(1)
	}
}

// barrier waits until all threads of the job have called it phase times.
func (p *pool) barrier(phase int) {
	target := int64(phase * p.job.nt)
	p.arrived.Add(1)
	for i := 0; p.arrived.Load() < target; i++ {
		if i&63 == 63 {
			runtime.Gosched()
		}
	}
}

// run is the share of thread w in the current job.
func (p *pool) run(w *worker) {
	j := &p.job
	im := p.impl
	t, nt := w.id, j.nt
	phase := 0
	for jc := 0; jc < j.n; jc += j.ncBlock {
		nc := min(j.ncBlock, j.n-jc)
		for kb := 0; kb < j.k; kb += j.kBlock {
			kl := min(j.kBlock, j.k-kb)
			packB(j.bp, j.transB, j.b, j.ldb, kb, kl, t*kl/nt, (t+1)*kl/nt, jc, nc, im.nr, im.vec)
			if nt > 1 {
				phase++
				p.barrier(phase)
			}
			p.compute(w, jc, nc, kb, kl)
			if nt > 1 && (kb+kl < j.k || jc+nc < j.n) {
				phase++
				p.barrier(phase)
			}
		}
	}
}

// compute runs thread w's micro-tiles of the block of C columns [jc, jc+nc)
// over the k range [kb, kb+kl), whose packed B is in j.bp.
func (p *pool) compute(w *worker, jc, nc, kb, kl int) {
	j := &p.job
	im := p.impl
	rp, cp := ceilDiv(j.m, im.mr), ceilDiv(nc, im.nr)
	tm, tn := split(j.nt, rp, cp)
	ti, tj := w.id/tn, w.id%tn
	if ti >= tm {
		return
	}
	r0, r1 := ti*rp/tm, (ti+1)*rp/tm
	c0, c1 := tj*cp/tn, (tj+1)*cp/tn
	if im.asm == nil && len(w.apack) < genMR*kcBlock {
		w.apack = make([]float32, genMR*kcBlock)
	}
	for pc := 0; pc < kl; pc += kcBlock {
		kc := min(kcBlock, kl-pc)
		beta := j.beta
		if kb+pc > 0 {
			beta = 1
		}
		for ir := r0; ir < r1; ir++ {
			i0 := ir * im.mr
			mr := min(im.mr, j.m-i0)
			var aoff int
			if j.transA {
				aoff = (kb+pc)*j.lda + i0
			} else {
				aoff = i0*j.lda + kb + pc
			}
			if im.asm == nil {
				packAGeneric(w.apack, j.transA, j.a, j.lda, i0, mr, kb+pc, kc)
			}
			for jr := c0; jr < c1; jr++ {
				j0 := jr * im.nr
				nr := min(im.nr, nc-j0)
				width := im.nr
				if nr < im.nr {
					width = roundUp(nr, im.vec)
				}
				boff := j0*kl + pc*width
				coff := i0*j.ldc + jc + j0
				if im.asm != nil {
					im.asm(kc, mr, nr, &j.a[aoff], j.lda, j.transA, &j.bp[boff], &j.c[coff], j.ldc, j.alpha, beta)
				} else {
					genericKernel(kc, mr, nr, w.apack, j.bp[boff:], j.c[coff:], j.ldc, j.alpha, beta)
				}
			}
		}
	}
}

// split chooses a tm x tn grid of threads (tm*tn <= nt) for rp row panels
// and cp column panels, minimizing the largest share and preferring row
// splits, which share the packed B panels best.
func split(nt, rp, cp int) (tm, tn int) {
	best := -1
	for m := nt; m >= 1; m-- {
		n := nt / m
		cost := ceilDiv(rp, m) * ceilDiv(cp, n)
		if best < 0 || cost < best {
			best, tm, tn = cost, m, n
		}
	}
	return tm, tn
}

// packB packs rows [p0, p1) of the k x nc block of op(B) that starts at row
// kb and column jc (kl rows in all) into dst: panels of nr columns, panel q
// at dst[q*nr*kl:], row p of a panel of width w at p*w. The last panel is
// vec-rounded and zero-padded.
func packB(dst []float32, transB bool, b []float32, ldb, kb, kl, p0, p1, jc, nc, nr, vec int) {
	if p0 >= p1 {
		return
	}
	for j0 := 0; j0 < nc; j0 += nr {
		cols := min(nr, nc-j0)
		w := nr
		if cols < nr {
			w = roundUp(cols, vec)
		}
		panel := dst[j0*kl : j0*kl+w*kl]
		if !transB {
			for p := p0; p < p1; p++ {
				d := panel[p*w : p*w+w]
				copy(d, b[(kb+p)*ldb+jc+j0:][:cols])
				clear(d[cols:])
			}
			continue
		}
		for jj := 0; jj < cols; jj++ {
			src := b[(jc+j0+jj)*ldb+kb+p0:][:p1-p0]
			d := panel[p0*w+jj:]
			for q, v := range src {
				d[q*w] = v
			}
		}
		if cols < w {
			for p := p0; p < p1; p++ {
				clear(panel[p*w+cols : p*w+w])
			}
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
