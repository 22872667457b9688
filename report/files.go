package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// ErrOutNotEmpty is returned by PrepareOut for a non-empty folder when
// overwriting was not asked for.
var ErrOutNotEmpty = errors.New("output folder is not empty")

// PrepareOut makes dir (and parents) if needed. An existing non-empty dir is
// refused unless force is true, so nothing a user wrote is overwritten
// without being asked.
func PrepareOut(dir string, force bool) error {
	if dir == "" {
		return errors.New("report: no output folder given (use --out DIR)")
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("report: create output folder %s: %w", dir, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("report: output folder %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("report: output path %s exists and is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("report: read output folder %s: %w", dir, err)
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("report: %s: %w (%d entries); choose another --out or pass --force", dir, ErrOutNotEmpty, len(entries))
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so a killed run never leaves a half-written file.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v as indented JSON, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("report: encode %s: %w", path, err)
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// WriteCSV writes a header and rows, atomically.
func WriteCSV(path string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("report: encode %s: %w", path, err)
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// F formats a float for CSV with enough digits to round-trip float64.
func F(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Table builds CSV rows from equal-length numeric columns.
func Table(cols ...[]float64) [][]string {
	if len(cols) == 0 {
		return nil
	}
	n := len(cols[0])
	rows := make([][]string, n)
	for i := 0; i < n; i++ {
		row := make([]string, len(cols))
		for j, c := range cols {
			if i < len(c) {
				row[j] = F(c[i])
			}
		}
		rows[i] = row
	}
	return rows
}
