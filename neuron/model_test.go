package neuron

import (
	"fmt"
	"math"
	"testing"
)

// TestModel checks the solved default neuron's levels against its own
// curve: the off level near 0, the output at the onset one tolerance
// above it, TargetCurrent reaching the asked fraction of VDD, and NaN
// above the saturation; and that a flat curve gets a model that says it
// does not rise.
func TestModel(t *testing.T) {
	m, err := NewModel(Default(), Linspace(-1e-6, 4e-6, 501))
	if err != nil {
		t.Fatal(err)
	}
	if m.VDD() != 2 || !m.Rises() || !(m.Floor >= 0 && m.Floor < 0.1) || !(m.MaxVout > 1.8 && m.MaxVout <= 2) {
		t.Fatalf("VDD %g, rises %v, floor %g V, saturation %g V", m.VDD(), m.Rises(), m.Floor, m.MaxVout)
	}
	if !(m.Onset > 0 && m.Onset < 100e-9) || math.Abs(m.Eval.At(m.Onset)-(m.Floor+OnsetTolerance)) > 1e-5 {
		t.Errorf("onset %g A, Vout there %g V (floor %g V)", m.Onset, m.Eval.At(m.Onset), m.Floor)
	}
	for _, frac := range []float64{0.25, 0.5, 0.9} {
		if i := m.TargetCurrent(frac); math.Abs(m.Eval.At(i)-frac*m.VDD()) > 1e-4 {
			t.Errorf("Vout(TargetCurrent(%g)) = %g V, want %g V", frac, m.Eval.At(i), frac*m.VDD())
		}
	}
	if !math.IsNaN(m.CurrentAt(2.5)) {
		t.Error("CurrentAt above the saturation should be NaN")
	}
	flat := &TransferCurve{VDD: 2, I: Linspace(0, 1e-6, 11), Vout: make([]float64, 11), Vin: make([]float64, 11),
		State: make([]float64, 11), ISupply: make([]float64, 11)}
	f, err := ModelFromCurve(flat)
	if err != nil {
		t.Fatal(err)
	}
	if f.Rises() || !math.IsNaN(f.Onset) {
		t.Errorf("flat curve: rises %v, onset %g", f.Rises(), f.Onset)
	}
}

// ExampleModel solves the default 2T-1M neuron once and reads its levels.
func ExampleModel() {
	m, err := NewModel(Default(), Linspace(-1e-6, 4e-6, 501))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("VDD %.0f V, rises %v, 90 %% of VDD at %.2f µA\n", m.VDD(), m.Rises(), 1e6*m.TargetCurrent(0.9))
	// Output: VDD 2 V, rises true, 90 % of VDD at 1.45 µA
}
