// Copyright 2026 The mrelu Authors.

package kernel

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestTeamRunsEveryPartOnce: Run and RunN call f once for every w below
// their size, each with the size, and return after all calls; back-to-back
// runs allocate nothing.
func TestTeamRunsEveryPartOnce(t *testing.T) {
	withThreads(2, func() {
		tm := NewTeam()
		var calls [8]atomic.Int64
		var bad atomic.Int64
		want := 0
		f := func(w, nw int) {
			if nw != want {
				bad.Add(1)
			}
			calls[w].Add(1)
		}
		for _, n := range []int{0, 1, 2, 5} {
			want = max(1, min(n, tm.Size()))
			for i := 0; i < 100; i++ {
				tm.RunN(n, f)
			}
			for w := range calls {
				c := calls[w].Swap(0)
				if w < want && c != 100 || w >= want && c != 0 {
					t.Fatalf("RunN(%d): part %d ran %d times in 100 runs", n, w, c)
				}
			}
		}
		if bad.Load() != 0 {
			t.Fatalf("%d calls saw the wrong size", bad.Load())
		}
		want = tm.Size()
		tm.Run(f)
		if a := testing.AllocsPerRun(50, func() { tm.Run(f) }); a != 0 {
			t.Errorf("Run allocates %v times", a)
		}
	})
}

// TestTeamWaitsForSlowHelpers: a Run whose helper outlasts the caller's
// polling (the caller then blocks) still returns only after it.
func TestTeamWaitsForSlowHelpers(t *testing.T) {
	withThreads(2, func() {
		tm := NewTeam()
		if tm.Size() < 2 {
			t.Skip("needs 2 threads")
		}
		var done atomic.Int64
		for i := 0; i < 20; i++ {
			tm.Run(func(w, nw int) {
				if w == 1 {
					time.Sleep(time.Duration(i%3) * 200 * time.Microsecond)
					done.Add(1)
				}
			})
			if done.Load() != int64(i+1) {
				t.Fatalf("run %d returned before its helper", i)
			}
		}
	})
}
