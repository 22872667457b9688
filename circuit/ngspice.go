package circuit

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// SpiceResult holds the vectors that an ngspice run wrote with wrdata.
type SpiceResult struct {
	// Names are the column names from the wrdata header, the scale first
	// ("time", "v-sweep", "i-sweep"), e.g. "v(out)", "i(v_vdd)".
	Names []string
	// Columns holds one slice per name, all of the same length.
	Columns [][]float64
	// Log is ngspice's standard output and error.
	Log string
}

// Len returns the number of rows.
func (r *SpiceResult) Len() int {
	if len(r.Columns) == 0 {
		return 0
	}
	return len(r.Columns[0])
}

// Scale returns the first column: time, or the swept source value.
func (r *SpiceResult) Scale() []float64 {
	if len(r.Columns) == 0 {
		return nil
	}
	return r.Columns[0]
}

// Vector returns the column with the given name, ignoring case.
func (r *SpiceResult) Vector(name string) ([]float64, error) {
	for k, n := range r.Names {
		if strings.EqualFold(n, name) {
			return r.Columns[k], nil
		}
	}
	return nil, fmt.Errorf("circuit: ngspice result has no vector %q (have %s)", name, strings.Join(r.Names, " "))
}

// Voltage returns the voltage of a node of the exported circuit.
func (r *SpiceResult) Voltage(node string) ([]float64, error) {
	return r.Vector("v(" + spiceNode(node) + ")")
}

// Current returns the branch current of a voltage source of the exported
// circuit (SPICE sign, as Solution.Current).
func (r *SpiceResult) Current(source string) ([]float64, error) {
	return r.Vector("i(v_" + strings.ToLower(source) + ")")
}

// State returns the state of a stateful element of the exported circuit.
func (r *SpiceResult) State(element string) ([]float64, error) {
	return r.Vector("v(" + SpiceStateNode(element) + ")")
}

// wrdataFiles returns the files named by wrdata commands in a netlist.
func wrdataFiles(cir string) []string {
	var files []string
	seen := map[string]bool{}
	for _, line := range strings.Split(cir, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.EqualFold(f[0], "wrdata") && !seen[f[1]] {
			seen[f[1]] = true
			files = append(files, f[1])
		}
	}
	return files
}

// RunNgspice runs ngspice in batch mode on the netlist text cir (as written
// by WriteSpice) inside workdir, and returns the vectors of the first file
// its .control block writes with wrdata. It returns ErrNoNgspice when no
// ngspice is on PATH, and an error with the tail of ngspice's log when the
// run fails or writes no data. ctx bounds the run.
func RunNgspice(ctx context.Context, cir string, workdir string) (*SpiceResult, error) {
	exe, err := exec.LookPath("ngspice")
	if err != nil {
		return nil, ErrNoNgspice
	}
	files := wrdataFiles(cir)
	if len(files) == 0 {
		return nil, errors.New("circuit: netlist has no wrdata command in its .control block")
	}
	for _, f := range files {
		if err := os.Remove(filepath.Join(workdir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("circuit: removing old ngspice output: %w", err)
		}
	}
	const name = "mrelu_circuit.cir"
	if err := os.WriteFile(filepath.Join(workdir, name), []byte(cir), 0o644); err != nil {
		return nil, fmt.Errorf("circuit: writing netlist: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, "-b", name)
	cmd.Dir = workdir
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	runErr := cmd.Run()
	res := &SpiceResult{Log: log.String()}
	if runErr != nil {
		return res, fmt.Errorf("circuit: ngspice failed: %w\n%s", runErr, tail(res.Log, 2000))
	}
	data, err := os.ReadFile(filepath.Join(workdir, files[0]))
	if err != nil {
		return res, fmt.Errorf("circuit: ngspice wrote no output (%w)\n%s", err, tail(res.Log, 2000))
	}
	if err := parseWrdata(data, res); err != nil {
		return res, fmt.Errorf("circuit: parsing ngspice output %s: %w\n%s", files[0], err, tail(res.Log, 2000))
	}
	return res, nil
}

// parseWrdata reads wrdata output written with wr_singlescale and
// wr_vecnames: a header line of names, then rows of numbers. Repeated
// header lines (appended runs) are skipped.
func parseWrdata(data []byte, res *SpiceResult) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if _, err := strconv.ParseFloat(f[0], 64); err != nil {
			if res.Names == nil {
				res.Names = f
				res.Columns = make([][]float64, len(f))
			} else if len(f) != len(res.Names) {
				return fmt.Errorf("line %d: header with %d names, want %d", line, len(f), len(res.Names))
			}
			continue
		}
		if res.Names == nil {
			return fmt.Errorf("line %d: data before the header", line)
		}
		if len(f) != len(res.Names) {
			return fmt.Errorf("line %d: %d values, want %d", line, len(f), len(res.Names))
		}
		for k, s := range f {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			res.Columns[k] = append(res.Columns[k], v)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if res.Len() == 0 {
		return errors.New("no data rows")
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
