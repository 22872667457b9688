package experiment

import (
	"math"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/params"
)

// tinyCompareConfig is the quick comparison shrunk to a tiny data set.
func tinyCompareConfig(t *testing.T, devs ...CompareDevice) CompareConfig {
	t.Helper()
	data := t.TempDir()
	if err := dataset.WriteTinySet(data, 200, "train", 1); err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteTinySet(data, 60, "t10k", 2); err != nil {
		t.Fatal(err)
	}
	c := QuickCompareConfig()
	c.Devices = devs
	c.Train.Data = data
	c.Train.Hidden = []int{12, 8}
	c.Train.Batch = 20
	c.Train.Epochs = 2
	c.TrainImages, c.TestImages = 150, 0
	return c
}

// TestCompare: the default device first, a viable user device and one
// that is not a working ReLU, the paper last. The non-viable device keeps
// its transfer curve and R(I) and says why it was not trained; every
// quantity has a value (or NaN) per column.
func TestCompare(t *testing.T) {
	low := params.Default()
	low.Device.Memristor.Vth, low.Device.Memristor.RD, low.Neuron.VDD = 1.9, 2.5e5, 1.92
	on := params.Default()
	on.Device.Memristor.Vth = 1.5 // far below VDD = 2 V: always on
	cfg := tinyCompareConfig(t, CompareDevice{Name: "low", Source: "low.json", Setup: low}, CompareDevice{Name: "on", Source: "on.json", Setup: on})
	r, err := Compare(cfg)
	if err != nil {
		t.Fatal(err)
	}
	names := r.Names()
	if strings.Join(names, ",") != "default,low,on,paper" {
		t.Fatalf("columns %q", names)
	}
	if r.TrainN != 150 || r.TestN != 60 {
		t.Errorf("trained on %d / tested on %d images, want 150 / 60", r.TrainN, r.TestN)
	}
	for _, c := range r.Columns[:2] {
		if !c.Viable() || c.Train == nil || len(c.Train.Result.Epochs) != 2 || c.Transfer == nil || c.Sweep == nil || c.Pulse == nil || c.DevicePulse == nil || c.Table1 == nil {
			t.Errorf("%s: viable %v, parts missing: %v", c.Device.Name, c.Viable(), c.Errors)
		}
	}
	bad := r.Columns[2]
	if bad.Viable() || bad.Train != nil || !strings.HasPrefix(bad.Errors["train"], "not viable: ") || bad.Transfer == nil || bad.Sweep == nil {
		t.Errorf("non-viable column: viable %v, train %v, errors %v, transfer %v, sweep %v", bad.Viable(), bad.Train != nil, bad.Errors, bad.Transfer != nil, bad.Sweep != nil)
	}
	// The lower r_d reaches 90 % of its VDD at a larger current.
	i90 := func(k int) float64 { return r.Columns[k].Transfer.Metrics.I90 }
	if !(i90(1) > 1.1*i90(0)) {
		t.Errorf("I90 default %g A, low %g A: the user device did not move it", i90(0), i90(1))
	}
	if r.Config.Transfer.IMax < 1.2*i90(1) || r.Config.Transfer.IMax > ViableReach {
		t.Errorf("transfer range up to %g A does not cover I90 %g A", r.Config.Transfer.IMax, i90(1))
	}
	qs := r.Quantities()
	seen := map[string]CompareQuantity{}
	for _, q := range qs {
		seen[q.Key] = q
		if n := max(len(q.Value), len(q.Text)); n != len(names) {
			t.Errorf("%s: %d values for %d columns", q.Key, n, len(names))
		}
	}
	for key, want := range map[string][]bool{ // finite per column
		"i90_A":              {true, true, true, false},
		"device_latency_s":   {true, true, true, true},
		"energy_memristor_J": {true, true, true, true},
		"accuracy_epoch_2":   {true, true, false, false},
		"test_accuracy":      {true, true, false, false},
	} {
		q, ok := seen[key]
		if !ok {
			t.Errorf("no quantity %s", key)
			continue
		}
		for k, w := range want {
			if fin := !math.IsNaN(q.Value[k]) && !math.IsInf(q.Value[k], 0); fin != w {
				t.Errorf("%s[%s] = %g, want finite %v", key, names[k], q.Value[k], w)
			}
		}
	}
	if v := seen["verdict"].Text; v[0] != "viable" || !strings.HasPrefix(v[2], "NOT VIABLE") {
		t.Errorf("verdicts %q", v)
	}
	if v := seen["device_latency_s"].Value[3]; v != PaperLatency {
		t.Errorf("paper latency %g", v)
	}
	if tr := seen["training"].Text[2]; !strings.HasPrefix(tr, "not viable: ") {
		t.Errorf("training text of the non-viable device %q", tr)
	}
}

// TestCompareValidate: duplicate or reserved names and a software
// activation are refused, naming the problem.
func TestCompareValidate(t *testing.T) {
	d := CompareDevice{Name: "x", Setup: params.Default()}
	for _, tc := range []struct {
		mod  func(c *CompareConfig)
		want string
	}{
		{func(c *CompareConfig) { c.Devices = []CompareDevice{d, d} }, "used twice"},
		{func(c *CompareConfig) { c.Devices = []CompareDevice{{Name: "paper", Setup: params.Default()}} }, "reserved"},
		{func(c *CompareConfig) { c.Train.Act = "relu" }, "not a hardware neuron"},
		{func(c *CompareConfig) { c.RPoints = 1 }, "r_points"},
	} {
		c := DefaultCompareConfig()
		tc.mod(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error with %q", err, tc.want)
		}
	}
}
