// Package report renders what experiments measured: CSV and JSON files
// (always atomically, through a temporary file and a rename), plots as PNG
// and SVG made with gonum/plot, and the self-contained HTML pages. It
// never prints; it renders the typed results of package experiment.
//
// Report only renders: it maps the fields of experiment's result types to
// JSON, CSV, figures and HTML, and derives no number of its own (the
// exceptions still left are listed under Imports below). A number
// a summary states (a ratio, an overlap or gap, a mean, median, s.d. or
// CV, whether a device switched, why a statistic is null, the first epoch
// at a target, the best hardware-aware run, …) is computed by a method or
// function of package experiment (DeviceIVResult.Stats and VoltageCDFs,
// DevicePulseResult.Stats and SingleEnergy, DeviceSweepResult.Stats,
// DeviceTFTResult.Stats, DeviceFitResult.CurrentRange,
// DeviceTabulateResult.RowHold, NeuronMonteCarloResult.Stats and
// NormalizedSpread, NeuronSpiceResult.VoutDiff, Fig4Result.SettingRuns,
// SeedCurves and InputCurrents, CNNStudyAct's means and s.d. over the
// seeds, EnergyResult.PaperReadEnergy, experiment.MeanSD for the seeds of
// a merged sweep, and in experiment/summary.go the training run's:
// FirstEpochAtTarget, BestAccuracy, MedianEpochSeconds, NormTrainLoss,
// UpdateRatios, LayerStats, …), and the paper's reference values and
// their wording come from experiment/paperref.go. Unit scaling for an
// axis or a caption (×1e6 for µA, ×100 for %) is rendering.
//
// One helper per repeated job: writeData (files.go) writes a run's CSVs
// and its summary JSON, writeDeviceRun / writeDeviceFile (device.go) and
// writeNeuronRun (neuron.go) add the parameter file of a device or neuron
// command; mapped converts a slice; textLabels places text on a plot.
//
// Its files, by job:
//
//   - files: files.go (the output folder, atomic writers, JSON with Num, the
//     one number type that writes NaN and ±Inf as null, CSV, si: the one SI
//     formatter, over internal/quantity.SI), lock*.go (the folder lock).
//   - plot: plot.go (Series, LinePlot, StackPlot, HistPlot, HistLinePlot, log
//     axes), style.go (fonts, ticks, swatches, bands, error bars), figure.go
//     (multi-panel figures, legend placement, SaveFigure), heatmap.go (heat
//     maps and colour bars), geometry.go and figcheck.go (the figure check).
//   - html: html.go (the page template and its data types), paper_page.go
//     (report.html, one builder per section), paper_headlines.go (the
//     paper-versus-ours numbers).
//   - one writer per experiment: device*.go, latency.go, neuron*.go, fig4.go,
//     edges.go, energy.go, train.go, export.go, sweep.go, compare.go,
//     paper.go and paper_partial.go (the whole paper run).
//
// Imports. The rule: experiment (the result types it renders) and the
// model packages for their parameter and result structs only, gonum/plot,
// and the internal helpers atomicfile, npy and quantity; never cmd/mrelu
// or a package that imports report (sweep), and nothing below it may
// import it. What it imports today (go list): experiment, device, neuron,
// nn, crossbar, vision, params, internal/atomicfile, internal/npy,
// internal/quantity. Not yet within the rule, and left to move:
//
//   - crossbar.New in export.go (the trained network programmed into
//     conductance arrays for the .npy export);
//   - nn.NewHistogram and the octave bars of nn.LogHistogram (fig4.go,
//     train.go: the neuron-input and weight-update histograms);
//   - vision.Extract in edges.go (the patches cut from the maps);
//   - params.Save and device.EncodeParams (parameter files written
//     through the codec of their package);
//   - figure-only derivations: R = V/I of the waveform CSVs (ohms,
//     device_pulse.go), the inset R = Vth/I − r_d of the sweep
//     (device_sweep.go), the threshold histogram and its normal curve
//     (device_tft.go), the confusion matrix in % per row (export.go);
//   - the averaging of a merged sweep's seeds per design point
//     (sweep.go: SweepData is built by cmd/mrelu from sweep.Table, and
//     sweep imports report, so the grouping cannot move to sweep or
//     experiment without changing cmd/mrelu; the mean and s.d. themselves
//     are experiment.MeanSD).
package report
