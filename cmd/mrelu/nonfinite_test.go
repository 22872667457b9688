package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNonFiniteRuns: command lines that used to hang or to fail at the
// end with "json: unsupported value: NaN" now finish quickly: refused up
// front (exit 2, naming the field), degenerate (exit 1 after writing the
// files, one line), or written with null and a reason (exit 0).
func TestNonFiniteRuns(t *testing.T) {
	data := tinyData(t)
	tests := []struct {
		name  string
		args  []string
		code  int
		want  string   // in stderr
		files []string // written into --out
		check func(t *testing.T, out string)
	}{
		{"iv slow dwell", []string{"device", "iv", "--dwell", "1", "--cycles", "2"}, 0, "", []string{"iv_summary.json"}, nil},
		{"iv dwell 1e100", []string{"device", "iv", "--dwell", "1e100", "--cycles", "2"}, 2, "dwell = 1e+100 s", nil, nil},
		{"pulse width 1e300", []string{"device", "pulse", "--width", "1e300", "--pulses", "2"}, 2, "single_pulse.width = 1e+300 s", nil, nil},
		{"pulse amplitude 1e300", []string{"device", "pulse", "--amplitude", "1e300", "--pulses", "2"}, 2, "single_pulse.amplitude = 1e+300 V", nil, nil},
		{"iv icc 1e300", []string{"device", "iv", "--icc", "1e300", "--cycles", "2"}, 1, "mrelu: device iv: no cycle reached Icc/2",
			[]string{"iv_summary.json", "iv.csv", "set_hold.csv", "params.json", "iv.png"}, func(t *testing.T, out string) {
				var s map[string]any
				readJSON(t, filepath.Join(out, "iv_summary.json"), &s)
				if set, _ := s["set_V"].(map[string]any); set == nil || set["median"] != nil {
					t.Errorf("set_V = %v, want a null median", s["set_V"])
				}
				if r, _ := s["null_reason"].(string); !strings.Contains(r, "never switched") {
					t.Errorf("null_reason = %q", r)
				}
			}},
		{"train lr 1e-50", []string{"train", "--data", data, "--act", "relu", "--epochs", "1", "--batch", "30", "--hidden", "8", "--lr", "1e-50"}, 0, "",
			[]string{"summary.json", "metrics.csv"}, func(t *testing.T, out string) {
				var s map[string]any
				readJSON(t, filepath.Join(out, "summary.json"), &s)
				if v, ok := s["update_ratio_first_last"]; !ok || v != nil {
					t.Errorf("update_ratio_first_last = %v, want null", v)
				}
				if r, _ := s["update_ratio_null_reason"].(string); !strings.Contains(r, "0/0") {
					t.Errorf("update_ratio_null_reason = %q", r)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o")
			var so, se bytes.Buffer
			done := make(chan int, 1)
			start := time.Now()
			go func() { done <- run(append(tc.args, "--out", out), &so, &se) }()
			var code int
			select {
			case code = <-done:
			case <-time.After(20 * time.Second):
				t.Fatalf("%v: still running after 20 s", tc.args)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%v took %v", tc.args, d)
			}
			msg := se.String()
			if tc.code != 0 {
				wantOneLine(t, tc.args, msg)
			}
			if code != tc.code || !strings.Contains(msg, tc.want) {
				t.Fatalf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, msg, tc.code, tc.want)
			}
			for _, f := range tc.files {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("%s not written: %v", f, err)
				}
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}
