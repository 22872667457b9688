package rundir

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mrelu/mrelu/experiment"
)

// A resumed run keeps the saved run's settings except those the user gave
// on the command line. given holds the names of the flags the user set
// (as flag.FlagSet.Visit lists them: "epochs", "input-scale", ...); a
// setting is named by its flag.

// setting is one setting of a saved run: the flag that sets it, whether
// the value now equals the saved one, how to take the saved one, and both
// values for a message.
type setting struct {
	flag       string
	same       bool
	take       func()
	now, saved any
}

// trainSettings lists the training settings of p and saved that a resume
// merges, in the order a refusal names the first that differs. Epochs and
// data may always differ (the data are checked by their fingerprint).
func trainSettings(p *experiment.TrainParams, saved experiment.TrainParams) []setting {
	return []setting{
		{"epochs", true, func() { p.Epochs = saved.Epochs }, nil, nil},
		{"data", true, func() { p.Data = saved.Data }, nil, nil},
		{"batch", p.Batch == saved.Batch, func() { p.Batch = saved.Batch }, p.Batch, saved.Batch},
		{"lr", p.LR == saved.LR, func() { p.LR = saved.LR }, p.LR, saved.LR},
		{"hidden", slices.Equal(p.Hidden, saved.Hidden), func() { p.Hidden = slices.Clone(saved.Hidden) }, p.Hidden, saved.Hidden},
		{"seed", p.Seed == saved.Seed, func() { p.Seed = saved.Seed }, p.Seed, saved.Seed},
		{"variation", p.Variation == saved.Variation, func() { p.Variation = saved.Variation }, p.Variation, saved.Variation},
		{"noise", experiment.NoiseName(p.Noise) == experiment.NoiseName(saved.Noise), func() { p.Noise = saved.Noise }, p.Noise, saved.Noise},
		{"input-scale", p.InputScale == saved.InputScale, func() { p.InputScale = saved.InputScale }, p.InputScale, saved.InputScale},
	}
}

// MergeTrainParams returns p with every training setting whose flag is
// not in given taken from the saved run's (the activation, layers,
// epochs, batch, learning rate, seed, data, variation, noise and input
// scale). Given settings are kept as they are: whether they agree with the
// saved run is experiment.TrainCheckpoint.Compatible's to say.
func MergeTrainParams(p, saved experiment.TrainParams, given map[string]bool) experiment.TrainParams {
	all := append(trainSettings(&p, saved), setting{flag: "act", take: func() { p.Act = saved.Act }})
	for _, s := range all {
		if !given[s.flag] {
			s.take()
		}
	}
	return p
}

// MergeFig4Params returns p with every study setting whose flag is not in
// given taken from the saved study's, and the saved devices. A given
// setting that differs from the saved one is an error wrapping
// experiment.ErrIncompatible and naming the flag (except --epochs and
// --data, which may differ).
func MergeFig4Params(p, saved experiment.Fig4Params, given map[string]bool) (experiment.Fig4Params, error) {
	all := append(trainSettings(&p.Base, saved.Base),
		setting{"seeds", max(1, p.Seeds) == max(1, saved.Seeds), func() { p.Seeds = saved.Seeds }, p.Seeds, saved.Seeds},
		setting{"sweep", slices.Equal(p.Sweep, saved.Sweep), func() { p.Sweep = slices.Clone(saved.Sweep) }, p.Sweep, saved.Sweep},
		setting{"acts", slices.Equal(p.Acts, saved.Acts), func() { p.Acts = slices.Clone(saved.Acts) }, strings.Join(p.Acts, ","), strings.Join(saved.Acts, ",")},
		setting{"paper-setting", slices.Equal(p.Configs, saved.Configs), func() { p.Configs = slices.Clone(saved.Configs) }, len(p.Configs) > 0, len(saved.Configs) > 0},
	)
	for _, s := range all {
		switch {
		case !given[s.flag]:
			s.take()
		case !s.same:
			return p, fmt.Errorf("%w: --%s %v differs from the saved study's %v", experiment.ErrIncompatible, s.flag, s.now, s.saved)
		}
	}
	p.Device, p.Neuron = saved.Device, saved.Neuron
	return p, nil
}
