package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version", "-version"} {
		var so, se bytes.Buffer
		if code := run([]string{arg}, &so, &se); code != 0 || se.Len() != 0 {
			t.Fatalf("%s: exit %d, stderr %q", arg, code, se.String())
		}
		line := strings.TrimSpace(so.String())
		if !strings.HasPrefix(line, "mrelu ") || !strings.HasSuffix(line, runtime.Version()) || strings.Count(so.String(), "\n") != 1 {
			t.Errorf("%s: %q", arg, so.String())
		}
	}
}
