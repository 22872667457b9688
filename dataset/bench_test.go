package dataset

import (
	"path/filepath"
	"testing"
)

func BenchmarkLoadMNIST(b *testing.B) {
	if _, err := MNISTDir(); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, _, err := LoadMNIST(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadIDXTrainImages(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, err := ReadIDX(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err != nil {
			b.Fatal(err)
		}
	}
}
