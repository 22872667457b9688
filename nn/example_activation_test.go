package nn_test

import (
	"fmt"

	"github.com/mrelu/mrelu/nn"
)

// ExampleLookupActivation asks a registered activation's properties
// instead of comparing its name, then builds it at the run's VDD.
func ExampleLookupActivation() {
	for _, name := range []string{"relu", "relu2", "sigmoid", "tanh"} {
		k, ok := nn.LookupActivation(name)
		fmt.Printf("%s: registered %v, bounded by VDD %v, vanishing gradient %v\n", name, ok, k.Bounded, k.VanishingGradient)
	}
	a, err := nn.NewActivation("relu2", nn.WithBound(1.6))
	fmt.Println(nn.ActivationName(a), err)
	// Output:
	// relu: registered true, bounded by VDD false, vanishing gradient false
	// relu2: registered true, bounded by VDD true, vanishing gradient false
	// sigmoid: registered true, bounded by VDD false, vanishing gradient true
	// tanh: registered false, bounded by VDD false, vanishing gradient false
	// relu-clip1.6 <nil>
}
