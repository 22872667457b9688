// Package report renders what experiments measured: CSV and JSON files
// (always atomically, through a temporary file and a rename), plots as PNG
// and SVG made with gonum/plot, and the self-contained HTML pages. It
// never prints; it renders the typed results of package experiment.
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
// It imports the physical packages and experiment (whose result types it
// renders), gonum/plot and the internal helpers atomicfile, npy and
// quantity; it must not import cmd/mrelu or any package that imports
// report (sweep), and nothing below it may import it.
package report
