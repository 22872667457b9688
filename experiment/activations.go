package experiment

import "github.com/mrelu/mrelu/nn"

// The hardware neurons, registered with nn so that every package asks
// their properties (nn.LookupActivation) instead of comparing names. They
// are built here from a solved neuron (NewMReLU, NoisyMReLUForRun), not by
// nn.NewActivation.
func init() {
	nn.RegisterActivation(nn.ActivationKind{Name: ActMReLU,
		Doc:      "2T-1M circuit neuron with temporal variation",
		Hardware: true, Noisy: true, Bounded: true})
	nn.RegisterActivation(nn.ActivationKind{Name: ActMReLUIdeal,
		Doc:      "the 2T-1M circuit neuron without variation",
		Hardware: true, Bounded: true})
}

// actKind returns the registered kind of the activation called name (the
// zero kind, every property false, for an unknown name).
func actKind(name string) nn.ActivationKind {
	k, _ := nn.LookupActivation(name)
	return k
}
