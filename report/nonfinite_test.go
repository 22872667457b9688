package report

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteJSONNonFinite: WriteJSON never fails on NaN or ±Inf, wherever
// the float is; it writes null and lists the path and the value.
func TestWriteJSONNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	type inner struct {
		V float64 `json:"v"`
	}
	type embedded struct {
		E float64 `json:"e"`
	}
	type outer struct {
		embedded
		A   float64            `json:"a"`
		F32 float32            `json:"f32"`
		S   []float64          `json:"s"`
		M   map[string]any     `json:"m"`
		P   *inner             `json:"p"`
		N   Num                `json:"n"`
		Map map[string]float64 `json:"map"`
		OK  float64            `json:"ok"`
	}
	tests := []struct {
		name string
		v    any
		null []string // top-level keys that must be null
		list []string // paths in non_finite_values
	}{
		{"field", outer{A: nan, OK: 1}, []string{"a"}, []string{"a"}},
		{"float32 and slice", outer{F32: float32(inf), S: []float64{1, nan}}, []string{"f32"}, []string{"f32", "s.1"}},
		{"map of any and pointer", outer{M: map[string]any{"x": -inf, "y": 2.0}, P: &inner{V: nan}}, nil, []string{"m.x", "p.v"}},
		{"Num needs no fallback", outer{N: Num(nan)}, []string{"n"}, nil},
		{"map of floats", outer{Map: map[string]float64{"r": nan}}, nil, []string{"map.r"}},
		{"slice at the top", []float64{nan, 1}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.json")
			if err := WriteJSON(path, tc.v); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("invalid JSON %s: %v", b, err)
			}
			obj, _ := got.(map[string]any)
			for _, k := range tc.null {
				if v, ok := obj[k]; !ok || v != nil {
					t.Errorf("%s = %v, want null in %s", k, v, b)
				}
			}
			list, _ := obj["non_finite_values"].(map[string]any)
			if len(list) != len(tc.list) {
				t.Errorf("non_finite_values = %v, want %v", list, tc.list)
			}
			for _, p := range tc.list {
				if _, ok := list[p]; !ok {
					t.Errorf("non_finite_values lacks %q: %s", p, b)
				}
			}
		})
	}
	// The value passed in is not changed.
	v := outer{A: nan, S: []float64{nan}, P: &inner{V: nan}}
	if err := WriteJSON(filepath.Join(t.TempDir(), "s.json"), v); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(v.A) || !math.IsNaN(v.S[0]) || !math.IsNaN(v.P.V) {
		t.Errorf("WriteJSON changed its argument: %+v", v)
	}
}
