package circuit

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestSmoke(t *testing.T) {
	c := neuronCircuit()
	vals := make([]float64, 11)
	for k := range vals {
		vals[k] = float64(k) * 2e-6
	}
	r, err := c.DCSweep("iin", vals)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := r.Voltage("out")
	var b strings.Builder
	if err := WriteSpice(&b, c, DCAnalysis{Source: "iin", Values: vals}); err != nil {
		t.Fatal(err)
	}
	t.Log(b.String())
	dir := t.TempDir()
	sr, err := RunNgspice(context.Background(), b.String(), dir)
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := sr.Voltage("out")
	for k := range vals {
		t.Logf("I=%g out=%g spice=%g", vals[k], v[k], vs[k])
	}
	os.WriteFile("/tmp/ngt/neuron.cir", []byte(b.String()), 0o644)
}
