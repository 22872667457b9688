package main

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/params"
)

// readTransfer returns the i_in_A and vout_V columns of a transfer.csv.
func readTransfer(t *testing.T, path string) (i, v []float64) {
	t.Helper()
	head, rows := readCSV(t, path)
	if len(rows) < 1 || len(head) < 2 || head[0] != "i_in_A" || head[1] != "vout_V" {
		t.Fatalf("%s: %d rows, header %v", path, len(rows), head)
	}
	for _, r := range rows {
		a, _ := strconv.ParseFloat(r[0], 64)
		b, _ := strconv.ParseFloat(r[1], 64)
		i, v = append(i, a), append(v, b)
	}
	return i, v
}

// TestTabulatedHostileDevices (issue 13 item 3): a tabulated version of
// each power-law device is read, checked and gets the verdict of its
// compact fit (not a working ReLU at VDD = 2 V) from neuron check, paper,
// edges and train, which refuse it before any work; neuron transfer runs
// on it; tabulate.json and neuron check say which kinetics are defaults.
func TestTabulatedHostileDevices(t *testing.T) {
	dir := t.TempDir()
	data := tinyData(t)
	eachHostileDevice(t, dir, func(t *testing.T, name, csvPath string) {
		tab := filepath.Join(dir, name+"-tab")
		so, _ := runOK(t, "device", "tabulate", "--data", csvPath, "--out", tab)
		if !strings.Contains(so, "use the default kinetics") || !strings.Contains(so, "not a working ReLU") {
			t.Errorf("tabulate stdout:\n%s", so)
		}
		var tj struct {
			Rows            int      `json:"rows"`
			DefaultKinetics []string `json:"default_kinetics"`
			MaxRowError     float64  `json:"max_row_error"`
			Viable          bool     `json:"neuron_viable_at_2V"`
			Extrapolation   []string `json:"extrapolation"`
		}
		readJSON(t, filepath.Join(tab, "tabulate.json"), &tj)
		if tj.Rows != 30 || len(tj.DefaultKinetics) != 5 || tj.MaxRowError > 1e-9 || tj.Viable || len(tj.Extrapolation) != 3 {
			t.Errorf("tabulate.json: %+v", tj)
		}
		requireFiles(t, tab, "tabulate.png", "tabulate.svg", "tabulate.csv", "tabulate_curve.csv")
		pf := filepath.Join(tab, "params.json")
		s, err := params.Load(pf)
		if err != nil || !s.Device.Memristor.Tabulated() || len(s.Device.Memristor.Table.I) != 30 {
			t.Fatalf("params.json: %v", err)
		}
		// The compact fit of the same data: not viable either.
		fit := filepath.Join(dir, name+"-fit")
		runOK(t, "device", "fit", "--data", csvPath, "--out", fit)
		if code, _, _ := runCode("neuron", "check", "--params", filepath.Join(fit, "params.json"), "--out", filepath.Join(dir, name+"-fitcheck")); code != 1 {
			t.Errorf("the compact fit's neuron check: exit %d, want 1", code)
		}
		code, so, se := runCode("neuron", "check", "--params", pf, "--out", filepath.Join(dir, name+"-check"))
		if code != 1 || !strings.Contains(se, "not a working ReLU neuron at VDD = 2 V") || !strings.Contains(so, "tabulated memristor (30 rows from "+name+".csv") ||
			!strings.Contains(so, "default kinetics") {
			t.Fatalf("neuron check: exit %d\n%s%s", code, so, se)
		}
		verdict := strings.TrimPrefix(strings.TrimSpace(se), "mrelu: neuron check: ")
		// neuron transfer runs on it.
		tr := filepath.Join(dir, name+"-transfer")
		runOK(t, "neuron", "transfer", "--params", pf, "--points", "101", "--plots=false", "--out", tr)
		if i, v := readTransfer(t, filepath.Join(tr, "transfer.csv")); len(i) != 101 || math.IsNaN(v[50]) {
			t.Errorf("transfer.csv: %d rows", len(i))
		}
		requireRefused(t, dir, name, pf, verdict, [][]string{
			{"paper", "--quick", "--data", data},
			{"edges", "--plots=false"},
			{"train", "--act", "mrelu", "--data", data, "--epochs", "2", "--hidden", "8"},
		})
	})
}

// TestTabulatedDefaultDevice (issue 13 item 3): the default device
// tabulated from its own steady state (device sweep's r_vs_i.csv, 50
// rows 0.1–5 µA) is viable and runs through neuron transfer (the same
// curve as the compact device), edges, train --act mrelu --epochs 2 and
// paper --quick.
func TestTabulatedDefaultDevice(t *testing.T) {
	dir, data, img := paperInputs(t)
	runOK(t, "device", "sweep", "--out", filepath.Join(dir, "sweep"))
	tab := filepath.Join(dir, "tab")
	so, _ := runOK(t, "device", "tabulate", "--data", filepath.Join(dir, "sweep", "r_vs_i.csv"), "--out", tab)
	if !strings.Contains(so, "viable: a working ReLU at VDD = 2 V") || !strings.Contains(so, "threshold Vhold(0) 1.98 V") {
		t.Errorf("tabulate stdout:\n%s", so)
	}
	pf := filepath.Join(tab, "params.json")
	code, so, se := runCode("neuron", "check", "--params", pf, "--out", filepath.Join(dir, "check"))
	if code != 0 || !strings.Contains(so, "tabulated memristor (50 rows") || strings.Contains(so, "FAIL") {
		t.Fatalf("neuron check: exit %d\n%s%s", code, so, se)
	}
	runOK(t, "neuron", "transfer", "--points", "241", "--plots=false", "--out", filepath.Join(dir, "compact"))
	runOK(t, "neuron", "transfer", "--params", pf, "--points", "241", "--plots=false", "--out", filepath.Join(dir, "tabulated"))
	ic, vc := readTransfer(t, filepath.Join(dir, "compact", "transfer.csv"))
	it, vt := readTransfer(t, filepath.Join(dir, "tabulated", "transfer.csv"))
	if len(ic) != len(it) {
		t.Fatalf("%d vs %d points", len(ic), len(it))
	}
	worst := 0.0
	for k := range ic {
		worst = math.Max(worst, math.Abs(vt[k]-vc[k]))
	}
	t.Logf("tabulated vs compact transfer curve: max |ΔVout| = %.3g V over %d points", worst, len(ic))
	if worst > 1e-6 {
		t.Errorf("tabulated default device's transfer curve differs by %g V from the compact one", worst)
	}

	runOK(t, "edges", "--params", pf, "--image", img, "--plots=false", "--out", filepath.Join(dir, "edges"))
	tr := filepath.Join(dir, "train")
	runOK(t, "train", "--act", "mrelu", "--params", pf, "--data", data, "--epochs", "2", "--hidden", "8", "--batch", "30", "--out", tr)
	if s, err := params.Load(filepath.Join(tr, "params.json")); err != nil || !s.Device.Memristor.Tabulated() {
		t.Errorf("train's params.json lost the table: %v", err)
	}
	p := filepath.Join(dir, "paper")
	runOK(t, "paper", "--quick", "--params", pf, "--data", data, "--epochs", "1", "--image", img, "--ngspice=false", "--out", p)
	if s, err := params.Load(filepath.Join(p, "params.json")); err != nil || !s.Device.Memristor.Tabulated() {
		t.Errorf("paper's params.json lost the table: %v", err)
	}
}

// TestTabulateErrors: bad input is an error naming the file or flag.
func TestTabulateErrors(t *testing.T) {
	dir := t.TempDir()
	rising := writeFile(t, filepath.Join(dir, "rising.csv"), "i_A,r_ohm\n1e-7,1.95e7\n2e-7,9.5e6\n3e-7,1e7\n4e-7,4.6e6\n5e-7,3.6e6\n")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"device", "tabulate"}, 2, "--data"},
		{[]string{"device", "tabulate", "--data", filepath.Join(dir, "missing.csv")}, 1, "missing.csv"},
		{[]string{"device", "tabulate", "--data", rising, "--strict"}, 1, "R rises from 9.5e+06 Ω at 2e-07 A"},
	} {
		wantExit(t, c.code, append(c.args, "--out", filepath.Join(dir, "o")), c.want)
	}
	// Pooled by default: rows 1–2 become one level.
	o := filepath.Join(dir, "pooled")
	so, _ := runOK(t, "device", "tabulate", "--data", rising, "--out", o)
	if !strings.Contains(so, "2 rows pooled") {
		t.Errorf("stdout: %s", so)
	}
}
