package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mrelu/mrelu/sweep"
)

// BenchmarkSweepOverhead compares the 100-point sweep of
// bench/sweep/transfer-100.json with the same 100 `neuron transfer` runs
// made directly, one after the other, in the same process (their
// params.json files written before the clock starts). The overhead is the
// sweep's extra wall time as a share of its own: everything the sweep
// adds (enumeration, point folders, params.json, result files, resume
// checks), however it is scheduled. Reported: over all iterations
// (total), the median of the iterations, and the fastest sweep against the
// fastest direct series (best: the least disturbed by other work).
//
//	go test ./cmd/mrelu -run '^$' -bench SweepOverhead -benchtime 5x
func BenchmarkSweepOverhead(b *testing.B) {
	specPath := filepath.Join("..", "..", "bench", "sweep", "transfer-100.json")
	spec, err := sweep.Load(specPath)
	if err != nil {
		b.Fatal(err)
	}
	var direct, swept time.Duration
	var shares []float64 // per iteration, for the median
	minD, minS := time.Duration(1<<62), time.Duration(1<<62)
	for i := 0; i < b.N; i++ {
		tmp := b.TempDir()
		// The direct runs, from params files written beforehand.
		r, err := newSweepRunner(spec, filepath.Join(tmp, "unused"))
		if err != nil {
			b.Fatal(err)
		}
		var params []string
		for _, p := range r.points {
			pb, err := r.params.For(p)
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(tmp, fmt.Sprintf("params-%d.json", p.Index))
			if err := sweep.WriteFileRenamed(path, pb); err != nil {
				b.Fatal(err)
			}
			params = append(params, path)
		}
		runDirect := func() time.Duration {
			t0 := time.Now()
			for k, path := range params {
				if code := run([]string{"neuron", "transfer", "--plots=false", "--params", path, "--out", filepath.Join(tmp, "direct", fmt.Sprint(k))}, io.Discard, io.Discard); code != 0 {
					b.Fatalf("direct run %d: exit %d", k, code)
				}
			}
			return time.Since(t0)
		}
		runSweep := func() time.Duration {
			t0 := time.Now()
			if code := run([]string{"sweep", specPath, "--out", filepath.Join(tmp, "sweep")}, io.Discard, io.Discard); code != 0 {
				b.Fatalf("sweep: exit %d", code)
			}
			return time.Since(t0)
		}
		// Alternate the order, so that a drift of the machine's load
		// favours neither.
		var d, s time.Duration
		if i%2 == 0 {
			d, s = runDirect(), runSweep()
		} else {
			s, d = runSweep(), runDirect()
		}
		direct, swept = direct+d, swept+s
		minD, minS = min(minD, d), min(minS, s)
		shares = append(shares, 100*(s-d).Seconds()/s.Seconds())
		os.RemoveAll(tmp)
	}
	slices.Sort(shares)
	b.ReportMetric(direct.Seconds()/float64(b.N), "s-direct/op")
	b.ReportMetric(swept.Seconds()/float64(b.N), "s-sweep/op")
	b.ReportMetric(100*(swept-direct).Seconds()/swept.Seconds(), "%-overhead-total")
	b.ReportMetric(shares[len(shares)/2], "%-overhead-median")
	// The fastest of each: the least disturbed by other work on the machine.
	b.ReportMetric(100*(minS-minD).Seconds()/minS.Seconds(), "%-overhead-best")
}
