package report

import (
	"strings"
	"testing"

	"github.com/mrelu/mrelu/experiment"
)

// fig4TableSummary is a hand-made Fig. 4 summary: four compared neurons
// over 3 seeds and, with paper, the paper-setting run.
func fig4TableSummary(paper bool) Fig4Summary {
	stats := func(a ...float64) experiment.SeedStats {
		var per []experiment.SeedAccuracy
		for k, v := range a {
			per = append(per, experiment.SeedAccuracy{Seed: uint64(k + 1), TestAccuracy: v})
		}
		return experiment.NewSeedStats(per)
	}
	curves := func(a ...float64) experiment.SeedCurves { return experiment.SeedCurves{SeedStats: stats(a...)} }
	p954 := 0.954
	s := Fig4Summary{Seeds: 3, Params: experiment.DefaultFig4Params(), Runs: []Fig4Run{
		{Act: "sigmoid", Folder: "runs/sigmoid", SeedCurves: curves(0.91, 0.90, 0.92)},
		{Act: "relu", Folder: "runs/relu", SeedCurves: curves(0.976, 0.975, 0.974)},
		{Act: experiment.ActMReLUIdeal, Folder: "runs/mrelu-ideal", InputScale: 7.78e-7, SeedCurves: curves(0.974, 0.975, 0.973)},
		{Act: experiment.ActMReLU, Folder: "runs/mrelu", NoiseModel: "proportional", Variation: 0.099, InputScale: 7.78e-7, SeedCurves: curves(0.9736, 0.974, 0.9735), PaperAccuracy: &p954},
		{Act: experiment.ActMReLU, Folder: "runs/mrelu-var30", NoiseModel: "proportional", Variation: 0.3, SeedCurves: curves(0.96, 0.96, 0.96)},
	}}
	s.BestHardwareAware = &Fig4Setting{Run: "mrelu", Label: "our best hardware-aware result", SeedStats: s.Runs[3].SeedStats}
	if paper {
		fr := Fig4Run{Act: experiment.ActMReLU, Folder: "runs/" + experiment.PaperSettingName, Label: "reproducing the paper's setting",
			NoiseModel: "fullscale", Variation: 0.099, InputScale: experiment.PaperSettingInputScale, SeedCurves: curves(0.9609, 0.9567, 0.9547), PaperAccuracy: &p954}
		s.Runs = append(s.Runs, fr)
		s.PaperSetting = &Fig4Setting{Run: experiment.PaperSettingName, Label: fr.Label, NoiseModel: fr.NoiseModel, Variation: fr.Variation,
			InputScale: fr.InputScale, SeedStats: fr.SeedStats, PaperAccuracy: &p954}
	}
	return s
}

// TestFig4Table: the report's Fig. 4 table has a row per compared neuron,
// and right after our best hardware-aware result the row reproducing the
// paper's setting (mean ± s.d. beside 95.4 %), or, when it was not run,
// a row saying so and why.
func TestFig4Table(t *testing.T) {
	tab := Fig4Table(fig4TableSummary(true), false)
	if len(tab.Rows) != 5 || len(tab.Emphasis) != 5 {
		t.Fatalf("%d rows: %q", len(tab.Rows), tab.Rows)
	}
	for k, name := range []string{"sigmoid", "relu", "mrelu-ideal", "mrelu", experiment.PaperSettingName} {
		if tab.Rows[k][0] != name {
			t.Errorf("row %d is %q, want %s", k, tab.Rows[k][0], name)
		}
	}
	best, paper := tab.Rows[3], tab.Rows[4]
	if !strings.HasPrefix(best[1], "our best hardware-aware result") || best[2] != "97.37 ± 0.03 %" {
		t.Errorf("best hardware-aware row %q", best)
	}
	if !strings.HasPrefix(paper[1], "reproducing the paper's setting: fullscale noise, σ = 9.9 % of VDD, 3.333 µA per unit") ||
		paper[2] != "95.74 ± 0.32 %" || paper[3] != "96.09, 95.67, 95.47" || paper[4] != "95.4 %" || !tab.Emphasis[4] {
		t.Errorf("paper-setting row %q", paper)
	}
	for _, quick := range []bool{true, false} {
		tab := Fig4Table(fig4TableSummary(false), quick)
		if len(tab.Rows) != 5 {
			t.Fatalf("quick %v: %d rows", quick, len(tab.Rows))
		}
		row := tab.Rows[4]
		want := "not run (no paper-setting configuration"
		if quick {
			want = "not run in quick mode"
		}
		if row[0] != experiment.PaperSettingName || !strings.Contains(row[1], want) || row[2] != "–" {
			t.Errorf("quick %v: row %q, want it to say %q", quick, row, want)
		}
	}
}
