package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/vision"
)

func init() {
	register("edges", "edge detection: crossbar convolution + mReLU neurons on an image (Fig. 5)", runEdges)
}

// parseScale reads --scale: "full", "pNN" (percentile NN) or a positive
// number (a fixed mirror gain).
func parseScale(s string, c *vision.Config) error {
	switch {
	case s == "full":
		c.Scale = vision.ScaleFull
		return nil
	case strings.HasPrefix(s, "p"):
		p, err := strconv.ParseFloat(s[1:], 64)
		if err != nil || !(p > 0 && p <= 100) {
			return fmt.Errorf("--scale %q: a percentile is p followed by a number in (0, 100], e.g. p99", s)
		}
		c.Scale, c.Percentile = vision.ScalePercentile, p
		return nil
	}
	g, err := strconv.ParseFloat(s, 64)
	if err != nil || !(g > 0) || math.IsInf(g, 0) {
		return fmt.Errorf("--scale %q: want full, pNN (e.g. p99) or a positive mirror gain", s)
	}
	c.Scale, c.Gain = vision.ScaleFixed, g
	return nil
}

func runEdges(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultEdgesConfig()
	fs := newFlags("edges",
		"mrelu edges [--image FILE] [--filter vertical|lateral|both|FILE] [--variation X] [--params FILE] [--vdd V] [--seed N] --out DIR\n\n"+
			"Detects edges as in Fig. 5 of the paper: pixel intensities become row voltages (0..--read-scale V),\n"+
			"each 3x3 filter is a column of 9 differential conductance pairs on a crossbar, every window's\n"+
			"summation current (A) goes through the simulated 2T-1M mReLU neuron to an output voltage\n"+
			"(0..VDD, 2 V by default). Writes for each filter <filter>_current_A.csv and <filter>_vout_V.csv\n"+
			"(one image row per line), heat maps <filter>_current.png, <filter>_vout.png, <filter>_patches.png\n"+
			"(four 10x10 patches) with SVG copies, edges.png (input and output maps), edges.json (statistics)\n"+
			"and params.json.\n"+
			"A kernel FILE holds 3 rows of 3 numbers, or JSON {\"name\": ..., \"kernel\": [[...],[...],[...]]};\n"+
			"several filters may be given comma-separated. See docs/vision.md.",
		"mrelu edges --filter both --variation 0.099 --seed 3 --out runs/edges", stdout)
	image := fs.String("image", "", "PNG or JPEG `FILE` (default: the built-in 160x160 camera image)")
	filter := fs.String("filter", "both", "vertical, lateral, both, a kernel `FILE`, or a comma-separated list")
	variation := fs.Float64("variation", 0, "relative temporal variation of the neuron per evaluation (paper: 0.099)")
	seed := fs.Uint64("seed", def.Vision.Seed, "random `N` seeding the variation")
	boundary := fs.String("boundary", def.Vision.Boundary.String(), "border: replicate (same size, edge pixels repeated), zero (same size, 0 V outside) or valid (W-2 x H-2)")
	scale := fs.String("scale", "full", "mirror gain: full (the strongest possible edge reaches --target·VDD), pNN (the image's NN-th percentile current does, e.g. p99) or a fixed gain")
	target := fs.Float64("target", def.Vision.Target, "fraction of VDD the design current drives the neuron to")
	knee := fs.Bool("knee", def.Vision.KneeCompensation, "compensate the neuron's onset current (a few nA with the default circuit) so the ReLU knee sits at zero current")
	readScale := quantity.Float(fs, "read-scale", def.Vision.ReadScale, quantity.Volt, "read voltage of a white pixel in `V`")
	points := fs.Int("points", def.Points, "points of the neuron's DC transfer sweep (solved once per run)")
	hw := addSetupFlags(fs, paramsFlagUsage)
	plots := fs.Bool("plots", true, "write the PNG/SVG figures (--plots=false: CSV and JSON only)")
	out := addOutFlags(fs, "edges")
	maxMem := addMaxMemoryFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := def
	cfg.Image = *image
	cfg.Filters = experiment.ParseFilterList(*filter)
	if len(cfg.Filters) == 0 {
		return usagef("edges: --filter %q names no filter", *filter)
	}
	v := &cfg.Vision
	v.Variation, v.Seed, v.Target, v.KneeCompensation, v.ReadScale = *variation, *seed, *target, *knee, *readScale
	b, err := vision.ParseBoundary(*boundary)
	if err != nil {
		return usagef("edges: --boundary: %v", err)
	}
	v.Boundary = b
	if err := parseScale(*scale, v); err != nil {
		return usagef("edges: %v", err)
	}
	cfg.Points = *points
	if err := hw.loadViable("edges: ", &cfg.Device, &cfg.Neuron, func() error { return cfg.Validate() }); err != nil {
		return err
	}
	// The memory budget, from the image's header (a regular file's; the
	// built-in image is 160x160).
	if w, h, ok := imageSize(cfg.Image); ok {
		if err := checkMemory("edges", maxMem, experiment.EdgesMemory(cfg, w, h)); err != nil {
			return err
		}
	}
	dir, err := out.prepare("edges")
	if err != nil {
		return err
	}
	r, err := experiment.Edges(cfg)
	if err != nil {
		return err
	}
	s, err := report.WriteEdges(dir, r, *plots)
	if err != nil {
		return err
	}
	outf(stdout, "%s: %dx%d -> %dx%d (%s boundary); neuron sweep %.1f ms, detection %.1f ms\n",
		r.ImageName, s.Image.Width, s.Image.Height, s.Output.Width, s.Output.Height, s.Output.Boundary,
		1e3*r.TransferSeconds, 1e3*r.DetectSeconds)
	for _, f := range s.Filters {
		line := outs("  %-10s gain %.3f  I %+.3g..%+.3g µA  negative %.1f%% (max Vout %.4f V)  Vout %.3f..%.3f V  r(ReLU) %.4f",
			f.Name, float64(f.MirrorGain), 1e6*float64(f.CurrentMin), 1e6*float64(f.CurrentMax), 100*float64(f.NegativeFraction),
			float64(f.MaxVoutNegative), float64(f.VoutMin), float64(f.VoutMax), float64(f.PearsonIdeal))
		if cfg.Vision.Variation > 0 {
			line += outs(", with %.3g%% variation %.4f", 100*cfg.Vision.Variation, float64(f.PearsonVaried))
		}
		fmt.Fprintln(stdout, line)
	}
	outf(stdout, "wrote %s\n", dir)
	return degenerateMaps(r.Result)
}

// degenerateMaps fails a run whose output maps carry no information (a
// constant map, e.g. every pixel at the neuron's off level), after
// everything has been written: one line naming each such filter and why.
func degenerateMaps(r *vision.Result) error {
	var msgs []string
	for _, f := range r.Filters {
		if err := r.Degenerate(f); err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("edges: %s", strings.Join(msgs, "; "))
}
