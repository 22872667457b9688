package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOutputsAreWrittenAtomically audits the module's non-test sources:
// outputs are written through WriteFileAtomic (or a temporary file and a
// rename), never by creating or truncating the final file in place, so a
// killed run never leaves a half-written file. The allowed exceptions write
// elsewhere than to an output folder.
func TestOutputsAreWrittenAtomically(t *testing.T) {
	allowed := map[string]string{
		"report/files.go":            "WriteFileAtomic itself",
		"report/lock.go":             "the output folder's lock file, not an output",
		"dataset/idx.go":             "WriteIDX: temporary file and rename",
		"device/params.go":           "SaveParams: temporary file and rename",
		"circuit/ngspice.go":         "netlists in ngspice's private temporary folder",
		"internal/kernel/gen_asm.go": "go:generate tool",
		"internal/asmgen/file.go":    "the go:generate tools' output (internal/kernel/gen_asm.go, neuron/gen_asm.go)",
	}
	direct := regexp.MustCompile(`os\.(Create|WriteFile|OpenFile)\(|ioutil\.WriteFile\(`)
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := direct.FindIndex(b); loc != nil {
			if _, ok := allowed[rel]; !ok {
				line := strings.Count(string(b[:loc[0]]), "\n") + 1
				t.Errorf("%s:%d writes a file in place (%s); use report.WriteFileAtomic", rel, line, b[loc[0]:loc[1]])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
