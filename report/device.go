package report

// What the writers of the `mrelu device ...` commands share (device_iv.go,
// device_sweep.go, device_pulse.go, device_tft.go, device_fit.go): sample
// statistics, params.json and the waveform number format. The file names
// and CSV columns of every device command are a contract with users; keep
// them.

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/mrelu/mrelu/device"
)

// DeviceStats is a sample summary as written to JSON.
type DeviceStats struct {
	N      int `json:"n"`
	Median Num `json:"median"`
	Mean   Num `json:"mean"`
	Sigma  Num `json:"sigma"`
	Min    Num `json:"min"`
	Max    Num `json:"max"`
}

func deviceStats(s device.Stats) DeviceStats {
	return DeviceStats{N: s.N, Median: Num(s.Median), Mean: Num(s.Mean), Sigma: Num(s.Std), Min: Num(s.Min), Max: Num(s.Max)}
}

// RunSettings is the "settings" object of a device or neuron command's
// params.json: the command and the setting it ran with.
type RunSettings struct {
	Command string  `json:"command"`
	Seed    *uint64 `json:"seed,omitempty"`
	Config  any     `json:"config"`
}

// deviceParamsFile is params.json of iv, sweep, pulse and tft: the device
// parameters (the keys of device.Params) plus the settings. `mrelu device
// ... --params` ignores the "settings" key when it reads the file back.
type deviceParamsFile struct {
	device.Params
	Settings RunSettings `json:"settings"`
}

// WriteDeviceParams writes dir/params.json with the device parameters p and
// the settings of the command that used them.
func WriteDeviceParams(dir string, p device.Params, s RunSettings) error {
	return WriteJSON(filepath.Join(dir, "params.json"), deviceParamsFile{Params: p, Settings: s})
}

// f7 formats a waveform value with 7 significant digits (the large
// waveform CSVs do not need round-trip precision).
func f7(v float64) string { return strconv.FormatFloat(v, 'g', 7, 64) }

// scaled returns v·k.
func scaled(v []float64, k float64) []float64 {
	return mapped(v, func(x float64) float64 { return x * k })
}

// seeded is the settings of a command that drew its variation from seed.
func seeded(command string, seed uint64, config any) RunSettings {
	return RunSettings{Command: command, Seed: &seed, Config: config}
}

// writeDeviceRun writes the data files of iv, sweep, pulse and tft into
// dir: params.json (p with the settings), the CSVs and the summary as
// dir/name.
func writeDeviceRun(dir string, p device.Params, set RunSettings, name string, summary any, csvs ...csvFile) error {
	if err := WriteDeviceParams(dir, p, set); err != nil {
		return err
	}
	return writeData(dir, name, summary, csvs...)
}

// writeDeviceFile writes the data files of fit and tabulate into dir:
// params.json, the pure parameter file of p (loadable by device.LoadParams
// and every --params), the summary as dir/name and the CSVs.
func writeDeviceFile(dir string, p device.Params, name string, summary any, csvs ...csvFile) error {
	var buf bytes.Buffer
	if err := device.EncodeParams(&buf, p); err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "params.json"), buf.Bytes()); err != nil {
		return err
	}
	return writeData(dir, name, summary, csvs...)
}

func fmtNoise(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.3g", v)
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}
