package dataset_test

import (
	"bytes"
	"fmt"

	"github.com/mrelu/mrelu/dataset"
)

func Example() {
	// Two 2x3 int16 matrices.
	x := &dataset.IDX{
		Type: dataset.TypeI16,
		Dims: []int{2, 2, 3},
		F64:  []float64{1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -300},
	}
	var buf bytes.Buffer
	if err := dataset.EncodeIDX(&buf, x); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("header: % x\n", buf.Bytes()[:16])
	fmt.Println("bytes:", buf.Len())

	y, err := dataset.DecodeIDX(&buf, "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Type, y.Dims, y.F64)

	// A header that claims more than it holds is refused.
	_, err = dataset.DecodeIDX(bytes.NewReader([]byte{0, 0, 8, 1, 0, 0, 0, 9, 1, 2}), "short.idx")
	fmt.Println(err)
	// Output:
	// header: 00 00 0b 03 00 00 00 02 00 00 00 02 00 00 00 03
	// bytes: 40
	// int16 [2 2 3] [1 2 3 4 5 6 -1 -2 -3 -4 -5 -300]
	// dataset: short.idx: truncated: dimensions [9] of uint8 need 9 data bytes, the file has 2
}
