// Copyright 2026 The mrelu Authors.

package kernel_test

import (
	"fmt"

	"github.com/mrelu/mrelu/internal/kernel"
)

// A dense layer's forward pass for a batch of two inputs with three
// features and two outputs: Y = X*W, then the weight gradient dW = Xᵀ*dY.
func Example() {
	x := []float32{ // 2x3, row-major
		1, 2, 3,
		4, 5, 6,
	}
	w := []float32{ // 3x2
		1, 0,
		0, 1,
		1, 1,
	}
	y := make([]float32, 2*2)
	kernel.Sgemm(false, false, 2, 2, 3, 1, x, 3, w, 2, 0, y, 2)
	fmt.Println("Y =", y)

	dy := []float32{1, 0, 0, 1} // 2x2
	dw := make([]float32, 3*2)
	// op(A) = Xᵀ is 3x2: transA with A = X (2x3, lda 3).
	kernel.Sgemm(true, false, 3, 2, 2, 1, x, 3, dy, 2, 0, dw, 2)
	fmt.Println("dW =", dw)
	// Output:
	// Y = [4 5 10 11]
	// dW = [1 4 2 5 3 6]
}
