// Copyright 2026 The mrelu Authors.

package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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

	// pack, if not nil, replaces packPanel.
	pack func(dst []float32, transB bool, b []float32, ldb, k0, kl, j0, cols, w int)

	// dot, if not nil, is a kernel for a narrow last panel when A is not
	// transposed: it computes mr <= dotRows rows times 4 columns of C as dot
	// products along k of rows of A and rows of bt (the columns of op(B),
	// packed by packDot), writing the first cols columns.
	dot     func(kc, mr int, a *float32, lda int, bt *float32, ldbt int, c *float32, ldc int, alpha, beta float32, cols int)
	dotRows int
}

// useDot reports whether the last column panel of a job (rem columns, kl
// deep) is cheaper with the dot kernel than as a padded panel. The model,
// in cycles per row of C, was fitted to measurements of the AVX-512 kernels:
// a padded 16-wide panel is bound by its 15 loads per 14 FMAs (0.57 cycles
// per k), a 32-wide one by its FMAs (1 per k); the dot kernel costs about
// 2.7 cycles per 16 k plus 14 for the reduction and the call, per group of
// 4 columns.
func (im *impl) useDot(transA bool, rem, kl int) bool {
	if im.dot == nil || transA || rem == 0 {
		return false
	}
	padded := 0.57 * float64(kl)
	if roundUp(rem, im.vec) > 16 {
		padded = float64(kl)
	}
	dot := float64(ceilDiv(rem, 4)) * (2.7*float64(ceilDiv(kl, 16)) + 14)
	return dot*dotCostScale < padded
}

// Tuning parameters.
var (
	// kcBlock is the depth of the k blocks that the micro-kernel runs over
	// before C is updated.
	kcBlock = 384
	// maxPackB bounds the size of each thread's buffer for packed B, in
	// floats.
	maxPackB = 1 << 18
	// minParallelFlops is the size (2*m*n*k) below which Sgemm runs on the
	// calling goroutine only.
	minParallelFlops = 1 << 19
	// taskFlops is the smallest amount of work worth a separate task.
	taskFlops = 1 << 17
	// dotCostScale scales the modelled cost of the dot kernel (tests set it
	// to 0 to use the dot kernel whenever it applies, or +Inf to never use it).
	dotCostScale = 1.0
	// spinTime is how long an idle worker polls for the next job before it
	// blocks on its channel.
	spinTime = 100 * time.Microsecond
)

// job is one block of an Sgemm call: the columns [jc, jc+nc) of C over the
// k range [kb, kb+kl). Its work is split into tasks (a group of row panels
// of C times a range of column panels) that the threads claim dynamically,
// so that a thread that is descheduled (other processes on the machine)
// delays the call by at most one task. Each thread packs the panels of op(B)
// that its tasks need into its own buffer, on first use: no thread ever
// waits for another one's packing.
type job struct {
	id             uint64 // distinguishes jobs for worker.stamp
	transA, transB bool
	m              int
	alpha, beta    float32 // beta is 1 for k blocks after the first
	a, b, c        []float32
	lda, ldb, ldc  int
	jc, nc, kb, kl int

	packed []float32 // op(B) packed by a PackedB (nil: each thread packs)

	rowPanels int
	colPanels int
	dotPanel  int   // column panel computed with impl.dot, or -1
	rowGroup  int   // row panels per task
	colChunks int   // column-panel ranges per row group
	nTasks    int64 // ceil(rowPanels/rowGroup) * colChunks
}

// worker holds one thread's state. Thread 0 is the calling goroutine.
type worker struct {
	id       int
	pool     *pool
	sleeping atomic.Int32
	wake     chan struct{}
	bp       []float32 // packed B panels of the current job, 64-byte aligned
	stamp    []uint64  // stamp[jr] == job.id if panel jr is packed in bp
	apack    []float32 // packed A micro-panel for the pure-Go kernels
	_        [64]byte  // keep hot fields of different workers apart
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
	jobs    uint64 // jobs run so far

	_         [64]byte
	state     atomic.Uint64
	maxActive atomic.Int64 // workers (besides the caller) allowed in the job
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

	// Blocking: a thread's packed B block (kBlock x ncBlock, padded) must
	// fit in maxPackB floats.
	ncBlock, kBlock := n, k
	if k*roundUp(n, im.nr) > maxPackB {
		ncBlock = min(n, max(im.nr, maxPackB/kcBlock/im.nr*im.nr))
		kBlock = min(k, max(kcBlock, maxPackB/roundUp(ncBlock, im.nr)/kcBlock*kcBlock))
	}

	flops := 2 * float64(m) * float64(n) * float64(k)
	nt := min(p.threadCount(), runtime.GOMAXPROCS(0))
	if flops < float64(minParallelFlops) {
		nt = 1
	}
	nt = max(1, min(nt, ceilDiv(m, im.mr)*ceilDiv(ncBlock, im.nr)))
	p.ensureWorkers(nt, kBlock*roundUp(ncBlock, im.nr), ceilDiv(ncBlock, im.nr))

	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for kb := 0; kb < k; kb += kBlock {
			kl := min(kBlock, k-kb)
			bet := beta
			if kb > 0 {
				bet = 1
			}
			rp, cp := ceilDiv(m, im.mr), ceilDiv(nc, im.nr)
			rowGroup, colChunks := rp, 1
			if nt > 1 {
				// Between nt and 16*nt tasks of at least taskFlops each.
				tasks := int(2 * float64(m) * float64(nc) * float64(kl) / float64(taskFlops))
				tasks = max(nt, min(tasks, 16*nt))
				if tasks <= rp {
					rowGroup = ceilDiv(rp, tasks)
				} else {
					rowGroup, colChunks = 1, min(cp, ceilDiv(tasks, rp))
				}
			}
			dotPanel := -1
			if im.useDot(transA, nc%im.nr, kl) {
				dotPanel = cp - 1
			}
			p.jobs++
			p.job = job{
				id:     p.jobs,
				transA: transA, transB: transB, m: m,
				alpha: alpha, beta: bet,
				a: a, b: b, c: c,
				lda: lda, ldb: ldb, ldc: ldc,
				jc: jc, nc: nc, kb: kb, kl: kl,
				rowPanels: rp, colPanels: cp, dotPanel: dotPanel,
				rowGroup: rowGroup, colChunks: colChunks,
				nTasks: int64(ceilDiv(rp, rowGroup) * colChunks),
			}
			p.runJob(nt)
		}
	}
	p.job = job{} // drop references to the caller's slices
}

// runJob runs p.job on the caller and up to nt-1 workers. On return no
// worker is inside the job.
func (p *pool) runJob(nt int) {
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
			spinPause()
			if i&63 == 63 {
				runtime.Gosched()
			}
		}
	}
}

// ensureWorkers makes sure workers[0:n] exist, with goroutines running for
// all but the first, and that each has room for bFloats floats of packed B
// and nPanels panel stamps.
func (p *pool) ensureWorkers(n, bFloats, nPanels int) {
	for len(p.workers) < n {
		w := &worker{id: len(p.workers), pool: p, wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		if w.id > 0 {
			go w.loop()
		}
	}
	for _, w := range p.workers[:n] {
		if len(w.bp) < bFloats {
			w.bp = alignedFloats(bFloats)
		}
		if len(w.stamp) < nPanels {
			w.stamp = make([]uint64, nPanels)
		}
		if p.impl.asm == nil && len(w.apack) < p.impl.mr*kcBlock {
			w.apack = make([]float32, p.impl.mr*kcBlock)
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
			spinPause()
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

// work claims and runs tasks until none are left.
func (p *pool) work(w *worker) {
	j := &p.job
	for {
		t := p.taskNext.Add(1) - 1
		if t >= j.nTasks {
			return
		}
		g, cc := int(t)/j.colChunks, int(t)%j.colChunks
		r0 := g * j.rowGroup
		r1 := min(r0+j.rowGroup, j.rowPanels)
		c0, c1 := cc*j.colPanels/j.colChunks, (cc+1)*j.colPanels/j.colChunks
		p.compute(w, r0, r1, c0, c1)
	}
}

// compute runs the micro-tiles of row panels [r0, r1) and column panels
// [c0, c1) of the current job, packing the panels of op(B) it needs.
func (p *pool) compute(w *worker, r0, r1, c0, c1 int) {
	j := &p.job
	im := p.impl
	if j.packed != nil {
		p.computeOn(w, j.packed, r0, r1, c0, c1)
		return
	}
	for jr := c0; jr < c1; jr++ {
		if w.stamp[jr] == j.id {
			continue
		}
		j0, nr, width := p.panel(jr)
		dst := w.bp[j0*j.kl : j0*j.kl+width*j.kl]
		if jr == j.dotPanel {
			packDot(dst, j.transB, j.b, j.ldb, j.kb, j.kl, j.jc+j0, nr)
		} else if im.pack != nil {
			im.pack(dst, j.transB, j.b, j.ldb, j.kb, j.kl, j.jc+j0, nr, width)
		} else {
			packPanel(dst, j.transB, j.b, j.ldb, j.kb, j.kl, j.jc+j0, nr, width)
		}
		w.stamp[jr] = j.id
	}
	p.computeOn(w, w.bp, r0, r1, c0, c1)
}

// computeOn runs the micro-tiles of row panels [r0, r1) and column panels
// [c0, c1) of the current job on the packed op(B) bp.
func (p *pool) computeOn(w *worker, bp []float32, r0, r1, c0, c1 int) {
	j := &p.job
	im := p.impl
	// Split kl into equal chunks of at most kcBlock.
	kcStep := ceilDiv(j.kl, ceilDiv(j.kl, kcBlock))
	for ir := r0; ir < r1; ir++ {
		i0 := ir * im.mr
		mr := min(im.mr, j.m-i0)
		for pc := 0; pc < j.kl; pc += kcStep {
			kc := min(kcStep, j.kl-pc)
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
				// The pure-Go kernels read A packed as ap[p*im.mr+i]:
				// op(A)'s rows i0..i0+mr are the columns of op(A)^T, a
				// panel packPanel packs (zero-padding rows mr..im.mr-1).
				packPanel(w.apack, !j.transA, j.a, j.lda, j.kb+pc, kc, i0, mr, im.mr)
			}
			for jr := c0; jr < c1; jr++ {
				if jr == j.dotPanel {
					continue
				}
				j0, nr, width := p.panel(jr)
				boff := j0*j.kl + pc*width
				coff := i0*j.ldc + j.jc + j0
				if im.asm != nil {
					im.asm(kc, mr, nr, &j.a[aoff], j.lda, j.transA, &bp[boff], &j.c[coff], j.ldc, j.alpha, beta)
				} else {
					im.gen(kc, mr, nr, w.apack, bp[boff:], j.c[coff:], j.ldc, j.alpha, beta)
				}
			}
		}
		if c0 <= j.dotPanel && j.dotPanel < c1 {
			// The dot kernel runs over all of kl at once.
			j0, nr, _ := p.panel(j.dotPanel)
			for i := i0; i < i0+mr; i += im.dotRows {
				rows := min(im.dotRows, i0+mr-i)
				for g := 0; g < nr; g += 4 {
					im.dot(j.kl, rows, &j.a[i*j.lda+j.kb], j.lda, &bp[j0*j.kl+g*j.kl], j.kl,
						&j.c[i*j.ldc+j.jc+j0+g], j.ldc, j.alpha, j.beta, min(4, nr-g))
				}
			}
		}
	}
}

// packDot packs the kl x cols block of op(B) at row k0, column j0 for the
// dot kernel: dst[jj*kl+p], with zero rows up to a multiple of 4.
func packDot(dst []float32, transB bool, b []float32, ldb, k0, kl, j0, cols int) {
	dst = dst[:roundUp(cols, 4)*kl]
	for jj := 0; jj < cols; jj++ {
		d := dst[jj*kl : jj*kl+kl]
		if transB {
			copy(d, b[(j0+jj)*ldb+k0:][:kl])
			continue
		}
		src := b[k0*ldb+j0+jj:]
		for p := range d {
			d[p] = src[p*ldb]
		}
	}
	clear(dst[cols*kl:])
}

// panel returns the first column (relative to the job's jc), the number of
// columns and the packed width of column panel jr of the current job. Panel
// jr starts at j0*kl in a packed buffer; its row p at p*width.
func (p *pool) panel(jr int) (j0, nr, width int) {
	im := p.impl
	j0 = jr * im.nr
	nr = min(im.nr, p.job.nc-j0)
	width = im.nr
	if nr < im.nr {
		width = roundUp(nr, im.vec)
	}
	return j0, nr, width
}

// packPanel packs the kl x cols block of op(B) at row k0, column j0 into
// dst as dst[p*w+jj], zero-padding columns cols..w-1.
func packPanel(dst []float32, transB bool, b []float32, ldb, k0, kl, j0, cols, w int) {
	if kl == 0 {
		return
	}
	dst = dst[:kl*w]
	if !transB {
		for p := 0; p < kl; p++ {
			d := dst[p*w : p*w+w]
			copy(d, b[(k0+p)*ldb+j0:][:cols])
			clear(d[cols:])
		}
		return
	}
	if cols < w {
		clear(dst)
	}
	for jj := 0; jj < cols; jj++ {
		src := b[(j0+jj)*ldb+k0:][:kl]
		d := dst[jj:]
		for p, v := range src {
			d[p*w] = v
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
