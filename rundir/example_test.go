package rundir_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/rundir"
)

// A fig4 study saves its settings in its output folder; resuming it with
// --epochs 40 keeps every other saved setting, and a given flag that
// differs from the saved study is refused.
func Example() {
	tmp, err := os.MkdirTemp("", "rundir-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(tmp)
	defer report.UnlockOutputs() // what cmd/mrelu does when a command returns

	study := experiment.DefaultFig4Params()
	study.Base.Epochs, study.Base.Batch = 30, 250
	out, err := rundir.Create(filepath.Join(tmp, "fig4"), false)
	if err == nil {
		err = out.SaveFig4Params(study)
	}
	if err != nil {
		fmt.Println(err)
		return
	}

	prev := rundir.Open(out.Path())
	saved, err := prev.Fig4Params()
	if err != nil {
		fmt.Println(err)
		return
	}
	p := experiment.DefaultFig4Params() // the flags' defaults...
	p.Base.Epochs = 40                  // ... and what the user gave
	p, err = rundir.MergeFig4Params(p, saved, map[string]bool{"epochs": true})
	fmt.Println("epochs", p.Base.Epochs, "batch", p.Base.Batch, err)

	p.Base.Batch = 100
	_, err = rundir.MergeFig4Params(p, saved, map[string]bool{"batch": true})
	fmt.Println(err)

	_, err = prev.Checkpoints("relu")
	fmt.Println("relu checkpoints:", err != nil, prev.HoldsFig4Study(), prev.HoldsTrainRun())
	// Output:
	// epochs 40 batch 250 <nil>
	// incompatible settings: --batch 100 differs from the saved study's 250
	// relu checkpoints: true true false
}
