package report

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteSweep: seeds are averaged per design point (NaN metrics left
// out), and a random design gets its scatter plots, one per parameter.
func TestWriteSweep(t *testing.T) {
	dir := t.TempDir()
	d := SweepData{Name: "r", Varied: []string{"a", "b"}, Metrics: []string{"accuracy", "energy_J"}, Random: true}
	for i, r := range [][4]float64{{1, 10, 0.9, 1e-9}, {1, 10, 0.8, math.NaN()}, {2, 20, 0.7, 2e-9}} {
		d.Rows = append(d.Rows, SweepRow{Index: i, Params: map[string]string{"a": F(r[0]), "b": F(r[1])}, Seed: F(float64(i)), Metrics: []float64{r[2], r[3]}})
	}
	written, err := WriteSweep(dir, d, true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	want := "a,b,accuracy_n,accuracy_mean,accuracy_sd,energy_J_n,energy_J_mean,energy_J_sd\n1,10,2,0.8500000000000001,0.07071067811865474,1,1e-09,0\n2,20,1,0.7,0,1,2e-09,0\n"
	if string(b) != want {
		t.Errorf("summary.csv:\n%s\nwant\n%s", b, want)
	}
	all := strings.Join(written, " ")
	for _, f := range []string{"plots/accuracy_vs_a.png", "plots/energy_J_vs_b.svg", "plots/tradeoff_accuracy_vs_energy_J.png"} {
		if !strings.Contains(all, f) {
			t.Errorf("%s not written (%s)", f, all)
		}
	}
	if strings.Contains(all, "heatmap") {
		t.Errorf("a heat map for a random design: %s", all)
	}
}

func TestSweepAxisLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"memristor.r_d_ohm", "memristor.r_d_ohm (Ω)"},
		{"neuron.vdd_V", "neuron.vdd_V (V)"},
		{"energy_per_activation_J", "energy_per_activation_J (J)"},
		{"latency_s", "latency_s (s)"},
		{"tft.mobility_m2_per_Vs", "tft.mobility_m2_per_Vs (m²/(V·s))"},
		{"slope_V_per_A", "slope_V_per_A (V/A)"},
		{"test_accuracy", "test_accuracy (–)"},
		{"variation", "variation (–)"},
		{"seed", "seed (–)"},
	} {
		if got := sweepAxisLabel(c.in); got != c.want {
			t.Errorf("%s: %q, want %q", c.in, got, c.want)
		}
	}
}
