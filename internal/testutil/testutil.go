package testutil

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"testing"
)

// RequireNgspice returns the path of ngspice. Without ngspice on PATH it
// skips t when the environment variable CI is unset and fails t when it
// is set: in CI the cross-check named by check (say "the ngspice
// cross-check") must run.
func RequireNgspice(t testing.TB, check string) string {
	t.Helper()
	exe, err := exec.LookPath("ngspice")
	if err != nil {
		if ci := os.Getenv("CI"); ci != "" {
			t.Fatalf("ngspice is not on PATH but CI=%q is set: %s must run in CI (apt-get install -y ngspice)", ci, check)
		}
		t.Skipf("skipping %s: ngspice is not on PATH and CI is unset (apt-get install -y ngspice to run it)", check)
	}
	return exe
}

// MaxErrorBytes is the longest error message a decoder may give for a
// refused input: a longer one quotes the input.
const MaxErrorBytes = 400

// Accepted is the common part of a decoder's fuzz target: it reports
// whether the decoder accepted the input, that is whether err is nil. A
// refusal fails t when its message is longer than MaxErrorBytes (it
// quotes the input); an accepted value must pass validate.
func Accepted(t testing.TB, err error, validate func() error) bool {
	t.Helper()
	if err != nil {
		if len(err.Error()) > MaxErrorBytes {
			t.Fatalf("error of %d bytes quotes the input: %.100q", len(err.Error()), err)
		}
		return false
	}
	if err := validate(); err != nil {
		t.Fatalf("accepted an invalid value: %v", err)
	}
	return true
}

// ReEncodes checks that v encodes and that its encoding decodes to a
// value that encodes to the same bytes.
func ReEncodes[T any](t testing.TB, v T, encode func(T, io.Writer) error, decode func(io.Reader) (T, error)) {
	t.Helper()
	var a, b bytes.Buffer
	if err := encode(v, &a); err != nil {
		t.Fatalf("cannot encode an accepted value: %v", err)
	}
	w, err := decode(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatalf("re-decoding: %v", err)
	}
	if err := encode(w, &b); err != nil {
		t.Fatalf("cannot encode the re-decoded value: %v", err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("round trip changed the encoding:\n%s\n%s", a.Bytes(), b.Bytes())
	}
}
