package strictjson_test

import (
	"fmt"

	"github.com/mrelu/mrelu/internal/strictjson"
)

func ExampleDecode() {
	var p struct {
		VDD float64 `json:"vdd_V"`
	}
	fmt.Println(strictjson.Decode([]byte(`{"vdd_V": 2}`), &p), p.VDD)
	fmt.Println(strictjson.Decode([]byte(`{"vdd": 2}`), &p))
	fmt.Println(strictjson.Decode([]byte(`{"vdd_V": 2} {}`), &p))
	// Output:
	// <nil> 2
	// json: unknown field "vdd"
	// unexpected data after the JSON object
}
