package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/report"
)

// Files of a sweep folder.
const (
	SpecFile   = "sweep.json"  // the canonical spec, written by the first shard
	PointsDir  = "points"      // points/<index>/
	ResultFile = "result.json" // points/<index>/result.json, one line
	ResultsCSV = "results.csv" // merge: one row per point
)

// PointDir is the folder of point index.
func PointDir(dir string, index int) string {
	return filepath.Join(dir, PointsDir, strconv.Itoa(index))
}

// Result is the one-line JSON record of a finished point.
type Result struct {
	Index int    `json:"index"`
	Hash  string `json:"spec_sha256"`
	// Params are the point's parameters (name → JSON value).
	Params map[string]Value `json:"params"`
	// Metrics are the collected values as the run wrote them (JSON text;
	// null for a value the run wrote as null).
	Metrics map[string]json.RawMessage `json:"metrics,omitempty"`
	// Error is the run's failure (empty: it succeeded).
	Error string `json:"error,omitempty"`
	// Seconds is the run's wall time (not in results.csv).
	Seconds float64 `json:"seconds"`
}

// WriteResult writes r as points/<index>/result.json, atomically.
func WriteResult(dir string, r *Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sweep: point %d: %w", r.Index, err)
	}
	return WriteFileRenamed(filepath.Join(PointDir(dir, r.Index), ResultFile), append(b, '\n'))
}

// WriteFileRenamed writes data to a temporary file beside path and renames
// it to path: a killed process leaves path whole or absent. The file is
// readable by its owner only (mode 0600, as os.CreateTemp makes it).
// Unlike report.WriteFileAtomic it does not sync: a file cut short by a crash of
// the machine fails ReadResult's checks and its point runs again.
func WriteFileRenamed(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Rename(f.Name(), path)); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("sweep: write %s: %w", path, err)
	}
	return nil
}

// ErrNoResult marks a point without a result file.
var ErrNoResult = errors.New("no result")

// ReadResult reads point p's result and checks that it belongs to this
// sweep (hash, index, parameters) and has every metric (when it did not
// fail). A missing file is an error wrapping ErrNoResult.
func ReadResult(dir, hash string, p Point, metrics []Metric) (*Result, error) {
	path := filepath.Join(PointDir(dir, p.Index), ResultFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("point %d: %w", p.Index, ErrNoResult)
	}
	if err != nil {
		return nil, err
	}
	var r Result
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case r.Index != p.Index:
		return nil, fmt.Errorf("%s: index %d, want %d", path, r.Index, p.Index)
	case r.Hash != hash:
		return nil, fmt.Errorf("%s: written by another sweep (spec hash %.12s, this one %.12s)", path, r.Hash, hash)
	case len(r.Params) != len(p.Params):
		return nil, fmt.Errorf("%s: %d parameters, want %d", path, len(r.Params), len(p.Params))
	}
	for _, a := range p.Params {
		if r.Params[a.Name] != a.Value {
			return nil, fmt.Errorf("%s: %s = %s, want %s", path, a.Name, r.Params[a.Name], a.Value)
		}
	}
	if r.Error == "" {
		for _, m := range metrics {
			v, ok := r.Metrics[m.Name]
			if !ok || !json.Valid(v) {
				return nil, fmt.Errorf("%s: no metric %q", path, m.Name)
			}
		}
	}
	return &r, nil
}

// NewResult is the result of point p with the metrics collected from the
// run folder (or the run's error).
func NewResult(hash string, p Point) *Result {
	r := &Result{Index: p.Index, Hash: hash, Params: map[string]Value{}}
	for _, a := range p.Params {
		r.Params[a.Name] = a.Value
	}
	return r
}

// CollectMetrics reads the metrics from the JSON files of runDir.
func CollectMetrics(runDir string, metrics []Metric) (map[string]json.RawMessage, error) {
	docs := map[string]any{}
	out := map[string]json.RawMessage{}
	for _, m := range metrics {
		doc, ok := docs[m.File]
		if !ok {
			b, err := os.ReadFile(filepath.Join(runDir, m.File))
			if err != nil {
				return nil, fmt.Errorf("metric %q: %w", m.Name, err)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				return nil, fmt.Errorf("metric %q: %s: %w", m.Name, m.File, err)
			}
			docs[m.File] = doc
		}
		v, err := Lookup(doc, m.Path)
		if err != nil {
			return nil, fmt.Errorf("metric %q: %s: %w", m.Name, m.File, err)
		}
		switch v.(type) {
		case json.Number, string, bool, nil:
		default:
			return nil, fmt.Errorf("metric %q: %s: %s is an object or a list, not a value", m.Name, m.File, m.Path)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("metric %q: %w", m.Name, err)
		}
		out[m.Name] = b
	}
	return out, nil
}

// Lookup follows a dotted path through decoded JSON: object keys, and
// list indices (from 0; -1 is the last element).
func Lookup(doc any, path string) (any, error) {
	cur := doc
	for i, key := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[key]
			if !ok {
				keys := slices.Sorted(maps.Keys(c))
				if len(keys) > 40 {
					keys = append(keys[:40], "...")
				}
				return nil, fmt.Errorf("no key %q at %q (keys: %s)", key, strings.Join(strings.Split(path, ".")[:i], "."), strings.Join(keys, ", "))
			}
			cur = v
		case []any:
			k, err := strconv.Atoi(key)
			if err == nil && k < 0 {
				k += len(c)
			}
			if err != nil || k < 0 || k >= len(c) {
				return nil, fmt.Errorf("%q is not an index of a list of %d at %q", key, len(c), strings.Join(strings.Split(path, ".")[:i], "."))
			}
			cur = c[k]
		default:
			return nil, fmt.Errorf("%q: %q is a value, not an object", path, strings.Join(strings.Split(path, ".")[:i], "."))
		}
	}
	return cur, nil
}

// SetPath sets a dotted path of a decoded params object to the JSON value
// v; every key on the path must exist already (a typo is an error naming
// the keys there).
func SetPath(doc map[string]any, path string, v Value) error {
	keys := strings.Split(path, ".")
	cur := doc
	for i, k := range keys {
		next, ok := cur[k]
		if !ok {
			have := slices.Sorted(maps.Keys(cur))
			return fmt.Errorf("parameter %q: no key %q in %q (keys: %s)", path, k, strings.Join(keys[:i], "."), strings.Join(have, ", "))
		}
		if i == len(keys)-1 {
			switch next.(type) {
			case map[string]any, []any:
				return fmt.Errorf("parameter %q is an object, not a value", path)
			}
			var x any
			dec := json.NewDecoder(strings.NewReader(string(v)))
			dec.UseNumber()
			if err := dec.Decode(&x); err != nil {
				return fmt.Errorf("parameter %q: %w", path, err)
			}
			cur[k] = x
			return nil
		}
		m, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("parameter %q: %q is a value, not an object", path, strings.Join(keys[:i+1], "."))
		}
		cur = m
	}
	return nil
}

// Prepare makes the sweep folder and stores the canonical spec in it, or
// checks that the one stored there is the same sweep. Shards may call it
// concurrently: the file is written atomically and is the same for all.
func Prepare(dir string, s *Spec) error {
	if err := os.MkdirAll(filepath.Join(dir, PointsDir), 0o755); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	path := filepath.Join(dir, SpecFile)
	if old, err := LoadStored(dir); err == nil {
		if old.Hash() != s.Hash() {
			return fmt.Errorf("sweep: %s holds another sweep (%s differs from this spec); choose another --out", dir, path)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	b, err := s.Canonical()
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return report.WriteFileAtomic(path, b)
}

// LoadStored reads the spec stored in a sweep folder.
func LoadStored(dir string) (*Spec, error) {
	path := filepath.Join(dir, SpecFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", path, err)
	}
	return s, nil
}

// Table is the merged sweep: one row per point found.
type Table struct {
	Spec    *Spec
	Params  []string // parameter columns
	Metrics []Metric
	Rows    []*Result // in index order (only the points found)
	Missing []int     // indices without a valid result
	Invalid []string  // why the present but invalid results were refused
	Failed  int       // points whose run failed
}

// Merge reads every point's result.
func Merge(dir string) (*Table, error) {
	s, err := LoadStored(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("sweep: %s: no %s (not a sweep folder, or no shard has started)", dir, SpecFile)
	}
	if err != nil {
		return nil, err
	}
	pts, err := s.Points()
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	ms, err := s.ParsedMetrics()
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	t := &Table{Spec: s, Params: s.ParamNames(), Metrics: ms}
	hash := s.Hash()
	for _, p := range pts {
		r, err := ReadResult(dir, hash, p, ms)
		if err != nil {
			t.Missing = append(t.Missing, p.Index)
			if !errors.Is(err, ErrNoResult) {
				t.Invalid = append(t.Invalid, err.Error())
			}
			continue
		}
		if r.Error != "" {
			t.Failed++
		}
		t.Rows = append(t.Rows, r)
	}
	return t, nil
}

// CSV returns results.csv's header and rows: index, the parameters, the
// metrics (as the runs wrote them; empty for null), and "error" when a
// run failed. Run times are left out, so that the same sweep gives the
// same bytes however it was sharded.
func (t *Table) CSV() (header []string, rows [][]string) {
	header = append([]string{"index"}, t.Params...)
	for _, m := range t.Metrics {
		header = append(header, m.Name)
	}
	if t.Failed > 0 {
		header = append(header, "error")
	}
	for _, r := range t.Rows {
		row := []string{strconv.Itoa(r.Index)}
		for _, p := range t.Params {
			row = append(row, r.Params[p].String())
		}
		for _, m := range t.Metrics {
			row = append(row, cell(r.Metrics[m.Name]))
		}
		if t.Failed > 0 {
			row = append(row, r.Error)
		}
		rows = append(rows, row)
	}
	return header, rows
}

func cell(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return Value(raw).String()
}

// MetricFloat is a row's metric as a number (NaN when null, missing or
// not a number; booleans are 0 or 1).
func MetricFloat(r *Result, name string) float64 {
	raw := r.Metrics[name]
	switch string(raw) {
	case "true":
		return 1
	case "false":
		return 0
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return nan()
	}
	return f
}

// Varied are the parameters (seed excluded) taking more than one value
// among the rows, in column order.
func (t *Table) Varied() []string {
	var out []string
	for _, p := range t.Params {
		if p == SeedParam {
			continue
		}
		var seen []Value
		for _, r := range t.Rows {
			if v := r.Params[p]; !slices.Contains(seen, v) {
				seen = append(seen, v)
			}
		}
		if len(seen) > 1 {
			out = append(out, p)
		}
	}
	return out
}
