// Copyright 2026 The mrelu Authors.

package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Team runs a function on Threads() goroutines at once (the caller and
// persistent helpers), each with a single-threaded GEMM of its own
// (Serial): the parallel-for of a training step, whose parts (the rows of
// a minibatch, the rows of a weight matrix) are too small to be worth
// splitting again inside each GEMM.
//
// Idle helpers poll for the next Run for about 100 µs (like the Sgemm
// pool's workers) before they park, so the back-to-back Runs of a training
// step do not pay for waking a goroutine up. The caller, done with its
// own part, polls for the helpers for 30 µs and then blocks, which frees
// its core for a helper that the system has descheduled (a machine shared
// with other programs). Work split by Run should be claimed in blocks
// (an atomic counter) rather than in fixed parts, so that a late helper
// delays a Run by one block at most. A Team is not safe for concurrent Runs (they
// are serialized by a mutex); its helpers live as long as the program.
type Team struct {
	mu      sync.Mutex
	helpers []*teamHelper
	serial  []*Serial
	f       func(w, nw int)
	_       [64]byte
	seq     atomic.Uint64 // Run number << 16 | its size; helpers start when it changes
	_       [64]byte
	pending atomic.Int64 // helpers still inside the current Run
	waiting atomic.Int32 // 1: the caller blocks on done until the last helper leaves
	done    chan struct{}
	_       [64]byte
}

type teamHelper struct {
	id       int
	sleeping atomic.Int32
	wake     chan struct{}
}

// NewTeam returns a Team; its helpers start on the first Run that needs
// them.
func NewTeam() *Team { return &Team{done: make(chan struct{}, 1)} }

// Size is the number of goroutines the next Run will use:
// min(Threads(), GOMAXPROCS).
func (t *Team) Size() int { return max(1, min(Threads(), runtime.GOMAXPROCS(0))) }

// Serial returns goroutine w's GEMM (valid inside the Run that passed w).
func (t *Team) Serial(w int) *Serial { return t.serial[w] }

// Run calls f(w, nw) for w = 0..nw−1 at once, f(0, nw) on the calling
// goroutine, nw = Size(), and returns when all calls have returned. To
// allocate nothing, f should be a function value made once (a method
// value stored in a field).
func (t *Team) Run(f func(w, nw int)) { t.RunN(t.Size(), f) }

// RunN is Run on nw goroutines, at most Size().
func (t *Team) RunN(nw int, f func(w, nw int)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	nw = max(1, min(nw, t.Size()))
	for len(t.serial) < nw {
		t.serial = append(t.serial, NewSerial())
	}
	for len(t.helpers) < nw-1 {
		h := &teamHelper{id: len(t.helpers) + 1, wake: make(chan struct{}, 1)}
		t.helpers = append(t.helpers, h)
		go t.loop(h, t.seq.Load())
	}
	if nw == 1 {
		f(0, 1)
		return
	}
	t.f = f
	t.pending.Store(int64(nw - 1))
	s := t.seq.Load()
	t.seq.Store((s>>16+1)<<16 | uint64(nw))
	for _, h := range t.helpers {
		if h.sleeping.Load() != 0 {
			select {
			case h.wake <- struct{}{}:
			default:
			}
		}
	}
	f(0, nw)
	t.wait()
	t.f = nil // drop the caller's closure
}

// joinSpin is how long the caller of a Run polls for its helpers to finish
// before it blocks: a helper that is still busy after that has most likely
// been descheduled by the system (other programs on the machine), and a
// blocked caller frees its core for it.
const joinSpin = 30 * time.Microsecond

// spin is one step, the i-th, of a wait that polls: a PAUSE, and every
// (mask+1)-th step a yield to the scheduler while less than limit has
// passed since start. It returns false when the caller should block
// instead (the poll has lasted limit).
func spin(i, mask int, start time.Time, limit time.Duration) bool {
	spinPause()
	if i&mask != mask {
		return true
	}
	if time.Since(start) < limit {
		runtime.Gosched()
		return true
	}
	return false
}

// wait returns when no helper is inside the current Run: it polls for
// joinSpin, then blocks until the last helper to leave signals t.done.
func (t *Team) wait() {
	start := time.Now()
	for i := 0; t.pending.Load() != 0; i++ {
		if spin(i, 63, start, joinSpin) {
			continue
		}
		t.waiting.Store(1)
		if t.pending.Load() == 0 && t.waiting.CompareAndSwap(1, 0) {
			return
		}
		<-t.done // the last helper won the waiting flag and signals
		return
	}
}

// loop is a helper's body: wait for a new Run, take part if its number is
// below the Run's size, repeat.
func (t *Team) loop(h *teamHelper, last uint64) {
	for {
		start := time.Now()
		for i := 0; t.seq.Load() == last; i++ {
			if spin(i, 255, start, spinTime) {
				continue
			}
			h.sleeping.Store(1)
			if t.seq.Load() == last {
				<-h.wake
			}
			h.sleeping.Store(0)
			start = time.Now()
		}
		last = t.seq.Load()
		if nw := int(last & 0xffff); h.id < nw {
			t.f(h.id, nw)
			if t.pending.Add(-1) == 0 && t.waiting.CompareAndSwap(1, 0) {
				t.done <- struct{}{}
			}
		}
	}
}

// Span returns the w-th of nw contiguous, nearly equal parts of [0, n).
func Span(w, nw, n int) (lo, hi int) { return w * n / nw, (w + 1) * n / nw }
