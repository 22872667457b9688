package crossbar

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCurrents times the column currents of a 784×100 array for a
// batch of 500 input vectors (one minibatch of the paper's first layer),
// without and with read noise.
func BenchmarkCurrents(b *testing.B) {
	const in, out, batch = 784, 100, 500
	for _, bc := range []struct {
		name  string
		sigma float64
	}{{"ideal", 0}, {"read-noise", 0.05}} {
		b.Run(bc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			w, bias := randWeights(rng, in, out)
			l, err := Program(w, in, out, bias, withParams(func(p *Params) { p.ReadSigma = bc.sigma }), rng)
			if err != nil {
				b.Fatal(err)
			}
			volts := randVolts(rng, batch, in, 0.2)
			cur := make([]float32, batch*out)
			l.Currents(cur, volts, batch)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l.Currents(cur, volts, batch)
			}
			b.ReportMetric(2*in*out*batch*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkNetworkForward times 500 images through the paper's
// 784-100-100-100-10 network in crossbar hardware with ideal neurons.
func BenchmarkNetworkForward(b *testing.B) {
	for _, bc := range []struct {
		name string
		p    Params
	}{{"ideal", DefaultParams()}, {"read-noise", withParams(func(p *Params) { p.ReadSigma = 0.05 })}} {
		b.Run(bc.name, func(b *testing.B) {
			net := randNet(b, []int{784, 100, 100, 100, 10}, 1)
			set := randSet(500, 784, 10, 2)
			cb, err := New(net, nil, bc.p)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]float32, 500*10)
			cb.Forward(out, set.Images, 500)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cb.Forward(out, set.Images, 500)
			}
			b.ReportMetric(500*float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
