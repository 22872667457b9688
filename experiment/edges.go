package experiment

// Runner of the edge-detection application (paper, Fig. 5): an image
// convolved on a crossbar with 3x3 filters, every summation current turned
// into a voltage by the mReLU. Package report writes the result; cmd/mrelu
// wires the flags (`mrelu edges`).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/vision"
)

// EdgesConfig is the setting of an edge-detection run.
type EdgesConfig struct {
	// Image is the PNG or JPEG file to read ("": the built-in
	// 160x160 camera image, vision.DefaultImage).
	Image string `json:"image"`
	// Filters lists the filters: "vertical", "lateral" (vision.Builtin)
	// or the path of a kernel file (vision.LoadKernel). Default vertical,
	// lateral.
	Filters []string `json:"filters"`
	// Vision is the crossbar, scaling and variation setting.
	Vision vision.Config `json:"vision"`
	// Setup (Device and Neuron) is the 2T-1M neuron circuit.
	params.Setup
	// IMin, IMax (A) and Points are the neuron's DC transfer sweep, solved
	// once per run (defaults vision.DefaultTransfer*: −2..10 µA, 400
	// points).
	IMin   float64 `json:"transfer_i_min_A"`
	IMax   float64 `json:"transfer_i_max_A"`
	Points int     `json:"transfer_points"`
	// PatchSize is the side of the four representative patches (10).
	PatchSize int `json:"patch_size"`
}

// DefaultEdgesConfig returns the built-in image, both built-in filters,
// vision.DefaultConfig and the default neuron.
func DefaultEdgesConfig() EdgesConfig {
	return EdgesConfig{
		Filters:   []string{"vertical", "lateral"},
		Vision:    vision.DefaultConfig(),
		Setup:     params.Default(),
		IMin:      vision.DefaultTransferIMin,
		IMax:      vision.DefaultTransferIMax,
		Points:    vision.DefaultTransferPoints,
		PatchSize: vision.PatchSize,
	}
}

// Validate names the first invalid setting.
func (c EdgesConfig) Validate() error {
	if len(c.Filters) == 0 || len(c.Filters) > vision.MaxFilters {
		return fmt.Errorf("filters: %d given, want 1 to %d", len(c.Filters), vision.MaxFilters)
	}
	if err := c.Vision.Validate(); err != nil {
		return err
	}
	if err := c.Device.Validate(); err != nil {
		return err
	}
	if err := c.Neuron.Validate(); err != nil {
		return err
	}
	if !(c.IMax > c.IMin) || c.IMin < -1e-3 || c.IMax > 1e-3 {
		return fmt.Errorf("transfer sweep %g..%g A: want IMin < IMax within ±1 mA", c.IMin, c.IMax)
	}
	if c.Points < 10 || c.Points > 1_000_000 {
		return fmt.Errorf("transfer points = %d: want 10..1000000", c.Points)
	}
	if c.PatchSize < 1 || c.PatchSize > 100 {
		return fmt.Errorf("patch size = %d: want 1..100", c.PatchSize)
	}
	return nil
}

// ParseFilterList splits a --filter value: "both" is vertical and lateral;
// a comma-separated list names several filters; a value that is an
// existing file is one kernel file even if it holds a comma.
func ParseFilterList(s string) []string {
	s = strings.TrimSpace(s)
	if st, err := os.Stat(s); err == nil && !st.IsDir() {
		return []string{s}
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "":
		case "both":
			out = append(out, "vertical", "lateral")
		default:
			out = append(out, f)
		}
	}
	return out
}

// ResolveFilters turns filter specs into kernels: built-in names first,
// else kernel files. Errors name the file (and line).
func ResolveFilters(specs []string) ([]vision.Kernel, error) {
	var ks []vision.Kernel
	seen := map[string]string{}
	for _, s := range specs {
		k, ok := vision.Builtin(s)
		if !ok {
			var err error
			if k, err = vision.LoadKernel(s); err != nil {
				if errors.Is(err, os.ErrNotExist) {
					return nil, fmt.Errorf("filter %q is not %s, both or a kernel file: %w",
						s, strings.Join(vision.BuiltinNames(), ", "), err)
				}
				return nil, err
			}
		}
		if prev, dup := seen[k.Name]; dup {
			return nil, fmt.Errorf("filters %q and %q are both named %q (output files are named after the filter; rename one)", prev, s, k.Name)
		}
		seen[k.Name] = s
		ks = append(ks, k)
	}
	return ks, nil
}

// EdgesResult is one edge-detection run.
type EdgesResult struct {
	Config EdgesConfig
	// ImageName is the image file, or "built-in camera-160.png".
	ImageName string
	Image     *dataset.Gray
	Kernels   []vision.Kernel
	// Neuron is the solved mReLU, Result the maps and statistics (the
	// convolution is one Conv2D layer on a crossbar.Stack, its read
	// energy per image in Result.ReadEnergy), Patches the four
	// representative patches (vision.SelectPatches).
	Neuron  *vision.Neuron
	Result  *vision.Result
	Patches []vision.Patch
	// TransferSeconds is the wall time of the DC sweep, DetectSeconds of
	// the convolution, the neurons, the statistics and the patch choice.
	TransferSeconds, DetectSeconds float64
}

// MaxImageStreamBytes bounds an image read from a file whose size is not
// known in advance (a pipe or a device such as /dev/stdin); a regular
// file's pixels are bounded from its header (dataset.MaxImagePixels,
// dataset.MaxPixelsPerByte).
const MaxImageStreamBytes = 256 << 20

// loadImage is dataset.LoadGray, and for what is not a regular file (a
// device or a pipe, which report a size of 0) a check of the first bytes
// for the PNG or JPEG signature and a bounded read: /dev/zero is "not a
// PNG or JPEG image", not an empty file.
func loadImage(path string) (*dataset.Gray, error) {
	st, err := os.Stat(path)
	if err != nil || st.Mode().IsRegular() || st.IsDir() {
		return dataset.LoadGray(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	png := bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n"))
	jpeg := bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff})
	if !png && !jpeg {
		return nil, fmt.Errorf("%s: %w (a %s starting with % x)", path, dataset.ErrNotImage, fileKind(st.Mode()), head)
	}
	rest, err := io.ReadAll(io.LimitReader(f, MaxImageStreamBytes+1-int64(n)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data := append(head, rest...)
	if len(data) > MaxImageStreamBytes {
		return nil, fmt.Errorf("%s: %w: larger than %d MiB (the limit for an image read from a pipe or device)", path, dataset.ErrTooLarge, MaxImageStreamBytes>>20)
	}
	return dataset.DecodeGray(data, path)
}

// fileKind names what a non-regular file is, for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeNamedPipe != 0:
		return "pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "non-regular file"
}

// Edges loads the image and the filters, solves the neuron's transfer
// curve once and runs vision.Detect.
func Edges(cfg EdgesConfig) (*EdgesResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	r := &EdgesResult{Config: cfg, ImageName: cfg.Image}
	if cfg.Image == "" {
		r.ImageName = "built-in " + vision.DefaultImageName
		r.Image = vision.DefaultImage()
	} else {
		img, err := loadImage(cfg.Image)
		if err != nil {
			return nil, fmt.Errorf("edges: image: %w", err)
		}
		r.Image = img
	}
	ks, err := ResolveFilters(cfg.Filters)
	if err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	r.Kernels = ks
	ckt, err := neuron.Build(cfg.Device, cfg.Neuron)
	if err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	t0 := time.Now()
	if r.Neuron, err = vision.NewNeuron(ckt, neuron.Linspace(cfg.IMin, cfg.IMax, cfg.Points)); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	t1 := time.Now()
	if r.Result, err = vision.Detect(r.Image, ks, r.Neuron, cfg.Vision); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	if r.Patches, err = vision.SelectPatches(r.Image, cfg.Vision.Boundary, cfg.PatchSize); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	r.TransferSeconds, r.DetectSeconds = t1.Sub(t0).Seconds(), time.Since(t1).Seconds()
	return r, nil
}
