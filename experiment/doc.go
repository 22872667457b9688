// Package experiment holds one runner per figure or table of the paper.
// Each runner takes plain parameters, does the work through the lower
// packages and returns a typed result; it never prints or plots (package
// report renders results, cmd/mrelu wires flags to runners).
//
// Every number a report states is computed here, on the result types:
// the device runs' (device_stats.go: the Stats methods with overlap, gap,
// null reasons, switched, CV and spreads, ratios to the paper; the set
// and hold VoltageCDFs, the single pulse's SingleEnergy), the neuron
// runs' (neuron.go: the Monte Carlo medians, sigmas, fractions;
// neuron_stats.go: the Monte Carlo NormalizedSpread, the ngspice
// VoutDiff), the Fig. 4 study's (fig4_result.go: Fig4Targets,
// SettingRuns, SeedCurves, PerEpochMeanSD, InputCurrents), the CNN
// study's (cnn_study.go: means and s.d. over the seeds), the energy
// estimate's (energy.go) and a training run's (summary.go:
// FirstEpochAtTarget, BestAccuracy, MedianEpochSeconds, NormTrainLoss,
// UpdateRatios, LayerStats, HardwareSetting). Means and sample s.d. over
// seeds come from one function, MeanSD (seeds.go), also for the points
// of a merged sweep. Package report only maps them to files.
//
// paperref.go holds every number the paper reports that the code
// compares with (Fig. 3f latency and energy, Fig. S5 TFT spread, Fig. 4c
// accuracies, Table 1, the Mott VO2 and CMOS comparisons, VDD), each
// with its source, and the Paper*Text wording the prose is built from.
//
// # Layering
//
// experiment owns the runners, their settings and result types, the
// hardware activation (MReLU, registered with nn as mrelu and
// mrelu-ideal), the checkpoint format and the paper's reference values.
// It imports the model packages below it (circuit, device, neuron, nn,
// crossbar, vision, dataset, params) and internal helpers (kernel,
// membudget, quantity, strictjson). It must not import report, rundir,
// sweep or cmd: it computes, they write, schedule and parse.
package experiment
