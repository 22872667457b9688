package neuron

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/mrelu/mrelu/device"
)

// MCSample is one sampled neuron of a Monte Carlo population.
type MCSample struct {
	// Devices are the sampled devices.
	Devices Devices
	// Curve is its transfer curve and Metrics its summary; nil/zero when
	// Err is set.
	Curve   *TransferCurve
	Metrics TransferMetrics
	// Err is the reason the curve could not be solved (nil on success).
	Err error
}

// MCConfig is the setting of a Monte Carlo population.
type MCConfig struct {
	// N is the number of neurons (the paper measured 25 memristors and 20
	// TFTs).
	N int
	// Variation is the device-to-device spread (device.DefaultDeviceVariation:
	// TFT threshold σ 0.038 V from the paper, memristor spreads chosen by
	// the device model).
	Variation device.DeviceVariation
	// Currents are the input currents of every transfer curve (A).
	Currents []float64
	// TrimVDD gives each neuron its own supply VDD_k = Vth_k + (VDD − Vth),
	// its memristor's threshold plus the nominal design margin (a
	// per-neuron supply trim, set once at calibration: docs/neuron.md §7).
	// Off: all neurons share Params.VDD, and no shared VDD can keep both
	// the off level below 50 mV and every neuron switching once the
	// threshold spread exceeds the ~50 mV window between them.
	TrimVDD bool
}

// MonteCarlo samples cfg.N neurons with device-to-device variation around
// the nominal devices d (memristor and every TFT drawn independently, see
// SampleDevices; all draws are made from rng up front, in order, so the
// population depends only on the seed) and solves each one's transfer curve
// at cfg.Currents, in parallel. A neuron that does not converge keeps its
// Err and the others go on; the error return is for invalid input only.
func MonteCarlo(d device.Params, p Params, cfg MCConfig, rng *rand.Rand) ([]MCSample, error) {
	if cfg.N < 1 || cfg.N > 100000 {
		return nil, fmt.Errorf("neuron: Monte Carlo needs 1..100000 devices, got %d", cfg.N)
	}
	if err := cfg.Variation.Validate(); err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Currents) == 0 {
		return nil, errors.New("neuron: Monte Carlo: no currents")
	}
	out := make([]MCSample, cfg.N)
	for k := range out {
		out[k].Devices = SampleDevices(d, p, cfg.Variation, rng)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), cfg.N); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				s := &out[k]
				pk := p
				if cfg.TrimVDD {
					pk.VDD = s.Devices.Memristor.Threshold() + (p.VDD - d.Memristor.Threshold())
				}
				c, err := BuildDevices(pk, s.Devices)
				if err == nil {
					s.Curve, err = Transfer(c, cfg.Currents)
				}
				if err != nil {
					s.Err = fmt.Errorf("device %d: %w", k, err)
					s.Curve = nil
					continue
				}
				s.Metrics = s.Curve.Metrics()
			}
		}()
	}
	for k := range out {
		next <- k
	}
	close(next)
	wg.Wait()
	return out, nil
}

// Spread holds per-current statistics of Vout over a population (V).
type Spread struct {
	I                   []float64
	Mean, Std, Min, Max []float64
	P05, Median, P95    []float64
	N                   int // solved curves included
}

// PopulationSpread returns the per-current statistics of the solved curves
// of samples (all at the same currents). Failed samples are skipped.
func PopulationSpread(samples []MCSample) Spread {
	var curves []*TransferCurve
	for _, s := range samples {
		if s.Err == nil && s.Curve != nil {
			curves = append(curves, s.Curve)
		}
	}
	var sp Spread
	sp.N = len(curves)
	if len(curves) == 0 {
		return sp
	}
	m := len(curves[0].I)
	sp.I = append([]float64(nil), curves[0].I...)
	for _, f := range []*[]float64{&sp.Mean, &sp.Std, &sp.Min, &sp.Max, &sp.P05, &sp.Median, &sp.P95} {
		*f = make([]float64, m)
	}
	col := make([]float64, len(curves))
	for k := 0; k < m; k++ {
		var s, ss float64
		for j, c := range curves {
			col[j] = c.Vout[k]
			s += c.Vout[k]
		}
		mean := s / float64(len(col))
		for _, v := range col {
			ss += (v - mean) * (v - mean)
		}
		sort.Float64s(col)
		sp.Mean[k], sp.Min[k], sp.Max[k] = mean, col[0], col[len(col)-1]
		if len(col) > 1 {
			sp.Std[k] = math.Sqrt(ss / float64(len(col)-1))
		}
		sp.P05[k], sp.Median[k], sp.P95[k] = quantile(col, 0.05), quantile(col, 0.5), quantile(col, 0.95)
	}
	return sp
}

// quantile returns the q-quantile of sorted data by linear interpolation
// between the closest ranks, at position q·(n−1) (Hyndman–Fan type 7,
// numpy's default). gonum's stat.Quantile has no such definition: its
// Empirical kind takes a data value (type 1) and its LinInterp kind
// interpolates at position q·n − 1 (type 4), either of which would change
// P05, P95 and the median of an even population in the Monte Carlo tables.
func quantile(s []float64, q float64) float64 {
	if len(s) == 1 {
		return s[0]
	}
	x := q * float64(len(s)-1)
	k := int(x)
	if k >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[k] + (x-float64(k))*(s[k+1]-s[k])
}
