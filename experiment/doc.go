// Package experiment holds one runner per figure or table of the paper.
// Each runner takes plain parameters, does the work through the lower
// packages and returns a typed result; it never prints or plots (package
// report renders results, cmd/mrelu wires flags to runners).
//
// Every number a report states is computed here, on the result types:
// the device runs' Stats methods (device.go: overlap, gap, null reasons,
// switched, CV and spreads, ratios to the paper), the Monte Carlo run's
// (neuron.go: medians, sigmas, fractions), the Fig. 4 study's
// (fig4.go: Fig4Targets, SettingRuns, PerEpochMeanSD), the energy
// estimate's (energy.go) and a training run's (summary.go:
// FirstEpochAtTarget, BestAccuracy, Median, NormTrainLoss, UpdateRatios,
// LayerStats, HardwareSetting). Package report only maps them to files.
//
// paperref.go holds every number the paper reports that the code
// compares with (Fig. 3f latency and energy, Fig. S5 TFT spread, Fig. 4c
// accuracies, Table 1, the Mott VO2 and CMOS comparisons, VDD), each
// with its source, and the Paper*Text wording the prose is built from.
package experiment
