package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Experiments are the experiment names a spec may give.
var Experiments = []string{"neuron transfer", "neuron pulse", "edges", "train", "fig4"}

// ParamSections are the top-level objects of a params.json: a sweep
// parameter whose name starts with one of them and a dot is a params.json
// path; any other name is a flag of the experiment.
var ParamSections = []string{"memristor", "tft", "neuron"}

// SeedParam is the parameter that error bars average over.
const SeedParam = "seed"

// Spec is a sweep: one experiment, its fixed flags and base parameters,
// the design and the metrics to collect.
type Spec struct {
	// Name labels the sweep (plots, the Kubernetes job); optional.
	Name string `json:"name,omitempty"`
	// Experiment is one of Experiments.
	Experiment string `json:"experiment"`
	// Params is a params.json to start from (device "memristor" and "tft",
	// optional "neuron"), relative to the spec file; empty: the defaults.
	// Load inlines it into BaseParams.
	Params string `json:"params,omitempty"`
	// BaseParams is the content of Params (filled by Load; a spec may
	// give it inline instead).
	BaseParams json.RawMessage `json:"base_params,omitempty"`
	// Flags are the experiment's fixed flags (name without dashes →
	// value), the same for every point.
	Flags map[string]Value `json:"flags,omitempty"`
	// Grid is the full-factorial part of the design.
	Grid []Axis `json:"grid,omitempty"`
	// Random is the random part of the design: each sample is combined
	// with every grid point.
	Random *Random `json:"random,omitempty"`
	// Seeds repeats every design point with each seed (the innermost,
	// fastest-varying axis, the flag "seed"): the error bars of merge.
	Seeds []Value `json:"seeds,omitempty"`
	// Metrics are collected from each run: "[alias=][file:]path", a
	// dotted path into the run's JSON output (default file: the
	// experiment's summary, DefaultMetricFile).
	Metrics []string `json:"metrics"`
}

// Axis is one parameter of the grid: explicit values, or N values from
// From to To (equally spaced, or in equal ratios with Log).
type Axis struct {
	Param  string   `json:"param"`
	Values []Value  `json:"values,omitempty"`
	From   *float64 `json:"from,omitempty"`
	To     *float64 `json:"to,omitempty"`
	N      int      `json:"n,omitempty"`
	Log    bool     `json:"log,omitempty"`
}

// Random draws Samples points, each parameter uniformly in [Min, Max]
// (log-uniformly with Log; rounded to an integer with Int), from a
// generator seeded with Seed.
type Random struct {
	Samples int           `json:"samples"`
	Seed    uint64        `json:"seed"`
	Params  []RandomParam `json:"params"`
}

// RandomParam is one randomly drawn parameter.
type RandomParam struct {
	Param string  `json:"param"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Log   bool    `json:"log,omitempty"`
	Int   bool    `json:"int,omitempty"`
}

// Value is a parameter value: the compact JSON text of a number, string
// or boolean, kept as written so that a point's parameters are exact.
type Value string

// UnmarshalJSON accepts a JSON number, string or boolean.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return errors.New("empty value")
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	case 't', 'f':
		var x bool
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
	case '{', '[', 'n':
		return fmt.Errorf("value %s: want a number, a string or true/false", b)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
	}
	*v = Value(b)
	return nil
}

// MarshalJSON writes the JSON text.
func (v Value) MarshalJSON() ([]byte, error) {
	if v == "" {
		return []byte("null"), nil
	}
	return []byte(v), nil
}

// String is the value as a flag or a CSV cell: a string unquoted, a
// number or boolean as written.
func (v Value) String() string {
	if strings.HasPrefix(string(v), `"`) {
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			return s
		}
	}
	return string(v)
}

// Float is the value as a number (ok false for strings and booleans).
func (v Value) Float() (float64, bool) {
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil
}

// NumberValue formats f with 6 significant digits (random draws and
// ranges), so that the value used is the one written.
func NumberValue(f float64) Value {
	return Value(strconv.FormatFloat(f, 'g', 6, 64))
}

// IsParamPath reports whether name is a params.json path (memristor.…,
// tft.…, neuron.…) rather than a flag.
func IsParamPath(name string) bool {
	sec, _, ok := strings.Cut(name, ".")
	return ok && slices.Contains(ParamSections, sec)
}

// DefaultMetricFile is the JSON file of a run that metrics are read from
// when they name none.
func DefaultMetricFile(experiment string) string {
	switch experiment {
	case "neuron transfer":
		return "transfer.json"
	case "neuron pulse":
		return "pulse.json"
	case "edges":
		return "edges.json"
	}
	return "summary.json"
}

// Metric is a parsed metric of a spec.
type Metric struct {
	Name string // column name
	File string // JSON file, relative to the run folder
	Path string // dotted path inside it
}

// ParseMetric reads "[alias=][file:]path".
func ParseMetric(s, experiment string) (Metric, error) {
	m := Metric{}
	rest := strings.TrimSpace(s)
	if a, r, ok := strings.Cut(rest, "="); ok {
		m.Name, rest = strings.TrimSpace(a), strings.TrimSpace(r)
	}
	if f, p, ok := strings.Cut(rest, ":"); ok {
		m.File, m.Path = strings.TrimSpace(f), strings.TrimSpace(p)
	} else {
		m.File, m.Path = DefaultMetricFile(experiment), rest
	}
	if m.Name == "" {
		m.Name = m.Path
	}
	if m.Path == "" || m.File == "" || strings.Contains(m.File, "..") || strings.HasPrefix(m.File, "/") {
		return m, fmt.Errorf("metric %q: want [alias=][file:]dotted.path, with file inside the run folder", s)
	}
	if strings.ContainsAny(m.Name, ",\"\n") {
		return m, fmt.Errorf("metric %q: the name may not contain commas, quotes or newlines", s)
	}
	return m, nil
}

// Metrics returns the parsed metrics.
func (s *Spec) ParsedMetrics() ([]Metric, error) {
	var out []Metric
	seen := map[string]bool{}
	for _, x := range s.Metrics {
		m, err := ParseMetric(x, s.Experiment)
		if err != nil {
			return nil, err
		}
		if seen[m.Name] {
			return nil, fmt.Errorf("metric %q given twice (name them apart with alias=path)", m.Name)
		}
		seen[m.Name] = true
		out = append(out, m)
	}
	return out, nil
}

// Load reads a spec file, inlines its params file and validates it.
func Load(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	s, err := Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", path, err)
	}
	if s.Params != "" {
		if len(s.BaseParams) > 0 {
			return nil, fmt.Errorf("sweep: %s: give either \"params\" or \"base_params\", not both", path)
		}
		pp := s.Params
		if !strings.HasPrefix(pp, "/") {
			pp = joinDir(path, pp)
		}
		pb, err := os.ReadFile(pp)
		if err != nil {
			return nil, fmt.Errorf("sweep: %s: params: %w", path, err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, pb); err != nil {
			return nil, fmt.Errorf("sweep: %s: params %s: %w", path, pp, err)
		}
		s.BaseParams = c.Bytes()
	}
	return s, nil
}

func joinDir(file, rel string) string {
	if i := strings.LastIndex(file, "/"); i >= 0 {
		return file[:i+1] + rel
	}
	return rel
}

// Decode reads a spec (unknown keys are errors) and validates it.
func Decode(r io.Reader) (*Spec, error) {
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the spec")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate names the first problem of the spec.
func (s *Spec) Validate() error {
	if !slices.Contains(Experiments, s.Experiment) {
		return fmt.Errorf("experiment %q: want one of %s", s.Experiment, strings.Join(Experiments, ", "))
	}
	if len(s.Metrics) == 0 {
		return errors.New("no metrics: list the values to collect, e.g. \"metrics\": [\"r2\"]")
	}
	if _, err := s.ParsedMetrics(); err != nil {
		return err
	}
	seen := map[string]bool{}
	add := func(name string) error {
		if err := checkName(name); err != nil {
			return err
		}
		if seen[name] {
			return fmt.Errorf("parameter %q is swept twice", name)
		}
		if _, ok := s.Flags[name]; ok {
			return fmt.Errorf("parameter %q is both a fixed flag and swept", name)
		}
		seen[name] = true
		return nil
	}
	for name := range s.Flags {
		if IsParamPath(name) {
			return fmt.Errorf("flags: %q is a params.json path: sweep it, or put it in the params file", name)
		}
		if err := checkName(name); err != nil {
			return fmt.Errorf("flags: %w", err)
		}
		if slices.Contains([]string{"out", "force", "params", "resume"}, name) {
			return fmt.Errorf("flags: --%s is set by the sweep itself", name)
		}
	}
	for i, a := range s.Grid {
		if err := add(a.Param); err != nil {
			return fmt.Errorf("grid axis %d: %w", i+1, err)
		}
		if _, err := a.values(); err != nil {
			return fmt.Errorf("grid axis %q: %w", a.Param, err)
		}
	}
	if r := s.Random; r != nil {
		if r.Samples < 1 || r.Samples > 1_000_000 {
			return fmt.Errorf("random: samples %d out of range 1..1000000", r.Samples)
		}
		if len(r.Params) == 0 {
			return errors.New("random: no params")
		}
		for _, p := range r.Params {
			if err := add(p.Param); err != nil {
				return fmt.Errorf("random: %w", err)
			}
			if !(p.Max >= p.Min) || math.IsInf(p.Min, 0) || math.IsInf(p.Max, 0) {
				return fmt.Errorf("random %q: want finite min <= max", p.Param)
			}
			if p.Log && !(p.Min > 0) {
				return fmt.Errorf("random %q: log needs min > 0", p.Param)
			}
		}
	}
	if len(s.Seeds) > 0 {
		if err := add(SeedParam); err != nil {
			return fmt.Errorf("seeds: %w", err)
		}
		for _, v := range s.Seeds {
			if _, err := strconv.ParseUint(string(v), 10, 64); err != nil {
				return fmt.Errorf("seeds: %s is not a non-negative integer", v)
			}
		}
	}
	if s.Count() > maxPoints {
		return fmt.Errorf("more than %d points", maxPoints)
	}
	if len(s.BaseParams) > 0 {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(s.BaseParams, &top); err != nil {
			return fmt.Errorf("base params: %w", err)
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" {
		return errors.New("empty parameter name")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return fmt.Errorf("parameter %q: names are letters, digits, '_', '-' and '.'", name)
		}
	}
	return nil
}

// values returns the axis's values.
func (a Axis) values() ([]Value, error) {
	if len(a.Values) > 0 {
		if a.From != nil || a.To != nil || a.N != 0 {
			return nil, errors.New("give either values or from/to/n")
		}
		return a.Values, nil
	}
	if a.From == nil || a.To == nil || a.N < 1 {
		return nil, errors.New("no values: give \"values\": [...] or \"from\", \"to\" and \"n\"")
	}
	lo, hi := *a.From, *a.To
	if a.Log && !(lo > 0 && hi > 0) {
		return nil, errors.New("log needs from and to > 0")
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || a.N > 100000 {
		return nil, errors.New("from/to must be finite and n at most 100000")
	}
	out := make([]Value, a.N)
	for i := range out {
		t := 0.0
		if a.N > 1 {
			t = float64(i) / float64(a.N-1)
		}
		v := lo + t*(hi-lo)
		if a.Log {
			v = math.Exp(math.Log(lo) + t*(math.Log(hi)-math.Log(lo)))
		}
		out[i] = NumberValue(v)
	}
	return out, nil
}

// Count is the number of points (saturating just above maxPoints, so
// that it never overflows).
func (s *Spec) Count() int {
	n := 1
	mul := func(k int) {
		if k > 0 && n > maxPoints/k {
			n = maxPoints + 1
			return
		}
		n *= k
	}
	for _, a := range s.Grid {
		v, _ := a.values()
		mul(len(v))
	}
	if s.Random != nil {
		mul(s.Random.Samples)
	}
	if len(s.Seeds) > 0 {
		mul(len(s.Seeds))
	}
	return n
}

// maxPoints is the largest sweep.
const maxPoints = 10_000_000

// ParamNames are the swept parameters in column order: the grid axes, the
// random parameters, then the seed.
func (s *Spec) ParamNames() []string {
	var out []string
	for _, a := range s.Grid {
		out = append(out, a.Param)
	}
	if s.Random != nil {
		for _, p := range s.Random.Params {
			out = append(out, p.Param)
		}
	}
	if len(s.Seeds) > 0 {
		out = append(out, SeedParam)
	}
	return out
}

// Canonical is the spec as stored in a sweep folder (sweep.json): indented
// JSON with the base parameters inlined.
func (s *Spec) Canonical() ([]byte, error) {
	c := *s
	c.Params = "" // inlined in BaseParams
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Hash identifies the sweep: the SHA-256 of the compact canonical spec
// (the name and the params file's own name excluded). Results of another
// hash are not this sweep's.
func (s *Spec) Hash() string {
	c := *s
	c.Name, c.Params = "", ""
	b, _ := json.Marshal(&c)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
