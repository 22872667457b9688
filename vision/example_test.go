package vision_test

import (
	"fmt"
	"log"

	"github.com/mrelu/mrelu/vision"
)

// Detect the vertical and lateral edges of the built-in 160x160 image
// with the default mReLU and summarise the maps.
func Example() {
	n, err := vision.DefaultNeuron() // one DC sweep of the 2T-1M circuit
	if err != nil {
		log.Fatal(err)
	}
	img := vision.DefaultImage()
	r, err := vision.Detect(img, []vision.Kernel{vision.Vertical(), vision.Lateral()}, n, vision.DefaultConfig())
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range r.Filters {
		s := f.Ideal
		fmt.Printf("%-8s %dx%d  I %+.2f..%+.2f µA  negative %.0f%%  Vout %.3f..%.2f V  r = %.3f\n",
			f.Kernel.Name, r.W, r.H, s.CurrentMin*1e6, s.CurrentMax*1e6, 100*s.NegativeFraction,
			s.VoutMin, s.VoutMax, s.PearsonReLU)
	}
	// Output:
	// vertical 160x160  I -4.98..+4.90 µA  negative 55%  Vout 0.035..1.51 V  r = 0.993
	// lateral  160x160  I -4.28..+4.15 µA  negative 41%  Vout 0.035..1.28 V  r = 0.984
}
