package npy_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/mrelu/mrelu/internal/npy"
)

// A 2×3 float32 array, as numpy.load reads it (shape (2, 3), C order).
func Example() {
	var b bytes.Buffer
	if err := npy.Write(&b, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		log.Fatal(err)
	}
	shape, data, err := npy.Read(&b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shape, data[5])
	// Output: [2 3] 6
}
