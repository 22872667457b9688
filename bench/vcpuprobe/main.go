// Copyright 2026 The mrelu Authors.

// Command vcpuprobe measures how much work the machine's CPUs deliver
// when one or two of them work at once, with no synchronisation: each
// worker is an OS thread pinned to one CPU that repeats a fixed chunk of
// work and counts how many chunks finish in each time window. Three kinds
// of work tell the shared resources apart:
//
//	int     a dependent chain of integer operations in registers (the
//	        core's scheduling alone)
//	gemm    the project's AVX-512/AVX2 GEMM (kernel.Serial) on matrices
//	        that stay in the core's L2 cache (FP units and clock)
//	memory  a sum over a 64 MiB array per worker (memory bandwidth)
//
// and a fourth line per round, "pingpong", gives the round-trip time of a
// cache line between CPUs 0 and 1 (two pinned threads taking turns to
// write it): about 20 ns between the two threads of one core, 50-100 ns
// between cores that share an L3 cache, and more across L3 caches
// (chiplets) -- the cost of every line one thread writes and the other
// reads next.
//
// It answers one question about a virtual machine: is a second vCPU a
// whole second core? On dedicated cores the two-worker throughput is twice
// the one-worker throughput in every round; where the host runs other
// guests' work on the same physical cores, it is less, and it varies from
// round to round. A parallel program's speed-up (the training epoch on two
// threads against one) cannot exceed this ratio, so the probe tells a
// program's limit apart from the machine's.
//
// Usage:
//
//	go run ./bench/vcpuprobe -rounds 10 -seconds 2
//
// Each round runs, for each kind of work, one worker on CPU 1 for
// -seconds, then one worker on each of CPUs 0 and 1 for -seconds, and
// prints a JSON line per kind:
//
//	{"round":1,"work":"gemm","one":..., "two":..., "scaling":1.97, "min_window_share":0.91}
//
// one and two are chunks per second (two: both workers together), scaling
// = two/one (2 on two free cores), min_window_share the lowest share of a
// worker's median window rate among the two-worker windows (1: no window
// was slowed).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mrelu/mrelu/internal/kernel"
)

// chunk is one unit of work: a dependent chain of multiply-xorshift steps
// that stays in registers. The result is returned so the loop is not
// removed.
func chunk(x uint64) uint64 {
	for range 1 << 14 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		x *= 0x9e3779b97f4a7c15
	}
	return x
}

// sink keeps the workers' results alive.
var sink [2]uint64

// kinds names the kinds of work, in the order a round runs them.
var kinds = []string{"int", "gemm", "memory"}

// newChunk returns one worker's chunk of work of the given kind.
func newChunk(kind string, slot int) func() {
	switch kind {
	case "gemm":
		const m, n, k = 112, 128, 256
		a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		for i := range a {
			a[i] = float32(i%7) * 0.25
		}
		for i := range b {
			b[i] = float32(i%5) * 0.5
		}
		g := kernel.NewSerial()
		return func() { g.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }
	case "memory":
		x := make([]uint64, 8<<20) // 64 MiB
		for i := range x {
			x[i] = uint64(i)
		}
		return func() {
			var s uint64
			for i := 0; i < len(x); i += 8 { // one load per 64-byte line
				s += x[i]
			}
			sink[slot] += s
		}
	default:
		x := uint64(slot + 1)
		return func() { x = chunk(x); sink[slot] = x }
	}
}

// work pins the calling goroutine's thread to cpu and runs chunks until
// the deadline, recording the chunks finished in each window.
func work(kind string, cpu, slot int, start <-chan struct{}, ready *sync.WaitGroup, d, window time.Duration) ([]int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set unix.CPUSet
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		ready.Done()
		return nil, fmt.Errorf("pin to CPU %d: %w", cpu, err)
	}
	counts := make([]int, int(d/window))
	do := newChunk(kind, slot)
	do() // warm up: page faults, caches
	ready.Done()
	<-start
	t0 := time.Now()
	for {
		do()
		w := int(time.Since(t0) / window)
		if w >= len(counts) {
			break
		}
		counts[w]++
	}
	return counts, nil
}

// run runs one worker per CPU in cpus for d and returns each worker's
// window counts.
func run(kind string, cpus []int, d, window time.Duration) ([][]int, error) {
	out := make([][]int, len(cpus))
	errs := make([]error, len(cpus))
	var wg, ready sync.WaitGroup
	start := make(chan struct{})
	for i, c := range cpus {
		wg.Add(1)
		ready.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = work(kind, c, i, start, &ready, d, window)
		}()
	}
	ready.Wait()
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func total(counts [][]int) int {
	n := 0
	for _, c := range counts {
		for _, v := range c {
			n += v
		}
	}
	return n
}

// minShare is the lowest window count of any worker divided by that
// worker's median window count.
func minShare(counts [][]int) float64 {
	share := 1.0
	for _, c := range counts {
		s := slices.Clone(c)
		slices.Sort(s)
		med := float64(s[len(s)/2])
		if med > 0 {
			share = min(share, float64(s[0])/med)
		}
	}
	return share
}

func main() {
	rounds := flag.Int("rounds", 10, "number of rounds (one worker, then two)")
	seconds := flag.Float64("seconds", 2, "duration of each measurement (s)")
	windowMS := flag.Int("window-ms", 50, "length of a counting window (ms)")
	flag.Parse()
	if *rounds < 1 || *seconds <= 0 || *windowMS < 1 {
		fmt.Fprintln(os.Stderr, "vcpuprobe: -rounds, -seconds and -window-ms must be positive")
		os.Exit(2)
	}
	if runtime.NumCPU() < 2 {
		fmt.Fprintln(os.Stderr, "vcpuprobe: needs at least 2 CPUs")
		os.Exit(2)
	}
	d := time.Duration(*seconds * float64(time.Second))
	window := time.Duration(*windowMS) * time.Millisecond
	enc := json.NewEncoder(os.Stdout)
	for r := 1; r <= *rounds; r++ {
		for _, kind := range kinds {
			if err := round(enc, r, kind, d, window); err != nil {
				fmt.Fprintln(os.Stderr, "vcpuprobe:", err)
				os.Exit(1)
			}
		}
		ns, err := pingPong(200000)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vcpuprobe:", err)
			os.Exit(1)
		}
		_ = enc.Encode(map[string]any{"round": r, "work": "pingpong", "round_trip_ns": ns})
	}
}

// pingPong returns the median over batches of the time a cache line takes
// to go from CPU 0 to CPU 1 and back (ns), from n round trips.
func pingPong(n int) (float64, error) {
	var line struct {
		_ [64]byte
		v atomic.Int64
		_ [64]byte
	}
	const batch = 1000
	times := make([]float64, 0, n/batch)
	errs := make(chan error, 1)
	go func() { // the CPU 1 side: answers every odd value with the next even one
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var set unix.CPUSet
		set.Set(1)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			errs <- fmt.Errorf("pin to CPU 1: %w", err)
			line.v.Store(-1)
			return
		}
		errs <- nil
		for i := int64(1); i < 2*int64(n); i += 2 {
			for line.v.Load() != i {
			}
			line.v.Store(i + 1)
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set unix.CPUSet
	set.Set(0)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return 0, fmt.Errorf("pin to CPU 0: %w", err)
	}
	if err := <-errs; err != nil {
		return 0, err
	}
	t0 := time.Now()
	for i := int64(0); i < 2*int64(n); i += 2 {
		line.v.Store(i + 1)
		for line.v.Load() != i+2 {
		}
		if (i/2+1)%batch == 0 {
			times = append(times, float64(time.Since(t0).Nanoseconds())/batch)
			t0 = time.Now()
		}
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// round measures one kind of work on one CPU, then on two, and writes
// the JSON line.
func round(enc *json.Encoder, r int, kind string, d, window time.Duration) error {
	one, err := run(kind, []int{1}, d, window)
	if err != nil {
		return err
	}
	two, err := run(kind, []int{0, 1}, d, window)
	if err != nil {
		return err
	}
	perSec := func(c [][]int) float64 { return float64(total(c)) / d.Seconds() }
	return enc.Encode(map[string]any{
		"round":            r,
		"work":             kind,
		"one":              perSec(one),
		"two":              perSec(two),
		"scaling":          perSec(two) / perSec(one),
		"min_window_share": minShare(two),
	})
}
