package sweep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustDecode(t *testing.T, text string) *Spec {
	t.Helper()
	s, err := Decode(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func describe(p Point) string {
	var parts []string
	for _, a := range p.Params {
		parts = append(parts, a.Name+"="+a.Value.String())
	}
	return fmt.Sprintf("%d:%s", p.Index, strings.Join(parts, ","))
}

// TestPointsOrder: grid row-major (last axis fastest), then the random
// samples, then the seeds fastest of all.
func TestPointsOrder(t *testing.T) {
	s := mustDecode(t, `{"experiment": "train", "metrics": ["test_accuracy"],
		"grid": [{"param": "memristor.r_d_ohm", "values": [1e5, 2e5]}, {"param": "act", "values": ["relu", "mrelu"]}],
		"seeds": [1, 2]}`)
	pts, err := s.Points()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pts {
		got = append(got, describe(p))
	}
	want := []string{
		"0:memristor.r_d_ohm=1e5,act=relu,seed=1", "1:memristor.r_d_ohm=1e5,act=relu,seed=2",
		"2:memristor.r_d_ohm=1e5,act=mrelu,seed=1", "3:memristor.r_d_ohm=1e5,act=mrelu,seed=2",
		"4:memristor.r_d_ohm=2e5,act=relu,seed=1", "5:memristor.r_d_ohm=2e5,act=relu,seed=2",
		"6:memristor.r_d_ohm=2e5,act=mrelu,seed=1", "7:memristor.r_d_ohm=2e5,act=mrelu,seed=2",
	}
	if !reflect.DeepEqual(got, want) || s.Count() != 8 {
		t.Fatalf("points:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRandomDesign: the same seed gives the same draws, within bounds,
// combined with every grid point; ranges are evaluated as numbers.
func TestRandomDesign(t *testing.T) {
	text := `{"experiment": "neuron pulse", "metrics": ["energy_J"],
		"grid": [{"param": "neuron.vdd_V", "from": 2, "to": 2.1, "n": 3}],
		"random": {"samples": 4, "seed": 7, "params": [
			{"param": "tft.v_th_V", "min": 0.9, "max": 1.1},
			{"param": "memristor.r_d_ohm", "min": 1e5, "max": 1e6, "log": true},
			{"param": "points", "min": 10, "max": 20, "int": true}]}}`
	a, b := mustDecode(t, text), mustDecode(t, text)
	pa, _ := a.Points()
	pb, _ := b.Points()
	if !reflect.DeepEqual(pa, pb) || len(pa) != 12 {
		t.Fatalf("not reproducible or %d points", len(pa))
	}
	if v, _ := pa[0].Get("neuron.vdd_V"); v != "2" {
		t.Errorf("first vdd %q", v)
	}
	if v, _ := pa[11].Get("neuron.vdd_V"); v != "2.1" {
		t.Errorf("last vdd %q", v)
	}
	for i, p := range pa {
		vth, _ := p.Get("tft.v_th_V")
		rd, _ := p.Get("memristor.r_d_ohm")
		n, _ := p.Get("points")
		x, _ := vth.Float()
		r, _ := rd.Float()
		k, _ := n.Float()
		if !(x >= 0.9 && x <= 1.1) || !(r >= 1e5 && r <= 1e6) || !(k >= 10 && k <= 20) || strings.Contains(string(n), ".") {
			t.Errorf("point %d out of bounds: %s", i, describe(p))
		}
		// Sample i%4 is the same for every grid point.
		q := pa[i%4]
		v1, _ := q.Get("tft.v_th_V")
		if v1 != vth {
			t.Errorf("point %d: sample differs across the grid", i)
		}
	}
	c := mustDecode(t, strings.Replace(text, `"seed": 7`, `"seed": 8`, 1))
	pc, _ := c.Points()
	if reflect.DeepEqual(pa, pc) {
		t.Error("another seed gave the same draws")
	}
	if a.Hash() == c.Hash() {
		t.Error("another seed gave the same hash")
	}
}

func TestSpecErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{`{"experiment": "x", "metrics": ["a"]}`, `experiment "x"`},
		{`{"experiment": "train"}`, "no metrics"},
		{`{"experiment": "train", "metrics": ["a"], "grid": [{"param": "lr"}]}`, "no values"},
		{`{"experiment": "train", "metrics": ["a"], "grid": [{"param": "lr", "values": [1]}, {"param": "lr", "values": [2]}]}`, "swept twice"},
		{`{"experiment": "train", "metrics": ["a"], "flags": {"lr": 1}, "grid": [{"param": "lr", "values": [2]}]}`, "both a fixed flag and swept"},
		{`{"experiment": "train", "metrics": ["a"], "flags": {"out": "x"}}`, "set by the sweep itself"},
		{`{"experiment": "train", "metrics": ["a"], "flags": {"memristor.r_d_ohm": 1}}`, "params.json path"},
		{`{"experiment": "train", "metrics": ["a"], "grid": [{"param": "lr", "values": [[1]]}]}`, "want a number"},
		{`{"experiment": "train", "metrics": ["a"], "seeds": [1.5]}`, "not a non-negative integer"},
		{`{"experiment": "train", "metrics": ["a", "a"]}`, "given twice"},
		{`{"experiment": "train", "metrics": ["../x.json:a"]}`, "inside the run folder"},
		{`{"experiment": "train", "metrics": ["a"], "random": {"samples": 2, "params": [{"param": "lr", "min": 0, "max": 1, "log": true}]}}`, "log needs min > 0"},
	} {
		_, err := Decode(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want error with %q, got %v", c.text, c.want, err)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	env := func(kv ...string) Getenv {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		env    Getenv
		shards int
		want   Shard
		ok     bool
		err    string
	}{
		{env(), 0, Shard{0, 1}, false, ""},
		{env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4"), 0, Shard{3, 4}, true, ""},
		{env("SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_MIN", "5", "SLURM_ARRAY_TASK_COUNT", "4"), 0, Shard{2, 4}, true, ""},
		{env("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4"), 0, Shard{}, false, "--array=0-3"},
		{env("SLURM_ARRAY_TASK_ID", "1"), 0, Shard{}, false, "SLURM_ARRAY_TASK_COUNT is not"},
		{env("JOB_COMPLETION_INDEX", "2", "MRELU_SWEEP_SHARDS", "5"), 0, Shard{2, 5}, true, ""},
		{env("JOB_COMPLETION_INDEX", "2", "MRELU_SWEEP_SHARDS", "5"), 3, Shard{2, 3}, true, ""},
		{env("JOB_COMPLETION_INDEX", "2"), 0, Shard{}, false, "--shards N"},
		{env("JOB_COMPLETION_INDEX", "x", "MRELU_SWEEP_SHARDS", "5"), 0, Shard{}, false, "not an integer"},
	} {
		got, _, ok, err := ShardFromEnv(c.env, c.shards)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("want error %q, got %v", c.err, err)
			}
			continue
		}
		if err != nil || got != c.want || ok != c.ok {
			t.Errorf("got %v %v %v, want %v %v", got, ok, err, c.want, c.ok)
		}
	}
	if _, err := ParseShard("4/4"); err == nil {
		t.Error("4/4 accepted")
	}
	if s, err := ParseShard("1/4"); err != nil || !s.Has(5) || s.Has(4) {
		t.Errorf("1/4: %v %v", s, err)
	}
}

func TestFormatIndices(t *testing.T) {
	if got := FormatIndices([]int{0, 1, 2, 3, 7, 9, 10}); got != "0-3, 7, 9-10" {
		t.Fatal(got)
	}
}

func TestLookupAndSetPath(t *testing.T) {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"a": {"b": 1, "c": [1, 2, {"d": true}]}}`))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if v, err := Lookup(doc, "a.c.-1.d"); err != nil || v != true {
		t.Errorf("a.c.-1.d = %v, %v", v, err)
	}
	if _, err := Lookup(doc, "a.x"); err == nil || !strings.Contains(err.Error(), "keys: b, c") {
		t.Errorf("a.x: %v", err)
	}
	if err := SetPath(doc, "a.b", "2.5"); err != nil {
		t.Fatal(err)
	}
	if v, _ := Lookup(doc, "a.b"); v != json.Number("2.5") {
		t.Errorf("a.b = %v", v)
	}
	if err := SetPath(doc, "a.bb", "1"); err == nil || !strings.Contains(err.Error(), `no key "bb"`) {
		t.Errorf("a.bb: %v", err)
	}
	if err := SetPath(doc, "a", "1"); err == nil {
		t.Error("replaced an object")
	}
}

// TestResultRoundTrip: a written result reads back; one of another
// sweep, index or parameters does not.
func TestResultRoundTrip(t *testing.T) {
	s := mustDecode(t, `{"experiment": "neuron transfer", "metrics": ["r2"], "grid": [{"param": "neuron.vdd_V", "values": [2, 2.1]}]}`)
	dir := t.TempDir()
	if err := Prepare(dir, s); err != nil {
		t.Fatal(err)
	}
	pts, _ := s.Points()
	ms, _ := s.ParsedMetrics()
	os.MkdirAll(PointDir(dir, 1), 0o755)
	r := NewResult(s.Hash(), pts[1])
	r.Metrics = map[string]json.RawMessage{"r2": json.RawMessage("0.99")}
	if err := WriteResult(dir, r); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(dir, s.Hash(), pts[1], ms); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(dir, "other", pts[1], ms); err == nil {
		t.Error("accepted another sweep's result")
	}
	bad := pts[1]
	bad.Params = []Assignment{{"neuron.vdd_V", "2.2"}}
	if _, err := ReadResult(dir, s.Hash(), bad, ms); err == nil {
		t.Error("accepted other parameters")
	}
	tb, err := Merge(dir)
	if err != nil || len(tb.Rows) != 1 || !reflect.DeepEqual(tb.Missing, []int{0}) {
		t.Fatalf("merge: %+v %v", tb, err)
	}
	h, rows := tb.CSV()
	if strings.Join(h, ",") != "index,neuron.vdd_V,r2" || strings.Join(rows[0], ",") != "1,2.1,0.99" {
		t.Errorf("csv %v %v", h, rows)
	}
	if entries, _ := filepath.Glob(filepath.Join(PointDir(dir, 1), "*.tmp-*")); len(entries) > 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(`{"experiment": "train", "metrics": ["a"], "grid": [{"param": "lr", "from": 0.01, "to": 1, "n": 3, "log": true}], "seeds": [1, 2]}`)
	f.Add(`{"experiment": "edges", "metrics": ["filters.0.pearson_ideal"], "random": {"samples": 3, "seed": 1, "params": [{"param": "variation", "min": 0, "max": 0.3}]}}`)
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Decode(strings.NewReader(text))
		if err != nil {
			return
		}
		if s.Count() > 10000 {
			return
		}
		pts, err := s.Points()
		if err != nil {
			t.Fatalf("valid spec, no points: %v", err)
		}
		if len(pts) != s.Count() {
			t.Fatalf("%d points, Count %d", len(pts), s.Count())
		}
		b, err := s.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		s2, err := Decode(strings.NewReader(string(b)))
		if err != nil || s2.Hash() != s.Hash() {
			t.Fatalf("canonical form does not decode to the same sweep: %v", err)
		}
	})
}
