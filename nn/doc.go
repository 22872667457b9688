// Package nn is a float32 multilayer perceptron trainer for the network
// level of mrelu: fully connected layers with He-normal initialisation,
// softmax cross-entropy, plain minibatch SGD, and the instruments of the
// vanishing-gradient study (per-epoch loss and accuracy, per-layer mean
// |weight update|, the distribution of weight updates and of neuron inputs).
//
// Activations sit behind the small Activation interface, so software
// sigmoid and ReLU, the ideal bounded ReLU and hardware neurons built from
// device models are interchangeable; the trainer never special-cases one.
// Activations are registered by name (RegisterActivation, usually from an
// init function: the built-ins here, the hardware neurons in experiment)
// with the properties their consumers ask (LookupActivation: Hardware,
// Noisy, Bounded, VanishingGradient), so no package compares names.
//
// Units: the network itself is unitless; a hardware activation interprets
// its input in the units it documents. Matrix products run on the SIMD
// kernels of internal/kernel on all cores, and a Trainer allocates its
// workspaces once, so training steps allocate nothing.
//
// # Layering
//
// nn owns the layers, activations, losses, trainers, checkpoints and
// training statistics. It imports dataset (the sets it trains on) and the
// internal helpers kernel, membudget and strictjson. It must not import
// device, circuit, neuron, crossbar or vision (a hardware neuron reaches
// the trainer only as an Activation), nor params, experiment, report or
// sweep.
package nn
