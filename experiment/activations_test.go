package experiment

import (
	"slices"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/nn"
)

// TestHardwareActivationKinds checks the kinds this package registers
// with nn: their properties, that nn refuses to build them, and that
// every activation name is registered.
func TestHardwareActivationKinds(t *testing.T) {
	tests := []struct {
		name                              string
		hardware, noisy, bounded, vanGrad bool
	}{
		{ActMReLU, true, true, true, false},
		{ActMReLUIdeal, true, false, true, false},
		{"relu", false, false, false, false},
		{"relu2", false, false, true, false},
		{"sigmoid", false, false, false, true},
		{"tanh", false, false, false, false}, // unknown: the zero kind
	}
	for _, tc := range tests {
		k, ok := nn.LookupActivation(tc.name)
		if ok != (tc.name != "tanh") {
			t.Errorf("LookupActivation(%q) found %v", tc.name, ok)
		}
		if k.Hardware != tc.hardware || k.Noisy != tc.noisy || k.Bounded != tc.bounded || k.VanishingGradient != tc.vanGrad {
			t.Errorf("%s: Hardware %v Noisy %v Bounded %v VanishingGradient %v, want %v %v %v %v",
				tc.name, k.Hardware, k.Noisy, k.Bounded, k.VanishingGradient, tc.hardware, tc.noisy, tc.bounded, tc.vanGrad)
		}
		if IsHardware(tc.name) != tc.hardware {
			t.Errorf("IsHardware(%q) = %v", tc.name, !tc.hardware)
		}
		if tc.hardware {
			if _, err := nn.NewActivation(tc.name); err == nil || !strings.Contains(err.Error(), "hardware") {
				t.Errorf("nn.NewActivation(%q): %v, want an error naming a hardware neuron", tc.name, err)
			}
		}
	}
	var registered []string
	for _, k := range nn.ActivationKinds() {
		registered = append(registered, k.Name)
	}
	if !slices.Equal(registered, ActivationNames()) {
		t.Errorf("registered kinds %v, ActivationNames %v", registered, ActivationNames())
	}
}
