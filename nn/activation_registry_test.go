package nn

import (
	"slices"
	"strings"
	"testing"
)

// TestActivationRegistry checks the built-in kinds: their properties, that
// NewActivation builds each under its name, and the listings.
func TestActivationRegistry(t *testing.T) {
	tests := []struct {
		name                       string
		bounded, vanishingGradient bool
	}{
		{"relu", false, false},
		{"relu2", true, false},
		{"sigmoid", false, true},
	}
	for _, tc := range tests {
		k, ok := LookupActivation(tc.name)
		if !ok || k.Name != tc.name || k.Doc == "" {
			t.Fatalf("LookupActivation(%q) = %+v, %v", tc.name, k, ok)
		}
		if k.Hardware || k.Noisy || k.New == nil || k.Bounded != tc.bounded || k.VanishingGradient != tc.vanishingGradient {
			t.Errorf("%s: Hardware %v Noisy %v Bounded %v VanishingGradient %v New set %v, want false false %v %v true",
				tc.name, k.Hardware, k.Noisy, k.Bounded, k.VanishingGradient, k.New != nil, tc.bounded, tc.vanishingGradient)
		}
		a, err := NewActivation(tc.name)
		if err != nil || ActivationName(a) != tc.name {
			t.Errorf("NewActivation(%q) = %v named %q, %v", tc.name, a, ActivationName(a), err)
		}
		if _, sat := a.(Saturating); sat != tc.bounded {
			t.Errorf("%s: Saturating %v, want Bounded %v", tc.name, sat, tc.bounded)
		}
	}
	if got := ActivationNames(); !slices.Equal(got, []string{"relu", "relu2", "sigmoid"}) {
		t.Errorf("ActivationNames() = %v", got)
	}
	kinds := ActivationKinds()
	if !slices.IsSortedFunc(kinds, func(a, b ActivationKind) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("ActivationKinds not sorted by name")
	}
}

// TestActivationRegistryUnknown: an unknown name is not found (zero kind)
// and NewActivation's error names it and the valid choices.
func TestActivationRegistryUnknown(t *testing.T) {
	k, ok := LookupActivation("tanh")
	if ok || k.Name != "" || k.New != nil || k.Hardware || k.Noisy || k.Bounded || k.VanishingGradient {
		t.Errorf("LookupActivation(tanh) = %+v, %v, want the zero kind, false", k, ok)
	}
	_, err := NewActivation("tanh")
	if err == nil || err.Error() != `nn: unknown activation "tanh" (want one of relu, relu2, sigmoid)` {
		t.Errorf("NewActivation(tanh): %v", err)
	}
}

// TestRegisterActivation registers a hardware kind (then removes it),
// which NewActivation refuses, and checks the registrations that panic.
func TestRegisterActivation(t *testing.T) {
	const name = "test-hardware"
	RegisterActivation(ActivationKind{Name: name, Hardware: true, Bounded: true})
	t.Cleanup(func() {
		registry.Lock()
		delete(registry.kinds, name)
		registry.Unlock()
	})
	if k, ok := LookupActivation(name); !ok || !k.Hardware || !k.Bounded || k.Noisy {
		t.Errorf("LookupActivation(%q) = %+v, %v", name, k, ok)
	}
	if _, err := NewActivation(name); err == nil || !strings.Contains(err.Error(), "hardware") {
		t.Errorf("NewActivation(%q): %v, want an error naming a hardware neuron", name, err)
	}
	if slices.Contains(ActivationNames(), name) {
		t.Errorf("ActivationNames() = %v lists a hardware kind", ActivationNames())
	}
	if !slices.ContainsFunc(ActivationKinds(), func(k ActivationKind) bool { return k.Name == name }) {
		t.Errorf("ActivationKinds() misses %q", name)
	}
	relu := func(ActivationSettings) Activation { return ReLU{} }
	for _, tc := range []struct {
		why  string
		kind ActivationKind
	}{
		{"duplicate software name", ActivationKind{Name: "relu", New: relu}},
		{"duplicate hardware name", ActivationKind{Name: name, Hardware: true}},
		{"empty name", ActivationKind{New: relu}},
		{"hardware kind with New", ActivationKind{Name: "test-hw-new", Hardware: true, New: relu}},
		{"software kind without New", ActivationKind{Name: "test-sw"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: RegisterActivation did not panic", tc.why)
				}
			}()
			RegisterActivation(tc.kind)
		}()
		if tc.kind.Name != "relu" && tc.kind.Name != name {
			if _, ok := LookupActivation(tc.kind.Name); ok {
				t.Errorf("%s: registered despite the panic", tc.why)
			}
		}
	}
}
