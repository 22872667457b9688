package clip

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	if got := String("short"); got != "short" {
		t.Errorf("short: %q", got)
	}
	got := String(strings.Repeat("é", 1000))
	if !strings.HasSuffix(got, "... (2000 bytes)") || len(got) > Quoted+20 || !strings.HasPrefix(got, "éé") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("long: %q", got)
	}
}

func TestError(t *testing.T) {
	if Error(nil) != nil || Error(io.EOF) != io.EOF {
		t.Error("short errors must pass unchanged")
	}
	long := errors.Join(io.ErrUnexpectedEOF, errors.New(strings.Repeat("x", 10000)))
	err := Error(long)
	if len(err.Error()) > Message+40 || !strings.HasSuffix(err.Error(), "bytes more)") {
		t.Errorf("long: %d bytes: %.400q", len(err.Error()), err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("the cut error no longer wraps the original")
	}
}
