package experiment

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/vision"
)

// kernelFile writes a 3x3 kernel file (1 in the corner) named name into
// a temporary folder and returns its path.
func kernelFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte("1 0 0\n0 0 0\n0 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParseFilterList(t *testing.T) {
	comma := kernelFile(t, "a,b.txt")
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"both", []string{"vertical", "lateral"}},
		{"vertical", []string{"vertical"}},
		{" lateral , k.txt ", []string{"lateral", "k.txt"}},
		{"both,x.json", []string{"vertical", "lateral", "x.json"}},
		{comma, []string{comma}},
		{",", nil},
	} {
		if got := ParseFilterList(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ParseFilterList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestResolveFilters(t *testing.T) {
	k := kernelFile(t, "vertical.txt") // named like a built-in
	ks, err := ResolveFilters([]string{"lateral", k})
	if err != nil || len(ks) != 2 || ks[1].Name != "vertical" {
		t.Fatalf("ResolveFilters: %v, %v", ks, err)
	}
	for _, tc := range []struct {
		specs []string
		want  string
	}{
		{[]string{"vertical", k}, "both named"},
		{[]string{"nope"}, `"nope" is not vertical, lateral`},
	} {
		if _, err := ResolveFilters(tc.specs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ResolveFilters(%q) = %v, want %q", tc.specs, err, tc.want)
		}
	}
}

func TestEdges(t *testing.T) {
	cfg := DefaultEdgesConfig()
	r, err := Edges(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.ImageName != "built-in camera-160.png" || r.Result.W != 160 || len(r.Result.Filters) != 2 || len(r.Patches) != 4 {
		t.Fatalf("result: %s %dx%d, %d filters, %d patches", r.ImageName, r.Result.W, r.Result.H, len(r.Result.Filters), len(r.Patches))
	}
	if r.TransferSeconds <= 0 || r.DetectSeconds <= 0 || r.TransferSeconds+r.DetectSeconds > 1 {
		t.Errorf("timing: sweep %.4f s, detection %.4f s", r.TransferSeconds, r.DetectSeconds)
	}
	// The one Conv2D array, read once per output pixel for 650 ns: tens
	// of nJ for the camera (27.8 nJ with the built-in filters).
	if e := r.Result.ReadEnergy; r.Result.ReadTime != vision.ReadTime || !(e > 1e-9 && e < 1e-6) {
		t.Errorf("read energy %g J per image for reads of %g s", e, r.Result.ReadTime)
	}
	if r.Neuron.Curve == nil || len(r.Neuron.Curve.I) != vision.DefaultTransferPoints {
		t.Error("the neuron was not solved over the configured sweep")
	}

	bad := cfg
	bad.Points = 2
	if _, err := Edges(bad); err == nil || !strings.Contains(err.Error(), "points") {
		t.Errorf("2 transfer points: %v", err)
	}
	missing := cfg
	missing.Image = filepath.Join(t.TempDir(), "none.png")
	if _, err := Edges(missing); err == nil || !strings.Contains(err.Error(), missing.Image) {
		t.Errorf("missing image: %v", err)
	}
	empty := cfg
	empty.Image = filepath.Join(t.TempDir(), "empty.jpg")
	if err := os.WriteFile(empty.Image, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Edges(empty); !errors.Is(err, dataset.ErrNotImage) || !strings.Contains(err.Error(), empty.Image) {
		t.Errorf("empty image: %v", err)
	}
	noFilter := cfg
	noFilter.Filters = nil
	if _, err := Edges(noFilter); err == nil {
		t.Error("no filters accepted")
	}
}
