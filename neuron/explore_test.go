package neuron

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"github.com/mrelu/mrelu/circuit"
)

func lat(ts, v []float64, d float64) (float64, float64) {
	fin := v[len(v)-1]
	for k := range ts { if v[k] >= v[0]+0.9*(fin-v[0]) { return ts[k]-d, fin } }
	return -1, fin
}

func TestExplore(t *testing.T) {
	for _, amp := range []float64{6e-6, 3e-6} {
	n := Default()
	tstop := 1.5e-3
	n.In.W = circuit.Pulse{V1: 0, V2: amp, Delay: 1e-6, Rise: 10e-9, Fall: 10e-9, Width: tstop}
	opt := circuit.TranOptions{MaxStep: tstop/1000}
	t0 := time.Now()
	tr, err := n.C.Transient(tstop, opt)
	if err != nil { t.Fatal(err) }
	fmt.Println("ours", time.Since(t0), tr.Len(), tr.Stats)
	vo, _ := tr.Voltage(NodeOut)
	var b strings.Builder
	if err := circuit.WriteSpice(&b, n.C, circuit.TranAnalysis{Stop: tstop, Step: tstop/10000, Options: opt}); err != nil { t.Fatal(err) }
	t0 = time.Now()
	sp, err := circuit.RunNgspice(context.Background(), b.String(), t.TempDir())
	if err != nil { t.Fatal(err) }
	fmt.Println("ngspice", time.Since(t0), sp.Len())
	vs, _ := sp.Voltage(NodeOut)
	l1, f1 := lat(tr.Time, vo, 1e-6)
	l2, f2 := lat(sp.Scale(), vs, 1e-6)
	fmt.Println("latency ours", l1, f1, "ngspice", l2, f2)
	}
}
