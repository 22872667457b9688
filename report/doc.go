// Package report renders what experiments measured: CSV and JSON files
// (always atomically, through a temporary file and a rename), plots as PNG
// and SVG made with gonum/plot, and the self-contained HTML pages. It
// never prints; it renders the typed results of package experiment.
//
// Report only renders: it maps the fields of experiment's result types to
// JSON, CSV, figures and HTML, and derives no number of its own (the
// exceptions still left are listed under Imports below). A number
// a summary states (a ratio, an overlap or gap, a median or CV, whether a
// device switched, why a statistic is null, the first epoch at a target,
// the best hardware-aware run, …) is computed by a method or function of
// package experiment (DeviceIVResult.Stats, DevicePulseResult.Stats,
// DeviceSweepResult.Stats, DeviceTFTResult.Stats,
// DeviceFitResult.CurrentRange, DeviceTabulateResult.RowHold,
// NeuronMonteCarloResult.Stats, Fig4Result.SettingRuns and
// PerEpochMeanSD, EnergyResult.PaperReadEnergy, and in experiment/
// summary.go the training run's: FirstEpochAtTarget, NormTrainLoss,
// UpdateRatios, LayerStats, …), and the paper's reference values and
// their wording come from experiment/paperref.go. Unit scaling for an
// axis or a caption (×1e6 for µA, ×100 for %) is rendering.
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
//   - figure-only derivations: the set/hold CDFs (device_iv.go), the
//     Monte Carlo curve spread (neuron_mc.go), R = V/I of the waveform
//     CSVs (device_pulse.go) and the inset R = Vth/I − r_d of the sweep
//     (device_sweep.go).
package report
