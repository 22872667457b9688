package params

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/testutil"
	"github.com/mrelu/mrelu/neuron"
)

func TestDecodeForms(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		check    func(s Setup) bool
	}{
		{"empty", `{}`, func(s Setup) bool { return s == Default() }},
		{"device only", `{"memristor": {"v_th_V": 1.9}, "tft": {}}`, func(s Setup) bool {
			return s.Device.Memristor.Vth == 1.9 && s.Neuron == neuron.DefaultParams()
		}},
		{"neuron", `{"neuron": {"vdd_V": 1.92}}`, func(s Setup) bool { return s.Neuron.VDD == 1.92 && s.Neuron.RLoad == 1e6 }},
		{"null objects", `{"memristor": null, "neuron": null, "settings": null}`, func(s Setup) bool { return s == Default() }},
		{"run file", `{"memristor": {"r_d_ohm": 2.5e5}, "tft": {}, "neuron": {"vdd_V": 2}, "settings": {"command": "fig4", "config": {"base": {}, "device": {"bogus": 1}}}}`,
			func(s Setup) bool { return s.Device.Memristor.RD == 2.5e5 && s.Device.Settings == nil }},
	} {
		s, err := Decode(strings.NewReader(tc.in))
		if err != nil || !tc.check(s) {
			t.Errorf("%s: %v %+v", tc.name, err, s)
		}
	}
}

func TestDecodeErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"memristr": {}}`, `unknown key "memristr"`},
		{`{"neuron": {"vdd": 2}}`, `"neuron"`},
		{`{"neuron": {"vdd": 2}}`, `vdd`},
		{`{"memristor": {"v_th": 2}}`, `v_th`},
		{`{"tft": {"vth_V": "x"}}`, `vth_V`},
		{`{"neuron": {"vdd_V": -1}}`, `vdd_V`},
		{`{"memristor": {"r_d_ohm": 0}}`, `r_d_ohm`},
		{`{} trailing`, `JSON`},
		{`[1]`, `not a JSON object`},
		{`null`, `not a JSON object`},
		{``, `JSON`},
	} {
		s, err := Decode(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %q", tc.in, err, tc.want)
		}
		if s != Default() {
			t.Errorf("%q: the failed decode returned non-defaults", tc.in)
		}
	}
	big := `{"settings": "` + strings.Repeat("x", device.MaxParamsBytes) + `"}`
	if _, err := Decode(strings.NewReader(big)); !errors.Is(err, device.ErrParamsTooLarge) {
		t.Errorf("a file over MaxParamsBytes: %v", err)
	}
}

func TestLoadSaveRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := Default()
	s.Device.Memristor.Vth, s.Neuron.VDD, s.Neuron.Clamp = 1.9, 1.92, false
	path := filepath.Join(dir, "params.json")
	if err := Save(path, s, Settings{Command: "test", Config: map[string]int{"n": 1}}); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || got != s {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, s)
	}
	// device.LoadParams reads the same file (its device part).
	d, err := device.LoadParams(path)
	if err != nil || d.Memristor != s.Device.Memristor || d.TFT != s.Device.TFT {
		t.Errorf("device.LoadParams: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"tft": {"w": 1}}`), 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), `"w"`) {
		t.Errorf("bad file: %v", err)
	}
	if err := Save(filepath.Join(dir, "x.json"), Setup{}, nil); err == nil {
		t.Error("Save of an invalid setup succeeded")
	}
}

func TestWithVDD(t *testing.T) {
	s, err := Default().WithVDD(1.9)
	if err != nil || s.Neuron.VDD != 1.9 || s.Margin() > -0.079 || s.Margin() < -0.081 {
		t.Errorf("WithVDD(1.9): %v %g", err, s.Margin())
	}
	for _, v := range []float64{0, -1, 1e9} {
		if _, err := Default().WithVDD(v); err == nil || !strings.Contains(err.Error(), "--vdd") {
			t.Errorf("WithVDD(%g): %v", v, err)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to the codec (moved from cmd/mrelu's
// FuzzLoadParams and extended): it never panics; an accepted document
// gives a valid setup that device.DecodeParams reads to the same device,
// and that Encode writes back to the same setup; a refused one gets a
// short error.
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	if err := Encode(&buf, Default(), Settings{Command: "seed"}); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		buf.String(),
		`{}`,
		`{"neuron": {"vdd_V": 2.1, "clamp": false}, "memristor": {"v_th_V": 2}}`,
		`{"neuron": {"vdd_V": 1e400}}`,
		`{"neuron": {"bogus": 1}}`,
		`{"neuron": null, "settings": {"command": "neuron transfer"}}`,
		`{"memristor": {}, "tft": {"w_m": 1e-4}, "settings": [1, 2]}`,
		`{"tft": {"vth_V": NaN}}`,
		`{"base": {"act": "relu"}, "acts": ["relu"], "sweep": [0]}`,
		`{"neuron": {"vdd_V": 2}} trailing`,
		`{"memristor": {"v_th_V": 1}, "memristor": {"r_d_ohm": 1}}`,
		`[`,
		"",
		`{"neuron": {"` + strings.Repeat("k", 2000) + `": 1}}`,
		`{"` + strings.Repeat("k", 2000) + `": 1}`,
		`{"memristor": {"table": {"i_A": [1e-7, 1e-6, 5e-6], "v_V": [1.95, 1.68, 0.5], "source": "x.csv", "default_kinetics": ["tau_set_s"]}}}`,
		`{"memristor": {"table": {"i_A": [1e-7, 1e-6], "v_V": [1.9, 1.7], "shift_V": 0.05}}, "neuron": {"vdd_V": 2}}`,
		`{"memristor": {"table": {"i_A": [1e-6, 1e-6], "v_V": [1, 1]}}}`,
		`{"memristor": {"table": {"i_A": [1e-6], "v_V": [1, 2]}}}`,
		`{"memristor": {"table": {"i_A": [1e-6, 2e-6], "v_V": [1, 1.5], "bogus": 1}}}`,
		`{"memristor": {"table": null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(bytes.NewReader(data))
		if !testutil.Accepted(t, err, s.Validate) {
			return
		}
		d, err := device.DecodeParams(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("params accepted what device.DecodeParams refuses: %v", err)
		}
		if !d.Memristor.Equal(s.Device.Memristor) || d.TFT != s.Device.TFT {
			t.Fatalf("device.DecodeParams reads another device")
		}
		var out bytes.Buffer
		if err := Encode(&out, s, nil); err != nil {
			t.Fatalf("cannot encode an accepted setup: %v", err)
		}
		back, err := Decode(&out)
		if err != nil || !back.Equal(s) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestTable: a tabulated memristor is read, written back and refused with
// errors naming the key and the row; a file without a table is unchanged.
func TestTable(t *testing.T) {
	in := `{"memristor": {"table": {"i_A": [1e-7, 1e-6, 5e-6], "v_V": [1.95, 1.68, 0.5], "source": "m.csv", "default_kinetics": ["tau_set_s", "v0_V"]}}}`
	s, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tab := s.Device.Memristor.Table
	if tab == nil || len(tab.I) != 3 || tab.V[2] != 0.5 || tab.Source != "m.csv" || len(tab.DefaultKinetics) != 2 {
		t.Fatalf("table: %+v", tab)
	}
	if m := s.Margin(); math.Abs(m-(s.Neuron.VDD-s.Device.Memristor.Threshold())) > 1e-15 || m == s.Neuron.VDD-s.Device.Memristor.Vth {
		t.Errorf("Margin %g does not use the table's threshold %g", m, s.Device.Memristor.Threshold())
	}
	var buf bytes.Buffer
	if err := Encode(&buf, s, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"table"`) || !strings.Contains(buf.String(), `"default_kinetics"`) {
		t.Errorf("encoded file lacks the table:\n%s", buf.String())
	}
	back, err := Decode(&buf)
	if err != nil || !back.Equal(s) || back.Equal(Default()) {
		t.Errorf("round trip: %v", err)
	}
	buf.Reset()
	if err := Encode(&buf, Default(), nil); err != nil || strings.Contains(buf.String(), "table") {
		t.Errorf("a compact device's file mentions a table: %v", err)
	}
	for _, c := range []struct{ in, want string }{
		{`{"memristor": {"table": {"i_A": [1e-7, 1e-6], "v_V": [1.9, -1]}}}`, "row 2: v_V"},
		{`{"memristor": {"table": {"i_A": [1e-6, 1e-7], "v_V": [1.9, 1.8]}}}`, "row 2: i_A"},
		{`{"memristor": {"table": {"i_A": [1e-6, 2e-6], "v_V": [1.0, 2.5]}}}`, "resistance rises"},
		{`{"memristor": {"table": {"i_A": [1e-6, 2e-6], "v_V": [1, 1.5], "bogus": 1}}}`, "bogus"},
		{`{"memristor": {"table": {"i_A": "x", "v_V": [1, 1.5]}}}`, "i_A"},
		{`{"memristor": {"table": {"i_A": [1e-6, 2e-6], "v_V": [1, 1.5], "default_kinetics": ["g_max_S"]}}}`, "default_kinetics"},
	} {
		_, err := Decode(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %q", c.in, err, c.want)
		}
	}
}
