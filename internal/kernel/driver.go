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
	// calls gen.
	asm func(kc, mr, nr int, a *float32, lda int, transA bool, b, c *float32, ldc int, alpha, beta float32)

	// gen is a pure-Go kernel working on an A micro-panel packed as
	// ap[p*mr+i] (mr = impl.mr rows, zero-padded).
	gen func(kc, mr, nr int, ap, bp, c []float32, ldc int, alpha, beta float32)
}

// Tuning parameters.
var (
	// kcBlock is the depth of the k blocks that the micro-kernel runs over
	// before C is updated.
	kcBlock = 384
	// maxPackB bounds the size of the shared buffer for packed B, in floats.
	maxPackB = 1 << 18
	// minParallelFlops is the size (2*m*n*k) below which Sgemm runs on the
	// calling goroutine only.
	minParallelFlops = 2 << 20
	// spinTime is how long an idle worker polls for the next job before it
	// blocks on its channel.
	spinTime = 100 * time.Microsecond
)

// job is one block of an Sgemm call: the columns [jc, jc+nc) of C over the
// k range [kb, kb+kl). Its work is split into packing chunks (rows of the
// packed B block) and compute tasks (one row panel of C times a range of
// column panels) that the threads claim dynamically, so that a thread that
// is descheduled (other processes on the machine) delays the call by at most
// one chunk or task.
type job struct {
	transA, transB bool
	m              int
	alpha, beta    float32 // beta is 1 for k blocks after the first
	a, b, c        []float32
	lda, ldb, ldc  int
	jc, nc, kb, kl int

	bp        []float32 // packed B block (64-byte aligned)
	nPack     int64     // packing chunks
	rowPanels int
	colPanels int
	colChunks int   // column-panel groups per row panel
	nTasks    int64 // rowPanels * colChunks
}

// worker holds one thread's state. Thread 0 is the calling goroutine.
type worker struct {
	id       int
	pool     *pool
	sleeping atomic.Int32
	wake     chan struct{}
	apack    []float32 // packed A micro-panel for the generic kernel
	_        [64]byte  // keep hot atomics of different workers apart
}

// state bits of pool.state: the job sequence number, whether the job is
// open for workers to join, and how many workers are inside it.
const (
	stateOpen   = 1 << 31
	stateActive = stateOpen - 1
	stateSeq    = 1 << 32
)

// pool is a set of persistent worker goroutines plus the calling goroutine.
type pool struct {
	mu      sync.Mutex
	threads int // configured thread count; 0 means GOMAXPROCS
	impl    *impl
	workers []*worker
	job     job
	bbuf    []float32 // backing store of job.bp

	_         [64]byte
	state     atomic.Uint64
	maxActive atomic.Int64 // workers (besides the caller) allowed in the job
	_         [64]byte
	packNext  atomic.Int64
	_         [64]byte
	packDone  atomic.Int64
	_         [64]byte
	taskNext  atomic.Int64
	_         [64]byte
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

// Impl reports the name of the micro-kernel in use: "avx512", "avx2", or
// the pure-Go "generic2x4" (amd64) or "generic4x4" (other architectures).
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
	ncBlock, kBlock := n, k
	if k*roundUp(n, im.nr) > maxPackB {
		ncBlock = min(n, max(im.nr, maxPackB/kcBlock/im.nr*im.nr))
		kBlock = min(k, max(kcBlock, maxPackB/roundUp(ncBlock, im.nr)/kcBlock*kcBlock))
	}
	need := kBlock * roundUp(ncBlock, im.nr)
	if len(p.bbuf) < need+16 {
		p.bbuf = make([]float32, need+16)
	}
	off := 0
	for uintptr(unsafe.Pointer(&p.bbuf[off]))%64 != 0 {
		off++
	}

	nt := min(p.threadCount(), runtime.GOMAXPROCS(0))
	if 2*float64(m)*float64(n)*float64(k) < float64(minParallelFlops) {
		nt = 1
	}
	nt = max(1, min(nt, ceilDiv(m, im.mr)*ceilDiv(ncBlock, im.nr)))
	p.ensureWorkers(nt)

	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for kb := 0; kb < k; kb += kBlock {
			kl := min(kBlock, k-kb)
			bet := beta
			if kb > 0 {
				bet = 1
			}
			rp, cp := ceilDiv(m, im.mr), ceilDiv(nc, im.nr)
			chunks := 1
			if nt > 1 {
				chunks = min(cp, ceilDiv(4*nt, rp))
			}
			p.job = job{
				transA: transA, transB: transB, m: m,
				alpha: alpha, beta: bet,
				a: a, b: b, c: c,
				lda: lda, ldb: ldb, ldc: ldc,
				jc: jc, nc: nc, kb: kb, kl: kl,
				bp:        p.bbuf[off : off+kl*roundUp(nc, im.nr)],
				nPack:     int64(min(kl, 4*nt)),
				rowPanels: rp, colPanels: cp, colChunks: chunks,
				nTasks: int64(rp * chunks),
			}
			p.runJob(nt)
		}
	}
	p.job = job{} // drop references to the caller's slices
}

// runJob runs p.job on the caller and up to nt-1 workers. On return no
// worker is inside the job.
func (p *pool) runJob(nt int) {
	p.packNext.Store(0)
	p.packDone.Store(0)
	p.taskNext.Store(0)
	if nt > 1 {
		p.maxActive.Store(int64(nt - 1))
		seq := (p.state.Load() &^ (stateOpen | stateActive)) + stateSeq
		p.state.Store(seq | stateOpen)
		for _, w := range p.workers[1:nt] {
			if w.sleeping.Load() != 0 {
				select {
				case w.wake <- struct{}{}:
				default:
				}
			}
		}
	}
	p.work(p.workers[0])
	if nt > 1 {
		for { // close the job
			s := p.state.Load()
			if p.state.CompareAndSwap(s, s&^stateOpen) {
				break
			}
		}
		for i := 0; p.state.Load()&stateActive != 0; i++ {
			if i&63 == 63 {
				runtime.Gosched()
			}
		}
	}
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

// tryJoin enters the current job if it is open, new to the worker (last is
// the sequence of the last job it joined) and not full.
func (p *pool) tryJoin(last *uint64) bool {
	s := p.state.Load()
	if s&stateOpen == 0 || s/stateSeq == *last || int64(s&stateActive) >= p.maxActive.Load() {
		return false
	}
	if !p.state.CompareAndSwap(s, s+1) {
		return false
	}
	*last = s / stateSeq
	return true
}

// loop is the body of a pool goroutine: wait for a job, work on it, repeat.
func (w *worker) loop() {
	p := w.pool
	var last uint64
	for {
		start := time.Now()
		for i := 0; !p.tryJoin(&last); i++ {
			if i&255 != 255 || time.Since(start) < spinTime {
				continue
			}
			w.sleeping.Store(1)
			if !p.tryJoin(&last) {
				<-w.wake
				w.sleeping.Store(0)
				start = time.Now()
				continue
			}
			w.sleeping.Store(0)
			break
		}
		p.work(w)
		p.state.Add(^uint64(0)) // leave
	}
}

// work claims and runs packing chunks, waits for the packing to complete,
// then claims and runs compute tasks until none are left.
func (p *pool) work(w *worker) {
	j := &p.job
	im := p.impl
	for {
		c := p.packNext.Add(1) - 1
		if c >= j.nPack {
			break
		}
		p0, p1 := int(c)*j.kl/int(j.nPack), int(c+1)*j.kl/int(j.nPack)
		packB(j.bp, j.transB, j.b, j.ldb, j.kb, j.kl, p0, p1, j.jc, j.nc, im.nr, im.vec)
		p.packDone.Add(1)
	}
	for i := 0; p.packDone.Load() < j.nPack; i++ {
		if i&63 == 63 {
			runtime.Gosched()
		}
	}
	if im.asm == nil && len(w.apack) < im.mr*kcBlock {
		w.apack = make([]float32, im.mr*kcBlock)
	}
	for {
		t := p.taskNext.Add(1) - 1
		if t >= j.nTasks {
			return
		}
		ir, cc := int(t)/j.colChunks, int(t)%j.colChunks
		p.compute(w, ir, cc*j.colPanels/j.colChunks, (cc+1)*j.colPanels/j.colChunks)
	}
}

// compute runs the micro-tiles of row panel ir and column panels [c0, c1)
// of the current job.
func (p *pool) compute(w *worker, ir, c0, c1 int) {
	j := &p.job
	im := p.impl
	i0 := ir * im.mr
	mr := min(im.mr, j.m-i0)
	for pc := 0; pc < j.kl; pc += kcBlock {
		kc := min(kcBlock, j.kl-pc)
		beta := j.beta
		if pc > 0 {
			beta = 1
		}
		var aoff int
		if j.transA {
			aoff = (j.kb+pc)*j.lda + i0
		} else {
			aoff = i0*j.lda + j.kb + pc
		}
		if im.asm == nil {
			packAGeneric(w.apack, im.mr, j.transA, j.a, j.lda, i0, mr, j.kb+pc, kc)
		}
		for jr := c0; jr < c1; jr++ {
			j0 := jr * im.nr
			nr := min(im.nr, j.nc-j0)
			width := im.nr
			if nr < im.nr {
				width = roundUp(nr, im.vec)
			}
			boff := j0*j.kl + pc*width
			coff := i0*j.ldc + j.jc + j0
			if im.asm != nil {
				im.asm(kc, mr, nr, &j.a[aoff], j.lda, j.transA, &j.bp[boff], &j.c[coff], j.ldc, j.alpha, beta)
			} else {
				im.gen(kc, mr, nr, w.apack, j.bp[boff:], j.c[coff:], j.ldc, j.alpha, beta)
			}
		}
	}
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
