package main

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// versionLine is what `mrelu --version` prints: the module version, the
// source revision the binary was built from (with "+dirty" when the tree
// had changes) and the Go version, from the build information.
func versionLine() string {
	v, rev, dirty := "(devel)", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	var b strings.Builder
	b.WriteString("mrelu " + v)
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		b.WriteString(" (" + rev)
		if dirty {
			b.WriteString("+dirty")
		}
		b.WriteString(")")
	}
	b.WriteString(" " + runtime.Version())
	return b.String()
}
