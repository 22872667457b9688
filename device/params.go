package device

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mrelu/mrelu/internal/atomicfile"
	"github.com/mrelu/mrelu/internal/clip"
	"github.com/mrelu/mrelu/internal/strictjson"
)

// Params is the device parameter set of one neuron, as stored in JSON.
// Keys are snake_case with the unit in the name (for example "v_th_V",
// "r_d_ohm", "mobility_m2_per_Vs"); see the struct tags of Memristor and
// TFT.
type Params struct {
	Memristor Memristor `json:"memristor"`
	TFT       TFT       `json:"tft"`
	// Settings is a free-form record of the command and settings that wrote
	// the file (commands add it to their params.json); it is kept verbatim
	// and ignored by every model, so any run's params.json loads again.
	Settings *json.RawMessage `json:"settings,omitempty"`
}

// DefaultParams returns the default memristor and TFT.
func DefaultParams() Params {
	return Params{Memristor: DefaultMemristor(), TFT: DefaultTFT()}
}

// Validate validates both devices; the error names the device, field and
// JSON key.
func (p *Params) Validate() error {
	if err := p.Memristor.Validate(); err != nil {
		return err
	}
	return p.TFT.Validate()
}

// MaxParamsBytes bounds every parameter file, whichever loader reads it
// (device, neuron and crossbar parameters, the params.json of any run, a
// fig4 study's checkpoint/fig4.json); real ones are < 10 kB.
const MaxParamsBytes = 1 << 20

// ErrParamsTooLarge is wrapped by the error for a parameter file larger
// than MaxParamsBytes.
var ErrParamsTooLarge = errors.New("larger than 1 MiB")

// ReadParamsData reads a parameter document of at most MaxParamsBytes;
// name labels the error ("params file NAME is larger than 1 MiB (the
// limit for a parameter file)"), instead of a JSON decoder's "unexpected
// end of JSON input" on a cut document.
func ReadParamsData(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxParamsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("params file %s: %w", name, err)
	}
	if len(data) > MaxParamsBytes {
		return nil, fmt.Errorf("params file %s is %w (the limit for a parameter file)", name, ErrParamsTooLarge)
	}
	return data, nil
}

// DecodeParams reads a Params JSON document. Keys that are absent keep
// their default values; unknown keys, trailing data and invalid values are
// errors that name the key. The document is at most MaxParamsBytes.
//
// A top-level "neuron" object (the circuit parameters of a neuron, edges,
// fig4, train or paper run's params.json) is skipped, so the params.json
// of any run loads here; package params (params.Load) reads the whole
// file, neuron parameters included, and checks them.
func DecodeParams(r io.Reader) (Params, error) {
	p := DefaultParams()
	data, err := io.ReadAll(io.LimitReader(r, MaxParamsBytes+1))
	if err != nil {
		return p, fmt.Errorf("device: params: %w", err)
	}
	if len(data) > MaxParamsBytes {
		return p, fmt.Errorf("device: params: the document is %w (the limit for a parameter file)", ErrParamsTooLarge)
	}
	data = skipNeuron(data)
	if err := strictjson.Decode(data, &p); err != nil {
		return DefaultParams(), fmt.Errorf("device: params: %w", clip.Error(err))
	}
	if err := p.Validate(); err != nil {
		return DefaultParams(), fmt.Errorf("params: %w", err)
	}
	return p, nil
}

// skipNeuron returns data without its top-level "neuron" member, when data
// is a JSON object that has one; otherwise data unchanged (the strict
// decoder then reports what is wrong with it).
func skipNeuron(data []byte) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return data
	}
	if _, ok := top["neuron"]; !ok {
		return data
	}
	delete(top, "neuron")
	b, err := json.Marshal(top)
	if err != nil {
		return data
	}
	return b
}

// EncodeParams writes p as indented JSON after validating it.
func EncodeParams(w io.Writer, p Params) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("device: params: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// LoadParams reads a Params JSON file (see DecodeParams).
func LoadParams(path string) (Params, error) {
	f, err := os.Open(path)
	if err != nil {
		return DefaultParams(), fmt.Errorf("device: %w", err)
	}
	defer f.Close()
	p, err := DecodeParams(f)
	if err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// SaveParams writes p to path as indented JSON (see EncodeParams), through
// a temporary file in the same folder and a rename, so a reader never sees
// a partial file.
func SaveParams(path string, p Params) error {
	var buf bytes.Buffer
	if err := EncodeParams(&buf, p); err != nil {
		return err
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("device: saving %s: %w", path, err)
	}
	return nil
}
