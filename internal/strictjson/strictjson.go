package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// ErrTrailing is returned by Decode when something follows the value.
var ErrTrailing = errors.New("unexpected data after the JSON object")

// Decode decodes data, which must hold exactly one JSON value, into v.
// An object key that v has no field for is an error (that of
// encoding/json, naming the key), and so is anything but white space
// after the value (ErrTrailing).
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailing
	}
	return nil
}
