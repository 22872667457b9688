package params_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/mrelu/mrelu/params"
)

// A params.json from any run (or written by hand): absent keys keep their
// defaults, and --vdd is WithVDD.
func Example() {
	s, err := params.Decode(strings.NewReader(`{"memristor": {"v_th_V": 1.96}, "settings": {"command": "paper"}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Vth %.2f V, VDD %.2f V, margin %.0f mV\n", s.Device.Memristor.Vth, s.Neuron.VDD, 1e3*s.Margin())
	s, err = s.WithVDD(1.98)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("with --vdd 1.98: margin %.0f mV\n", 1e3*s.Margin())
	// Output:
	// Vth 1.96 V, VDD 2.00 V, margin 40 mV
	// with --vdd 1.98: margin 20 mV
}
