package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	st, _ := os.Stat(p)
	if err != nil || string(b) != "new" || st.Mode().Perm() != 0o644 {
		t.Errorf("read %q (%v), mode %v", b, err, st.Mode())
	}
	if e, _ := os.ReadDir(dir); len(e) != 1 {
		t.Errorf("%d entries left in the folder, want 1", len(e))
	}
	if err := Write(filepath.Join(dir, "missing", "b"), nil); err == nil {
		t.Error("no error for a missing folder")
	}
}
