package params

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/atomicfile"
	"github.com/mrelu/mrelu/internal/clip"
	"github.com/mrelu/mrelu/neuron"
)

// Setup is the hardware of one neuron: the memristor and TFT models and
// the 2T-1M circuit built from them (neuron.Build(s.Device, s.Neuron)).
//
// Embedded in a configuration, it writes "device" and "neuron" keys.
type Setup struct {
	Device device.Params `json:"device"`
	Neuron neuron.Params `json:"neuron"`
}

// Default returns the default device and neuron (the design of
// docs/neuron.md: VDD = 2 V, memristor threshold 1.98 V).
func Default() Setup {
	return Setup{Device: device.DefaultParams(), Neuron: neuron.DefaultParams()}
}

// Validate validates the device and the neuron parameters; the error names
// the field and its JSON key.
func (s Setup) Validate() error {
	if err := s.Device.Validate(); err != nil {
		return err
	}
	return s.Neuron.Validate()
}

// WithVDD returns s with the neuron's supply set to vdd (V), as --vdd
// does; the error names --vdd.
func (s Setup) WithVDD(vdd float64) (Setup, error) {
	if !(vdd > 0) || math.IsInf(vdd, 0) {
		return s, fmt.Errorf("--vdd %g: the supply must be a positive number of volts", vdd)
	}
	s.Neuron.VDD = vdd
	if err := s.Neuron.Validate(); err != nil {
		return s, fmt.Errorf("--vdd %g: %w", vdd, err)
	}
	return s, nil
}

// Margin returns the operating margin VDD − Vth in V: the supply above the
// memristor's threshold (0.02 V in the default design, docs/neuron.md §1a;
// for a tabulated memristor the threshold is its hold voltage at zero
// current, device.Memristor.Threshold).
func (s Setup) Margin() float64 { return s.Neuron.VDD - s.Device.Memristor.Threshold() }

// The top-level keys of a parameter file.
const (
	KeyMemristor = "memristor"
	KeyTFT       = "tft"
	KeyNeuron    = "neuron"
	KeySettings  = "settings"
)

// Keys lists the top-level keys a parameter file may hold.
var Keys = []string{KeyMemristor, KeyTFT, KeyNeuron, KeySettings}

// ErrUnknownKey is wrapped by the error for a top-level key that is not
// one of Keys.
var ErrUnknownKey = errors.New("unknown key")

// File is the JSON form of a parameter file as Encode writes it.
type File struct {
	Memristor device.Memristor `json:"memristor"`
	TFT       device.TFT       `json:"tft"`
	Neuron    neuron.Params    `json:"neuron"`
	// Settings records the command and setting that wrote the file; it
	// is omitted when nil and skipped by Decode.
	Settings any `json:"settings,omitempty"`
}

// Decode reads a parameter document (see the package documentation) of at
// most device.MaxParamsBytes. On error it returns Default() and an error
// naming the key; it never quotes more than a few dozen bytes of the
// input.
func Decode(r io.Reader) (Setup, error) {
	data, err := device.ReadParamsData(r, "document")
	if err != nil {
		return Default(), err
	}
	return decode(data)
}

func decode(data []byte) (Setup, error) {
	s := Default()
	top, err := topLevel(data)
	if err != nil {
		return Default(), err
	}
	for _, o := range []struct {
		key string
		dst any
	}{{KeyMemristor, &s.Device.Memristor}, {KeyTFT, &s.Device.TFT}, {KeyNeuron, &s.Neuron}} {
		raw, ok := top[o.key]
		if !ok {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(o.dst); err != nil {
			return Default(), fmt.Errorf("%q: %w", o.key, clip.Error(err))
		}
	}
	if err := s.Device.Validate(); err != nil {
		return Default(), err
	}
	if err := s.Neuron.Validate(); err != nil {
		return Default(), fmt.Errorf("%q: %w", KeyNeuron, err)
	}
	return s, nil
}

// topLevel splits the document into its top-level members, refusing
// anything but one JSON object of known, distinct keys.
func topLevel(data []byte) (map[string]json.RawMessage, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, fmt.Errorf("not a JSON object of parameters: %w", clip.Error(err))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object of parameters (the document starts with %s)", clip.String(fmt.Sprint(tok)))
	}
	top := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not a JSON object of parameters: %w", clip.Error(err))
		}
		k, _ := tok.(string)
		if !isKey(k) {
			return nil, fmt.Errorf("%w %q (a parameter file holds %s)", ErrUnknownKey, clip.String(k), strings.Join(quoted(Keys), ", "))
		}
		if _, dup := top[k]; dup {
			return nil, fmt.Errorf("key %q appears twice", k)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%q: %w", k, clip.Error(err))
		}
		top[k] = raw
	}
	return top, nil
}

func isKey(k string) bool {
	for _, x := range Keys {
		if k == x {
			return true
		}
	}
	return false
}

func quoted(v []string) []string {
	out := make([]string, len(v))
	for k, s := range v {
		out[k] = fmt.Sprintf("%q", s)
	}
	return out
}

// Load reads the parameter file at path (see Decode); every error names
// the file.
func Load(path string) (Setup, error) {
	f, err := os.Open(path)
	if err != nil {
		return Default(), err // *PathError: names the file
	}
	defer f.Close()
	data, err := device.ReadParamsData(f, path)
	if err != nil {
		return Default(), err
	}
	s, err := decode(data)
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Encode writes s, with the record settings (nil: none), as indented
// JSON in the form Decode reads, after validating s.
func Encode(w io.Writer, s Setup, settings any) error {
	b, err := marshal(s, settings)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func marshal(s Setup, settings any) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	b, err := json.MarshalIndent(File{Memristor: s.Device.Memristor, TFT: s.Device.TFT, Neuron: s.Neuron, Settings: settings}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	return append(b, '\n'), nil
}

// Save writes s and settings to path (see Encode) through a temporary
// file in the same folder and a rename, so a reader never sees a partial
// file.
func Save(path string, s Setup, settings any) error {
	b, err := marshal(s, settings)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("params: saving %s: %w", path, err)
	}
	return nil
}

// Settings is the "settings" record the commands write: the command and
// the setting it ran with.
type Settings struct {
	Command string `json:"command"`
	Config  any    `json:"config,omitempty"`
}

// Equal reports whether s and o are the same setup (a tabulated
// memristor compared by its rows, device.Memristor.Equal).
func (s Setup) Equal(o Setup) bool {
	return s.Device.Memristor.Equal(o.Device.Memristor) && s.Device.TFT == o.Device.TFT &&
		s.Device.Settings == o.Device.Settings && s.Neuron == o.Neuron
}
