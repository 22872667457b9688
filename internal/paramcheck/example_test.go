package paramcheck_test

import (
	"errors"
	"fmt"

	"github.com/mrelu/mrelu/internal/paramcheck"
)

// A struct's checker words every error the same way: the field, its JSON
// key, the value with its unit, the rule that failed and the sentinel.
func Example() {
	errInvalid := errors.New("invalid parameter")
	check := paramcheck.Checker{Prefix: "Resistor", Sentinel: errInvalid}
	err := check.All(paramcheck.Positive, paramcheck.Fields{
		{"R", "r_ohm", "Ω", 1e3},
		{"C", "c_F", "F", -2e-12},
	})
	fmt.Println(err)
	fmt.Println(errors.Is(err, errInvalid))
	// Output:
	// Resistor.C (json "c_F") = -2e-12 F: must be > 0: invalid parameter
	// true
}
