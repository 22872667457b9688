package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mrelu/mrelu/device"
)

// One name per concept across commands (issue 13, item 6). Old spellings
// keep working with a note on stderr:
//
//	--no-variation (device iv, device pulse)  → --variation 0
//	--vth-sigma    (device tft)               → --tft-vth-sigma (as neuron montecarlo)

// deprecatedPrefix starts the usage text of a deprecated spelling.
const deprecatedPrefix = "deprecated: use --"

// deprecate defines old as a deprecated spelling of the flag named new,
// sharing its value.
func deprecate(fs *flag.FlagSet, old, new string) {
	fs.Var(fs.Lookup(new).Value, old, deprecatedPrefix+new)
}

// noteDeprecated writes a note to stderr for every deprecated spelling
// given on the command line.
func noteDeprecated(fs *flag.FlagSet, cmd string, stderr io.Writer) {
	fs.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, deprecatedPrefix) {
			fmt.Fprintf(stderr, "mrelu: %s: --%s is deprecated; use --%s\n", cmd, f.Name, strings.TrimPrefix(f.Usage, deprecatedPrefix))
		}
	})
}

// cycleVariationFlags are --variation (the scale of the device's
// cycle-to-cycle sigmas: 1 the defaults, 0 none, as --variation 0 means no
// variation in train, fig4 and edges) and its deprecated spelling
// --no-variation.
type cycleVariationFlags struct {
	scale *float64
	off   *bool
}

func addCycleVariationFlags(fs *flag.FlagSet, what string) cycleVariationFlags {
	return cycleVariationFlags{
		scale: fs.Float64("variation", 1, "scale of the "+what+" variation: 1 the default sigmas (device.DefaultCycleVariation), 0 none, 2 twice as wide"),
		off:   fs.Bool("no-variation", false, deprecatedPrefix+"variation 0"),
	}
}

// apply scales every sigma of v by --variation (0 with --no-variation,
// after a note on stderr); a negative or non-finite scale is a usage
// error (v unchanged).
func (c cycleVariationFlags) apply(v *device.CycleVariation, cmd string, stderr io.Writer) error {
	k := *c.scale
	if *c.off {
		fmt.Fprintf(stderr, "mrelu: %s: --no-variation is deprecated; use --variation 0\n", cmd)
		k = 0
	}
	if !(k >= 0) || k > 1e6 {
		return usagef("%s: --variation %g: the scale of the variation must be a number ≥ 0", cmd, k)
	}
	v.VthRel *= k
	v.RDRel *= k
	v.Gap0Rel *= k
	v.TauRelaxRel *= k
	return nil
}
