package device_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/mrelu/mrelu/device"
)

// The steady state under a constant current: the voltage falls linearly as
// the current rises, R(I) ≈ Vth/I − RD.
func ExampleMemristor_SteadyStateAtCurrent() {
	m := device.DefaultMemristor()
	for _, i := range []float64{0.1e-6, 1e-6, 3e-6, 5e-6} {
		_, v, r, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("I = %.1f µA: V = %.2f V, R = %.3g Ω\n", i*1e6, v, r)
	}
	// Output:
	// I = 0.1 µA: V = 1.95 V, R = 1.95e+07 Ω
	// I = 1.0 µA: V = 1.70 V, R = 1.7e+06 Ω
	// I = 3.0 µA: V = 1.11 V, R = 3.69e+05 Ω
	// I = 5.0 µA: V = 0.52 V, R = 1.04e+05 Ω
}

// The interface a circuit solver uses: current and state rate with their
// analytic partial derivatives, here at the steady state reached under
// 1 µA. Under voltage control df/dx > 0 there (the switched state is
// unstable without a current-limiting load, the NDR of a threshold switch).
func ExampleMemristor_StateRate() {
	m := device.DefaultMemristor()
	x, v, _, err := m.SteadyStateAtCurrent(1e-6)
	if err != nil {
		log.Fatal(err)
	}
	i, didv, didx := m.Current(v, x)
	f, dfdv, dfdx := m.StateRate(v, x)
	fmt.Printf("x = %.3f, v = %.3f V\n", x, v)
	fmt.Printf("i = %.3g A, di/dv = %.3g S, di/dx = %.3g A\n", i, didv, didx)
	fmt.Printf("steady: %v, df/dv = %.3g /(V s), df/dx = %.3g /s\n", abs(f) < 1e-6, dfdv, dfdx)
	// Along a constant current the voltage follows the state, dv/dx = −(di/dx)/(di/dv):
	fmt.Printf("df/dx at constant current = %.3g /s (stable)\n", dfdx-dfdv*didx/didv)
	// Output:
	// x = 0.690, v = 1.696 V
	// i = 1e-06 A, di/dv = 8.22e-07 S, di/dx = 1.5e-05 A
	// steady: true, df/dv = 1e+05 /(V s), df/dx = 3.53e+05 /s
	// df/dx at constant current = -1.47e+06 /s (stable)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Latency and energy per activation come from the simulated waveform of a
// 2.4 V pulse through 1 MΩ (Fig. 3f).
func ExampleSinglePulse() {
	res, err := device.SinglePulse(device.DefaultMemristor(), device.DefaultPulseConfig())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("latency %.0f ns, energy %.2f pJ, saturated %v\n", res.Latency*1e9, res.Energy*1e12, res.Saturated)
	// Output:
	// latency 625 ns, energy 0.46 pJ, saturated true
}

// Two hundred DC cycles with cycle-to-cycle variation (Fig. 3b).
func ExampleIVSweep() {
	rng := rand.New(rand.NewPCG(1, 2))
	res, err := device.IVSweep(device.DefaultMemristor(), device.DefaultSweepConfig(), device.DefaultCycleVariation(), rng)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("set  median %.2f V\nhold median %.2f V\noverlap %v\n", res.Set.Median, res.Hold.Median, res.Hold.Max >= res.Set.Min)
	fmt.Printf("negative sweep switched: %v\n", res.NegativeSwitched)
	// Output:
	// set  median 1.97 V
	// hold median 1.69 V
	// overlap false
	// negative sweep switched: false
}

// The a-IGZO TFT in saturation and below threshold.
func ExampleTFT_Ids() {
	t := device.DefaultTFT()
	for _, vgs := range []float64{0, 1.5, 2} {
		id, gm, gds := t.Ids(vgs, 2)
		fmt.Printf("Vgs = %.1f V: Ids = %.3g A, gm = %.3g S, gds = %.3g S\n", vgs, id, gm, gds)
	}
	// Output:
	// Vgs = 0.0 V: Ids = 4.09e-12 A, gm = 4.68e-11 S, gds = 5e-14 S
	// Vgs = 1.5 V: Ids = 3.52e-06 A, gm = 1.31e-05 S, gds = 3.45e-08 S
	// Vgs = 2.0 V: Ids = 1.36e-05 A, gm = 2.7e-05 S, gds = 1.33e-07 S
}

// Fitting the steady-state R(I) to measured points.
func ExampleFitMemristor() {
	truth := device.DefaultMemristor()
	truth.Vth, truth.RD = 1.9, 0.28e6
	var pts []device.RIPoint
	for k := 1; k <= 20; k++ {
		p, _ := truth.SteadyPoint(0.25e-6 * float64(k))
		pts = append(pts, device.RIPoint{I: p.I, R: p.R})
	}
	m, rep, err := device.FitMemristor(pts, device.DefaultMemristor())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Vth = %.3f V, RD = %.3g Ω, RMS log10 error below 1e-6: %v\n", m.Vth, m.RD, rep.RMSLog10 < 1e-6)
	// Output:
	// Vth = 1.900 V, RD = 2.8e+05 Ω, RMS log10 error below 1e-6: true
}
