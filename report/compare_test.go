package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/params"
)

// tinyCompare compares the default device with a viable device of lower
// threshold and r_d and one that is always on (not a working ReLU), with
// a two-epoch training on the tiny data set.
var tinyCompareRun fixture[*experiment.CompareResult]

func tinyCompare(t *testing.T) *experiment.CompareResult {
	t.Helper()
	return tinyCompareRun.get(t, func() (*experiment.CompareResult, error) {
		low := params.Default()
		low.Device.Memristor.Vth, low.Device.Memristor.RD, low.Neuron.VDD = 1.9, 2.5e5, 1.92
		on := params.Default()
		on.Device.Memristor.Vth = 1.5
		c := experiment.QuickCompareConfig()
		c.Devices = []experiment.CompareDevice{{Name: "fitted", Source: "fit/params.json", Setup: low}, {Name: "always-on", Source: "on.json", Setup: on}}
		c.Train.Data = tinyData(t, 200, 60)
		c.Train.Hidden = []int{12, 8}
		c.Train.Batch = 20
		c.Train.Epochs = 3
		c.TrainImages, c.TestImages = 0, 0
		return experiment.Compare(c)
	})
}

// TestWriteCompare: compare.json has a column per device and the paper
// with numbers or null (never NaN), compare.csv a row per quantity, the
// figures and compare.html exist, and a device that is not viable says
// so where its training would be.
func TestWriteCompare(t *testing.T) {
	r := tinyCompare(t)
	dir := t.TempDir()
	s, err := WriteCompare(dir, r, CompareOptions{Command: "mrelu compare fit/params.json on.json --quick"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "compare.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "NaN") || strings.Contains(string(b), "Inf") {
		t.Error("compare.json holds NaN or Inf")
	}
	var j struct {
		Columns    []string `json:"columns"`
		Quantities []struct {
			Key    string     `json:"key"`
			Values []*float64 `json:"values"`
			Texts  []string   `json:"texts"`
		} `json:"quantities"`
		Devices []struct {
			Name     string            `json:"name"`
			Viable   bool              `json:"viable"`
			Accuracy []float64         `json:"test_accuracy_per_epoch"`
			Errors   map[string]string `json:"errors"`
		} `json:"devices"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if strings.Join(j.Columns, ",") != "default,fitted,always-on,paper" || len(j.Devices) != 3 {
		t.Fatalf("columns %q, %d devices", j.Columns, len(j.Devices))
	}
	nulls := map[string][]bool{}
	for _, q := range j.Quantities {
		if n := len(q.Values) + len(q.Texts); n != 4 {
			t.Errorf("%s: %d cells for 4 columns", q.Key, n)
		}
		for _, v := range q.Values {
			nulls[q.Key] = append(nulls[q.Key], v == nil)
		}
	}
	for key, want := range map[string]string{"i90_A": "ffft", "device_latency_s": "ffff", "test_accuracy": "fftt", "accuracy_epoch_3": "fftt", "off_level_V": "ffff"} {
		got := ""
		for _, n := range nulls[key] {
			got += map[bool]string{true: "t", false: "f"}[n]
		}
		if got != want {
			t.Errorf("%s null per column %q, want %q", key, got, want)
		}
	}
	if d := j.Devices[2]; d.Viable || len(d.Accuracy) != 0 || !strings.HasPrefix(d.Errors["train"], "not viable: ") {
		t.Errorf("always-on device: %+v", d)
	}
	if d := j.Devices[1]; !d.Viable || len(d.Accuracy) != 3 {
		t.Errorf("fitted device: %+v", d)
	}
	for _, f := range append([]string{"compare.csv", "compare.html", "transfer.csv", "r_of_i.csv", "accuracy.csv", "params/default.json", "params/fitted.json", "params/always-on.json"}, s.Figures...) {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if len(s.Figures) != 5 {
		t.Errorf("figures %q, want transfer, r_of_i, accuracy, latency, energy", s.Figures)
	}
	if p, err := params.Load(filepath.Join(dir, "params", "fitted.json")); err != nil || p.Device.Memristor.Vth != 1.9 || p.Neuron.VDD != 1.92 {
		t.Errorf("params/fitted.json: %v %+v", err, p.Device.Memristor)
	}
	rows := readCSV(t, filepath.Join(dir, "compare.csv"))
	if strings.Join(rows[0], ",") != "key,quantity,unit,default,fitted,always-on,paper" || len(rows) != len(j.Quantities)+1 {
		t.Errorf("compare.csv header %q, %d rows for %d quantities", rows[0], len(rows)-1, len(j.Quantities))
	}
	h, err := os.ReadFile(filepath.Join(dir, "compare.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(h)
	for _, want := range []string{"<th>default</th><th>fitted</th><th>always-on</th><th>paper</th>", "always-on is not a working ReLU neuron", "not viable: ", "Quick run"} {
		if !strings.Contains(page, want) {
			t.Errorf("compare.html lacks %q", want)
		}
	}
}
