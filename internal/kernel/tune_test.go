package kernel

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

func init() {
	if v, err := strconv.Atoi(os.Getenv("KC")); err == nil {
		kcBlock = v
	}
	tuneNoBalance = os.Getenv("NOBAL") != ""
}

func TestTuneMin(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	for _, s := range benchShapes {
		for _, th := range []int{1, 2} {
			m, n, k := s.m, s.n, s.k
			a, bb, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			for i := range a {
				a[i] = 1
			}
			lda, ldb := k, n
			if s.transA {
				lda = m
			}
			if s.transB {
				ldb = k
			}
			withThreads(th, func() {
				var ts []time.Duration
				for i := 0; i < 400; i++ {
					t0 := time.Now()
					Sgemm(s.transA, s.transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
					ts = append(ts, time.Since(t0))
				}
				slices.Sort(ts)
				f := 2 * float64(m*n*k)
				fmt.Printf("%-22s t=%d  best %6.1f  p10 %6.1f  median %6.1f GFLOP/s\n", s.name, th,
					f/ts[0].Seconds()/1e9, f/ts[len(ts)/10].Seconds()/1e9, f/ts[len(ts)/2].Seconds()/1e9)
			})
		}
	}
}
