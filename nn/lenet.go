package nn

import "math/rand/v2"

// LeNet5 returns the LeNet-5 class network for images of shape in
// (MNIST: 28×28×1; at least 12×12) with the hidden activation act after
// every convolution and every hidden fully connected layer; for MNIST:
//
//	conv 5×5, 6 channels, padding 2 → act → max-pool 2×2  (28×28×6 → 14×14×6)
//	conv 5×5, 16 channels           → act → max-pool 2×2  (10×10×16 → 5×5×16)
//	flatten (400) → dense 120 → act → dense 84 → act → dense classes
//
// It departs from LeCun et al. (1998) as the usual modern reading does:
// the 28×28 image is zero-padded to the original 32×32 field instead of
// being resized, pooling is a plain 2×2 maximum (not a trainable
// average), the second convolution connects every input channel, and the
// output is a dense layer under the softmax (not RBF units). Weights are
// He-normal (standard deviation sqrt(2/fan_in), fan_in = k·k·C_in or the
// input width), as in New, biases zero; rng draws them layer by layer.
// 61,706 parameters for MNIST's 10 classes.
func LeNet5(in Shape, act Activation, classes int, rng *rand.Rand) (*Sequential, error) {
	return NewSequential(in, rng,
		ConvSpec(6, 5, 1, 2), ActSpec(act), MaxPoolSpec(2, 2),
		ConvSpec(16, 5, 1, 0), ActSpec(act), MaxPoolSpec(2, 2),
		FlattenSpec(),
		DenseSpec(120), ActSpec(act),
		DenseSpec(84), ActSpec(act),
		DenseSpec(classes))
}
