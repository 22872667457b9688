package device

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/internal/testutil"
)

func TestParamsRoundTrip(t *testing.T) {
	p := DefaultParams()
	p.Memristor.Vth = 1.95
	p.TFT.Vth = 0.8
	path := filepath.Join(t.TempDir(), "params.json")
	if err := SaveParams(path, p); err != nil {
		t.Fatal(err)
	}
	q, err := LoadParams(path)
	if err != nil {
		t.Fatal(err)
	}
	if q != p {
		t.Errorf("round trip changed params:\n%+v\n%+v", p, q)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("SaveParams left %d files in the folder, want 1", len(ents))
	}
	raw, _ := os.ReadFile(path)
	for _, key := range []string{`"memristor"`, `"tft"`, `"v_th_V"`, `"r_d_ohm"`, `"tau_relax_s"`, `"g_max_S"`, `"mobility_m2_per_Vs"`, `"t_ox_m"`, `"ss_V_per_dec"`} {
		if !bytes.Contains(raw, []byte(key)) {
			t.Errorf("JSON lacks key %s", key)
		}
	}
}

func TestDecodeParamsPartialKeepsDefaults(t *testing.T) {
	p, err := DecodeParams(strings.NewReader(`{"memristor": {"r_d_ohm": 2e5}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultParams()
	want.Memristor.RD = 2e5
	if p != want {
		t.Errorf("got %+v", p)
	}
}

func TestDecodeParamsErrorsNameTheKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"memristor": {"v_th": 2}}`, `unknown field "v_th"`},
		{`{"tft": {"v_th_V": 1, "width": 3}}`, `unknown field "width"`},
		{`{"memristor": {"v_th_V": -1}}`, `v_th_V`},
		{`{"memristor": {"g_max_S": 1e-3}}`, `g_max_S`},
		{`{"tft": {"mobility_m2_per_Vs": 0}}`, `mobility_m2_per_Vs`},
		{`{"memristor": {"tau_set_s": "fast"}}`, `tau_set_s`},
		{`{"memristor": {}} {}`, `after the JSON object`},
		{`{"memristor": `, `unexpected EOF`},
		{`[]`, `cannot unmarshal`},
	}
	for _, tc := range tests {
		_, err := DecodeParams(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	if _, err := LoadParams(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadParams of a missing file succeeded")
	}
	bad := DefaultParams()
	bad.TFT.L = -1
	if err := SaveParams(filepath.Join(t.TempDir(), "bad.json"), bad); err == nil || !strings.Contains(err.Error(), "l_m") {
		t.Errorf("SaveParams of invalid params: %v", err)
	}
}

func FuzzDecodeParams(f *testing.F) {
	var buf bytes.Buffer
	if err := EncodeParams(&buf, DefaultParams()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	f.Add(`{"memristor": {"v_th_V": 1e308}}`)
	f.Add(`{"tft": {"ss_V_per_dec": 0.01}}`)
	f.Add(`{"memristor": null}`)
	f.Add(`{`)
	f.Add(`{"memristor": {"` + strings.Repeat("k", 2000) + `": 1}}`)
	f.Add(`{"memristor": {"table": {"i_A": [1e-7, 1e-6, 5e-6], "v_V": [1.95, 1.68, 0.5], "shift_V": -0.01}}}`)
	f.Add(`{"memristor": {"table": {"i_A": [1e-7, 1e-6], "v_V": [1.95, 3], "source": "x"}}}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := DecodeParams(strings.NewReader(in))
		if !testutil.Accepted(t, err, p.Validate) {
			return
		}
		var out bytes.Buffer
		if err := EncodeParams(&out, p); err != nil {
			t.Fatalf("cannot re-encode accepted params: %v", err)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatal("encoded invalid JSON")
		}
	})
}

func TestParamsAcceptSettingsRecord(t *testing.T) {
	in := `{"memristor": {}, "settings": {"command": "device iv", "seed": 3}}`
	p, err := DecodeParams(strings.NewReader(in))
	if err != nil {
		t.Fatalf("params with a settings record refused: %v", err)
	}
	if p.Settings == nil || !strings.Contains(string(*p.Settings), "device iv") {
		t.Fatalf("settings record not kept: %v", p.Settings)
	}
	if p.Memristor != DefaultMemristor() {
		t.Errorf("an empty memristor object changed the defaults")
	}
	if _, err := DecodeParams(strings.NewReader(`{"setting": 1}`)); err == nil || !strings.Contains(err.Error(), "setting") {
		t.Fatalf("unknown key not named: %v", err)
	}
}

func TestRelaxationWithoutSet(t *testing.T) {
	m := DefaultMemristor()
	p := DefaultPulseConfig()
	p.Amplitude = 1.0 // far below threshold: nothing switches
	r, err := Relaxation(m, p, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	if r.RelaxationTime != 0 {
		t.Fatalf("relaxation time %v for a pulse that never set the device, want 0", r.RelaxationTime)
	}
}

// TestParamsSkipNeuron: a run's params.json with a "neuron" object (neuron,
// edges, fig4, train, paper runs) loads here; its device part is read and
// the neuron object skipped (package params reads it).
func TestParamsSkipNeuron(t *testing.T) {
	in := `{"memristor": {"v_th_V": 1.9}, "neuron": {"vdd_V": 1.92, "anything": 1}, "settings": {"command": "paper"}}`
	p, err := DecodeParams(strings.NewReader(in))
	if err != nil {
		t.Fatalf("a run's params.json refused: %v", err)
	}
	if p.Memristor.Vth != 1.9 {
		t.Errorf("Vth %g, want 1.9", p.Memristor.Vth)
	}
	if _, err := DecodeParams(strings.NewReader(`{"neuron": {}, "memristor": {"v_th": 1}}`)); err == nil || !strings.Contains(err.Error(), "v_th") {
		t.Errorf("unknown memristor key beside a neuron object not named: %v", err)
	}
}
