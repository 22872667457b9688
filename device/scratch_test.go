package device

import (
	"fmt"
	"testing"
)

func TestScratchPulse(t *testing.T) {
	for _, ts := range []float64{30e-9} {
		for _, tr := range []float64{200e-6, 500e-6, 1000e-6} {
			for _, v0 := range []float64{0.025, 0.03, 0.035} {
				for _, amp := range []float64{2.3, 2.4, 2.5, 2.6} {
					m := DefaultMemristor()
					m.TauSet, m.TauRelax, m.V0 = ts, tr, v0
					c := DefaultPulseConfig()
					c.Amplitude = amp
					c.Width = 5e-6
					r, err := SinglePulse(m, c)
					if err != nil {
						t.Fatal(err)
					}
					fmt.Printf("ts %3.0f tr %5.0f v0 %.3f amp %.2f lat %6.1f ns E %.3g pJ If %.3g sat %v\n", ts*1e9, tr*1e6, v0, amp, r.Latency*1e9, r.Energy*1e12, r.FinalCurrent, r.Saturated)
				}
			}
		}
	}
}
