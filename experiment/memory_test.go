package experiment

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/membudget"
)

// TestMemoryEstimates: the estimates grow with what they should, name the
// flag or file that causes the largest part, and refuse the hostile shapes
// of issue 12 under a budget of a few GB.
func TestMemoryEstimates(t *testing.T) {
	mnist := dataset.Shape{TrainN: 60000, TestN: 10000, Rows: 28, Cols: 28,
		TrainImages: "d/train-images-idx3-ubyte.gz", TestImages: "d/t10k-images-idx3-ubyte.gz"}
	p := DefaultTrainParams()
	p.Data = "d"
	budget := membudget.Limit{Bytes: 2e9, From: "test"}
	for _, c := range []struct {
		name    string
		p       func(TrainParams) TrainParams
		sh      func(dataset.Shape) dataset.Shape
		lo, hi  float64 // bounds of the estimate (bytes)
		refused bool
		cause   string
	}{
		{"paper's network on MNIST", nil, nil, 80e6, 200e6, false, ""},
		{"--hidden 65536,65536", func(p TrainParams) TrainParams { p.Hidden = []int{65536, 65536}; return p }, nil,
			100e9, 400e9, true, "--hidden 65536,65536 needs about"},
		{"1,369,000 images", nil, func(s dataset.Shape) dataset.Shape { s.TrainN = 1369000; return s },
			1.1e9, 1.6e9, false, ""},
		{"60 images of 1000x1000", nil, func(s dataset.Shape) dataset.Shape { s.TrainN, s.TestN, s.Rows, s.Cols = 60, 60, 1000, 1000; return s },
			3e9, 8e9, true, "d/train-images-idx3-ubyte.gz (--data d: images of 1000x1000 pixels) with --hidden 100,100,100 needs about"},
	} {
		q, sh := p, mnist
		if c.p != nil {
			q = c.p(q)
		}
		if c.sh != nil {
			sh = c.sh(sh)
		}
		e := TrainMemory(q, sh)
		got := float64(e.Total())
		if got < c.lo || got > c.hi {
			t.Errorf("%s: estimate %s, want %s..%s (%+v)", c.name, membudget.Format(e.Total()), membudget.Format(int64(c.lo)), membudget.Format(int64(c.hi)), e.Items)
		}
		err := budget.Check(e)
		if (err != nil) != c.refused {
			t.Errorf("%s: Check under 2 GB = %v, refused %v", c.name, err, c.refused)
		}
		if err != nil && !strings.HasPrefix(err.Error(), c.cause) {
			t.Errorf("%s: message %q does not start with %q", c.name, err, c.cause)
		}
	}

	// A huge data set is refused naming its file.
	big := mnist
	big.TrainN = 1369000
	err := membudget.Limit{Bytes: 1e9, From: "test"}.Check(TrainMemory(p, big))
	if err == nil || !strings.HasPrefix(err.Error(), "d/train-images-idx3-ubyte.gz (--data d: 1369000 images of 28x28) needs about") {
		t.Errorf("1,369,000 images under 1 GB: %v", err)
	}

	// Fig. 4 keeps every run: more runs, more memory; the paper adds the
	// energy stage's arrays.
	f := DefaultFig4Params()
	f.Base.Data = "d"
	one := f
	one.Acts, one.Sweep = []string{"relu"}, nil
	wide := f
	wide.Base.Hidden = []int{4096, 4096}
	e1, e5, ew := Fig4Memory(one, mnist).Total(), Fig4Memory(f, mnist).Total(), Fig4Memory(wide, mnist).Total()
	if !(e1 < e5 && e5 < ew) {
		t.Errorf("fig4 estimates: 1 run %d, %d runs %d, wide %d", e1, len(Fig4RunNames(f)), e5, ew)
	}
	pc := DefaultPaperConfig()
	pc.Fig4.Base.Data = "d"
	if ep := PaperMemory(pc, mnist).Total(); ep <= e5 {
		t.Errorf("paper %d not above its fig4 %d", ep, e5)
	}
	if err := (membudget.Limit{Bytes: 1e9}).Check(Fig4Memory(wide, mnist)); err == nil || !strings.Contains(err.Error(), "--hidden 4096,4096") {
		t.Errorf("wide fig4 under 1 GB: %v", err)
	}
}

// heapInUse returns the live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestMemoryEstimateMatchesAllocation builds a byte data set and trains a
// network on it as `mrelu train` does (checkpoints encoded, crossbar
// evaluation), sampling the heap (runtime.MemStats) at every step, after
// every checkpoint and after the crossbar evaluation. The estimate,
// BaseMemory aside, must be within a factor of 2.5 of the peak, and not
// below the memory still live when training is done.
func TestMemoryEstimateMatchesAllocation(t *testing.T) {
	sh := dataset.Shape{TrainN: 6000, TestN: 1000, Rows: 28, Cols: 28}
	p := TrainParams{Act: "relu", Hidden: []int{512, 256}, Epochs: 2, Batch: 100, LR: 0.05, Seed: 1}
	est := TrainMemory(p, sh).Total() - BaseMemory

	base := heapInUse()
	mk := func(n int, seed uint64) *dataset.Set {
		rng := rand.New(rand.NewPCG(seed, 1))
		s := &dataset.Set{N: n, Rows: 28, Cols: 28, Classes: 10, Pixels: make([]uint8, n*784), Labels: make([]uint8, n)}
		for i := range n {
			s.Labels[i] = uint8(rng.IntN(10))
			for k := range 40 {
				s.Pixels[i*784+int(s.Labels[i])*70+k] = uint8(128 + rng.IntN(128))
			}
		}
		return s
	}
	train, test := mk(sh.TrainN, 1), mk(sh.TestN, 2)
	var peak int64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, int64(ms.HeapAlloc)-base)
	}
	run, err := TrainWith(p, train, test, nil, TrainOptions{
		Progress: Progress{Step: func(int, int, int) { sample() }},
		Checkpoint: func(c *TrainCheckpoint) error {
			var buf bytes.Buffer
			err := c.Encode(&buf)
			sample()
			return err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	xb, err := CrossbarEval(run, crossbar.DefaultParams())
	if err != nil || xb == nil {
		t.Fatal(err)
	}
	sample()
	live := heapInUse() - base
	runtime.KeepAlive(run)
	runtime.KeepAlive(train)
	t.Logf("estimate %s (without the program's %s); peak heap %s; live after training %s",
		membudget.Format(est), membudget.Format(BaseMemory), membudget.Format(peak), membudget.Format(live))
	if float64(est) < float64(live) || float64(est) > 2.5*float64(peak) || float64(est)*2.5 < float64(peak) {
		t.Errorf("estimate %d bytes, peak heap %d, live %d: not within a factor 2.5", est, peak, live)
	}
}

// TestDataShape reads the sizes from the headers only: a gzip file whose
// header claims 1,369,000 images but which holds no data.
func TestDataShape(t *testing.T) {
	dir := t.TempDir()
	writeHeader(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), 1369000, 28, 28)
	writeHeader(t, filepath.Join(dir, "train-labels-idx1-ubyte.gz"), 1369000)
	writeHeader(t, filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), 10, 28, 28)
	writeHeader(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), 10)
	before := heapInUse()
	sh, err := DataShape(dir)
	if err != nil {
		t.Fatal(err)
	}
	if grew := heapInUse() - before; grew > 1<<20 {
		t.Errorf("reading the headers kept %d bytes", grew)
	}
	if sh.TrainN != 1369000 || sh.TestN != 10 || sh.Rows != 28 || sh.Cols != 28 || !strings.HasSuffix(sh.TrainImages, "train-images-idx3-ubyte.gz") {
		t.Errorf("shape %+v", sh)
	}
	writeHeader(t, filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), 10, 28, 29)
	if _, err := DataShape(dir); err == nil || !strings.Contains(err.Error(), "28x29") {
		t.Errorf("train and test of different sizes: %v", err)
	}
}

// writeHeader writes a gzip IDX file of uint8 data with the given
// dimensions and no data at all.
func writeHeader(t *testing.T, path string, dims ...int) {
	t.Helper()
	var raw bytes.Buffer
	raw.Write([]byte{0, 0, byte(dataset.TypeU8), byte(len(dims))})
	for _, d := range dims {
		raw.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestByteSetTrainsAsFloat32: training on a byte set (as LoadDir keeps
// MNIST) gives the run of its float32 copy bit for bit, with software ReLU
// and with the hardware neuron and its variation: weights, statistics and
// the data fingerprint.
func TestByteSetTrainsAsFloat32(t *testing.T) {
	mk := func(n int, seed uint64) (*dataset.Set, *dataset.Set) {
		rng := rand.New(rand.NewPCG(seed, 9))
		b := &dataset.Set{N: n, Rows: 4, Cols: 5, Classes: 3, Pixels: make([]uint8, n*20), Labels: make([]uint8, n)}
		for i := range n {
			c := rng.IntN(3)
			b.Labels[i] = uint8(c)
			for p := range 20 {
				v := rng.IntN(90)
				if p/7 == c {
					v += 160
				}
				b.Pixels[i*20+p] = uint8(v)
			}
		}
		f := *b
		f.Images, f.Pixels = b.Float32s(n, 0), nil
		return b, &f
	}
	trB, trF := mk(230, 1)
	teB, teF := mk(70, 2)
	if Fingerprint(trB, teB) != Fingerprint(trF, teF) {
		t.Fatal("fingerprints of a byte set and its float32 copy differ")
	}
	for _, act := range []string{"relu", ActMReLU} {
		p := TrainParams{Act: act, Hidden: []int{16, 12}, Epochs: 3, Batch: 50, LR: 0.1, Seed: 5, Variation: DefaultVariation}
		a, err := TrainOn(p, trB, teB, Progress{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := TrainOn(p, trF, teF, Progress{})
		if err != nil {
			t.Fatal(err)
		}
		for l := range a.Net.Layers {
			if !slices.Equal(a.Net.Layers[l].W, b.Net.Layers[l].W) || !slices.Equal(a.Net.Layers[l].B, b.Net.Layers[l].B) {
				t.Errorf("%s: layer %d differs", act, l)
			}
		}
		for e := range a.Result.Epochs {
			x, y := a.Result.Epochs[e], b.Result.Epochs[e]
			if x.TrainLoss != y.TrainLoss || x.TestLoss != y.TestLoss || x.TestAccuracy != y.TestAccuracy || !slices.Equal(x.MeanAbsUpdate, y.MeanAbsUpdate) {
				t.Errorf("%s epoch %d: %+v vs %+v", act, e+1, x, y)
			}
		}
	}
}
