package experiment

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/membudget"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/vision"
)

// Memory estimates of the training commands (train, fig4, paper), from the
// shapes a run knows before it allocates anything: the layer sizes, the
// minibatch, the number of runs and the data set's size from its files'
// headers (DataShape). docs/robustness.md ("Memory budget") gives the
// formula; membudget.Limit.Check compares an estimate with --max-memory.

// BaseMemory is what a training command holds besides its data and
// networks: the Go runtime, the program, the solved neuron and the
// report's figures (measured: about 40 MB for `mrelu train` on a tiny set).
const BaseMemory = 50e6

// CrossbarBytesPerParam is the memory of the crossbar arrays per weight or
// bias: G+, G−, the programming error and, with read noise, G+²+G−²
// (float32 each).
const CrossbarBytesPerParam = 16

// maxClasses bounds the classes of a data set before its labels are read
// (labels are bytes).
const maxClasses = 256

// DataShape returns the sizes of the data set named by dir ("" = MNIST)
// from its images files' headers, without loading it.
func DataShape(dir string) (dataset.Shape, error) {
	if dir == "" {
		d, err := dataset.MNISTDir()
		if err != nil {
			return dataset.Shape{}, err
		}
		dir = d
	}
	return dataset.ReadShape(dir)
}

// joinInts prints widths as the --hidden flag takes them.
func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// dataCauses names what the data items and the network items of an
// estimate are caused by: the images files (with --data when given), and
// --hidden or, when an image is larger than every hidden layer, the image
// size.
func dataCauses(p TrainParams, sh dataset.Shape) (train, test, network string) {
	from := "the built-in MNIST"
	if p.Data != "" {
		from = "--data " + p.Data
	}
	train = fmt.Sprintf("%s (%s: %d images of %dx%d)", sh.TrainImages, from, sh.TrainN, sh.Rows, sh.Cols)
	test = fmt.Sprintf("%s (%s: %d images of %dx%d)", sh.TestImages, from, sh.TestN, sh.Rows, sh.Cols)
	network = "--hidden " + joinInts(p.Hidden)
	widest := 0
	for _, h := range p.Hidden {
		widest = max(widest, h)
	}
	if sh.Dim() > widest && sh.Dim() > 4096 {
		network = fmt.Sprintf("%s (%s: images of %dx%d pixels) with --hidden %s", sh.TrainImages, from, sh.Rows, sh.Cols, joinInts(p.Hidden))
	}
	return train, test, network
}

// trainSizes are the layer sizes of a run on data of shape sh, with the
// largest possible number of classes (the labels are not read yet).
func trainSizes(p TrainParams, sh dataset.Shape) []int {
	return append(append([]int{sh.Dim()}, p.Hidden...), maxClasses)
}

// addData adds the training and test sets (one byte per pixel and label).
func addData(e *membudget.Estimate, p TrainParams, sh dataset.Shape) {
	tc, ec, _ := dataCauses(p, sh)
	dim := int64(sh.Dim())
	e.Add("training set", tc, membudget.SatMul(int64(sh.TrainN), dim+1))
	e.Add("test set", ec, membudget.SatMul(int64(sh.TestN), dim+1))
}

// addRun adds one training run: its network, gradients, workspace for the
// minibatch, the final evaluation's pre-activations, and the larger of a
// checkpoint's encoding and the crossbar evaluation (which converts the
// test set to float32).
func addRun(e *membudget.Estimate, p TrainParams, sh dataset.Shape, crossbar bool) nn.Memory {
	_, _, nc := dataCauses(p, sh)
	m := nn.MemoryOf(trainSizes(p, sh), p.Batch, sh.TrainN, sh.TestN)
	e.Add("weights and gradients", nc, membudget.SatAdd(m.Network, m.Gradients))
	e.Add(fmt.Sprintf("activations for batch %d", p.Batch), nc, m.Activations)
	_, ec, _ := dataCauses(p, sh)
	e.Add("test-set pre-activations", ec, membudget.SatAdd(m.PreActivations, m.Histograms))
	peak, what := m.Checkpoint, "checkpoint encoding"
	if crossbar {
		xb := membudget.SatAdd(membudget.SatMul(CrossbarBytesPerParam, m.Params), membudget.SatMul(4, int64(sh.TestN), int64(sh.Dim())))
		if xb > peak {
			peak, what = xb, "crossbar arrays"
		}
	}
	e.Add(what, nc, peak)
	return m
}

// TrainMemory estimates the peak memory of `mrelu train` with p on data of
// shape sh: the data sets as bytes, one run (addRun) with its crossbar
// evaluation, and BaseMemory.
func TrainMemory(p TrainParams, sh dataset.Shape) membudget.Estimate {
	var e membudget.Estimate
	e.Add("program", "", BaseMemory)
	addData(&e, p, sh)
	addRun(&e, p, sh, true)
	return e
}

// Fig4Memory estimates the peak memory of the Fig. 4 study p on data of
// shape sh: as TrainMemory for the run in progress, plus what every
// finished run keeps for the report (its network and test-set
// pre-activations), for len(Fig4RunNames(p)) runs.
func Fig4Memory(p Fig4Params, sh dataset.Shape) membudget.Estimate {
	var e membudget.Estimate
	e.Add("program", "", BaseMemory)
	addData(&e, p.Base, sh)
	m := addRun(&e, p.Base, sh, false)
	runs := int64(len(Fig4RunNames(p)))
	_, _, nc := dataCauses(p.Base, sh)
	kept := membudget.SatAdd(m.Network, m.PreActivations)
	e.Add(fmt.Sprintf("%d finished runs kept for the report", runs-1), nc+fmt.Sprintf(" for %d runs (--acts, --sweep)", runs), membudget.SatMul(runs-1, kept))
	if fig4Workers(int(runs)*max(1, p.Seeds)) > 1 {
		// Fig4With trains two (run, seed) jobs at a time: the second one's
		// network, gradients, activations and test-set pre-activations.
		second := membudget.SatAdd(membudget.SatAdd(m.Network, m.Gradients), membudget.SatAdd(m.Activations, membudget.SatAdd(m.PreActivations, m.Histograms)))
		e.Add("a second training at a time", nc+" (two trainings side by side on 2 or more cores)", second)
	}
	return e
}

// PaperMemory estimates the peak memory of the whole-paper run: its Fig. 4
// study (Fig4Memory) and the crossbar arrays of the energy estimate,
// which maps one of its networks.
func PaperMemory(c PaperConfig, sh dataset.Shape) membudget.Estimate {
	c = c.resolved()
	e := Fig4Memory(c.Fig4, sh)
	m := nn.MemoryOf(trainSizes(c.Fig4.Base, sh), c.Fig4.Base.Batch, sh.TrainN, sh.TestN)
	_, _, nc := dataCauses(c.Fig4.Base, sh)
	e.Add("crossbar arrays (energy)", nc, membudget.SatAdd(membudget.SatMul(CrossbarBytesPerParam, m.Params), membudget.SatMul(4, int64(sh.TestN), int64(sh.Dim()))))
	if w, h := c.edgesImageSize(); w > 0 {
		addEdges(&e, c.Edges, w, h)
	}
	return e
}

// edgesImageSize is the size of the paper's Fig. 5 image from its header
// (the built-in image's, or 0, 0 when the file's header cannot be read
// here: Edges then reports the file).
func (c PaperConfig) edgesImageSize() (w, h int) {
	if c.Edges.Image == "" {
		b := vision.DefaultImage()
		return b.W, b.H
	}
	w, h, _ = dataset.ImageSize(c.Edges.Image)
	return w, h
}

// EdgesBytesPerPixel is the memory of an edge-detection run per image
// pixel besides its filters: the decoded image (at most 8 bytes a pixel,
// 16-bit RGBA), its luminance (float64), the crossbar's input (float32),
// the patch selection's four float64 sums and the report's CSV text and
// heat-map raster (16). EdgesBytesPerFilterPixel is each filter's maps:
// Z (float64), current, ideal and varied output (float32).
const (
	EdgesBytesPerPixel       = 8 + 8 + 4 + 32 + 16
	EdgesBytesPerFilterPixel = 8 + 4 + 4 + 4
)

// EdgesMemory estimates the peak memory of an edge-detection run of cfg
// on an image of w x h pixels (measured: 450 MB for a 2000x2000 image with
// both filters, against 482 MB estimated).
func EdgesMemory(cfg EdgesConfig, w, h int) membudget.Estimate {
	var e membudget.Estimate
	e.Add("program", "", BaseMemory)
	addEdges(&e, cfg, w, h)
	return e
}

func addEdges(e *membudget.Estimate, cfg EdgesConfig, w, h int) {
	cause := fmt.Sprintf("the built-in %dx%d image", w, h)
	if cfg.Image != "" {
		cause = fmt.Sprintf("--image %s (%dx%d pixels)", cfg.Image, w, h)
	}
	px := membudget.SatMul(int64(w), int64(h))
	per := membudget.SatAdd(EdgesBytesPerPixel, membudget.SatMul(EdgesBytesPerFilterPixel, int64(max(1, len(cfg.Filters)))))
	e.Add(fmt.Sprintf("edge maps of %d filters", max(1, len(cfg.Filters))), cause, membudget.SatMul(px, per))
}
