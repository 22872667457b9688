package sweep

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPointRun: each point's description, experiment flags and
// params.json, as a shard runs it.
func TestPointRun(t *testing.T) {
	s := mustDecode(t, `{"experiment": "train", "metrics": ["test_accuracy"], "flags": {"epochs": 2, "act": "mrelu"},
		"grid": [{"param": "neuron.vdd_V", "values": [2, 2.1]}, {"param": "lr", "values": [0.1]}], "seeds": [3]}`)
	pts, err := s.Points()
	if err != nil {
		t.Fatal(err)
	}
	pp := NewPointParams([]byte(`{"memristor": {"r_d_ohm": 300000}, "neuron": {"vdd_V": 2, "clamp": true}}`))
	for i, want := range []struct {
		describe string
		args     []string
		params   string
	}{
		{"neuron.vdd_V=2 lr=0.1 seed=3", []string{"--act=mrelu", "--epochs=2", "--lr=0.1", "--seed=3"}, `"vdd_V": 2`},
		{"neuron.vdd_V=2.1 lr=0.1 seed=3", []string{"--act=mrelu", "--epochs=2", "--lr=0.1", "--seed=3"}, `"vdd_V": 2.1`},
	} {
		p := pts[i]
		if got := p.Describe(); got != want.describe {
			t.Errorf("point %d: describe %q, want %q", i, got, want.describe)
		}
		if got := FlagArgs(s.PointFlags(p)); !slices.Equal(got, want.args) {
			t.Errorf("point %d: flags %q, want %q", i, got, want.args)
		}
		b, err := pp.For(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range []string{want.params, `"r_d_ohm": 300000`, `"clamp": true`} {
			if !strings.Contains(string(b), sub) {
				t.Errorf("point %d: params.json lacks %s:\n%s", i, sub, b)
			}
		}
	}
	bad := Point{Index: 9, Params: []Assignment{{"neuron.bogus", "1"}}}
	if _, err := pp.For(bad); err == nil || !strings.Contains(err.Error(), `no key "bogus"`) {
		t.Errorf("a path the base lacks: %v", err)
	}
}

// TestResetPointDir: a point's folder is made, or made again empty when
// an earlier run left one.
func TestResetPointDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, PointsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		there bool // the caller knows of a folder
		left  bool // an earlier run left a file in it
	}{
		{"new", false, false},
		{"found on making it", false, true},
		{"known", true, true},
	} {
		if tc.left {
			if err := os.WriteFile(filepath.Join(PointDir(dir, 4), "log.txt"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pd, err := ResetPointDir(dir, 4, tc.there)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if entries, err := os.ReadDir(pd); err != nil || len(entries) != 0 || pd != PointDir(dir, 4) {
			t.Errorf("%s: folder %s: %d entries, %v", tc.name, pd, len(entries), err)
		}
	}
	if _, err := ResetPointDir(filepath.Join(dir, "no-such"), 1, false); err == nil || !strings.Contains(err.Error(), "sweep: point 1: ") {
		t.Errorf("no sweep folder: %v", err)
	}
}
