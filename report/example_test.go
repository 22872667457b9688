package report_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mrelu/mrelu/report"
)

// Example writes a CSV and a line plot (PNG and SVG) into a folder.
func Example() {
	dir, _ := os.MkdirTemp("", "report-example")
	defer os.RemoveAll(dir)
	x := []float64{0, 1, 2, 3}
	y := []float64{0, 0, 1, 2}
	if err := report.WriteCSV(filepath.Join(dir, "relu.csv"), []string{"z", "y"}, report.Table(x, y)); err != nil {
		fmt.Println(err)
	}
	if err := report.LinePlot(filepath.Join(dir, "relu"), report.Axes{Title: "ReLU", X: "z", Y: "y"}, report.Series{Name: "relu", X: x, Y: y}); err != nil {
		fmt.Println(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// relu.csv
	// relu.png
	// relu.svg
}
