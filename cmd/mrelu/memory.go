package main

import (
	"flag"
	"fmt"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/membudget"
	"github.com/mrelu/mrelu/vision"
)

// addMaxMemoryFlag registers --max-memory, the memory budget of a run
// (docs/robustness.md, "Memory budget").
func addMaxMemoryFlag(fs *flag.FlagSet) *membudget.Value {
	v := &membudget.Value{}
	fs.Var(v, "max-memory", fmt.Sprintf("memory budget `SIZE` of the run, checked before anything large is allocated: e.g. 512MB, 2GB, 1.5GiB; 0 or none: no limit (default %g %% of this machine's memory, %s when unknown)",
		100*membudget.DefaultFraction, membudget.Format(membudget.FallbackLimit)))
	return v
}

// checkMemory refuses a run (exit status 1) whose estimated memory is above
// the budget of --max-memory, naming the flag or file that causes most of
// it.
func checkMemory(cmd string, v *membudget.Value, est membudget.Estimate) error {
	if err := v.Limit().Check(est); err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	return nil
}

// imageSize is the size of an edges image from its header: the built-in
// image's for "", and ok false when the file's header cannot be read
// without consuming it (a pipe) or is not understood (the loader then
// reports the file).
func imageSize(path string) (w, h int, ok bool) {
	if path == "" {
		g := vision.DefaultImage()
		return g.W, g.H, true
	}
	return dataset.ImageSize(path)
}
