package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrelu/mrelu/internal/kernel"
)

// crew runs the sample-parallel parts of the layers (convolutions,
// pooling) on the cores: the caller and persistent helpers, each with its
// own single-threaded GEMM (kernel.Serial), so that the small products of
// one block of samples run side by side instead of queueing for the
// shared Sgemm pool.
//
// Unlike kernel.Team, a helper is optional: the work is a list of parts
// that every participant claims from an atomic counter, and a Run closes
// once the caller has run out of parts, waiting only for the helpers that
// joined before. On a machine with more runnable threads than cores
// (other processes), a descheduled helper then costs at most the part it
// holds instead of the whole Run: measured on 2 cores under a load
// average of 10, a LeNet-5 epoch took 17 s when every Run waited for
// every helper.
type crew struct {
	mu       sync.Mutex
	serial   []*kernel.Serial
	helpers  []*crewHelper
	f        func(w int)
	nw       atomic.Int32 // participants allowed in the current Run
	_        [64]byte
	state    atomic.Uint64 // run number << 32 | open << 31 | helpers inside
	_        [64]byte
	spinTime time.Duration
}

type crewHelper struct {
	sleeping atomic.Int32
	wake     chan struct{}
}

const (
	crewOpen   = 1 << 31
	crewActive = crewOpen - 1
	crewSeq    = 1 << 32
)

var workers = &crew{spinTime: 50 * time.Microsecond}

// Size is the number of participants a Run may have: the threads of the
// GEMM (kernel.Threads), at most GOMAXPROCS.
func (c *crew) Size() int { return max(1, min(kernel.Threads(), runtime.GOMAXPROCS(0))) }

// Serial returns participant w's GEMM (valid during a Run).
func (c *crew) Serial(w int) *kernel.Serial { return c.serial[w] }

// Run calls f(0) on the caller and f(w) on every helper w that joins
// before the caller's f returns, and returns when all of them have
// returned. f claims its parts itself, so that any subset of
// participants completes the work. f should be a function value made
// once (a stored method value), so that Run allocates nothing.
func (c *crew) Run(f func(w int)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	nw := c.Size()
	for len(c.serial) < nw {
		c.serial = append(c.serial, kernel.NewSerial())
	}
	for len(c.helpers) < nw-1 {
		h := &crewHelper{wake: make(chan struct{}, 1)}
		c.helpers = append(c.helpers, h)
		go c.loop(h, len(c.helpers))
	}
	if nw == 1 {
		f(0)
		return
	}
	c.f = f
	c.nw.Store(int32(nw))
	seq := (c.state.Load()/crewSeq + 1) * crewSeq
	c.state.Store(seq | crewOpen)
	for _, h := range c.helpers[:nw-1] {
		if h.sleeping.Load() != 0 {
			select {
			case h.wake <- struct{}{}:
			default:
			}
		}
	}
	f(0)
	for { // close the run to late helpers
		s := c.state.Load()
		if c.state.CompareAndSwap(s, s&^crewOpen) {
			break
		}
	}
	for i := 0; c.state.Load()&crewActive != 0; i++ {
		if i&63 == 63 {
			runtime.Gosched()
		}
	}
	c.f = nil
}

// loop is helper w's body: wait for an open Run it has not joined, join,
// work, leave.
func (c *crew) loop(h *crewHelper, w int) {
	var last uint64
	for {
		start := time.Now()
		for i := 0; ; i++ {
			s := c.state.Load()
			if s&crewOpen != 0 && s/crewSeq != last && w < int(c.nw.Load()) {
				if c.state.CompareAndSwap(s, s+1) {
					last = s / crewSeq
					break
				}
				continue
			}
			if i&255 != 255 || time.Since(start) < c.spinTime {
				continue
			}
			h.sleeping.Store(1)
			if s := c.state.Load(); s&crewOpen == 0 || s/crewSeq == last {
				<-h.wake
			}
			h.sleeping.Store(0)
			start = time.Now()
		}
		c.f(w)
		c.state.Add(^uint64(0)) // leave
	}
}

// claim returns the next part of n from counter, or false when none is
// left.
func claim(counter *atomic.Int64, n int) (int, bool) {
	k := int(counter.Add(1) - 1)
	return k, k < n
}

// span is the w-th of nw contiguous, nearly equal parts of [0, n).
func span(w, nw, n int) (lo, hi int) { return w * n / nw, (w + 1) * n / nw }
