package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/npy"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
)

// ExportFiles lists what WriteTrainExport writes (with plots) for a network
// of the given number of synaptic layers, relative to the run folder.
func ExportFiles(layers int) []string {
	var f []string
	for l := 1; l <= layers; l++ {
		f = append(f, fmt.Sprintf("weights/layer%d_W.npy", l), fmt.Sprintf("weights/layer%d_b.npy", l),
			fmt.Sprintf("conductance/array%d_gplus_S.csv", l), fmt.Sprintf("conductance/array%d_gminus_S.csv", l))
	}
	return append(f, "confusion.csv", "confusion.png", "confusion.svg")
}

// WriteTrainExport writes a trained network for other tools into dir:
//   - weights/layer<l>_W.npy (float32, In×Out, W[i][j] connects input i to
//     output j, as nn.Dense) and weights/layer<l>_b.npy (Out): numpy's
//     .npy format, which numpy.load and torch.from_numpy read; a PyTorch
//     nn.Linear takes W transposed;
//   - conductance/array<l>_gplus_S.csv and _gminus_S.csv: the differential
//     pair of every synapse after the mapping onto crossbar arrays, in S,
//     In+1 rows (the bias row last) of Out comma-separated values, as
//     programmed with the crossbar parameters xp (the run's, or the
//     defaults);
//   - confusion.csv (true class per row, predicted class per column, counts
//     over the test set in the final evaluation) and confusion.png/.svg.
func WriteTrainExport(dir string, r *experiment.TrainRun, xp crossbar.Params, plots bool) error {
	if r == nil || r.Net == nil {
		return fmt.Errorf("report: export: no network")
	}
	for _, sub := range []string{"weights", "conductance"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("report: export: %w", err)
		}
	}
	for l, d := range r.Net.Layers {
		var b bytes.Buffer
		if err := npy.Write(&b, []int{d.In, d.Out}, d.W); err != nil {
			return fmt.Errorf("report: export layer %d: %w", l+1, err)
		}
		if err := WriteFileAtomic(filepath.Join(dir, "weights", fmt.Sprintf("layer%d_W.npy", l+1)), b.Bytes()); err != nil {
			return err
		}
		b.Reset()
		if err := npy.Write(&b, []int{d.Out}, d.B); err != nil {
			return fmt.Errorf("report: export layer %d: %w", l+1, err)
		}
		if err := WriteFileAtomic(filepath.Join(dir, "weights", fmt.Sprintf("layer%d_b.npy", l+1)), b.Bytes()); err != nil {
			return err
		}
	}
	nw, err := crossbar.New(r.Net, nil, xp)
	if err != nil {
		return fmt.Errorf("report: export: %w", err)
	}
	for l, arr := range nw.Layers {
		gp, gn := arr.Conductances()
		out := r.Net.Layers[l].Out
		for _, m := range []struct {
			name string
			g    []float32
		}{{"gplus", gp}, {"gminus", gn}} {
			var b bytes.Buffer
			for i := 0; i < len(m.g); i += out {
				for j, g := range m.g[i : i+out] {
					if j > 0 {
						b.WriteByte(',')
					}
					b.WriteString(strconv.FormatFloat(float64(g), 'g', 6, 32))
				}
				b.WriteByte('\n')
			}
			if err := WriteFileAtomic(filepath.Join(dir, "conductance", fmt.Sprintf("array%d_%s_S.csv", l+1, m.name)), b.Bytes()); err != nil {
				return err
			}
		}
	}
	return writeConfusion(dir, r, plots)
}

// writeConfusion counts the test set's (true, predicted) pairs from the
// output layer's pre-activations of the final evaluation.
func writeConfusion(dir string, r *experiment.TrainRun, plots bool) error {
	k := r.Sizes[len(r.Sizes)-1]
	cm := make([][]int, k)
	for i := range cm {
		cm[i] = make([]int, k)
	}
	if r.Result != nil && len(r.Result.PreActivations) > 0 && r.Test != nil {
		logits := r.Result.PreActivations[len(r.Result.PreActivations)-1]
		n := min(r.Test.N, len(logits)/k)
		for s := 0; s < n; s++ {
			row := logits[s*k : (s+1)*k]
			best := 0
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
			if t := int(r.Test.Labels[s]); t < k {
				cm[t][best]++
			}
		}
	}
	header := []string{"true_class"}
	for j := 0; j < k; j++ {
		header = append(header, "predicted_"+strconv.Itoa(j))
	}
	rows := make([][]string, k)
	z := make([]float64, k*k)
	for i := range cm {
		rows[i] = []string{strconv.Itoa(i)}
		total := 0
		for _, c := range cm[i] {
			total += c
		}
		for j, c := range cm[i] {
			rows[i] = append(rows[i], strconv.Itoa(c))
			if total > 0 {
				z[i*k+j] = 100 * float64(c) / float64(total)
			}
		}
	}
	if err := WriteCSV(filepath.Join(dir, "confusion.csv"), header, rows); err != nil {
		return err
	}
	if !plots {
		return nil
	}
	cmap := moreland.SmoothBlueRed()
	hi := math.Max(floats.Max(z), 1)
	m := &HeatMap{Title: "Confusion matrix on the test set (% of each true class)", W: k, H: k, Z: z, Min: 0, Max: hi, CMap: cmap,
		Label: "share of the true class (%)", Values: cellValue,
		XLabel: "predicted class (–)", YLabel: "true class (–)"}
	return SaveHeatMaps(filepath.Join(dir, "confusion"), [][]*HeatMap{{m}}, vg.Points(340), vg.Points(300))
}
