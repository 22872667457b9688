package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// What a shard needs to run a point: its description, its experiment
// flags, its folder and its params.json.

// Describe is the point's parameters as "name=value" pairs separated by
// spaces, in ParamNames order (its line in `sweep list` and a shard's
// progress).
func (p Point) Describe() string {
	parts := make([]string, len(p.Params))
	for i, a := range p.Params {
		parts[i] = a.Name + "=" + a.Value.String()
	}
	return strings.Join(parts, " ")
}

// PointFlags are the experiment's flags of point p (name → value): the
// spec's fixed flags and the point's swept parameters that are flags
// rather than params.json paths.
func (s *Spec) PointFlags(p Point) map[string]string {
	f := map[string]string{}
	for k, v := range s.Flags {
		f[k] = v.String()
	}
	for _, a := range p.Params {
		if !IsParamPath(a.Name) {
			f[a.Name] = a.Value.String()
		}
	}
	return f
}

// FlagArgs are flags as command-line arguments "--name=value", sorted by
// name.
func FlagArgs(f map[string]string) []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, "--"+k+"="+f[k])
	}
	return out
}

// PointParams makes the params.json of each point: the sweep's base
// parameters (a complete params.json, JSON) with the point's params.json
// paths set. Every point sets the same paths, so the base is decoded once
// and overwritten point after point: a PointParams is not safe for
// concurrent use.
type PointParams struct {
	base []byte
	doc  map[string]any // the decoded base, nil until the first point
}

// NewPointParams returns the params.json maker of a sweep whose base
// parameters are base.
func NewPointParams(base []byte) *PointParams { return &PointParams{base: base} }

// For returns point p's params.json (indented JSON). A params.json path
// of p that the base does not have is an error naming it (SetPath).
func (pp *PointParams) For(p Point) ([]byte, error) {
	if pp.doc == nil {
		dec := json.NewDecoder(bytes.NewReader(pp.base))
		dec.UseNumber()
		if err := dec.Decode(&pp.doc); err != nil {
			return nil, err
		}
	}
	for _, a := range p.Params {
		if IsParamPath(a.Name) {
			if err := SetPath(pp.doc, a.Name, a.Value); err != nil {
				return nil, err
			}
		}
	}
	b, err := json.MarshalIndent(pp.doc, "", "  ")
	return append(b, '\n'), err
}

// ResetPointDir makes point index's folder (PointDir) and returns it. A
// folder already there (there, or found on making it) is removed first: a
// point that ran before without a valid result starts again.
func ResetPointDir(dir string, index int, there bool) (string, error) {
	pd := PointDir(dir, index)
	err := os.Mkdir(pd, 0o755)
	if there || errors.Is(err, os.ErrExist) {
		if err = os.RemoveAll(pd); err == nil {
			err = os.Mkdir(pd, 0o755)
		}
	}
	if err != nil {
		return "", fmt.Errorf("sweep: point %d: %w", index, err)
	}
	return pd, nil
}
