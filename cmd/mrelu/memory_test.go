package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/membudget"
)

// writeIDXHeader writes a gzip IDX file of uint8 data whose header claims
// dims but which holds no data: a few dozen bytes.
func writeIDXHeader(t *testing.T, path string, dims ...int) {
	t.Helper()
	raw := []byte{0, 0, byte(dataset.TypeU8), byte(len(dims))}
	for _, d := range dims {
		raw = append(raw, byte(d>>24), byte(d>>16), byte(d>>8), byte(d))
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, z.String())
}

// writePNGHeader writes the signature and IHDR chunk of an 8-bit grey PNG
// of w x h pixels, and nothing else.
func writePNGHeader(t *testing.T, path string, w, h int) {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b = append(b, chunk...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(chunk))
	writeFile(t, path, string(b))
}

// hostileSet writes a data folder whose training images file claims n
// images of rows x cols (and holds nothing), with a tiny valid test set.
func hostileSet(t *testing.T, n, rows, cols int) string {
	dir := t.TempDir()
	writeIDXHeader(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), n, rows, cols)
	writeIDXHeader(t, filepath.Join(dir, "train-labels-idx1-ubyte.gz"), n)
	writeIDXHeader(t, filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), 10, rows, cols)
	writeIDXHeader(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), 10)
	return dir
}

// TestMemoryBudgetRefusals: the hostile shapes of issue 12 (a network of
// 65536x65536, a small gzip file claiming 1,369,000 images, 60 images of
// 1000x1000) are refused by train, fig4 and paper with exit status 1 and one
// line naming the flag or file, the estimate and the budget, before
// anything is allocated or any output folder is made; a normal run under a
// budget it fits in trains.
func TestMemoryBudgetRefusals(t *testing.T) {
	tiny := tinyData(t)
	many := hostileSet(t, 1369000, 28, 28)
	large := hostileSet(t, 60, 1000, 1000)
	png := filepath.Join(t.TempDir(), "huge.png")
	writePNGHeader(t, png, 8000, 8000)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"train", "--data", tiny, "--hidden", "65536,65536", "--max-memory", "16GB"},
			[]string{"mrelu: train: --hidden 65536,65536 needs about 173 GB (", "weights and gradients 34.5 GB", "above the memory budget of 16 GB (--max-memory 16GB)"}},
		{[]string{"train", "--data", many, "--max-memory", "1GB"},
			[]string{"mrelu: train: " + filepath.Join(many, "train-images-idx3-ubyte.gz") + " (--data " + many + ": 1369000 images of 28x28) needs about 1.", "training set 1.07 GB", "--max-memory 1GB"}},
		{[]string{"train", "--data", large, "--max-memory", "2GB"},
			[]string{"mrelu: train: " + filepath.Join(large, "train-images-idx3-ubyte.gz") + " (--data " + large + ": images of 1000x1000 pixels) with --hidden 100,100,100 needs about", "--max-memory 2GB"}},
		{[]string{"fig4", "--data", large, "--max-memory", "2GB"},
			[]string{"mrelu: fig4: " + filepath.Join(large, "train-images-idx3-ubyte.gz"), "finished runs kept for the report", "--max-memory 2GB"}},
		{[]string{"fig4", "--data", tiny, "--hidden", "65536,65536", "--max-memory", "1.5GiB"},
			[]string{"mrelu: fig4: --hidden 65536,65536", "needs about", "above the memory budget of 1.61 GB (--max-memory 1.5GiB)"}},
		{[]string{"paper", "--quick", "--data", many, "--max-memory", "1GB"},
			[]string{"mrelu: paper: " + filepath.Join(many, "train-images-idx3-ubyte.gz"), "--max-memory 1GB"}},
		{[]string{"paper", "--data", large, "--max-memory", "2GB"},
			[]string{"mrelu: paper: " + filepath.Join(large, "train-images-idx3-ubyte.gz"), "--max-memory 2GB"}},
		{[]string{"edges", "--image", png, "--max-memory", "2GB"},
			[]string{"mrelu: edges: --image " + png + " (8000x8000 pixels) needs about 6.", "edge maps of 2 filters", "--max-memory 2GB"}},
		{[]string{"paper", "--quick", "--data", tiny, "--image", png, "--max-memory", "2GB"},
			[]string{"mrelu: paper: --image " + png + " (8000x8000 pixels) needs about 6.9", "--max-memory 2GB"}},
	} {
		out := filepath.Join(t.TempDir(), "out")
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		code, _, se := runCode(append(c.args, "--out", out)...)
		runtime.ReadMemStats(&m1)
		msg := strings.TrimSpace(se)
		if code != 1 || strings.Contains(msg, "\n") {
			t.Errorf("%v: exit %d (want 1), stderr %q", c.args, code, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%v: message %q lacks %q", c.args, msg, w)
			}
		}
		if a := m1.TotalAlloc - m0.TotalAlloc; a > 16<<20 {
			t.Errorf("%v: allocated %d bytes before refusing", c.args, a)
		}
		if dirExists(out) {
			t.Errorf("%v: made the output folder", c.args)
		}
	}

	// Without --max-memory the default budget (a share of this machine's
	// memory) applies; the 65536x65536 network needs ~170 GB.
	if d := membudget.Default(); d.Bytes < 100e9 {
		wantExit(t, 1, []string{"train", "--data", tiny, "--hidden", "65536,65536", "--out", filepath.Join(t.TempDir(), "o")}, "(--max-memory; default ")
	}

	// A run that fits trains; "none" lifts the limit (as "0" does:
	// membudget.TestValue).
	for _, mm := range []string{"200MB", "none"} {
		wantExit(t, 0, []string{"train", "--data", tiny, "--epochs", "1", "--max-memory", mm, "--out", filepath.Join(t.TempDir(), "o")})
	}
	// A tiny budget refuses even the tiny set, naming the program's base.
	wantExit(t, 1, []string{"train", "--data", tiny, "--max-memory", "10MB", "--out", filepath.Join(t.TempDir(), "o")}, "above the memory budget of 10 MB")
	// A bad size is a bad command line (exit 2).
	for _, bad := range []string{"lots", "-1GB", "NaN", "1e30"} {
		wantExit(t, 2, []string{"train", "--data", tiny, "--max-memory", bad}, "-max-memory")
	}
}
