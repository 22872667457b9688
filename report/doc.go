// Package report writes what experiments measured: CSV and JSON files
// (always atomically, through a temporary file and a rename), and plots as
// PNG and SVG made with gonum/plot. It never prints and never computes a
// result itself; it only renders typed results handed to it.
package report
