package report

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mrelu/mrelu/experiment"
)

// figureWriter is one entry of the figure registry: a writer run on small
// but real data at the report's figure sizes. Add an entry for every new
// writer of figures (compare, sweep, ...): TestFigures checks each figure
// it saves (SaveFigure and SaveHeatMaps report them through figureHook).
type figureWriter struct {
	name string
	// min is the least number of figures the writer must produce.
	min   int
	write func(t *testing.T, dir string) error
}

// figureWriters is the registry of figure writers under the figure check.
var figureWriters = []figureWriter{
	{"paper (every figure of report.html)", 40, func(t *testing.T, dir string) error {
		r := tinyPaper(t)
		_, err := WritePaper(dir, r, PaperOptions{Command: "mrelu paper --quick"})
		return err
	}},
	{"compare: the default device, a fitted one and one that is not viable", 5, func(t *testing.T, dir string) error {
		_, err := WriteCompare(dir, tinyCompare(t), CompareOptions{Command: "mrelu compare --quick"})
		return err
	}},
	{"sweep merge: one parameter with seeds, a trade-off", 3, func(t *testing.T, dir string) error {
		_, err := WriteSweep(dir, tinySweep([]string{"memristor.r_d_ohm"}, 3), true)
		return err
	}},
	{"sweep merge: two parameters (heat maps)", 2, func(t *testing.T, dir string) error {
		_, err := WriteSweep(dir, tinySweep([]string{"memristor.r_d_ohm", "neuron.vdd_V"}, 1), true)
		return err
	}},
}

// tinySweep is a grid sweep over the varied parameters (3 values each) with
// seeds per point and two metrics that depend smoothly on the parameters
// and the seed: what `mrelu sweep merge` hands WriteSweep.
func tinySweep(varied []string, seeds int) SweepData {
	d := SweepData{Name: "tiny", Experiment: "train", Varied: varied, Metrics: []string{"test_accuracy", "energy_per_activation_J"}}
	vals := []float64{2e5, 3e5, 4e5}
	n := 1
	for range varied {
		n *= len(vals)
	}
	idx := 0
	for p := 0; p < n; p++ {
		params := map[string]string{}
		x, q := 0.0, p
		for k, name := range varied {
			v := vals[q%len(vals)]
			q /= len(vals)
			if k == 1 {
				v = 1.98 + 0.01*float64(p%3)
			}
			params[name] = F(v)
			x += v / 1e6
		}
		for sd := 0; sd < seeds; sd++ {
			d.Rows = append(d.Rows, SweepRow{Index: idx, Params: params, Seed: F(float64(sd + 1)),
				Metrics: []float64{0.95 - 0.02*x + 0.001*float64(sd), 1e-12 * (1 + 5*x)}})
			idx++
		}
	}
	return d
}

// tinyPaper runs the whole paper on the quick setting, shrunk further: a
// tiny synthetic data set for Fig. 4, fewer cycles and devices.
var tinyPaperRun fixture[*experiment.PaperResult]

func tinyPaper(t *testing.T) *experiment.PaperResult {
	t.Helper()
	return tinyPaperRun.get(t, func() (*experiment.PaperResult, error) {
		c := experiment.QuickPaperConfig()
		c.IV.Cycles = 10
		c.MonteCarlo.Devices = 6
		c.Ngspice = experiment.NgspiceAvailable() // the SPICE figures too, when ngspice is installed
		c.Fig4.Base.Data = tinyData(t, 300, 90)
		c.Fig4.Base.Hidden = []int{16, 12, 8}
		c.Fig4.Base.Batch = 30
		c.Fig4.Base.Epochs = 4
		return experiment.Paper(context.Background(), c, experiment.PaperProgress{})
	})
}

// checkFigures runs write with the figure hook installed and fails, naming
// the figure (its file without extension, relative to dir) and the panel,
// for every problem CheckPanel finds. It returns the figures seen.
func checkFigures(t *testing.T, dir string, write func() error) []string {
	t.Helper()
	var mu sync.Mutex
	probs := map[string][]string{}
	var seen []string
	old := SetFigureHook(func(base string, panels []PlacedPanel) {
		name, err := filepath.Rel(dir, base)
		if err != nil {
			name = base
		}
		var ps []string
		for i, pp := range panels {
			for _, s := range CheckPanel(pp) {
				ps = append(ps, "panel "+strconv.Itoa(i+1)+" ("+pp.Plot.Title.Text+"): "+s)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, name)
		if len(ps) > 0 {
			probs[name] = append(probs[name], ps...)
		}
	})
	defer SetFigureHook(old)
	if err := write(); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(probs))
	for n := range probs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Errorf("figure %s:\n\t%s", n, strings.Join(probs[n], "\n\t"))
	}
	sort.Strings(seen)
	return seen
}

// TestFigures is the figure check of issue 19: every figure of every
// registered writer, at its report size, has labelled axes with units, at
// least two labelled ticks on a log axis, and a legend that covers no
// data.
func TestFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole (tiny) paper")
	}
	for _, w := range figureWriters {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			seen := checkFigures(t, dir, func() error { return w.write(t, dir) })
			if len(seen) < w.min {
				t.Errorf("%d figures checked, want at least %d: %q", len(seen), w.min, seen)
			}
			t.Logf("%d figures checked", len(seen))
		})
	}
}
